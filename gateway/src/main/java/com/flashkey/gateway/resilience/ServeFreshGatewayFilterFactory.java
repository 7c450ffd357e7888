package com.flashkey.gateway.resilience;

import java.util.List;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;

import com.flashkey.gateway.problem.Problems;

import reactor.core.publisher.Mono;

/**
 * {@code ServeFresh}: answers a GET from the kept copy of {@link LastGoodResponses} while it is fresh (catalog marked
 * it {@code public} with a {@code max-age} and confirmed it less than {@code last-good.fresh-for} ago), the way any
 * shared HTTP cache in front of catalog may; everything else goes on to catalog. During a sale the storefront asks
 * for the same few products thousands of times a second: the gateway then answers them for the cost of writing
 * bytes instead of a proxied round trip, and catalog sees about one request per path and interval. Never for a
 * request that asks to revalidate ({@code Cache-Control: no-cache}), carries credentials, or cannot take the kept
 * encoding. An {@code If-None-Match} that names the kept ETag is answered 304. Place it after the route's
 * shedding and rate limit, so both still count these reads.
 */
@Component
class ServeFreshGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {

    private final LastGoodResponses lastGood;

    ServeFreshGatewayFilterFactory(LastGoodResponses lastGood) {
        super(Object.class);
        this.lastGood = lastGood;
    }

    @Override
    public GatewayFilter apply(Object config) {
        return (exchange, chain) -> {
            ServerHttpRequest request = exchange.getRequest();
            if (request.getMethod() != HttpMethod.GET || !servable(request.getHeaders())) {
                return chain.filter(exchange);
            }
            return lastGood.fresh(LastGoodResponses.key(request))
                    .filter(stored -> stored.contentEncoding() == null
                            || accepts(request.getHeaders(), stored.contentEncoding()))
                    .map(stored -> {
                        exchange.getAttributes().put(DownstreamGatewayFilterFactory.ANSWERED_BY_GATEWAY, Boolean.TRUE);
                        return write(exchange.getResponse(), request.getHeaders(), stored);
                    })
                    .orElseGet(() -> chain.filter(exchange));
        };
    }

    private Mono<Void> write(ServerHttpResponse response, HttpHeaders requestHeaders, LastGoodResponses.Stored stored) {
        HttpHeaders headers = response.getHeaders();
        headers.set(HttpHeaders.CACHE_CONTROL, stored.cacheControl());
        headers.set(HttpHeaders.AGE, Long.toString(lastGood.ageSeconds(stored)));
        if (stored.etag() != null) {
            headers.setETag(stored.etag());
            if (requestHeaders.getIfNoneMatch().contains(stored.etag())) {
                response.setStatusCode(HttpStatus.NOT_MODIFIED);
                return response.setComplete();
            }
        }
        if (stored.contentEncoding() != null) {
            headers.set(HttpHeaders.CONTENT_ENCODING, stored.contentEncoding());
        }
        MediaType type = stored.contentType() != null ? MediaType.parseMediaType(stored.contentType())
                : MediaType.APPLICATION_JSON;
        return Problems.writeBytes(response, HttpStatus.OK, type, stored.body());
    }

    /** No revalidation asked for and no credentials: a shared cache's answer is what this request may get. */
    private static boolean servable(HttpHeaders headers) {
        if (headers.containsHeader(HttpHeaders.AUTHORIZATION) || headers.containsHeader(HttpHeaders.COOKIE)) {
            return false;
        }
        for (String value : headers.getValuesAsList(HttpHeaders.CACHE_CONTROL)) {
            if (value.equalsIgnoreCase("no-cache") || value.equalsIgnoreCase("no-store")
                    || value.equalsIgnoreCase("max-age=0")) {
                return false;
            }
        }
        return !headers.getValuesAsList(HttpHeaders.PRAGMA).contains("no-cache");
    }

    private static boolean accepts(HttpHeaders headers, String encoding) {
        List<String> accepted = headers.getValuesAsList(HttpHeaders.ACCEPT_ENCODING);
        return accepted.stream().anyMatch(value -> value.equalsIgnoreCase(encoding) || value.startsWith(encoding + ";")
                || value.equals("*"));
    }
}
