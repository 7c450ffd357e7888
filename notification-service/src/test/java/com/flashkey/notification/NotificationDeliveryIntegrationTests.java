package com.flashkey.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.icegreen.greenmail.util.GreenMail;

import io.micrometer.core.instrument.MeterRegistry;
import com.icegreen.greenmail.util.ServerSetup;

import com.flashkey.contracts.DeliveryCodes;
import com.flashkey.contracts.DeliveryResendRequested;
import com.flashkey.contracts.Event;
import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.KeysAllocated;
import com.flashkey.contracts.NotificationFailed;
import com.flashkey.contracts.OrderDelivered;
import com.flashkey.contracts.Topics;
import com.flashkey.notification.delivery.DeliveredEventRelay;
import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestInfrastructure;
import com.flashkey.testsupport.TestTopics;

/**
 * The service end to end in one JVM: real MariaDB, the in-JVM Kafka broker and a GreenMail SMTP server on a free
 * port. Every test owns its order numbers, recipients and codes.
 */
// The context owns this class's own database/topics/keys: closed after the class, so its consumers and loops
// do not run on, against dropped resources and in the same consumer groups, beside the next class.
@DirtiesContext
// The local profile: its development delivery key is the one these codes are sealed with.
@ActiveProfiles("local")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ExtendWith(OutputCaptureExtension.class)
class NotificationDeliveryIntegrationTests {

    static final String DEV_KEY = "Zmxhc2hrZXktbG9jYWwtZGVsaXZlcnkta2V5LTAwMDE=";
    static final DeliveryCodes CODES = new DeliveryCodes("dev-1", Map.of("dev-1", DEV_KEY));
    static final EventCodec CODEC = new EventCodec();
    static final ServerSetup SMTP = new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP);

    static volatile GreenMail smtp;

    /** The SMS provider: records what it is asked to send; refuses numbers starting +1000 (a number that cannot exist). */
    static final List<String> smsBodies = new java.util.concurrent.CopyOnWriteArrayList<>();

    static final reactor.netty.DisposableServer SMS_PROVIDER = reactor.netty.http.server.HttpServer.create()
            .host("127.0.0.1").port(0)
            .route(routes -> routes.post("/sms", (request, response) -> request.receive().aggregate().asString()
                    .flatMap(body -> {
                        smsBodies.add(body);
                        return response.status(body.contains("\"+1000") ? 400 : 200).send().then();
                    })))
            .bindNow();

    @RegisterExtension
    static TestDatabase db = TestInfrastructure.mariaDb().newDatabase("notifications");

    @RegisterExtension
    static TestTopics topics = TestInfrastructure.kafka().newTopics("notification", 2, List.of(Topics.KEYS_ALLOCATED,
            Topics.DELIVERY_RESEND_REQUESTED, Topics.ORDER_DELIVERED, Topics.NOTIFICATION_FAILED));

    static EventTap tap;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        db.registerR2dbcAndFlyway(registry);
        topics.registerKafka(registry);
        registry.add("spring.mail.host", SMTP::getBindAddress);
        registry.add("spring.mail.port", SMTP::getPort);
        registry.add("flashkey.notification.partitions", () -> 2);
        // Short back-off so retries finish within a test: now, +300 ms, +600 ms, +1.2 s, +2 s.
        registry.add("flashkey.notification.retry.attempts", () -> 5);
        registry.add("flashkey.notification.retry.initial-delay", () -> "300ms");
        registry.add("flashkey.notification.retry.multiplier", () -> 2.0);
        registry.add("flashkey.notification.retry.max-delay", () -> "2s");
        registry.add("flashkey.notification.claim-lease", () -> "2s");
        registry.add("flashkey.notification.relay-interval", () -> "1s");
        registry.add("flashkey.notification.order-page-url", () -> "https://shop.example/api/orders");
        registry.add("flashkey.notification.sms.enabled", () -> true);
        registry.add("flashkey.notification.sms.url", () -> "http://127.0.0.1:" + SMS_PROVIDER.port() + "/sms");
        registry.add("flashkey.notification.sms.token", () -> "sms-token");
    }

    @BeforeAll
    static void startSmtpAndTap() {
        smtp = new GreenMail(SMTP);
        smtp.start();
        tap = new EventTap(topics.bootstrapServers(), List.of(topics.name(Topics.ORDER_DELIVERED),
                topics.name(Topics.NOTIFICATION_FAILED), topics.name(Topics.KEYS_ALLOCATED) + ".DLT"));
    }

    @AfterAll
    static void stopSmtpAndTap() throws InterruptedException {
        tap.close();
        smtp.stop();
        SMS_PROVIDER.disposeNow();
    }

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @Autowired
    WebTestClient web;

    @Autowired
    MeterRegistry meters;

    @Autowired
    DeliveredEventRelay relay;

    @Test
    void whenKeysAreAllocatedThenTheBuyerGetsOneMailWithBothPartsTheCodesAndTheLookupLinkInChinese(CapturedOutput output)
            throws Exception {
        String orderNo = orderNo();
        String buyer = orderNo.toLowerCase() + "@buyer.example";
        List<String> codes = List.of("ZH-" + orderNo + "-A<b>&\"1", "ZH-" + orderNo + "-B2");

        publishKeysAllocated(orderNo, buyer, "zh-CN", codes);

        MimeMessage mail = awaitMails(buyer, 1).get(0);
        assertThat(mail.getSubject()).isEqualTo("您的 FlashKey 卡密 - 订单 " + orderNo);
        assertThat(((InternetAddress) mail.getFrom()[0]).getAddress()).isEqualTo("no-reply@flashkey.local");
        assertThat(mail.getRecipients(Message.RecipientType.TO)).extracting(a -> ((InternetAddress) a).getAddress())
                .containsExactly(buyer);
        MimeMultipart alternative = (MimeMultipart) mail.getContent();
        assertThat(alternative.getContentType()).startsWith("multipart/alternative");
        assertThat(alternative.getCount()).isEqualTo(2);
        String text = part(alternative, "text/plain");
        String html = part(alternative, "text/html");
        assertThat(text).contains("卡密", orderNo, codes.get(0), codes.get(1), "https://shop.example/api/orders/" + orderNo);
        // The HTML part escapes the codes: markup in a code shows as text and cannot inject anything.
        assertThat(html).contains("lang=\"zh-CN\"", "卡密", "ZH-" + orderNo + "-A&lt;b&gt;&amp;&quot;1", codes.get(1),
                "href=\"https://shop.example/api/orders/" + orderNo + "\"");
        assertThat(html).doesNotContain(codes.get(0));

        awaitEvent(Topics.ORDER_DELIVERED, orderNo);
        assertThat(row(orderNo, "keys", "")).containsEntry("status", "SENT").containsEntry("attempts", 1);
        assertThat(output.getAll()).contains(orderNo);
        codes.forEach(code -> assertThat(output.getAll()).doesNotContain(code));
    }

    @Test
    void whenTheOrderLocaleIsEnglishThenTheMailIsInEnglish() throws Exception {
        String orderNo = orderNo();
        String buyer = orderNo.toLowerCase() + "@buyer.example";

        publishKeysAllocated(orderNo, buyer, "en-US", List.of("EN-" + orderNo));

        MimeMessage mail = awaitMails(buyer, 1).get(0);
        assertThat(mail.getSubject()).isEqualTo("Your FlashKey card codes - order " + orderNo);
        MimeMultipart alternative = (MimeMultipart) mail.getContent();
        assertThat(part(alternative, "text/plain")).contains("Here are your card codes (1)", "EN-" + orderNo)
                .doesNotContain("卡密");
        assertThat(part(alternative, "text/html")).contains("lang=\"en\"", "EN-" + orderNo);
    }

    @Test
    void whenSmtpIsDownThenTheMailIsDeliveredExactlyOnceAfterRetries(CapturedOutput output) throws Exception {
        String orderNo = orderNo();
        String buyer = orderNo.toLowerCase() + "@buyer.example";
        String code = "DOWN-" + orderNo;
        smtp.stop();
        try {
            publishKeysAllocated(orderNo, buyer, "en", List.of(code));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> "FAILED".equals(row(orderNo, "keys", "").get("status")));
            assertThat(row(orderNo, "keys", "")).containsEntry("last_error", "smtp-unavailable");
        }
        finally {
            smtp = new GreenMail(SMTP);
            smtp.start();
        }

        awaitMails(buyer, 1);
        awaitEvent(Topics.ORDER_DELIVERED, orderNo);
        Map<String, Object> row = row(orderNo, "keys", "");
        assertThat(row).containsEntry("status", "SENT").containsEntry("possible_duplicate", false);
        assertThat((Integer) row.get("attempts")).isGreaterThanOrEqualTo(2);
        assertThat(mailsTo(buyer)).hasSize(1);
        assertThat(events(Topics.NOTIFICATION_FAILED, orderNo)).isEmpty();
        assertThat(output.getAll()).doesNotContain(code);
    }

    @Test
    void whenSmtpStaysDownThenRetriesEndInTheDeadLetterTopicWithNotificationFailed() throws Exception {
        String orderNo = orderNo();
        smtp.stop();
        try {
            publishKeysAllocated(orderNo, orderNo.toLowerCase() + "@buyer.example", "en", List.of("GONE-" + orderNo));
            NotificationFailed failed = (NotificationFailed) awaitEvent(Topics.NOTIFICATION_FAILED, orderNo).data();
            assertThat(failed.reason()).isEqualTo("retries-exhausted: smtp-unavailable");
            assertThat(failed.attempts()).isEqualTo(5);
            assertThat(row(orderNo, "keys", "")).containsEntry("status", "FAILED").containsEntry("attempts", 5);
        }
        finally {
            smtp = new GreenMail(SMTP);
            smtp.start();
        }
    }

    @Test
    void when500DuplicateEventsArriveThenExactlyOneMailIsSent() throws Exception {
        String orderNo = orderNo();
        String buyer = orderNo.toLowerCase() + "@buyer.example";
        KeysAllocated event = keysAllocated(orderNo, buyer, "en", List.of("DUP-" + orderNo));
        byte[] replayed = CODEC.write(EventEnvelope.of(event, Instant.now()));
        for (int i = 0; i < 500; i++) {
            // Half replays of one envelope (same event id), half fresh envelopes of the same fact (new ids).
            byte[] value = i % 2 == 0 ? replayed : CODEC.write(EventEnvelope.of(event, Instant.now()));
            kafka.send(topics.name(Topics.KEYS_ALLOCATED), orderNo, value);
        }
        kafka.flush();

        awaitMails(buyer, 1);
        awaitEvent(Topics.ORDER_DELIVERED, orderNo);
        // Every duplicate settles (skipped, or retried until the first one was recorded) without a second mail.
        Thread.sleep(5_000);
        assertThat(mailsTo(buyer)).hasSize(1);
        assertThat(row(orderNo, "keys", "")).containsEntry("status", "SENT").containsEntry("possible_duplicate", false);
        assertThat(events(Topics.NOTIFICATION_FAILED, orderNo)).isEmpty();
    }

    @Test
    void whenTheAddressIsInvalidThenTheEventIsDeadLetteredAtOnceAndNotificationFailedIsPublished(CapturedOutput output)
            throws Exception {
        String orderNo = orderNo();
        String code = "BAD-" + orderNo;

        publishKeysAllocated(orderNo, "not an address@@example", "en", List.of(code));

        EventEnvelope<Event> failed = awaitEvent(Topics.NOTIFICATION_FAILED, orderNo);
        NotificationFailed data = (NotificationFailed) failed.data();
        assertThat(data.reason()).isEqualTo("invalid-address");
        assertThat(data.channel()).isEqualTo("email");
        assertThat(data.attempts()).isEqualTo(1);
        assertThat(tap.records(topics.name(Topics.KEYS_ALLOCATED) + ".DLT")).anyMatch(r -> orderNo.equals(r.key()));
        assertThat(row(orderNo, "keys", "")).containsEntry("status", "FAILED").containsEntry("attempts", 1)
                .containsEntry("last_error", "invalid-address");
        assertThat(events(Topics.ORDER_DELIVERED, orderNo)).isEmpty();
        assertThat(meters.counter("flashkey.notification.dead.letters", "channel", "email", "reason", "invalid-address")
                .count()).isGreaterThanOrEqualTo(1.0);
        assertThat(output.getAll()).contains(orderNo).doesNotContain(code);
    }

    @Test
    void whenADeadLetterIsForADeliveryAlreadySentThenNoFailureIsPublished() throws Exception {
        String orderNo = orderNo();
        String buyer = orderNo.toLowerCase() + "@buyer.example";
        KeysAllocated event = keysAllocated(orderNo, buyer, "en", List.of("LATE-" + orderNo));
        publish(Topics.KEYS_ALLOCATED, event);
        awaitMails(buyer, 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> "SENT".equals(row(orderNo, "keys", "").get("status")));
        String neverSent = orderNo();
        String deadLetters = topics.name(Topics.KEYS_ALLOCATED) + ".DLT";

        // A duplicate that kept finding the first delivery in flight, then a dead letter that deserves an alert,
        // on one partition so the second is handled after the first.
        kafka.send(new ProducerRecord<>(deadLetters, 0, orderNo, CODEC.write(EventEnvelope.of(event, Instant.now())),
                List.of(new RecordHeader("kafka_exception-stacktrace",
                        "failed for now: in-flight".getBytes(StandardCharsets.UTF_8))))).get();
        kafka.send(new ProducerRecord<>(deadLetters, 0, neverSent, CODEC.write(EventEnvelope.of(
                keysAllocated(neverSent, buyer, "en", List.of("X")), Instant.now())), List.of())).get();

        awaitEvent(Topics.NOTIFICATION_FAILED, neverSent);
        assertThat(events(Topics.NOTIFICATION_FAILED, orderNo)).isEmpty();
        assertThat(mailsTo(buyer)).hasSize(1);
    }

    @Test
    void whenARecordIsMalformedThenItIsDeadLetteredAndLaterRecordsStillFlow() throws Exception {
        String poisoned = orderNo();
        kafka.send(topics.name(Topics.KEYS_ALLOCATED), poisoned, "{not json".getBytes(StandardCharsets.UTF_8));
        String orderNo = orderNo();
        String buyer = orderNo.toLowerCase() + "@buyer.example";
        publishKeysAllocated(orderNo, buyer, "en", List.of("AFTER-" + orderNo));

        NotificationFailed failed = (NotificationFailed) awaitEvent(Topics.NOTIFICATION_FAILED, poisoned).data();
        assertThat(failed.reason()).isEqualTo("malformed-event");
        awaitMails(buyer, 1);
    }

    @Test
    void whenTheBuyerAsksForAResendThenOneMoreMailIsSentPerRequestId() throws Exception {
        String orderNo = orderNo();
        String buyer = orderNo.toLowerCase() + "@buyer.example";
        List<String> codes = List.of("RE-" + orderNo);
        publishKeysAllocated(orderNo, buyer, "en", codes);
        awaitMails(buyer, 1);

        publishResend(orderNo, "req-1", buyer, codes);
        publishResend(orderNo, "req-1", buyer, codes);
        awaitMails(buyer, 2);
        await().atMost(Duration.ofSeconds(60)).until(() -> "SENT".equals(row(orderNo, "keys-resend", "req-1").get("status")));
        publishResend(orderNo, "req-2", buyer, codes);
        awaitMails(buyer, 3);
        await().atMost(Duration.ofSeconds(60)).until(() -> "SENT".equals(row(orderNo, "keys-resend", "req-2").get("status")));

        Thread.sleep(2_000);
        assertThat(mailsTo(buyer)).hasSize(3);
    }

    @Test
    void whenAnAttemptDiedAfterClaimingThenTheMailIsSentOnceMoreAndRecordedAsPossibleDuplicate() throws Exception {
        String orderNo = orderNo();
        String buyer = orderNo.toLowerCase() + "@buyer.example";
        // The state a crash between "SMTP accepted" and "marked sent" leaves behind: a claim nobody will finish.
        try (Connection connection = db.connect(); PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO sent_messages (order_no, channel, template, request_id, status, attempts, event_id, claimed_at) "
                        + "VALUES (?, 'email', 'keys', '', 'SENDING', 1, ?, UTC_TIMESTAMP(3) - INTERVAL 1 HOUR)")) {
            insert.setString(1, orderNo);
            insert.setString(2, UUID.randomUUID().toString());
            insert.executeUpdate();
        }

        publishKeysAllocated(orderNo, buyer, "en", List.of("CRASH-" + orderNo));

        awaitMails(buyer, 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> "SENT".equals(row(orderNo, "keys", "").get("status")));
        assertThat(row(orderNo, "keys", "")).containsEntry("possible_duplicate", true).containsEntry("attempts", 2);
    }

    @Test
    void whenSettledRowsAreOlderThanKeepSentThenRetentionDeletesThemAndKeepsRowsInFlightOrUnpublished()
            throws Exception {
        String tag = orderNo();
        try (Connection connection = db.connect(); Statement insert = connection.createStatement()) {
            insert.executeUpdate("INSERT INTO sent_messages (order_no, channel, template, request_id, status, attempts, "
                    + "event_id, claimed_at, sent_at, delivered_published_at) VALUES "
                    + "('OLD-SENT" + tag + "', 'email', 'keys', '', 'SENT', 1, UUID(), UTC_TIMESTAMP(3) - INTERVAL 91 DAY, "
                    + "UTC_TIMESTAMP(3) - INTERVAL 91 DAY, UTC_TIMESTAMP(3) - INTERVAL 91 DAY), "
                    + "('OLD-FAILED" + tag + "', 'email', 'keys', '', 'FAILED', 5, UUID(), UTC_TIMESTAMP(3) - INTERVAL 91 DAY, "
                    + "NULL, NULL), "
                    + "('OLD-UNPUBLISHED" + tag + "', 'email', 'keys', '', 'SENT', 1, UUID(), "
                    // sent just now: the relay (every second here) leaves it alone until the purge below ran
                    + "UTC_TIMESTAMP(3) - INTERVAL 91 DAY, UTC_TIMESTAMP(3), NULL), "
                    + "('OLD-SENDING" + tag + "', 'email', 'keys', '', 'SENDING', 1, UUID(), UTC_TIMESTAMP(3) - INTERVAL 91 DAY, "
                    + "NULL, NULL), "
                    + "('RECENT" + tag + "', 'email', 'keys', '', 'SENT', 1, UUID(), UTC_TIMESTAMP(3) - INTERVAL 89 DAY, "
                    + "UTC_TIMESTAMP(3) - INTERVAL 89 DAY, UTC_TIMESTAMP(3) - INTERVAL 89 DAY)");
        }
        assertThat(relay.purge().block(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(2L);
        assertThat(row("OLD-SENT" + tag, "keys", "")).isEmpty();
        assertThat(row("OLD-FAILED" + tag, "keys", "")).isEmpty();
        // Still to be published, or a send in flight: kept (the relay publishes the first, a take-over finishes the
        // second). A recent one is kept as the replay guard.
        assertThat(row("OLD-UNPUBLISHED" + tag, "keys", "")).isNotEmpty();
        assertThat(row("OLD-SENDING" + tag, "keys", "")).isNotEmpty();
        assertThat(row("RECENT" + tag, "keys", "")).isNotEmpty();
    }

    @Test
    void whenTheBuyerGaveAPhoneNumberThenOneOrderReadySmsFollowsTheMailAndNeverHoldsTheCodes() throws Exception {
        String orderNo = orderNo();
        String buyer = orderNo.toLowerCase() + "@buyer.example";
        String code = "SMS-" + orderNo;
        KeysAllocated event = withPhone(keysAllocated(orderNo, buyer, "en", List.of(code)), "+8613800000001");
        publish(Topics.KEYS_ALLOCATED, event);
        publish(Topics.KEYS_ALLOCATED, event);

        awaitMails(buyer, 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> smsFor(orderNo).size() == 1);
        Thread.sleep(3_000);
        assertThat(smsFor(orderNo)).as("one SMS despite the duplicate").singleElement().asString()
                .contains("\"to\":\"+8613800000001\"", orderNo).doesNotContain(code);
        assertThat(row(orderNo, "sms", "order-ready", "")).containsEntry("status", "SENT");
        assertThat(mailsTo(buyer)).hasSize(1);
    }

    @Test
    void whenTheProviderRefusesTheNumberThenTheMailStillCountsAndNothingIsRetried() throws Exception {
        String orderNo = orderNo();
        String buyer = orderNo.toLowerCase() + "@buyer.example";
        publish(Topics.KEYS_ALLOCATED, withPhone(keysAllocated(orderNo, buyer, "zh-CN", List.of("R-" + orderNo)),
                "+10005550100"));

        awaitMails(buyer, 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> "FAILED".equals(row(orderNo, "sms", "order-ready", "")
                .get("status")));
        Thread.sleep(3_000);
        assertThat(smsFor(orderNo)).as("a refused number is not retried").hasSize(1);
        assertThat(row(orderNo, "keys", "")).containsEntry("status", "SENT");
        assertThat(events(Topics.NOTIFICATION_FAILED, orderNo)).isEmpty();
        assertThat(tap.records(topics.name(Topics.KEYS_ALLOCATED) + ".DLT")).noneMatch(r -> orderNo.equals(r.key()));
    }

    @Test
    void whenStartedThenHealthProbesMetricsAndOpenApiAnswer() {
        web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        web.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
        web.get().uri("/v3/api-docs").exchange().expectStatus().isOk();
    }

    // Spring's own refusals keep their 4xx status as problem+json with a stable type (Boot's error JSON before).

    @Test
    void whenAnotherMethodIsUsedOnAKnownPathThenItIs405() {
        expectProblem(web.delete().uri("/actuator/health").exchange(), 405, "not-found");
    }

    @Test
    void whenOnlyXmlIsAcceptableThenItIs406AsProblemJson() {
        expectProblem(web.get().uri("/actuator/health").accept(MediaType.APPLICATION_XML).exchange(), 406,
                "validation");
    }

    @Test
    void whenThePathIsUnknownThenItIs404() {
        expectProblem(web.get().uri("/api/nothing-here").exchange(), 404, "not-found");
        expectProblem(web.post().uri("/api/nothing-here").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange(), 404, "not-found");
    }

    private static void expectProblem(WebTestClient.ResponseSpec response, int status, String code) {
        response.expectStatus().isEqualTo(status).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/" + code)
                .jsonPath("$.status").isEqualTo(status);
    }

    // --- fixtures -------------------------------------------------------------------------------------------

    static String orderNo() {
        return "FK" + UUID.randomUUID().toString().replace("-", "").substring(0, 20).toUpperCase();
    }

    static KeysAllocated withPhone(KeysAllocated e, String phone) {
        return new KeysAllocated(e.orderNo(), e.sku(), e.quantity(), e.buyerEmail(), e.locale(), e.codes(),
                e.allocatedAt(), phone);
    }

    static List<String> smsFor(String orderNo) {
        return smsBodies.stream().filter(body -> body.contains(orderNo)).toList();
    }

    static KeysAllocated keysAllocated(String orderNo, String buyer, String locale, List<String> codes) {
        return new KeysAllocated(orderNo, "GIFT-100", codes.size(), buyer, locale,
                codes.stream().map(code -> CODES.seal(orderNo, code)).toList(), Instant.now());
    }

    void publishKeysAllocated(String orderNo, String buyer, String locale, List<String> codes) throws Exception {
        publish(Topics.KEYS_ALLOCATED, keysAllocated(orderNo, buyer, locale, codes));
    }

    void publishResend(String orderNo, String requestId, String buyer, List<String> codes) throws Exception {
        publish(Topics.DELIVERY_RESEND_REQUESTED, new DeliveryResendRequested(orderNo, requestId, "GIFT-100", buyer, "en",
                codes.stream().map(code -> CODES.seal(orderNo, code)).toList(), Instant.now()));
    }

    void publish(String topic, Event event) throws Exception {
        EventEnvelope<Event> envelope = EventEnvelope.of(event, Instant.now());
        kafka.send(topics.name(topic), envelope.key(), CODEC.write(envelope)).get();
    }

    static List<MimeMessage> mailsTo(String buyer) throws MessagingException {
        List<MimeMessage> out = new ArrayList<>();
        for (MimeMessage message : smtp.getReceivedMessages()) {
            if (Arrays.stream(message.getAllRecipients()).anyMatch(a -> ((InternetAddress) a).getAddress().equals(buyer))) {
                out.add(message);
            }
        }
        return out;
    }

    static List<MimeMessage> awaitMails(String buyer, int count) throws MessagingException {
        await().atMost(Duration.ofSeconds(60)).until(() -> mailsTo(buyer).size() >= count);
        return mailsTo(buyer);
    }

    static List<EventEnvelope<Event>> events(String topic, String orderNo) {
        return tap.records(topics.name(topic)).stream().map(ConsumerRecord::value).map(CODEC::read)
                .filter(e -> orderNo.equals(e.orderNo())).toList();
    }

    static EventEnvelope<Event> awaitEvent(String topic, String orderNo) {
        await().atMost(Duration.ofSeconds(60)).until(() -> !events(topic, orderNo).isEmpty());
        EventEnvelope<Event> event = events(topic, orderNo).get(0);
        if (Topics.ORDER_DELIVERED.equals(topic)) {
            assertThat(((OrderDelivered) event.data()).channel()).isEqualTo("email");
        }
        return event;
    }

    static String part(MimeMultipart multipart, String type) throws MessagingException, IOException {
        for (int i = 0; i < multipart.getCount(); i++) {
            BodyPart part = multipart.getBodyPart(i);
            if (part.isMimeType(type)) {
                return (String) part.getContent();
            }
        }
        throw new AssertionError("no " + type + " part");
    }

    static Map<String, Object> row(String orderNo, String template, String requestId) throws SQLException {
        return row(orderNo, "email", template, requestId);
    }

    static Map<String, Object> row(String orderNo, String channel, String template, String requestId)
            throws SQLException {
        try (Connection connection = db.connect(); PreparedStatement select = connection.prepareStatement(
                "SELECT status, attempts, possible_duplicate, last_error FROM sent_messages "
                        + "WHERE order_no = ? AND channel = ? AND template = ? AND request_id = ?")) {
            select.setString(1, orderNo);
            select.setString(2, channel);
            select.setString(3, template);
            select.setString(4, requestId);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Map.of();
                }
                Map<String, Object> row = new java.util.HashMap<>();
                row.put("status", rs.getString("status"));
                row.put("attempts", rs.getInt("attempts"));
                row.put("possible_duplicate", rs.getBoolean("possible_duplicate"));
                row.put("last_error", rs.getString("last_error"));
                return row;
            }
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
