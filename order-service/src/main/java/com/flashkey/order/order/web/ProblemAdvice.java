package com.flashkey.order.order.web;

import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.reactive.function.client.WebClientException;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.util.DisconnectedClientHelper;

import com.flashkey.order.catalog.CatalogUnavailableException;
import com.flashkey.order.catalog.ProductNotFoundException;
import com.flashkey.order.idempotency.IdempotencyMismatchException;
import com.flashkey.order.idempotency.RequestInProgressException;
import com.flashkey.order.inventory.InventoryUnavailableException;
import com.flashkey.order.order.EventsUnavailableException;
import com.flashkey.order.order.OrderBusyException;
import com.flashkey.order.order.OrderNotCancellableException;
import com.flashkey.order.order.OrderNotDeliveredException;
import com.flashkey.order.order.OrderNotFoundException;

/**
 * Maps every failure of this service to RFC 9457 problem+json with a stable type; never a stack trace. Precedence, as
 * in every service: the domain's problems, then Spring's 4xx refusals with their own status, then 500.
 */
@RestControllerAdvice
class ProblemAdvice {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    @ExceptionHandler
    ResponseEntity<ProblemDetail> mismatch(IdempotencyMismatchException ex) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-mismatch", ex.getMessage(), null);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> inProgress(RequestInProgressException ex) {
        return problem(HttpStatus.CONFLICT, "conflict", ex.getMessage(), Duration.ofSeconds(1));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> notDelivered(OrderNotDeliveredException ex) {
        return problem(HttpStatus.CONFLICT, "conflict", ex.getMessage(), null);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> notCancellable(OrderNotCancellableException ex) {
        ResponseEntity<ProblemDetail> response = problem(HttpStatus.CONFLICT, "not-cancellable", ex.getMessage(), null);
        response.getBody().setProperty("orderStatus", ex.status().name());
        return response;
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> busy(OrderBusyException ex) {
        log.warn("{}: {}", ex.getMessage(), String.valueOf(ex.getCause()));
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "the order cannot be changed right now",
                Duration.ofSeconds(1));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> productNotFound(ProductNotFoundException ex) {
        return problem(HttpStatus.NOT_FOUND, "not-found", ex.getMessage(), null);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> orderNotFound(OrderNotFoundException ex) {
        return problem(HttpStatus.NOT_FOUND, "not-found", ex.getMessage(), null);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> rateLimited(RateLimitedException ex) {
        return problem(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", ex.getMessage(), ex.retryAfter());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> inventoryDown(InventoryUnavailableException ex) {
        log.warn("{}: {}", ex.getMessage(), String.valueOf(ex.getCause()));
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "stock cannot be reserved right now",
                ex.retryAfter());
    }

    @ExceptionHandler({ CatalogUnavailableException.class, EventsUnavailableException.class })
    ResponseEntity<ProblemDetail> unavailable(RuntimeException ex) {
        log.warn("{}: {}", ex.getMessage(), String.valueOf(ex.getCause()));
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "the order service cannot take orders right now",
                Duration.ofSeconds(2));
    }

    /** Redis or a shard timed out or is unreachable: a transient outage, not a bug. */
    @ExceptionHandler({ TransientDataAccessException.class, DataAccessResourceFailureException.class })
    ResponseEntity<ProblemDetail> storeUnavailable(RuntimeException ex) {
        log.warn("store unavailable: {}", ex.toString());
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "the order service is overloaded or degraded",
                Duration.ofSeconds(1));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> invalidBody(WebExchangeBindException ex) {
        return invalid(ex.getFieldErrors().stream()
                .map(e -> Problems.fieldError(e.getField(), String.valueOf(e.getDefaultMessage()))).toList());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> invalidParameter(HandlerMethodValidationException ex) {
        return invalid(ex.getParameterValidationResults().stream()
                .flatMap(r -> r.getResolvableErrors().stream().map(e -> Problems.fieldError(
                        String.valueOf(r.getMethodParameter().getParameterName()),
                        String.valueOf(e.getDefaultMessage()))))
                .toList());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> badInput(ServerWebInputException ex) {
        if (ex instanceof MissingRequestValueException missing) {
            return badRequest(Problems.missing(missing.getName()));
        }
        return problem(HttpStatus.BAD_REQUEST, Problems.VALIDATION, Problems.UNREADABLE, null);
    }

    /**
     * Spring's own refusals (no route 404, wrong method 405, Accept 406, media type 415, body too large 413, ...)
     * keep their status, with a type by status ({@link Problems#codeFor}): the client's mistake, no stack trace.
     */
    @ExceptionHandler
    Mono<ResponseEntity<ProblemDetail>> framework(ErrorResponseException ex) {
        if (!ex.getStatusCode().is4xxClientError()) {
            return unexpected(ex);
        }
        log.debug("refused with {}: {}", ex.getStatusCode().value(), ex.getMessage());
        return Mono.just(Problems.framework(ex));
    }

    @ExceptionHandler
    Mono<ResponseEntity<ProblemDetail>> unexpected(Exception ex) {
        if (clientWentAway(ex)) {
            // The client hung up (reactor-netty AbortedException, connection reset, broken pipe): nobody is left
            // to answer, and it is not our failure.
            log.debug("client went away: {}", ex.toString());
            return Mono.empty();
        }
        log.error("unexpected failure", ex);
        return Mono.just(
                problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "something went wrong on our side", null));
    }

    /** Spring's check (type names and messages of a hang-up), plus a channel the client closed under us. */
    private static boolean clientWentAway(Throwable ex) {
        if (DisconnectedClientHelper.isClientDisconnectedException(ex)) {
            return true;
        }
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof WebClientException) {
                return false; // a peer of ours closed the connection, not the client
            }
            if (t instanceof ClosedChannelException) {
                return true;
            }
        }
        return false;
    }

    private static ResponseEntity<ProblemDetail> invalid(List<Map<String, String>> errors) {
        return badRequest(Problems.invalid(Problems.INVALID, errors));
    }

    private static ResponseEntity<ProblemDetail> badRequest(ProblemDetail body) {
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String code, String detail,
            Duration retryAfter) {
        return Problems.response(status, code, detail, retryAfter);
    }
}
