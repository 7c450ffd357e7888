package com.flashkey.payment.notification.web;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import com.flashkey.payment.config.PaymentProperties;
import com.flashkey.payment.notification.SimpaySignature;
import com.flashkey.payment.notification.UnavailableException;
import com.flashkey.payment.notification.UnknownProviderException;
import com.flashkey.payment.notification.Verdict;
import com.flashkey.payment.notification.WebhookReceiver;

import reactor.core.publisher.Mono;

/**
 * {@code POST /webhooks/payments/simpay}, the busiest endpoint: a functional handler (no annotated-method
 * resolution, argument resolvers or result-handler negotiation per call) that reads the raw body (the signature
 * covers the exact bytes, refused beyond the configured size before anything parses it) and answers every verdict
 * itself: the constant {@code {"received":true}}, or the problem of {@link ProblemAdvice}'s shape.
 */
@Component
class SimpayWebhook {

    private static final byte[] RECEIVED = "{\"received\":true}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EMPTY = new byte[0];

    private final WebhookReceiver receiver;
    private final PaymentProperties properties;

    SimpayWebhook(WebhookReceiver receiver, PaymentProperties properties) {
        this.receiver = receiver;
        this.properties = properties;
    }

    Mono<ServerResponse> receive(ServerRequest request) {
        if (!receiver.enabled(WebhookReceiver.SIMPAY)) {
            UnknownProviderException unknown = new UnknownProviderException(WebhookReceiver.SIMPAY);
            return problem(ProblemAdvice.notFoundProblem(unknown.getMessage()));
        }
        ServerHttpRequest http = request.exchange().getRequest();
        String remote = remoteAddress(http);
        long limit = properties.maxBodySize().toBytes();
        long declared = http.getHeaders().getContentLength();
        if (declared > limit) {
            receiver.refused(WebhookReceiver.SIMPAY, "TOO_LARGE", declared, remote, "declared length over limit");
            return tooLarge();
        }
        String signature = http.getHeaders().getFirst(SimpaySignature.HEADER);
        return DataBufferUtils.join(http.getBody(), (int) limit)
                .map(SimpayWebhook::bytes)
                .defaultIfEmpty(EMPTY)
                .flatMap(body -> receiver.receiveSimpay(body, signature, remote))
                .flatMap(this::answer)
                .onErrorResume(DataBufferLimitException.class, ex -> {
                    receiver.refused(WebhookReceiver.SIMPAY, "TOO_LARGE", limit + 1, remote, "streamed body over limit");
                    return tooLarge();
                })
                .onErrorResume(UnavailableException.class, ex -> problem(ProblemAdvice.unavailableProblem(ex),
                        ProblemAdvice.retryAfterSeconds(properties)));
    }

    private Mono<ServerResponse> answer(Verdict verdict) {
        if (verdict instanceof Verdict.BadSignature bad) {
            return problem(ProblemAdvice.badSignatureProblem(bad.failure(), bad.detail()));
        }
        if (verdict instanceof Verdict.Invalid invalid) {
            return problem(ProblemAdvice.invalidProblem(invalid.errors()));
        }
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                .build((exchange, context) -> write(exchange.getResponse(), RECEIVED));
    }

    private Mono<ServerResponse> tooLarge() {
        return problem(ProblemAdvice.tooLargeProblem(properties.maxBodySize().toBytes()));
    }

    private static Mono<ServerResponse> problem(ProblemDetail problem) {
        return ServerResponse.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyValue(problem);
    }

    private static Mono<ServerResponse> problem(ProblemDetail problem, String retryAfter) {
        return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, retryAfter)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).bodyValue(problem);
    }

    private static Mono<Void> write(ServerHttpResponse response, byte[] body) {
        response.getHeaders().setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        }
        finally {
            DataBufferUtils.release(buffer);
        }
    }

    static String remoteAddress(ServerHttpRequest request) {
        InetSocketAddress address = request.getRemoteAddress();
        return address == null || address.getAddress() == null ? null : address.getAddress().getHostAddress();
    }
}
