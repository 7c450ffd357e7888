package com.flashkey.catalog.problem;

import java.util.List;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;

import com.flashkey.contracts.ProblemTypes;
import com.flashkey.catalog.product.DuplicateSkuException;
import com.flashkey.catalog.product.ProductNotFoundException;

import reactor.core.publisher.Mono;

/**
 * Maps every failure to {@code application/problem+json} with a stable type. Framework errors (bad JSON, wrong
 * method, unknown route) keep their status and get a type by status; nothing ever carries a stack trace.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler
    ResponseEntity<ProblemDetail> productNotFound(ProductNotFoundException ex) {
        return problem(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, ex.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> duplicateSku(DuplicateSkuException ex) {
        return problem(HttpStatus.CONFLICT, Problems.CONFLICT, ex.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> concurrentUpdate(OptimisticLockingFailureException ex) {
        return problem(HttpStatus.CONFLICT, Problems.CONFLICT, "The product was changed concurrently; read it and retry");
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> invalidRequest(InvalidRequestException ex) {
        return validationProblem(ex.violations());
    }

    /** The database is down, slow or out of connections: tell the client to come back, never pretend. */
    @ExceptionHandler({ DataAccessResourceFailureException.class, TransientDataAccessException.class,
            TimeoutException.class })
    ResponseEntity<ProblemDetail> unavailable(Exception ex) {
        log.warn("Answering 503: {}", ex.toString());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
            .header(HttpHeaders.RETRY_AFTER, Problems.RETRY_AFTER_SECONDS)
            .body(Problems.unavailable());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unexpected(Exception ex) {
        log.error("Unexpected failure", ex);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(Problems.internal());
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(WebExchangeBindException ex,
            HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        List<FieldViolation> violations = ex.getFieldErrors()
            .stream()
            .map(ProblemHandler::violation)
            .toList();
        return Mono.just(ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Problems.validation(violations)));
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        List<FieldViolation> violations = ex.getParameterValidationResults()
            .stream()
            .flatMap(result -> result.getResolvableErrors()
                .stream()
                .map(error -> new FieldViolation(result.getMethodParameter().getParameterName(),
                        String.valueOf(error.getDefaultMessage()))))
            .toList();
        return Mono.just(ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Problems.validation(violations)));
    }

    /** Framework errors: keep the framework's status and detail, add our type. */
    @Override
    protected Mono<ResponseEntity<Object>> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode status, ServerWebExchange exchange) {
        ProblemDetail problem = body instanceof ProblemDetail detail ? detail
                : ProblemDetail.forStatusAndDetail(status, status.toString());
        problem.setType(Problems.type(codeFor(status)));
        HttpHeaders answerHeaders = new HttpHeaders();
        if (headers != null) {
            answerHeaders.addAll(headers);
        }
        if (status.value() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
            answerHeaders.set(HttpHeaders.RETRY_AFTER, Problems.RETRY_AFTER_SECONDS);
        }
        return super.handleExceptionInternal(ex, problem, answerHeaders, status, exchange);
    }

    /** The code of a framework refusal by its status: the same table in every service. */
    private static String codeFor(HttpStatusCode status) {
        return ProblemTypes.codeFor(status.value());
    }

    private static FieldViolation violation(FieldError error) {
        return new FieldViolation(error.getField(), String.valueOf(error.getDefaultMessage()));
    }

    private static ResponseEntity<ProblemDetail> validationProblem(List<FieldViolation> violations) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Problems.validation(violations));
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String code, String detail) {
        return ResponseEntity.status(status).body(Problems.of(status, code, detail));
    }
}
