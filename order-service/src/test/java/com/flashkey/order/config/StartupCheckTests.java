package com.flashkey.order.config;

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

/** Issue 15 item 2: the repository's delivery key and admin-token secret serve only in the local profile. */
@ExtendWith(OutputCaptureExtension.class)
class StartupCheckTests {

    static final String DEV_DELIVERY_KEY = "Zmxhc2hrZXktbG9jYWwtZGVsaXZlcnkta2V5LTAwMDE=";
    // A stand-in for a key from a Secret (base64 of 32 bytes, not in application-local.yml).
    static final String PROD_DELIVERY_KEY = "cHJvZHVjdGlvbi1kZWxpdmVyeS1rZXktMDAwMDAwMDE=";
    static final String DEV_JWT_SECRET = "flashkey-local-dev-jwt-secret-0123456789abcdef";

    final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(StartupCheck.class)
            .withPropertyValues("spring.profiles.active=production", "flashkey.delivery.active-key-id=prod-1",
                    "flashkey.delivery.keys.prod-1=" + PROD_DELIVERY_KEY,
                    "flashkey.security.jwt-secret=a-production-secret-from-a-kubernetes-secret-0001");

    @Test
    void whenNotLocalAndTheDevelopmentDeliveryKeyStandsBesideTheProductionOneThenStartUpIsRefusedNamingIt() {
        runner.withPropertyValues("flashkey.delivery.keys.dev-1=" + DEV_DELIVERY_KEY)
                .run(context -> assertThat(context).getFailure()
                        .isInstanceOf(StartupCheck.StartupCheckException.class)
                        .hasMessageContaining("flashkey.delivery.keys.dev-1 is the development key")
                        .hasMessageNotContaining(DEV_DELIVERY_KEY));
    }

    @Test
    void whenNotLocalAndTheAdminTokenSecretIsTheDevelopmentSecretThenStartUpIsRefusedNamingIt() {
        runner.withPropertyValues("flashkey.security.jwt-secret=" + DEV_JWT_SECRET)
                .run(context -> assertThat(context).getFailure()
                        .isInstanceOf(StartupCheck.StartupCheckException.class)
                        .hasMessageContaining("flashkey.security.jwt-secret is the development secret")
                        .hasMessageNotContaining(DEV_JWT_SECRET));
    }

    @Test
    void whenNotLocalAndOnlyTheProductionKeyIsSetThenItStarts() {
        runner.run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void whenLocalThenTheDevelopmentKeyIsAccepted() {
        MockEnvironment env = new MockEnvironment().withProperty("flashkey.delivery.active-key-id", "dev-1")
                .withProperty("flashkey.delivery.keys.dev-1", DEV_DELIVERY_KEY)
                .withProperty("flashkey.security.jwt-secret", DEV_JWT_SECRET);
        env.setActiveProfiles("local");
        assertThat(StartupCheck.problems(env)).isEmpty();
    }

    @Test
    void whenStartedWithoutTheLocalProfileAndNoKeyThenBootPrintsOneReportNamingTheProperty(CapturedOutput output)
            throws InterruptedException {
        // application.yml of this module is on the class path: it holds no key and no secret any more.
        SpringApplication app = new SpringApplicationBuilder(OnlyTheCheck.class).web(WebApplicationType.NONE)
                .profiles("production").build();
        assertThatThrownBy(() -> {
            try (ConfigurableApplicationContext ignored = app.run("--spring.main.banner-mode=off")) {
                // never reached
            }
        }).isInstanceOf(StartupCheck.StartupCheckException.class);
        assertThat(awaitReport(output)).contains("APPLICATION FAILED TO START")
                .contains("flashkey.delivery.keys.<id> is not set")
                .contains("flashkey.delivery.active-key-id is not set")
                .contains("flashkey.security.jwt-secret is not set")
                .doesNotContain("at com.flashkey.order.config.StartupCheck.postProcessBeanFactory");
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
