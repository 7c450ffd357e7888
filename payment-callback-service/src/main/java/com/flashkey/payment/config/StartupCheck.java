package com.flashkey.payment.config;

import java.util.ArrayList;
import java.util.List;
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
 * Refuses to start with configuration that would serve silently wrong: outside the {@code local} profile a provider
 * secret that is missing or one of the development values committed to this repository ({@link #DEVELOPMENT_VALUES});
 * in any profile epay enabled without a key, or reconciliation enabled without a query URL.
 * <p>
 * A bean factory post-processor, so it runs before any bean is created (no connection is opened first) and after
 * every property source is in place (tests' dynamic properties included); {@link StartupCheckFailureAnalyzer}
 * prints the refusal as one message naming each property.
 */
@Component
public class StartupCheck implements BeanFactoryPostProcessor, EnvironmentAware {

    /** The profile bin/flashkey runs the services in; the development defaults live in application-local.yml. */
    public static final String LOCAL_PROFILE = "local";

    static final String SIMPAY_ENABLED = "flashkey.payment.providers.simpay.enabled";
    static final String SIMPAY_SECRETS = "flashkey.payment.providers.simpay.secrets";
    static final String EPAY_ENABLED = "flashkey.payment.providers.epay.enabled";
    static final String EPAY_KEY = "flashkey.payment.providers.epay.key";
    static final String RECONCILIATION_ENABLED = "flashkey.payment.reconciliation.enabled";
    static final String QUERY_URL = "flashkey.payment.reconciliation.query-url";

    /** Every secret value this repository holds (application-local.yml); never accepted outside the local profile. */
    static final Set<String> DEVELOPMENT_VALUES = Set.of("simpay-local-dev-secret-0001", "epay-local-dev-key-0001");

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

    /** What is wrong with this environment's configuration, one line per property; empty when it may start. */
    static List<String> problems(ConfigurableEnvironment env) {
        Binder binder = Binder.get(env);
        boolean local = env.acceptsProfiles(Profiles.of(LOCAL_PROFILE));
        List<String> problems = new ArrayList<>();
        if (flag(binder, SIMPAY_ENABLED, true)) {
            List<String> secrets = binder.bind(SIMPAY_SECRETS, Bindable.listOf(String.class)).orElse(List.of())
                    .stream().filter(s -> !s.isBlank()).toList();
            if (secrets.isEmpty()) {
                problems.add(SIMPAY_SECRETS + " is not set (env SIMPAY_SECRETS; in a cluster the Secret of "
                        + "paymentCallback.existingSecret)");
            } else if (!local && secrets.stream().anyMatch(DEVELOPMENT_VALUES::contains)) {
                problems.add(SIMPAY_SECRETS + " holds the development secret from this repository");
            }
        }
        if (flag(binder, EPAY_ENABLED, false)) {
            String key = binder.bind(EPAY_KEY, String.class).orElse("");
            if (key.isBlank()) {
                problems.add(EPAY_KEY + " is not set but " + EPAY_ENABLED + " is true (env EPAY_KEY; or leave epay off)");
            } else if (!local && DEVELOPMENT_VALUES.contains(key)) {
                problems.add(EPAY_KEY + " is the development key from this repository");
            }
        }
        if (flag(binder, RECONCILIATION_ENABLED, true) && binder.bind(QUERY_URL, String.class).orElse("").isBlank()) {
            problems.add(QUERY_URL + " is not set but " + RECONCILIATION_ENABLED + " is true (env PAYMENT_QUERY_URL: "
                    + "the provider's payment query API; or turn reconciliation off)");
        }
        return problems;
    }

    private static boolean flag(Binder binder, String name, boolean otherwise) {
        return binder.bind(name, Boolean.class).orElse(otherwise);
    }

    /** Start-up refused; the message names every property at fault and never a secret's value. */
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
