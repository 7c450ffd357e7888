package com.flashkey.catalog.product;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

import com.flashkey.catalog.config.CatalogProperties;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The product read path: in-process cache, then Redis, then the database.
 * <ul>
 * <li>Stampede: the in-process {@link AsyncCache} shares one load per SKU among all concurrent readers of a
 * replica, and a Redis lock lets one replica query the database while the others poll Redis for its answer.</li>
 * <li>Hot reads: a local hit is answered on the caller's thread from the loaded entry, which also keeps the
 * rendered answer ({@link Cached}).</li>
 * <li>Penetration: an unknown SKU is cached as "absent" for a short time, locally and in Redis.</li>
 * <li>Avalanche: every TTL is jittered, so entries written together do not expire together.</li>
 * <li>Invalidation: a change writes the new version to Redis (never over a newer one) and is announced on a
 * pub/sub channel so every replica drops its local copy ({@link ProductChangeSubscriber}).</li>
 * </ul>
 * Redis is a fast copy: when it fails or is slow, reads fall through to the database, which is the truth.
 */
@Component
class ProductCache {

    /** Redis value of an SKU the database does not know. Product values are JSON objects and start with '{'. */
    static final String ABSENT = "absent";

    /** Writes a product unless Redis already holds the same or a newer version of it. */
    private static final RedisScript<Long> SET_IF_NEWER = RedisScript.of("""
            local current = redis.call('GET', KEYS[1])
            if current and string.sub(current, 1, 1) == '{' then
              local ok, cached = pcall(cjson.decode, current)
              if ok and cached['version'] and tonumber(cached['version']) >= tonumber(ARGV[2]) then
                return 0
              end
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
            return 1""", Long.class);

    /** Deletes the load lock only if this loader still holds it (it may have expired and been taken over). */
    private static final RedisScript<Long> RELEASE_LOCK = RedisScript.of("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0""", Long.class);

    private static final Logger log = LoggerFactory.getLogger(ProductCache.class);

    private final ProductRepository products;
    private final ReactiveStringRedisTemplate redis;
    private final ProductKeys keys;
    private final CatalogProperties.Cache settings;
    private final Duration databaseTimeout;
    private final JsonMapper json = JsonMapper.builder().build();
    private final AsyncCache<String, Optional<Cached<Product>>> local;
    /** The local cache's statistics (for the meters); hits answered without {@code local.get} are added by hand. */
    private final ConcurrentStatsCounter localStats = new ConcurrentStatsCounter();
    private final AsyncCache<PageKey, Cached<ProductPage>> pages;
    private final Counter redisHits;
    private final Counter databaseLoads;
    private final Counter redisFailures;

    ProductCache(ProductRepository products, ReactiveStringRedisTemplate redis, ProductKeys keys,
            CatalogProperties properties, MeterRegistry meters) {
        this.products = products;
        this.redis = redis;
        this.keys = keys;
        this.settings = properties.cache();
        this.databaseTimeout = properties.databaseTimeout();
        // Maintenance (read-buffer drains, expiry) on the reading thread: a read then never wakes a pool thread;
        // the drain is short and skipped while another thread holds it. Loads do not use this executor.
        this.local = Caffeine.newBuilder()
            .executor(Runnable::run)
            .maximumSize(settings.localMaxSize())
            .expireAfter(Expiry.writing((String sku, Optional<Cached<Product>> found) -> jittered(
                    found.isPresent() ? settings.localTtl() : settings.localNegativeTtl())))
            .recordStats(() -> localStats)
            .buildAsync();
        this.pages = Caffeine.newBuilder()
            .executor(Runnable::run)
            .maximumSize(1_000)
            .expireAfter(Expiry.writing((PageKey key, Cached<ProductPage> page) -> jittered(settings.listTtl())))
            .buildAsync();
        CaffeineCacheMetrics.monitor(meters, local, "catalog.products");
        this.redisHits = Counter.builder("catalog.product.loads")
            .description("Products missing from the local cache, by where they were found")
            .tag("source", "redis")
            .register(meters);
        this.databaseLoads = Counter.builder("catalog.product.loads")
            .description("Products missing from the local cache, by where they were found")
            .tag("source", "database")
            .register(meters);
        this.redisFailures = Counter.builder("catalog.product.redis.failures")
            .description("Redis commands of the read path that failed or timed out (the database answered instead)")
            .register(meters);
    }

    /** The product's cache entry, or empty when no product has this SKU. */
    Mono<Cached<Product>> find(String sku) {
        CompletableFuture<Optional<Cached<Product>>> held = local.asMap().get(sku);
        if (held != null && held.isDone() && !held.isCompletedExceptionally()) {
            // A loaded entry: no future subscription and no hop, the caller's thread answers. asMap() reads
            // record no statistics, so the hit is counted here.
            localStats.recordHits(1);
            return Mono.justOrEmpty(held.getNow(Optional.empty()));
        }
        // suppressCancel: one reader giving up must not cancel the load the other readers share.
        return Mono.fromFuture(() -> local.get(sku, (key, executor) -> loadShared(key).toFuture()), true)
            .flatMap(Mono::justOrEmpty);
    }

    Mono<Cached<ProductPage>> page(int page, int size) {
        PageKey key = new PageKey(page, size);
        CompletableFuture<Cached<ProductPage>> held = pages.asMap().get(key);
        if (held != null && held.isDone() && !held.isCompletedExceptionally()) {
            return Mono.just(held.getNow(null));
        }
        return Mono.fromFuture(() -> pages.get(key, (missing, executor) -> loadPage(missing).toFuture()), true);
    }

    /** After a create or update: Redis gets the new version, every replica drops its local copy. */
    Mono<Void> announceChange(Product product) {
        Mono<Void> store = storeInRedis(product);
        Mono<Void> announce = redis.convertAndSend(keys.changes(), product.sku())
            .timeout(settings.redisTimeout())
            .doOnError(ex -> log.warn("Could not announce the change of {}; other replicas keep their copy for at "
                    + "most {}: {}", product.sku(), settings.localTtl(), ex.toString()))
            .onErrorResume(ex -> Mono.empty())
            .then();
        return store.then(announce).then(Mono.fromRunnable(() -> dropLocal(product.sku())));
    }

    /** Puts a product fresh from the database into Redis and the local cache (warm-up before a sale). */
    Mono<Void> warm(Product product) {
        return storeInRedis(product)
            .then(Mono.fromRunnable(() -> local.put(product.sku(),
                    CompletableFuture.completedFuture(Optional.of(new Cached<>(product))))));
    }

    void dropLocal(String sku) {
        local.synchronous().invalidate(sku);
        pages.synchronous().invalidateAll();
    }

    void dropAllLocal() {
        local.synchronous().invalidateAll();
        pages.synchronous().invalidateAll();
    }

    private Mono<Optional<Cached<Product>>> loadShared(String sku) {
        String key = keys.product(sku);
        return readRedis(key).doOnNext(found -> redisHits.increment())
            .switchIfEmpty(Mono.defer(() -> loadOnceForAllReplicas(sku, key)))
            .map(found -> found.map(Cached::new));
    }

    /** A product, {@code Optional.empty()} for the "absent" marker, or an empty Mono on a miss or a failure. */
    private Mono<Optional<Product>> readRedis(String key) {
        return redis.opsForValue()
            .get(key)
            .timeout(settings.redisTimeout())
            .map(this::decode)
            .onErrorResume(ex -> redisFailed("read " + key, ex));
    }

    private Mono<Optional<Product>> loadOnceForAllReplicas(String sku, String key) {
        String lockKey = keys.loadLock(sku);
        String token = UUID.randomUUID().toString();
        return redis.opsForValue()
            .setIfAbsent(lockKey, token, settings.loadLockTtl())
            .timeout(settings.redisTimeout())
            // Redis unusable: this replica loads for itself (its readers still share one load).
            .onErrorResume(ex -> redisFailed("lock " + lockKey, ex).thenReturn(Boolean.TRUE))
            .flatMap(acquired -> acquired ? loadAndShare(sku, key, lockKey, token) : awaitOtherLoader(sku, key));
    }

    private Mono<Optional<Product>> loadAndShare(String sku, String key, String lockKey, String token) {
        return loadFromDatabase(sku)
            .flatMap(found -> storeLoaded(key, found).then(releaseLock(lockKey, token)).thenReturn(found))
            .onErrorResume(ex -> releaseLock(lockKey, token).then(Mono.error(ex)));
    }

    /** Another replica holds the lock: poll Redis for its answer, then ask the database if none comes. */
    private Mono<Optional<Product>> awaitOtherLoader(String sku, String key) {
        Duration interval = settings.loadPollInterval();
        long polls = Math.max(1, settings.loadWait().toMillis() / Math.max(1, interval.toMillis()));
        return Flux.interval(interval)
            .onBackpressureDrop()
            .take(polls)
            .concatMap(tick -> readRedis(key), 1)
            .next()
            .doOnNext(found -> redisHits.increment())
            // The lock holder died or is slow: the database is the truth, ask it.
            .switchIfEmpty(Mono.defer(() -> loadFromDatabase(sku)));
    }

    private Mono<Optional<Product>> loadFromDatabase(String sku) {
        return Mono.defer(() -> {
            databaseLoads.increment();
            return products.findBySku(sku);
        }).timeout(databaseTimeout).map(row -> Optional.of(row.toProduct())).defaultIfEmpty(Optional.empty());
    }

    private Mono<Cached<ProductPage>> loadPage(PageKey key) {
        PageRequest request = PageRequest.of(key.page(), key.size(), Sort.by("id"));
        Mono<List<Product>> items = products.findByActiveTrue(request).map(ProductRow::toProduct).collectList();
        return Mono.zip(items, products.countByActiveTrue())
            .timeout(databaseTimeout)
            .map(found -> new Cached<>(new ProductPage(found.getT1(), key.page(), key.size(), found.getT2())));
    }

    private Mono<Void> storeLoaded(String key, Optional<Product> found) {
        if (found.isPresent()) {
            return storeInRedis(found.get());
        }
        // NX: a product created meanwhile must not be hidden behind a stale "absent".
        return redis.opsForValue()
            .setIfAbsent(key, ABSENT, jittered(settings.redisNegativeTtl()))
            .timeout(settings.redisTimeout())
            .onErrorResume(ex -> redisFailed("write " + key, ex))
            .then();
    }

    private Mono<Void> storeInRedis(Product product) {
        String key = keys.product(product.sku());
        List<String> args = List.of(json.writeValueAsString(product), Long.toString(product.version()),
                Long.toString(jittered(settings.redisTtl()).toMillis()));
        return redis.execute(SET_IF_NEWER, List.of(key), args)
            .next()
            .timeout(settings.redisTimeout())
            .onErrorResume(ex -> redisFailed("write " + key, ex))
            .then();
    }

    private Mono<Void> releaseLock(String lockKey, String token) {
        return redis.execute(RELEASE_LOCK, List.of(lockKey), List.of(token))
            .next()
            .timeout(settings.redisTimeout())
            // Not fatal: the lock expires by itself after loadLockTtl.
            .onErrorResume(ex -> redisFailed("unlock " + lockKey, ex))
            .then();
    }

    private <T> Mono<T> redisFailed(String what, Throwable ex) {
        redisFailures.increment();
        log.warn("Redis {} failed; reads fall back to the database: {}", what, ex.toString());
        return Mono.empty();
    }

    private Optional<Product> decode(String value) {
        return ABSENT.equals(value) ? Optional.empty() : Optional.of(json.readValue(value, Product.class));
    }

    private Duration jittered(Duration base) {
        double spread = settings.ttlJitter();
        double factor = 1 + (spread == 0 ? 0 : ThreadLocalRandom.current().nextDouble(-spread, spread));
        return Duration.ofMillis(Math.max(1, Math.round(base.toMillis() * factor)));
    }

    private record PageKey(int page, int size) {
    }
}
