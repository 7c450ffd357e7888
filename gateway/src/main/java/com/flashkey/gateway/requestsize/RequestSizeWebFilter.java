package com.flashkey.gateway.requestsize;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import com.flashkey.gateway.config.GatewayProperties;
import com.flashkey.gateway.problem.Problems;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Refuses bodies above the limit: at once when Content-Length says so (413 problem), and by counting when the
 * body is chunked (the stream fails once it passes the limit, so the downstream never gets more than that).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class RequestSizeWebFilter implements WebFilter {

    private final long maxSize;

    private final long maxAdminSize;

    RequestSizeWebFilter(GatewayProperties properties) {
        this.maxSize = properties.maxRequestSize().toBytes();
        this.maxAdminSize = properties.maxAdminRequestSize().toBytes();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        long limit = request.getPath().value().startsWith("/api/admin/") ? maxAdminSize : maxSize;
        long declared = request.getHeaders().getContentLength();
        if (declared > limit) {
            return Problems.write(exchange, HttpStatus.PAYLOAD_TOO_LARGE, "payload-too-large", "Payload too large",
                    "The request body is larger than " + limit + " bytes.");
        }
        if (declared >= 0 || !request.getHeaders().containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
            // A declared length was checked above; without one and without Transfer-Encoding there is no body
            // (HTTP/1.1), so nothing to count (most requests: GETs).
            return chain.filter(exchange);
        }
        ServerHttpRequest counted = new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                AtomicLong seen = new AtomicLong();
                return super.getBody().handle((buffer, sink) -> {
                    if (seen.addAndGet(buffer.readableByteCount()) > limit) {
                        DataBufferUtils.release(buffer);
                        sink.error(new PayloadTooLargeException(limit));
                    }
                    else {
                        sink.next(buffer);
                    }
                });
            }
        };
        return chain.filter(exchange.mutate().request(counted).build());
    }
}
