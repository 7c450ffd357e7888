package com.flashkey.gateway.routing;

import java.util.List;
import java.util.function.Predicate;

import org.springframework.cloud.gateway.handler.predicate.AbstractRoutePredicateFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/** {@code Enabled=${some.flag}}: the route matches only while the flag is true (e.g. the demo payment simulator). */
@Component
class EnabledRoutePredicateFactory extends AbstractRoutePredicateFactory<EnabledRoutePredicateFactory.Config> {

    EnabledRoutePredicateFactory() {
        super(Config.class);
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("enabled");
    }

    @Override
    public Predicate<ServerWebExchange> apply(Config config) {
        boolean enabled = config.isEnabled();
        return exchange -> enabled;
    }

    public static class Config {

        private boolean enabled;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
