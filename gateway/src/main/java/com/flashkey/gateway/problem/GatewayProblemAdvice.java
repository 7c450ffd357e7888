package com.flashkey.gateway.problem;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ServerWebInputException;

/** Problem answers for the gateway's own controllers (the degradation switch). */
@RestControllerAdvice
class GatewayProblemAdvice {

    @ExceptionHandler(WebExchangeBindException.class)
    ProblemDetail invalid(WebExchangeBindException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "Some fields are invalid.");
        problem.setType(URI.create(Problems.TYPE_BASE + "validation"));
        problem.setTitle("Validation failed");
        List<Map<String, String>> fields = ex.getFieldErrors()
            .stream()
            .map(error -> Map.of("field", error.getField(), "message", String.valueOf(error.getDefaultMessage())))
            .toList();
        problem.setProperty("errors", fields);
        return problem;
    }

    @ExceptionHandler(ServerWebInputException.class)
    ProblemDetail unreadable(ServerWebInputException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "The body could not be read.");
        problem.setType(URI.create(Problems.TYPE_BASE + "validation"));
        problem.setTitle("Validation failed");
        return problem;
    }
}
