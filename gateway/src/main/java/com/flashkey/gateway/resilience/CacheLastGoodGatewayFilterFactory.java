package com.flashkey.gateway.resilience;

import java.nio.ByteBuffer;
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
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code CacheLastGood}: keeps a copy of the 200 answers to GETs in {@link LastGoodResponses}. Only a request whose
 * kept copy is missing or due for a check (once per refresh interval per path) is looked at; the others pass
 * untouched. A looked-at answer with the kept copy's ETag only confirms it; otherwise its body is copied. It
 * decorates the response ahead of the gateway's response writer (which writes the downstream body after the route
 * filters complete), and never stores what the gateway itself answered as a fallback.
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
            String key = LastGoodResponses.key(exchange.getRequest());
            if (!lastGood.due(key)) {
                return chain.filter(exchange);
            }
            return chain.filter(exchange.mutate().response(new Recording(exchange, key)).build());
        }, ORDER);
    }

    /** Looks at the downstream's 200 answer as it is written: confirms the kept copy, or copies the body. */
    private final class Recording extends ServerHttpResponseDecorator {

        private final ServerWebExchange exchange;

        private final String key;

        Recording(ServerWebExchange exchange, String key) {
            super(exchange.getResponse());
            this.exchange = exchange;
            this.key = key;
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            boolean fromDownstream = !Boolean.TRUE.equals(exchange.getAttribute(DownstreamGatewayFilterFactory.ANSWERED_BY_GATEWAY));
            HttpHeaders headers = getHeaders();
            if (getStatusCode() != HttpStatus.OK || !fromDownstream || lastGood.confirm(key, headers.getETag(), headers.getCacheControl())) {
                return super.writeWith(body);
            }
            return Flux.from(body).collectList().flatMap(buffers -> {
                store(headers, buffers);
                return super.writeWith(Flux.fromIterable(buffers));
            });
        }

        private void store(HttpHeaders headers, List<? extends DataBuffer> buffers) {
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
                buffer.toByteBuffer(buffer.readPosition(), ByteBuffer.wrap(bytes), offset, length);
                offset += length;
            }
            String contentType = headers.getContentType() != null ? headers.getContentType().toString() : null;
            lastGood.store(key, bytes, contentType, headers.getFirst(HttpHeaders.CONTENT_ENCODING), headers.getETag(),
                    headers.getCacheControl());
        }
    }
}
