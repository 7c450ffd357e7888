package com.flashkey.gateway.problem;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

import com.flashkey.contracts.ProblemTypes;
import com.flashkey.gateway.correlation.Correlation;

import reactor.core.publisher.Mono;

/**
 * Turns every error that escapes the filters (no route, gateway timeouts, unreachable downstreams, oversized
 * bodies) into problem+json; ahead of Boot's default handler, which would answer its own JSON shape.
 */
@Component
@Order(-2)
class ProblemExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

    /** The code of a refusal by its status: the same table as the services'. */
    static String codeFor(HttpStatus status) {
        return ProblemTypes.codeFor(status.value());
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(ex);
        }
        HttpStatusCode status = ex instanceof ResponseStatusException rse ? rse.getStatusCode()
                : ex instanceof TimeoutException ? HttpStatus.GATEWAY_TIMEOUT
                : ex instanceof java.net.ConnectException ? HttpStatus.BAD_GATEWAY
                : HttpStatus.INTERNAL_SERVER_ERROR;
        int value = status.value();
        if (status.is4xxClientError() && ex instanceof ErrorResponse refusal) {
            exchange.getResponse().getHeaders().addAll(refusal.getHeaders()); // Allow of a 405, Accept of a 415
        }
        if (value == 404) {
            return Problems.write(exchange, HttpStatus.NOT_FOUND, "not-found", "Not found", "No such resource.");
        }
        if (value == 413) {
            return Problems.write(exchange, HttpStatus.PAYLOAD_TOO_LARGE, "payload-too-large", "Payload too large",
                    "The request body is larger than this route accepts.");
        }
        if (value == 405) {
            return Problems.write(exchange, HttpStatus.METHOD_NOT_ALLOWED, "not-found", "Method not allowed",
                    "This method is not supported here.");
        }
        if (status.is4xxClientError()) {
            // Any other refusal (media type 415, Accept 406, the firewall's 400, ...) keeps its status.
            HttpStatus known = HttpStatus.resolve(value);
            HttpStatus refused = known == null ? HttpStatus.BAD_REQUEST : known;
            log.debug("Refused {} with {}: {}", exchange.getRequest().getPath(), value, ex.getMessage());
            return Problems.write(exchange, refused, codeFor(refused), refused.getReasonPhrase(),
                    refused == HttpStatus.BAD_REQUEST ? "The request could not be read."
                            : "The request cannot be answered as sent.");
        }
        if (value == 502 || value == 503 || value == 504) {
            try (Correlation.Scope ids = Correlation.mdc(exchange)) {
                log.warn("Downstream failure on {}: {}", exchange.getRequest().getPath(), ex.toString());
            }
            return Problems.unavailable(exchange, Duration.ofSeconds(1), "A downstream service did not answer.");
        }
        try (Correlation.Scope ids = Correlation.mdc(exchange)) {
            log.error("Unhandled error on {}", exchange.getRequest().getPath(), ex);
        }
        return Problems.write(exchange, HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error",
                "The gateway failed to handle the request.");
    }
}
