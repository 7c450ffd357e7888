package com.flashkey.payment.notification.web;

import java.net.URI;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import org.springframework.http.HttpHeaders;
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
import com.flashkey.payment.config.PaymentProperties;
import com.flashkey.payment.notification.BadSignatureException;
import com.flashkey.payment.notification.InvalidNotificationException;
import com.flashkey.payment.notification.PayloadTooLargeException;
import com.flashkey.payment.notification.SignatureFailure;
import com.flashkey.payment.notification.UnavailableException;
import com.flashkey.payment.notification.UnknownProviderException;

/**
 * The service's RFC 9457 problems. Never a stack trace; every 503 carries Retry-After. Precedence, as in every
 * service: the domain's problems, then Spring's 4xx refusals with their own status, then 500.
 */
@RestControllerAdvice
class ProblemAdvice {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);
    private static final String TYPE = ProblemTypes.BASE;
    private static final URI ABOUT_BLANK = URI.create("about:blank");

    private final PaymentProperties properties;

    ProblemAdvice(PaymentProperties properties) {
        this.properties = properties;
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> badSignature(BadSignatureException ex) {
        return answer(badSignatureProblem(ex.failure(), ex.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> invalid(InvalidNotificationException ex) {
        return answer(invalidProblem(ex.errors()));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> tooLarge(PayloadTooLargeException ex) {
        return answer(problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Payload too large", ex.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unknownProvider(UnknownProviderException ex) {
        return answer(notFoundProblem(ex.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unavailable(UnavailableException ex) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds(properties))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(unavailableProblem(ex));
    }

    // The problems themselves, shared with the functional simpay endpoint (SimpayWebhook), which answers its
    // refusals as values without going through exception handling.

    static ProblemDetail badSignatureProblem(SignatureFailure failure, String detail) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "bad-signature", "Bad signature", detail);
        problem.setProperty("reason", failure.tag());
        return problem;
    }

    static ProblemDetail invalidProblem(List<String> errors) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "validation", "Invalid notification",
                "The notification is signed but cannot be a payment");
        problem.setProperty("errors", errors);
        return problem;
    }

    static ProblemDetail tooLargeProblem(long limitBytes) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Payload too large",
                "body larger than " + limitBytes + " bytes");
    }

    static ProblemDetail notFoundProblem(String detail) {
        return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", detail);
    }

    static ProblemDetail unavailableProblem(UnavailableException ex) {
        log.warn("webhook not recorded, provider will retry: {}", ex.getMessage());
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Unavailable",
                "The notification could not be recorded; retry later");
    }

    /**
     * Problems other features build themselves (the simulator) as they are; Spring's own refusals (no route 404,
     * wrong method 405, Accept 406, media type 415, ...) keep their status, with a type by status ({@link #codeFor}):
     * the client's mistake, no stack trace. Anything else is unexpected.
     */
    @ExceptionHandler
    Mono<ResponseEntity<ProblemDetail>> errorResponse(ErrorResponseException ex) {
        URI type = ex.getBody().getType();
        if (type != null && !ABOUT_BLANK.equals(type)) {
            return Mono.just(answer(ex.getBody()));
        }
        if (!ex.getStatusCode().is4xxClientError()) {
            return unexpected(ex);
        }
        log.debug("refused with {}: {}", ex.getStatusCode().value(), ex.getMessage());
        HttpStatusCode status = ex.getStatusCode();
        HttpStatus known = HttpStatus.resolve(status.value());
        String reason = known == null ? status.toString() : known.getReasonPhrase();
        String detail = ex.getBody().getDetail();
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail == null ? reason : detail);
        problem.setType(URI.create(TYPE + codeFor(status)));
        problem.setTitle(reason);
        return Mono.just(ResponseEntity.status(status).headers(ex.getHeaders())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem));
    }

    /** A bug: 500 without the cause, which the log keeps; a client that hung up gets nothing and no error log. */
    @ExceptionHandler
    Mono<ResponseEntity<ProblemDetail>> unexpected(Exception ex) {
        if (DisconnectedClientHelper.isClientDisconnectedException(ex)) {
            log.debug("client went away: {}", ex.toString());
            return Mono.empty();
        }
        log.error("unexpected failure", ex);
        return Mono.just(answer(problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error",
                "Unexpected failure; it has been logged")));
    }

    /** The code of a framework refusal by its status: the same table in every service. */
    static String codeFor(HttpStatusCode status) {
        return ProblemTypes.codeFor(status.value());
    }

    static String retryAfterSeconds(PaymentProperties properties) {
        return Long.toString(Math.max(1, properties.retryAfter().toSeconds()));
    }

    private static ProblemDetail problem(HttpStatus status, String code, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE + code));
        problem.setTitle(title);
        return problem;
    }

    private static ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
