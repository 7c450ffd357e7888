package com.flashkey.notification.sms;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.flashkey.notification.TestProperties;
import com.flashkey.notification.delivery.DeliveryFailure;

import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

class HttpSmsSenderTests {

    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private DisposableServer provider;

    private HttpSmsSender sender(Duration timeout, boolean hang) {
        provider = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.post("/send", (request, response) -> request.receive().aggregate().asString()
                        .doOnNext(body -> {
                            bodies.add(body);
                            authorizations.add(request.requestHeaders().get("Authorization"));
                        })
                        .then(hang ? Mono.never() : response.status(HttpResponseStatus.valueOf(status.get())).send())))
                .bindNow();
        URI url = URI.create("http://127.0.0.1:" + provider.port() + "/send");
        return new HttpSmsSender(TestProperties.notification(url, timeout));
    }

    @AfterEach
    void stopProvider() {
        provider.disposeNow();
    }

    @Test
    void whenTheProviderAcceptsThenTheTextIsPostedWithTheBearerToken() {
        HttpSmsSender sender = sender(Duration.ofSeconds(5), false);
        String text = new SmsMessages(TestProperties.notification()).orderReady("FK42", "zh-CN");

        StepVerifier.create(sender.send("FK42", "+8613800000000", text)).verifyComplete();

        assertThat(text).isEqualTo("FlashKey：订单 FK42 已完成。");
        assertThat(bodies).singleElement().asString().contains("\"to\":\"+8613800000000\"", "FK42");
        assertThat(authorizations).containsExactly("Bearer sms-token");
    }

    @Test
    void whenTheProviderRefusesWith4xxThenTheFailureIsPermanent() {
        status.set(400);
        StepVerifier.create(sender(Duration.ofSeconds(5), false).send("FK42", "+1", "ready"))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(DeliveryFailure.Permanent.class)
                        .extracting(e -> ((DeliveryFailure) e).reason()).isEqualTo("sms-400"))
                .verify();
    }

    @Test
    void whenTheProviderFailsWith5xxThenTheFailureIsTransient() {
        status.set(503);
        StepVerifier.create(sender(Duration.ofSeconds(5), false).send("FK42", "+1", "ready"))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(DeliveryFailure.Transient.class)
                        .extracting(e -> ((DeliveryFailure) e).reason()).isEqualTo("sms-503"))
                .verify();
    }

    @Test
    void whenTheProviderHangsThenTheCallTimesOutAsTransient() {
        StepVerifier.create(sender(Duration.ofMillis(300), true).send("FK42", "+1", "ready"))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(DeliveryFailure.Transient.class)
                        .extracting(e -> ((DeliveryFailure) e).reason()).isEqualTo("sms-timeout"))
                .verify(Duration.ofSeconds(10));
    }
}
