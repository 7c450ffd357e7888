package com.flashkey.inventory.web;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

import com.flashkey.contracts.ProblemTypes;
import com.flashkey.inventory.cardkey.ImportFormatException;
import com.flashkey.inventory.cardkey.ImportTooLargeException;
import com.flashkey.inventory.stock.ReservationConflictException;
import com.flashkey.inventory.stock.StockUnavailableException;

/**
 * Maps every failure to RFC 9457 problem+json with a stable {@code type}; never a stack trace. Precedence, as in every
 * service: the domain's problems, then Spring's 4xx refusals with their own status, then the catch-all.
 */
@RestControllerAdvice
class ProblemAdvice {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);
    private static final String TYPE = ProblemTypes.BASE;

    @ExceptionHandler(StockUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(StockUnavailableException ex) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", ex.getMessage(), Map.of(),
                HttpHeaders.RETRY_AFTER, "1");
    }

    @ExceptionHandler(ReservationConflictException.class)
    ResponseEntity<ProblemDetail> conflict(ReservationConflictException ex) {
        return problem(HttpStatus.CONFLICT, "conflict", ex.getMessage(), Map.of());
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<ProblemDetail> notFound(NotFoundException ex) {
        return problem(HttpStatus.NOT_FOUND, "not-found", ex.getMessage(), Map.of());
    }

    @ExceptionHandler({ ImportTooLargeException.class, DataBufferLimitException.class })
    ResponseEntity<ProblemDetail> tooLarge(RuntimeException ex) {
        String detail = ex instanceof ImportTooLargeException ? ex.getMessage() : "a line or the body is too large";
        return problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", detail, Map.of());
    }

    @ExceptionHandler(ImportFormatException.class)
    ResponseEntity<ProblemDetail> importFormat(ImportFormatException ex) {
        return problem(HttpStatus.BAD_REQUEST, "validation", ex.getMessage(),
                Map.of("errors", List.of(Map.of("field", "body", "message", ex.getMessage()))));
    }

    @ExceptionHandler(InvalidRequestException.class)
    ResponseEntity<ProblemDetail> invalid(InvalidRequestException ex) {
        return problem(HttpStatus.BAD_REQUEST, "validation", "The request is invalid.",
                Map.of("errors", List.of(Map.of("field", ex.field(), "message", ex.getMessage()))));
    }

    @ExceptionHandler(WebExchangeBindException.class)
    ResponseEntity<ProblemDetail> binding(WebExchangeBindException ex) {
        List<Map<String, String>> errors = ex.getFieldErrors().stream()
                .map(e -> Map.of("field", e.getField(), "message", String.valueOf(e.getDefaultMessage()))).toList();
        return problem(HttpStatus.BAD_REQUEST, "validation", "The request is invalid.", Map.of("errors", errors));
    }

    @ExceptionHandler(ServerWebInputException.class)
    ResponseEntity<ProblemDetail> input(ServerWebInputException ex) {
        return problem(HttpStatus.BAD_REQUEST, "validation", "The request body or a parameter cannot be read.",
                Map.of("errors", List.of(Map.of("field", "body", "message", String.valueOf(ex.getReason())))));
    }

    @ExceptionHandler(UnsupportedMediaTypeStatusException.class)
    ResponseEntity<ProblemDetail> mediaType(UnsupportedMediaTypeStatusException ex) {
        return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "validation", "Unsupported content type.",
                Map.of("errors", List.of(Map.of("field", "Content-Type", "message", "not supported here"))));
    }

    /**
     * Spring's own refusals (no route 404, wrong method 405, Accept 406, body too large 413, ...) keep their status,
     * with a type by status ({@link #codeFor}): the client's mistake, no stack trace. Anything else is unexpected.
     */
    @ExceptionHandler(ErrorResponseException.class)
    ResponseEntity<ProblemDetail> framework(ErrorResponseException ex) {
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
        return ResponseEntity.status(status).headers(ex.getHeaders()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    /** The code of a framework refusal by its status: the same table in every service. */
    static String codeFor(HttpStatusCode status) {
        return ProblemTypes.codeFor(status.value());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception ex) {
        // Logged by class and message only; messages here never carry codes (see CardKeyCipher).
        log.error("unexpected failure: {}", ex.toString());
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Temporarily unable to answer; retry shortly.",
                Map.of(), HttpHeaders.RETRY_AFTER, "2");
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String code, String detail,
            Map<String, Object> properties, String... header) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE + code));
        problem.setTitle(status.getReasonPhrase());
        properties.forEach(problem::setProperty);
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (header.length == 2) {
            builder.header(header[0], header[1]);
        }
        return builder.body(problem);
    }
}
