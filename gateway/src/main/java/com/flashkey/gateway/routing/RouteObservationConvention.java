package com.flashkey.gateway.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.server.reactive.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;

/**
 * The gateway's one set of per-request metrics: {@code http.server.requests} (method, status, outcome, exception,
 * uri, as in every service) with a {@code route} tag, the route id ({@code none} for what the gateway answers
 * without a route: actuator, 404s). Proxied requests have no URI template, so without it every one of them was
 * {@code uri="UNKNOWN"}; the gateway's own per-route timer (spring.cloud.gateway.requests) timed every request a
 * second time and is off.
 */
@Component
class RouteObservationConvention extends DefaultServerRequestObservationConvention {

    private static final KeyValue NO_ROUTE = KeyValue.of("route", "none");

    private final Map<String, KeyValue> routes = new ConcurrentHashMap<>();

    RouteObservationConvention(
            @Value("${management.observations.http.server.requests.name:http.server.requests}") String name) {
        super(name);
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(ServerRequestObservationContext context) {
        return super.getLowCardinalityKeyValues(context).and(route(context));
    }

    private KeyValue route(ServerRequestObservationContext context) {
        Object route = context.getAttributes().get(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        if (route instanceof Route routed) {
            return routes.computeIfAbsent(routed.getId(), id -> KeyValue.of("route", id));
        }
        return NO_ROUTE;
    }
}
