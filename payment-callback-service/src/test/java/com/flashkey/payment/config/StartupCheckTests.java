package com.flashkey.payment.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.mock.env.MockEnvironment;

/** Issue 15 items 2 and 8: development secrets only in the local profile, reconciliation never without a URL. */
@ExtendWith(OutputCaptureExtension.class)
class StartupCheckTests {

    static final String REAL_SECRET = "simpay-secret-from-a-kubernetes-secret";
    static final String QUERY_URL = "https://pay.example.com/api/payments";

    final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(StartupCheck.class);

    @Test
    void whenNotLocalAndTheSimpaySecretIsTheDevelopmentSecretThenStartUpIsRefusedNamingTheProperty() {
        runner.withPropertyValues("spring.profiles.active=production",
                        "flashkey.payment.providers.simpay.secrets=simpay-local-dev-secret-0001",
                        "flashkey.payment.reconciliation.query-url=" + QUERY_URL)
                .run(context -> assertThat(context).getFailure()
                        .isInstanceOf(StartupCheck.StartupCheckException.class)
                        .hasMessageContaining("flashkey.payment.providers.simpay.secrets")
                        .hasMessageNotContaining("simpay-local-dev-secret-0001"));
    }

    @Test
    void whenNotLocalAndARealSecretAndAQueryUrlAreSetThenItStarts() {
        runner.withPropertyValues("spring.profiles.active=production",
                        "flashkey.payment.providers.simpay.secrets=" + REAL_SECRET,
                        "flashkey.payment.reconciliation.query-url=" + QUERY_URL)
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void whenTheDevelopmentSecretIsOneOfARotationThenItIsStillRefused() {
        assertThat(StartupCheck.problems(production()
                .withProperty("flashkey.payment.providers.simpay.secrets", REAL_SECRET + ",simpay-local-dev-secret-0001")))
                .singleElement().asString().startsWith("flashkey.payment.providers.simpay.secrets");
    }

    @Test
    void whenTheSimpaySecretIsMissingThenStartUpIsRefusedInAnyProfile() {
        assertThat(StartupCheck.problems(new MockEnvironment()
                .withProperty("flashkey.payment.reconciliation.query-url", QUERY_URL)))
                .singleElement().asString().contains("flashkey.payment.providers.simpay.secrets is not set");
    }

    @Test
    void whenLocalThenTheDevelopmentValuesAreAccepted() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("flashkey.payment.providers.simpay.secrets", "simpay-local-dev-secret-0001")
                .withProperty("flashkey.payment.providers.epay.enabled", "true")
                .withProperty("flashkey.payment.providers.epay.key", "epay-local-dev-key-0001")
                .withProperty("flashkey.payment.reconciliation.query-url", "http://127.0.0.1:8084/simulator/api/payments");
        env.setActiveProfiles("local");
        assertThat(StartupCheck.problems(env)).isEmpty();
    }

    @Test
    void whenEpayIsNotConfiguredThenItIsOffAndNeedsNoKey() {
        assertThat(StartupCheck.problems(production())).isEmpty();
    }

    @Test
    void whenEpayIsEnabledWithoutAKeyOrWithTheDevelopmentKeyThenStartUpIsRefused() {
        assertThat(StartupCheck.problems(production().withProperty("flashkey.payment.providers.epay.enabled", "true")))
                .singleElement().asString().startsWith("flashkey.payment.providers.epay.key is not set");
        assertThat(StartupCheck.problems(production().withProperty("flashkey.payment.providers.epay.enabled", "true")
                .withProperty("flashkey.payment.providers.epay.key", "epay-local-dev-key-0001")))
                .singleElement().asString().startsWith("flashkey.payment.providers.epay.key is the development key");
    }

    @Test
    void whenReconciliationIsEnabledWithoutAQueryUrlThenStartUpIsRefusedEvenLocally() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("flashkey.payment.providers.simpay.secrets", REAL_SECRET);
        env.setActiveProfiles("local");
        assertThat(StartupCheck.problems(env)).singleElement().asString()
                .startsWith("flashkey.payment.reconciliation.query-url is not set");
        env.setProperty("flashkey.payment.reconciliation.enabled", "false");
        assertThat(StartupCheck.problems(env)).isEmpty();
    }

    @Test
    void whenStartUpIsRefusedThenBootPrintsOneClearReportWithoutAStackTrace(CapturedOutput output)
            throws InterruptedException {
        SpringApplication app = new SpringApplicationBuilder(OnlyTheCheck.class).web(WebApplicationType.NONE)
                .profiles("production").build();
        assertThatThrownBy(() -> {
            try (ConfigurableApplicationContext ignored = app.run("--flashkey.payment.providers.epay.enabled=true",
                    "--spring.main.banner-mode=off")) {
                // never reached
            }
        }).isInstanceOf(StartupCheck.StartupCheckException.class);
        assertThat(awaitReport(output)).contains("APPLICATION FAILED TO START")
                .contains("flashkey.payment.providers.simpay.secrets is not set")
                .contains("flashkey.payment.providers.epay.key is not set")
                .contains("flashkey.payment.reconciliation.query-url is not set")
                .contains("'local' profile")
                .doesNotContain("at com.flashkey.payment.config.StartupCheck.postProcessBeanFactory");
    }

    private static MockEnvironment production() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("flashkey.payment.providers.simpay.secrets", REAL_SECRET)
                .withProperty("flashkey.payment.reconciliation.query-url", QUERY_URL);
        env.setActiveProfiles("production");
        return env;
    }

    /** The console appender is asynchronous (logback-spring.xml): waits until Boot's report was written. */
    private static String awaitReport(CapturedOutput output) throws InterruptedException {
        for (int i = 0; i < 100 && !output.getAll().contains("APPLICATION FAILED TO START"); i++) {
            Thread.sleep(100);
        }
        return output.getAll();
    }

    @Configuration(proxyBeanMethods = false)
    @Import(StartupCheck.class)
    static class OnlyTheCheck {
    }
}
