package com.flashkey.inventory.config;

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

/** Issue 15 item 2: the delivery and card-code keys of the repository serve only in the local profile. */
@ExtendWith(OutputCaptureExtension.class)
class StartupCheckTests {

    static final String DEV_DELIVERY_KEY = "Zmxhc2hrZXktbG9jYWwtZGVsaXZlcnkta2V5LTAwMDE=";
    static final String DEV_CODES_KEY = "Zmxhc2hrZXktbG9jYWwtYXQtcmVzdC1jb2Rlcy0wMDE=";
    static final String DEV_HMAC_KEY = "Zmxhc2hrZXktbG9jYWwtY29kZS1obWFjLWtleS0wMDE=";
    // Stand-ins for keys from a Secret (base64 of 32 bytes, not in application-local.yml).
    static final String PROD_DELIVERY_KEY = "cHJvZHVjdGlvbi1kZWxpdmVyeS1rZXktMDAwMDAwMDE=";
    static final String PROD_CODES_KEY = "cHJvZHVjdGlvbi1hdC1yZXN0LWNvZGVzLWtleS0wMDE=";
    static final String PROD_HMAC_KEY = "cHJvZHVjdGlvbi1jb2RlLWhtYWMta2V5LTAwMDAwMDE=";

    final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(StartupCheck.class);

    @Test
    void whenNotLocalAndTheDevelopmentDeliveryKeyStandsBesideTheProductionOneThenStartUpIsRefusedNamingIt() {
        runner.withPropertyValues(production("flashkey.delivery.keys.dev-1=" + DEV_DELIVERY_KEY))
                .run(context -> assertThat(context).getFailure()
                        .isInstanceOf(StartupCheck.StartupCheckException.class)
                        .hasMessageContaining("flashkey.delivery.keys.dev-1 is the development key")
                        .hasMessageNotContaining(DEV_DELIVERY_KEY));
    }

    @Test
    void whenNotLocalAndTheCardCodeKeysAreTheDevelopmentOnesThenStartUpIsRefusedNamingEach() {
        runner.withPropertyValues(production("flashkey.inventory.codes.keys.local-1=" + DEV_CODES_KEY,
                        "flashkey.inventory.codes.hmac-key=" + DEV_HMAC_KEY))
                .run(context -> assertThat(context).getFailure()
                        .hasMessageContaining("flashkey.inventory.codes.keys.local-1 is the development key")
                        .hasMessageContaining("flashkey.inventory.codes.hmac-key is the development key"));
    }

    @Test
    void whenNotLocalAndEveryKeyComesFromASecretThenItStarts() {
        runner.withPropertyValues(production()).run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void whenLocalThenTheDevelopmentKeysAreAccepted() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("flashkey.delivery.active-key-id", "dev-1")
                .withProperty("flashkey.delivery.keys.dev-1", DEV_DELIVERY_KEY)
                .withProperty("flashkey.inventory.codes.active-key-id", "local-1")
                .withProperty("flashkey.inventory.codes.keys.local-1", DEV_CODES_KEY)
                .withProperty("flashkey.inventory.codes.hmac-key", DEV_HMAC_KEY);
        env.setActiveProfiles("local");
        assertThat(StartupCheck.problems(env)).isEmpty();
    }

    @Test
    void whenTheActiveKeyIdIsNotAmongTheKeysThenStartUpIsRefused() {
        MockEnvironment env = new MockEnvironment();
        for (String property : production()) {
            String[] pair = property.split("=", 2);
            env.setProperty(pair[0], pair[1]);
        }
        env.setProperty("flashkey.inventory.codes.active-key-id", "prod-2");
        assertThat(StartupCheck.problems(env)).singleElement().asString()
                .startsWith("flashkey.inventory.codes.active-key-id names prod-2, which is not among");
    }

    @Test
    void whenStartedWithoutTheLocalProfileAndNoKeysThenBootPrintsOneReportNamingEveryProperty(CapturedOutput output)
            throws InterruptedException {
        // application.yml of this module is on the class path: it holds no key any more.
        SpringApplication app = new SpringApplicationBuilder(OnlyTheCheck.class).web(WebApplicationType.NONE)
                .profiles("production").build();
        assertThatThrownBy(() -> {
            try (ConfigurableApplicationContext ignored = app.run("--spring.main.banner-mode=off")) {
                // never reached
            }
        }).isInstanceOf(StartupCheck.StartupCheckException.class);
        assertThat(awaitReport(output)).contains("APPLICATION FAILED TO START")
                .contains("flashkey.delivery.keys.<id> is not set")
                .contains("flashkey.inventory.codes.keys.<id> is not set")
                .contains("flashkey.inventory.codes.hmac-key is not set")
                .doesNotContain("at com.flashkey.inventory.config.StartupCheck.postProcessBeanFactory");
    }

    private static String[] production(String... more) {
        String[] base = { "spring.profiles.active=production", "flashkey.delivery.active-key-id=prod-1",
                "flashkey.delivery.keys.prod-1=" + PROD_DELIVERY_KEY, "flashkey.inventory.codes.active-key-id=prod-1",
                "flashkey.inventory.codes.keys.prod-1=" + PROD_CODES_KEY,
                "flashkey.inventory.codes.hmac-key=" + PROD_HMAC_KEY };
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
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
