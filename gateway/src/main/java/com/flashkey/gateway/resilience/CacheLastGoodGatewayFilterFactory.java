package com.flashkey.gateway.resilience;

import java.time.Instant;
import java.util.List;

import org.reactivestreams.Publisher;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code CacheLastGood}: keeps a copy of each 200 answer to a GET in {@link LastGoodResponses}. It decorates the
 * response ahead of the gateway's response writer (which writes the downstream body after the route filters
 * complete), and never stores what the gateway itself answered as a fallback.
 */
@Component
class CacheLastGoodGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {

    static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;

    private final LastGoodResponses lastGood;

    CacheLastGoodGatewayFilterFactory(LastGoodResponses lastGood) {
        super(Object.class);
        this.lastGood = lastGood;
    }

    @Override
    public GatewayFilter apply(Object config) {
        return new OrderedGatewayFilter((exchange, chain) -> {
            if (exchange.getRequest().getMethod() != HttpMethod.GET) {
                return chain.filter(exchange);
            }
            ServerHttpResponse original = exchange.getResponse();
            ServerHttpResponseDecorator recording = new ServerHttpResponseDecorator(original) {
                @Override
                public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
                    boolean fromDownstream = !Boolean.TRUE.equals(exchange.getAttribute(DownstreamGatewayFilterFactory.ANSWERED_BY_GATEWAY));
                    if (getStatusCode() != HttpStatus.OK || !fromDownstream) {
                        return super.writeWith(body);
                    }
                    return Flux.from(body).collectList().flatMap(buffers -> {
                        store(exchange.getRequest(), getHeaders(), buffers);
                        return super.writeWith(Flux.fromIterable(buffers));
                    });
                }
            };
            return chain.filter(exchange.mutate().response(recording).build());
        }, ORDER);
    }

    private void store(org.springframework.http.server.reactive.ServerHttpRequest request, HttpHeaders headers,
            List<? extends DataBuffer> buffers) {
        long size = 0;
        for (DataBuffer buffer : buffers) {
            size += buffer.readableByteCount();
        }
        if (size > lastGood.maxBodySize()) {
            return;
        }
        byte[] bytes = new byte[(int) size];
        int offset = 0;
        for (DataBuffer buffer : buffers) {
            int length = buffer.readableByteCount();
            buffer.toByteBuffer(buffer.readPosition(), java.nio.ByteBuffer.wrap(bytes), offset, length);
            offset += length;
        }
        String contentType = headers.getContentType() != null ? headers.getContentType().toString() : null;
        lastGood.store(request, new LastGoodResponses.Stored(bytes, contentType,
                headers.getFirst(HttpHeaders.CONTENT_ENCODING), Instant.now()));
    }
}
