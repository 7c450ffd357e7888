package com.flashkey.payment.notification;

import static com.flashkey.payment.WebhookTestSupport.newId;
import static com.flashkey.payment.WebhookTestSupport.now;
import static com.flashkey.payment.WebhookTestSupport.simpayBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import com.flashkey.payment.WebhookTestSupport;
import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestTopics;

import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Group commit against the real database. One insert at a time (max-in-flight 1): while another session holds
 * payment_notifications' write lock, the first callback's insert waits and every later callback waits to join the
 * next insert, so the test knows exactly which callbacks share a statement.
 */
// The context owns this class's own database/topics/keys: closed after the class, so its consumers and loops
// do not run on, against dropped resources and in the same consumer groups, beside the next class.
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GroupCommitIntegrationTests {

    static final String SECRET = "group-commit-secret";

    @RegisterExtension
    static TestDatabase db = WebhookTestSupport.newDatabase();

    @RegisterExtension
    static TestTopics topics = WebhookTestSupport.newTopics();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        WebhookTestSupport.registerInfrastructure(registry, db, topics);
        registry.add("flashkey.payment.providers.simpay.secrets", () -> SECRET);
        registry.add("flashkey.payment.relay.enabled", () -> "false");
        registry.add("flashkey.payment.reconciliation.enabled", () -> "false");
        registry.add("flashkey.payment.group-commit.max-in-flight", () -> "1");
        registry.add("flashkey.payment.group-commit.max-rows", () -> "200");
        registry.add("spring.r2dbc.pool.max-acquire-time", () -> "30s");
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Autowired
    WebhookAudit audit;

    ConnectionProvider connections;
    WebClient client;

    /** What a caller saw: the status, and whether its row was committed (visible to another session) on arrival. */
    record Answer(String eventId, int status, String retryAfter, String problemType, boolean rowVisibleOnArrival) {
    }

    @BeforeEach
    void client() {
        connections = ConnectionProvider.builder("group-commit").maxConnections(200).pendingAcquireMaxCount(-1).build();
        client = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections)
                        .responseTimeout(Duration.ofSeconds(90)))).build();
    }

    @AfterEach
    void dispose() throws SQLException {
        connections.dispose();
        execute("DROP TRIGGER IF EXISTS refuse_payment_notifications");
    }

    @Test
    void whenCopiesOfOneEventShareABatchThenExactlyOnePaymentSucceededAndEveryCopyIs200() throws Exception {
        String eventId = newId("evt");
        byte[] copy = simpayBody(eventId, "GCA" + eventId.substring(4, 14), "9.90");
        List<String> others = ids(20);
        List<byte[]> bodies = new ArrayList<>();
        String blocker = newId("evt");
        bodies.add(simpayBody(blocker, "GCB" + blocker.substring(4, 14), "1.00"));
        for (int i = 0; i < 30; i++) {
            bodies.add(copy);
        }
        others.forEach(id -> bodies.add(simpayBody(id, "GCB" + id.substring(4, 14), "1.00")));
        double batchesBefore = batches();
        double rowsBefore = batchRows();

        List<Answer> answers;
        try (TableLock lock = new TableLock()) {
            Mono<List<Answer>> all = holdFirstAndQueue(bodies);
            answers = lock.releaseAndAwait(all);
        }

        assertThat(statusCounts(answers)).isEqualTo(Map.of(200, 51L));
        assertThat(published(eventId)).isEqualTo(1);
        for (String other : others) {
            assertThat(published(other)).as(other).isEqualTo(1);
        }
        // The blocker alone, then the 50 that waited behind it (30 copies of one event among them) in one statement.
        assertThat(batches() - batchesBefore).isEqualTo(2);
        assertThat(batchRows() - rowsBefore).isEqualTo(51);
        audit.flush().block(Duration.ofSeconds(30));
        assertThat(WebhookTestSupport.firstValue(db, "SELECT COUNT(*) FROM webhook_attempts WHERE provider_event_id = ? "
                + "AND outcome = 'ACCEPTED'", eventId)).isEqualTo("1");
        assertThat(WebhookTestSupport.firstValue(db, "SELECT COUNT(*) FROM webhook_attempts WHERE provider_event_id = ? "
                + "AND outcome = 'DUPLICATE'", eventId)).isEqualTo("29");
    }

    @Test
    void whenTheDatabaseRefusesABatchThenEveryCallbackWaitingForItGets503AndTheirRetriesSucceed() throws Exception {
        List<String> eventIds = ids(25);
        List<byte[]> bodies = eventIds.stream().map(id -> simpayBody(id, "GCC" + id.substring(4, 14), "2.00")).toList();
        // A statement-level failure of the whole multi-row insert (INSERT IGNORE does not downgrade a SIGNAL).
        execute("CREATE TRIGGER refuse_payment_notifications BEFORE INSERT ON payment_notifications FOR EACH ROW "
                + "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'test: inserts refused'");
        double batchesBefore = batches();
        double rowsBefore = batchRows();

        List<Answer> answers;
        try (TableLock lock = new TableLock()) {
            Mono<List<Answer>> all = holdFirstAndQueue(bodies);
            answers = lock.releaseAndAwait(all);
        }

        assertThat(answers).hasSize(25).allSatisfy(answer -> {
            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.retryAfter()).isNotBlank();
            assertThat(answer.problemType()).isEqualTo("https://flashkey.dev/problems/unavailable");
        });
        // The first alone, then the 24 that waited behind it in one refused statement.
        assertThat(batches() - batchesBefore).isEqualTo(2);
        assertThat(batchRows() - rowsBefore).isEqualTo(25);
        assertThat(WebhookTestSupport.firstValue(db, "SELECT COUNT(*) FROM payment_notifications WHERE order_no LIKE 'GCC%'"))
                .isEqualTo("0");
        for (String id : eventIds) {
            assertThat(published(id)).isZero();
        }

        execute("DROP TRIGGER refuse_payment_notifications");
        List<Answer> retries = deliverAll(bodies).block(Duration.ofSeconds(120));
        assertThat(statusCounts(retries)).isEqualTo(Map.of(200, 25L));
        for (String id : eventIds) {
            assertThat(published(id)).as(id).isEqualTo(1);
        }
    }

    @Test
    void whenTheInsertHasNotCommittedThenNoCallbackIsAcknowledgedAndEveryAcknowledgedRowIsCommitted() throws Exception {
        List<String> eventIds = ids(40);
        List<byte[]> bodies = eventIds.stream().map(id -> simpayBody(id, "GCD" + id.substring(4, 14), "3.00")).toList();
        List<Answer> early = new CopyOnWriteArrayList<>();

        List<Answer> answers;
        try (TableLock lock = new TableLock()) {
            Mono<List<Answer>> all = holdFirstAndQueue(bodies, early);
            // Everyone is waiting for a commit that cannot happen yet: nobody may have an answer.
            Thread.sleep(1000);
            assertThat(early).isEmpty();
            answers = lock.releaseAndAwait(all);
        }

        assertThat(answers).hasSize(40).allSatisfy(answer -> {
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.rowVisibleOnArrival()).as(answer.eventId() + " committed when acknowledged").isTrue();
        });
    }

    /**
     * Sends the first body alone and waits until its insert is stuck on the lock, then sends the others and waits
     * until all of them are queued for the next insert. Returns the answers, once they come.
     */
    private Mono<List<Answer>> holdFirstAndQueue(List<byte[]> bodies) throws Exception {
        return holdFirstAndQueue(bodies, new CopyOnWriteArrayList<>());
    }

    private Mono<List<Answer>> holdFirstAndQueue(List<byte[]> bodies, List<Answer> arrived) throws Exception {
        Mono<List<Answer>> first = deliver(bodies.get(0)).doOnNext(arrived::add).map(List::of).cache();
        first.subscribe();
        WebhookTestSupport.await("the first insert waits for the lock", Duration.ofSeconds(60), Duration.ofMillis(20),
                () -> gauge("flashkey.payment.db.batch.in.flight") == 1 && gauge("flashkey.payment.db.batch.waiting") == 0);
        Mono<List<Answer>> rest = Flux.fromIterable(bodies.subList(1, bodies.size()))
                .flatMap(body -> deliver(body).doOnNext(arrived::add), 200).collectList().cache();
        rest.subscribe();
        WebhookTestSupport.await("the others wait for the next insert", Duration.ofSeconds(60), Duration.ofMillis(20),
                () -> gauge("flashkey.payment.db.batch.waiting") == bodies.size() - 1);
        return Mono.zip(first, rest).map(both -> {
            List<Answer> all = new ArrayList<>(both.getT1());
            all.addAll(both.getT2());
            return all;
        });
    }

    private Mono<List<Answer>> deliverAll(List<byte[]> bodies) {
        return Flux.fromIterable(bodies).flatMap(this::deliver, 200).collectList();
    }

    private Mono<Answer> deliver(byte[] body) {
        String eventId = new String(body).replaceAll(".*\"eventId\":\"([^\"]+)\".*", "$1");
        return client.post().uri("/webhooks/payments/simpay").contentType(MediaType.APPLICATION_JSON)
                .header(SimpaySignature.HEADER, SimpaySignature.header(now(), body, SECRET)).bodyValue(body)
                .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                        .map(text -> new Object[] { response.statusCode().value(),
                                response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER),
                                text.replaceAll("(?s).*\"type\"\\s*:\\s*\"([^\"]+)\".*", "$1") }))
                // Checked from another session the moment the answer arrives: visible = committed.
                .publishOn(Schedulers.boundedElastic())
                .map(r -> new Answer(eventId, (Integer) r[0], (String) r[1], (String) r[2], rowExists(eventId)));
    }

    private boolean rowExists(String eventId) {
        try {
            return WebhookTestSupport.firstValue(db, "SELECT id FROM payment_notifications WHERE provider = 'simpay' "
                    + "AND provider_event_id = ?", eventId) != null;
        }
        catch (SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** payment_notifications' write lock, held by another session until released: inserts wait meanwhile. */
    private final class TableLock implements AutoCloseable {

        private final Connection connection;
        private boolean held;

        TableLock() throws SQLException {
            connection = db.connect();
            try (Statement s = connection.createStatement()) {
                s.execute("LOCK TABLES payment_notifications WRITE");
            }
            held = true;
        }

        List<Answer> releaseAndAwait(Mono<List<Answer>> answers) throws SQLException {
            release();
            return answers.block(Duration.ofSeconds(120));
        }

        private void release() throws SQLException {
            if (held) {
                try (Statement s = connection.createStatement()) {
                    s.execute("UNLOCK TABLES");
                }
                held = false;
            }
        }

        @Override
        public void close() throws SQLException {
            try {
                release();
            }
            finally {
                connection.close();
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> ids(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(newId("evt"));
        }
        return ids;
    }

    private static Map<Integer, Long> statusCounts(List<Answer> answers) {
        return answers.stream().collect(Collectors.groupingBy(Answer::status, Collectors.counting()));
    }

    private long published(String eventId) {
        return WebhookTestSupport.publishedWhere(topics, p -> p.providerEventId().equals(eventId)).size();
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    private double batches() {
        return meters.get("flashkey.payment.db.batch.rows").summary().count();
    }

    private double batchRows() {
        return meters.get("flashkey.payment.db.batch.rows").summary().totalAmount();
    }
}
