package com.flashkey.catalog.product;

import static com.flashkey.catalog.ProductFixtures.uniqueSku;
import static com.flashkey.catalog.ProductFixtures.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import com.flashkey.catalog.ProductFixtures;
import com.flashkey.catalog.Replica;
import com.flashkey.testsupport.AdminTokens;
import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestInfrastructure;
import com.flashkey.testsupport.TestRedisNamespace;

import reactor.core.publisher.Flux;

/**
 * The read path across two replicas (two application contexts) sharing one database and one Redis namespace:
 * local hits, Redis hits, single-flight loading, negative caching, invalidation, warm-up, and degraded modes.
 */
class ProductCacheReplicaTests {

    @RegisterExtension
    static TestDatabase db = TestInfrastructure.mariaDb().newDatabase("catalog");

    @RegisterExtension
    static TestRedisNamespace redis = TestInfrastructure.redis().newNamespace("catalog");

    static Replica a;
    static Replica b;

    @BeforeAll
    static void startReplicas() {
        a = Replica.start(db, redis);
        b = Replica.start(db, redis);
    }

    @AfterAll
    static void stopReplicas() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private static String coldProduct(String stem) {
        String sku = uniqueSku(stem);
        Instant now = Instant.now();
        Replica.insertProduct(db, sku, "Cold " + sku, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), true);
        return sku;
    }

    private static String nameOn(Replica replica, String sku) {
        return (String) replica.web().get().uri("/api/products/{sku}", sku).exchange().expectStatus().isOk()
            .expectBody(Map.class).returnResult().getResponseBody().get("name");
    }

    private static String redisKey(String sku) {
        return redis.prefix() + "catalog:product:v1:" + sku;
    }

    private static String redisValue(String sku) {
        String value = redis.withCommands(r -> r.get(redisKey(sku)));
        return value;
    }

    private static long redisTtlMillis(String sku) {
        Long ttl = redis.withCommands(r -> r.pttl(redisKey(sku)));
        return ttl;
    }

    private static long redisExists(String sku) {
        Long count = redis.withCommands(r -> r.exists(redisKey(sku)));
        return count;
    }

    @Test
    void whenProductIsReadAgainThenTheLocalCacheAnswersAndAnotherReplicaFindsItInRedis() {
        String sku = coldProduct("HIT");
        double aLoads = a.databaseLoads();
        double bLoads = b.databaseLoads();
        double bRedisHits = b.redisHits();

        assertThat(nameOn(a, sku)).isEqualTo("Cold " + sku);
        assertThat(a.databaseLoads()).isEqualTo(aLoads + 1);
        assertThat(nameOn(a, sku)).isEqualTo("Cold " + sku);
        assertThat(a.databaseLoads()).as("second read on the same replica is a local hit").isEqualTo(aLoads + 1);
        assertThat(redisValue(sku)).contains("\"sku\":\"" + sku + "\"");

        assertThat(nameOn(b, sku)).isEqualTo("Cold " + sku);
        assertThat(b.databaseLoads()).as("the other replica finds it in Redis").isEqualTo(bLoads);
        assertThat(b.redisHits()).isEqualTo(bRedisHits + 1);

        Replica.renameBehindTheCache(db, sku, "Changed behind the cache");
        assertThat(nameOn(a, sku)).as("served from the cache, not the database").isEqualTo("Cold " + sku);
        assertThat(nameOn(b, sku)).isEqualTo("Cold " + sku);
    }

    @Test
    void whenAProductIsReadRepeatedlyThenEachReadCountsOnceAsALocalHitOrMiss() {
        String sku = coldProduct("STATS");
        double hits = a.localCacheGets("hit");
        double misses = a.localCacheGets("miss");
        for (int i = 0; i < 3; i++) {
            assertThat(nameOn(a, sku)).isEqualTo("Cold " + sku);
        }
        assertThat(a.localCacheGets("miss") - misses).isEqualTo(1);
        assertThat(a.localCacheGets("hit") - hits).as("hits answered on the caller's thread are counted too").isEqualTo(2);
    }

    @Test
    void whenAdminChangesProductOnOneReplicaThenEveryReplicaDropsItsLocalCopy() {
        String sku = coldProduct("INVAL");
        assertThat(nameOn(a, sku)).isEqualTo("Cold " + sku);
        assertThat(nameOn(b, sku)).isEqualTo("Cold " + sku);
        double bLoads = b.databaseLoads();

        a.web().put()
            .uri("/api/admin/products/{sku}", sku)
            .headers(headers -> headers.setBearerAuth(AdminTokens.admin()))
            .bodyValue(with(ProductFixtures.onSale(sku), "name", "Renamed by admin"))
            .exchange()
            .expectStatus()
            .isOk();

        assertThat(nameOn(a, sku)).isEqualTo("Renamed by admin");
        // Local copies live 10 minutes in this profile: only the pub/sub message can make B see the change.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(nameOn(b, sku)).isEqualTo("Renamed by admin"));
        assertThat(b.databaseLoads()).as("B reloads the new version from Redis, not from the database").isEqualTo(bLoads);
        assertThat(redisValue(sku)).contains("Renamed by admin").contains("\"version\":1");
    }

    @Test
    void whenUnknownSkuIsReadRepeatedlyThenTheDatabaseIsAskedOnceAndTheMarkerExpiresSoon() {
        String sku = uniqueSku("GHOST");
        double aLoads = a.databaseLoads();
        double bLoads = b.databaseLoads();
        for (int i = 0; i < 3; i++) {
            a.web().get().uri("/api/products/{sku}", sku).exchange().expectStatus().isNotFound();
        }
        b.web().get().uri("/api/products/{sku}", sku).exchange().expectStatus().isNotFound();
        b.web().get().uri("/api/products/{sku}", sku).exchange().expectStatus().isNotFound();

        assertThat(a.databaseLoads()).isEqualTo(aLoads + 1);
        assertThat(b.databaseLoads()).isEqualTo(bLoads);
        assertThat(redisValue(sku)).isEqualTo(ProductCache.ABSENT);
        long ttlMillis = redisTtlMillis(sku);
        assertThat(ttlMillis).as("negative TTL is 30 s +/- 20%").isBetween(1L, 36_000L);

        a.web().post()
            .uri("/api/admin/products")
            .headers(headers -> headers.setBearerAuth(AdminTokens.admin()))
            .bodyValue(ProductFixtures.onSale(sku))
            .exchange()
            .expectStatus()
            .isCreated();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(nameOn(b, sku)).isEqualTo("Steam card " + sku));
        assertThat(nameOn(a, sku)).isEqualTo("Steam card " + sku);
    }

    @Test
    void whenThousandReadsOfAColdSkuArriveAtOnceOnTwoReplicasThenTheDatabaseIsQueriedOnce() {
        String sku = coldProduct("STAMPEDE");
        double loadsBefore = a.databaseLoads() + b.databaseLoads();

        List<Product> answers = Flux.merge(
                Flux.range(0, 500).flatMap(i -> a.catalog().findProduct(sku), 500),
                Flux.range(0, 500).flatMap(i -> b.catalog().findProduct(sku), 500))
            .collectList()
            .block(Duration.ofSeconds(60));

        assertThat(answers).hasSize(1000).allSatisfy(product -> assertThat(product.sku()).isEqualTo(sku));
        assertThat(a.databaseLoads() + b.databaseLoads() - loadsBefore).isEqualTo(1);
    }

    @Test
    void whenWarmUpRunsThenCurrentAndUpcomingSalesAreInRedisWithJitteredTtlsAndOthersAreNot() {
        Instant now = Instant.now();
        List<String> upcoming = IntStream.range(0, 10).mapToObj(i -> uniqueSku("SOON")).toList();
        upcoming.forEach(sku -> Replica.insertProduct(db, sku, "Soon", now.plus(Duration.ofMinutes(30)),
                now.plus(Duration.ofHours(2)), true));
        String later = uniqueSku("LATER");
        Replica.insertProduct(db, later, "Later", now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(3)), true);
        String ended = uniqueSku("ENDED");
        Replica.insertProduct(db, ended, "Ended", now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)), true);
        String inactive = uniqueSku("INACTIVE");
        Replica.insertProduct(db, inactive, "Inactive", now.plus(Duration.ofMinutes(30)), now.plus(Duration.ofHours(2)),
                false);

        List<String> warmed = (List<String>) a.web().post()
            .uri("/api/admin/products/warm-up")
            .headers(headers -> headers.setBearerAuth(AdminTokens.admin()))
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody()
            .get("skus");
        assertThat(warmed).containsAll(upcoming).doesNotContain(later, ended, inactive);

        double bLoads = b.databaseLoads();
        upcoming.forEach(sku -> assertThat(nameOn(b, sku)).isEqualTo("Soon"));
        assertThat(b.databaseLoads()).as("warmed products are served without the database").isEqualTo(bLoads);
        assertThat(redisExists(later)).isZero();

        List<Long> ttls = new ArrayList<>();
        upcoming.forEach(sku -> ttls.add(redisTtlMillis(sku)));
        assertThat(ttls).allSatisfy(ttl -> assertThat(ttl).isBetween(1L, 720_000L));
        assertThat(ttls.stream().map(ttl -> ttl / 1000).distinct().count())
            .as("TTLs of entries written together are spread, not equal").isGreaterThan(3);
    }

    @Test
    void whenAReplicaStartsThenItWarmsProductsWhoseSaleStartsWithinTheHorizon() {
        Instant now = Instant.now();
        String soon = uniqueSku("BOOT-SOON");
        Replica.insertProduct(db, soon, "Soon", now.plus(Duration.ofMinutes(10)), now.plus(Duration.ofHours(1)), true);
        String later = uniqueSku("BOOT-LATER");
        Replica.insertProduct(db, later, "Later", now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(2)), true);

        try (Replica starting = Replica.start(db, redis, Map.of("flashkey.catalog.warm-up.on-start-up", "true"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> redisExists(soon) == 1);
            assertThat(nameOn(starting, soon)).isEqualTo("Soon");
            assertThat(starting.databaseLoads()).as("warmed at start-up, not loaded on demand").isZero();
            assertThat(redisExists(later)).isZero();
        }
    }

    @Test
    void whenRedisIsUnreachableThenReadsFallBackToTheDatabase() throws Exception {
        String sku = coldProduct("NOREDIS");
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        try (Replica noRedis = Replica.start(db, redis, Map.of("spring.data.redis.port", Integer.toString(deadPort),
                "flashkey.catalog.cache.redis-timeout", "500ms"))) {
            assertThat(nameOn(noRedis, sku)).isEqualTo("Cold " + sku);
            assertThat(noRedis.databaseLoads()).isEqualTo(1);
            noRedis.web().get().uri("/api/products/{sku}", uniqueSku("NONE")).exchange().expectStatus().isNotFound();
        }
    }

    @Test
    void whenDatabaseIsUnreachableThenCachedProductsAreServedAndUncachedOnesAnswer503() throws Exception {
        String cached = coldProduct("CACHED");
        assertThat(nameOn(a, cached)).isEqualTo("Cold " + cached);
        String uncached = coldProduct("UNCACHED");
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        String deadUrl = "r2dbc:mysql://127.0.0.1:" + deadPort + "/" + db.name() + "?connectionTimeZone=UTC";
        try (Replica noDatabase = Replica.start(db, redis, Map.of("spring.r2dbc.url", deadUrl,
                "flashkey.catalog.database-timeout", "5s"))) {
            assertThat(nameOn(noDatabase, cached)).as("Redis still has it").isEqualTo("Cold " + cached);
            noDatabase.web().get()
                .uri("/api/products/{sku}", uncached)
                .exchange()
                .expectStatus()
                .isEqualTo(503)
                .expectHeader()
                .exists(HttpHeaders.RETRY_AFTER)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/unavailable");
        }
    }
}
