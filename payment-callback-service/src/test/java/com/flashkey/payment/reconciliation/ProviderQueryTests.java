package com.flashkey.payment.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.flashkey.payment.config.PaymentProperties;
import com.flashkey.payment.notification.SimpaySignature;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Issue 15 item 8: a 404 from the provider's query API is an error (logged by the job, counted), never "unpaid". */
class ProviderQueryTests {

    static final String SECRET = "simpay-query-secret";

    HttpServer provider;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void provider() throws IOException {
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.createContext("/api/payments/", exchange -> {
            String orderNo = exchange.getRequestURI().getPath().substring("/api/payments/".length());
            byte[] body = ("{\"orderNo\":\"" + orderNo + "\",\"status\":\"UNPAID\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add(SimpaySignature.HEADER,
                    SimpaySignature.header(Instant.now().getEpochSecond(), body, SECRET));
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        provider.start();
    }

    @AfterEach
    void stop() {
        provider.stop(0);
    }

    @Test
    void whenTheQueryUrlAnswers404ThenTheQueryFailsAndCountsInsteadOfReadingUnpaid() {
        ProviderQuery query = queryAt("/simulator/api/payments");

        assertThatThrownBy(() -> query.find("FK1234").block(Duration.ofSeconds(10)))
                .isInstanceOf(ProviderQuery.QueryFailedException.class)
                .hasMessageContaining("answered 404")
                .hasMessageContaining("flashkey.payment.reconciliation.query-url");
        assertThat(registry.counter("flashkey.payment.reconciliation.query.failures", "reason", "http-404").count())
                .isEqualTo(1.0);
    }

    @Test
    void whenTheProviderAnswersASignedUnpaidThenTheOrderIsUnpaidAndNothingCountsAsFailed() {
        ProviderPayment payment = queryAt("/api/payments").find("FK1234").block(Duration.ofSeconds(10));

        assertThat(payment.paid()).isFalse();
        assertThat(registry.find("flashkey.payment.reconciliation.query.failures").counters()).isEmpty();
    }

    private ProviderQuery queryAt(String path) {
        URI url = URI.create("http://127.0.0.1:" + provider.getAddress().getPort() + path);
        var config = new PaymentProperties.Reconciliation(true, Duration.ofMinutes(5), Duration.ofMinutes(1), 100, url,
                Duration.ofSeconds(5), Duration.ofMinutes(30));
        return new ProviderQuery(config, new SimpaySignature(List.of(SECRET), Duration.ofSeconds(300)), registry);
    }
}
