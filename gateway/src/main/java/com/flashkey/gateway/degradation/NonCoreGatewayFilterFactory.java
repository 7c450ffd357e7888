package com.flashkey.gateway.degradation;

import java.time.Duration;
import java.util.List;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.stereotype.Component;

import com.flashkey.gateway.resilience.Fallback;
import com.flashkey.gateway.resilience.Fallbacks;
import com.flashkey.gateway.resilience.LastGoodResponses;

/**
 * {@code NonCore=<fallback>}: while the degradation switch is on, the route answers its fallback without calling
 * the downstream. A {@code CACHED} route with no stored answer still passes through, so the storefront never
 * goes blank only because the switch is on.
 */
@Component
class NonCoreGatewayFilterFactory extends AbstractGatewayFilterFactory<NonCoreGatewayFilterFactory.Config> {

    private final DegradationSwitch degradation;

    private final Fallbacks fallbacks;

    private final LastGoodResponses lastGood;

    NonCoreGatewayFilterFactory(DegradationSwitch degradation, Fallbacks fallbacks,
            LastGoodResponses lastGood) {
        super(Config.class);
        this.degradation = degradation;
        this.fallbacks = fallbacks;
        this.lastGood = lastGood;
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("fallback");
    }

    @Override
    public GatewayFilter apply(Config config) {
        Fallback fallback = config.getFallback();
        return (exchange, chain) -> {
            if (!degradation.active()) {
                return chain.filter(exchange);
            }
            if (fallback == Fallback.CACHED && lastGood.find(exchange.getRequest()).isEmpty()) {
                return chain.filter(exchange);
            }
            return fallbacks.answer(fallback, exchange, Duration.ofSeconds(5), "Turned off during the sale.");
        };
    }

    public static class Config {

        private Fallback fallback = Fallback.UNAVAILABLE;

        public Fallback getFallback() {
            return fallback;
        }

        public void setFallback(Fallback fallback) {
            this.fallback = fallback;
        }
    }
}
