package com.flashkey.notification.web;

import java.net.URI;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.util.DisconnectedClientHelper;

import com.flashkey.contracts.ProblemTypes;

/**
 * Maps every failure to RFC 9457 problem+json with a stable {@code type}; never a stack trace. Precedence, as in every
 * service: the domain's problems (none over HTTP here), then Spring's 4xx refusals with their own status, then 500.
 */
@RestControllerAdvice
class ProblemAdvice {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);
    private static final String TYPE = ProblemTypes.BASE;

    /**
     * Spring's own refusals (no route 404, wrong method 405, Accept 406, media type 415, ...) keep their status, with
     * a type by status ({@link #codeFor}): the client's mistake, no stack trace. Anything else is unexpected.
     */
    @ExceptionHandler
    Mono<ResponseEntity<ProblemDetail>> framework(ErrorResponseException ex) {
        if (!ex.getStatusCode().is4xxClientError()) {
            return unexpected(ex);
        }
        log.debug("refused with {}: {}", ex.getStatusCode().value(), ex.getMessage());
        HttpStatusCode status = ex.getStatusCode();
        String detail = ex.getBody().getDetail();
        return Mono.just(ResponseEntity.status(status).headers(ex.getHeaders())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem(status, codeFor(status), detail == null ? reason(status) : detail)));
    }

    /** A bug: 500 without the cause, which the log keeps; a client that hung up gets nothing and no error log. */
    @ExceptionHandler
    Mono<ResponseEntity<ProblemDetail>> unexpected(Exception ex) {
        if (DisconnectedClientHelper.isClientDisconnectedException(ex)) {
            log.debug("client went away: {}", ex.toString());
            return Mono.empty();
        }
        log.error("unexpected failure", ex);
        return Mono.just(ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem(HttpStatus.INTERNAL_SERVER_ERROR,
                        "internal", "Unexpected failure; it has been logged")));
    }

    /** The code of a framework refusal by its status: the same table in every service. */
    static String codeFor(HttpStatusCode status) {
        return ProblemTypes.codeFor(status.value());
    }

    private static ProblemDetail problem(HttpStatusCode status, String code, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE + code));
        problem.setTitle(reason(status));
        return problem;
    }

    private static String reason(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known == null ? status.toString() : known.getReasonPhrase();
    }
}
