package com.flashkey.order.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * Refuses to start with a key that is missing or, outside the {@code local} profile, one of the development values
 * committed to this repository ({@link #DEVELOPMENT_VALUES}): the delivery keys that open the codes shown on the
 * order page, and the HS256 secret of admin tokens. So the development delivery key is never valid beside a
 * production one, and no deployment accepts admin tokens minted with the repository's secret.
 * <p>
 * A bean factory post-processor, so it runs before any bean is created and after every property source is in place
 * (tests' dynamic properties included); {@link StartupCheckFailureAnalyzer} prints the refusal as one message naming
 * each property.
 */
@Component
public class StartupCheck implements BeanFactoryPostProcessor, EnvironmentAware {

    /** The profile bin/flashkey runs the services in; the development keys live in application-local.yml. */
    public static final String LOCAL_PROFILE = "local";

    static final String DELIVERY_KEYS = "flashkey.delivery.keys";
    static final String DELIVERY_ACTIVE_KEY_ID = "flashkey.delivery.active-key-id";
    static final String JWT_SECRET = "flashkey.security.jwt-secret";

    /** Every key this repository holds (application-local.yml); never accepted outside the local profile. */
    static final Set<String> DEVELOPMENT_VALUES = Set.of(
            "Zmxhc2hrZXktbG9jYWwtZGVsaXZlcnkta2V5LTAwMDE=", // delivery key dev-1
            "flashkey-local-dev-jwt-secret-0123456789abcdef"); // admin-token secret

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        List<String> problems = problems((ConfigurableEnvironment) environment);
        if (!problems.isEmpty()) {
            throw new StartupCheckException(problems);
        }
    }

    /** What is wrong with this environment's keys, one line per property; empty when it may start. */
    static List<String> problems(ConfigurableEnvironment env) {
        Binder binder = Binder.get(env);
        boolean local = env.acceptsProfiles(Profiles.of(LOCAL_PROFILE));
        List<String> problems = new ArrayList<>();
        keys(binder, local, DELIVERY_KEYS, DELIVERY_ACTIVE_KEY_ID, "deliveryKeys.existingSecret", problems);
        String jwt = binder.bind(JWT_SECRET, String.class).orElse("");
        if (jwt.isBlank()) {
            problems.add(JWT_SECRET + " is not set (in a cluster: the Secret of jwt.existingSecret)");
        } else if (!local && DEVELOPMENT_VALUES.contains(jwt)) {
            problems.add(JWT_SECRET + " is the development secret from this repository");
        }
        return problems;
    }

    private static void keys(Binder binder, boolean local, String keysProperty, String activeProperty, String secret,
            List<String> problems) {
        Map<String, String> keys = binder.bind(keysProperty, Bindable.mapOf(String.class, String.class)).orElse(Map.of());
        if (keys.isEmpty()) {
            problems.add(keysProperty + ".<id> is not set (in a cluster: the Secret of " + secret + ")");
        }
        if (!local) {
            keys.forEach((id, key) -> {
                if (DEVELOPMENT_VALUES.contains(key)) {
                    problems.add(keysProperty + "." + id + " is the development key from this repository");
                }
            });
        }
        String active = binder.bind(activeProperty, String.class).orElse("");
        if (active.isBlank()) {
            problems.add(activeProperty + " is not set");
        } else if (!keys.isEmpty() && !keys.containsKey(active)) {
            problems.add(activeProperty + " names " + active + ", which is not among " + keysProperty + " " + keys.keySet());
        }
    }

    /** Start-up refused; the message names every property at fault and never a key. */
    public static final class StartupCheckException extends IllegalStateException {

        private final List<String> problems;

        StartupCheckException(List<String> problems) {
            super("Refusing to start: " + String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
