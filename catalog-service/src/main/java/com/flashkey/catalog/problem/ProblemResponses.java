package com.flashkey.catalog.problem;

import java.net.URI;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import reactor.core.publisher.Mono;

/**
 * Problem answers of functional endpoints, which the {@link ProblemHandler} advice does not reach: the same types,
 * details, {@code instance} and {@code Retry-After} as the advice gives, through the same JSON encoder.
 */
public final class ProblemResponses {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

    private ProblemResponses() {
    }

    /** Answers {@code problem} with its status; {@code headers} adds the endpoint's own headers. */
    public static Mono<ServerResponse> answer(ServerRequest request, ProblemDetail problem,
            Consumer<HttpHeaders> headers) {
        // As the annotated path does it: the instance is the request's path.
        problem.setInstance(URI.create(request.exchange().getRequest().getPath().value()));
        return ServerResponse.status(HttpStatusCode.valueOf(problem.getStatus()))
            .headers(headers)
            .contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .bodyValue(problem);
    }

    /** A failed read: 503 with {@code Retry-After} for an outage, else 500 without the cause; both logged. */
    public static Mono<ServerResponse> failure(ServerRequest request, Throwable failure,
            Consumer<HttpHeaders> headers) {
        if (Problems.isOutage(failure)) {
            log.warn("Answering 503: {}", failure.toString());
            return answer(request, Problems.unavailable(),
                    headers.andThen(h -> h.set(HttpHeaders.RETRY_AFTER, Problems.RETRY_AFTER_SECONDS)));
        }
        log.error("Unexpected failure", failure);
        return answer(request, Problems.internal(), headers);
    }
}
