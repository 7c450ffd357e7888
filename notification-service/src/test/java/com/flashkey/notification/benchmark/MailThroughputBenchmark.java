package com.flashkey.notification.benchmark;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import com.flashkey.contracts.DeliveryCodes;
import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.KeysAllocated;
import com.flashkey.contracts.Topics;
import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestInfrastructure;
import com.flashkey.testsupport.TestTopics;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * E-mails per second delivered to an in-JVM SMTP server (GreenMail), measured, not asserted. Not a unit test:
 * excluded from {@code verify}; run with
 * {@code ./mvnw -pl notification-service -am verify -Dgroups=benchmark -Dnotification.excludedGroups= -Dtest=MailThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * (size with {@code -Dbench.mails=1000 -Dbench.rounds=3}).
 * <p>
 * Baseline and subject run alternately in one JVM against the same server:
 * <ul>
 * <li>baseline: the same kind of mail sent straight through JavaMailSender, 16 at a time (no Kafka, no log, no crypto);</li>
 * <li>subject: keys.allocated events through the whole service: Kafka, claim in the sent-message log, open codes,
 * render both parts, SMTP, mark sent, publish order.delivered.</li>
 * </ul>
 */
@Tag("benchmark")
// The local profile: its development delivery key is the one these codes are sealed with.
@ActiveProfiles("local")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class MailThroughputBenchmark {

    static final int MAILS = Integer.getInteger("bench.mails", 1000);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    static final DeliveryCodes CODES = new DeliveryCodes("dev-1",
            Map.of("dev-1", "Zmxhc2hrZXktbG9jYWwtZGVsaXZlcnkta2V5LTAwMDE="));
    static final EventCodec CODEC = new EventCodec();
    static final ServerSetup SMTP = new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    static GreenMail smtp;

    @RegisterExtension
    static TestDatabase db = TestInfrastructure.mariaDb().newDatabase("notifications");

    @RegisterExtension
    static TestTopics topics = TestInfrastructure.kafka().newTopics("notifbench", 6,
            List.of(Topics.KEYS_ALLOCATED, Topics.DELIVERY_RESEND_REQUESTED, Topics.ORDER_DELIVERED, Topics.NOTIFICATION_FAILED));

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        db.registerR2dbcAndFlyway(registry);
        topics.registerKafka(registry);
        registry.add("spring.mail.host", SMTP::getBindAddress);
        registry.add("spring.mail.port", SMTP::getPort);
        registry.add("flashkey.notification.partitions", () -> 6);
        registry.add("flashkey.notification.listener-concurrency", () -> 3);
        registry.add("logging.level.com.flashkey", () -> "WARN");
    }

    @BeforeAll
    static void startSmtp() {
        smtp = new GreenMail(SMTP);
        smtp.start();
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    @Autowired
    JavaMailSender mailSender;

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @Test
    void measureEmailsPerSecond() throws Exception {
        // Warm-up, one full discarded round each: JIT, R2DBC pool growth, SMTP and Kafka connections, thread pools.
        // (With a 100-mail warm-up the first measured subject round ran 5x slower than the next ones.)
        baseline(MAILS);
        subject(MAILS);
        List<Double> baseline = new ArrayList<>();
        List<Double> subject = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            baseline.add(baseline(MAILS));
            subject.add(subject(MAILS));
        }
        double b = median(baseline);
        double s = median(subject);
        String report = String.format(
                "mail throughput, %d mails x %d rounds, %d cores (shared machine: other builds run concurrently)%n"
                        + "  baseline direct JavaMailSender x16: %s mails/s, median %.0f%n"
                        + "  subject  keys.allocated -> service -> SMTP: %s mails/s, median %.0f%n"
                        + "  ratio subject/baseline: %.2f%n",
                MAILS, ROUNDS, Runtime.getRuntime().availableProcessors(), format(baseline), b, format(subject), s, s / b);
        System.out.println(report);
        Files.writeString(Path.of("target", "mail-throughput.txt"), report);
    }

    private double baseline(int count) throws InterruptedException {
        int before = smtp.getReceivedMessages().length;
        long start = System.nanoTime();
        Flux.range(0, count)
                .flatMap(i -> Mono.fromRunnable(() -> mailSender.send(directMail(i))).subscribeOn(Schedulers.boundedElastic()), 16)
                .blockLast();
        awaitReceived(before + count);
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private double subject(int count) throws Exception {
        int before = smtp.getReceivedMessages().length;
        List<byte[]> events = new ArrayList<>(count);
        List<String> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String orderNo = "B" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
            KeysAllocated event = new KeysAllocated(orderNo, "GIFT-100", 1, orderNo.toLowerCase() + "@bench.example", "en",
                    List.of(CODES.seal(orderNo, "CODE-" + i)), Instant.now());
            events.add(CODEC.write(EventEnvelope.of(event, Instant.now())));
            keys.add(orderNo);
        }
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            kafka.send(topics.name(Topics.KEYS_ALLOCATED), keys.get(i), events.get(i));
        }
        kafka.flush();
        awaitReceived(before + count);
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private MimeMessage directMail(int i) {
        try {
            MimeMessage message = mailSender.createMimeMessage();
            message.setFrom(new InternetAddress("no-reply@flashkey.local"));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress("direct" + i + "@bench.example"));
            message.setSubject("Your FlashKey card codes - order B" + i, "UTF-8");
            message.setText("Here are your card codes (1):\n  CODE-" + i + "\n", "UTF-8");
            return message;
        }
        catch (jakarta.mail.MessagingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void awaitReceived(int total) throws InterruptedException {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (smtp.getReceivedMessages().length < total) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + smtp.getReceivedMessages().length + " of " + total + " mails arrived");
            }
            Thread.sleep(20);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String format(List<Double> values) {
        return values.stream().map(v -> String.format("%.0f", v)).toList().toString();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
