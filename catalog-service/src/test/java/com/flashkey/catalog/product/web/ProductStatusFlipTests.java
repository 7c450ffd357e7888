package com.flashkey.catalog.product.web;

import static com.flashkey.catalog.ProductFixtures.product;
import static com.flashkey.catalog.ProductFixtures.uniqueSku;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpHeaders;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.flashkey.catalog.CatalogTestSupport;
import com.flashkey.catalog.MutableClock;
import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestRedisNamespace;

/**
 * A cached product's answer is rendered once per status and kept: these reads move the service's clock across
 * the sale window and prove the kept bytes and ETag never outlive the status they show, for the product and the
 * list, with conditional GETs on the way.
 */
// The context owns this class's own database/topics/keys: closed after the class, so its consumers and loops
// do not run on, against dropped resources and in the same consumer groups, beside the next class.
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "60s")
@ActiveProfiles("test")
class ProductStatusFlipTests {

    static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static final Instant STARTS = T0.plus(Duration.ofHours(1));
    static final Instant ENDS = T0.plus(Duration.ofHours(2));

    @RegisterExtension
    static TestDatabase db = CatalogTestSupport.newDatabase();

    @RegisterExtension
    static TestRedisNamespace redis = CatalogTestSupport.newRedisNamespace();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        CatalogTestSupport.register(registry, db, redis);
    }

    @TestConfiguration
    static class Clocks {

        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock(T0);
        }
    }

    @Autowired
    WebTestClient web;

    @Autowired
    MutableClock clock;

    private EntityExchangeResult<Map> read(String uri, String ifNoneMatch) {
        return web.get()
            .uri(uri)
            .headers(headers -> {
                if (ifNoneMatch != null) {
                    headers.setIfNoneMatch(ifNoneMatch);
                }
            })
            .exchange()
            .expectBody(Map.class)
            .returnResult();
    }

    private static String status(EntityExchangeResult<Map> answer) {
        return (String) answer.getResponseBody().get("status");
    }

    @Test
    void whenTheSaleOpensAndClosesThenTheCachedAnswerFollowsTheStatusAtTheMomentOfTheRead() {
        clock.set(T0);
        String sku = uniqueSku("FLIP");
        CatalogTestSupport.create(web, product(sku, STARTS, ENDS)).expectStatus().isCreated();
        String uri = "/api/products/" + sku;

        EntityExchangeResult<Map> before = read(uri, null);
        assertThat(status(before)).isEqualTo("NOT_STARTED");
        String notStarted = before.getResponseHeaders().getETag();
        assertThat(notStarted).isEqualTo("\"v0-NOT_STARTED\"");
        clock.set(STARTS.minusMillis(1));
        assertThat(read(uri, notStarted).getStatus().value()).as("still the kept answer").isEqualTo(304);

        clock.set(STARTS);
        EntityExchangeResult<Map> opened = read(uri, notStarted);
        assertThat(opened.getStatus().value()).as("the old ETag no longer matches").isEqualTo(200);
        assertThat(status(opened)).isEqualTo("ON_SALE");
        String onSale = opened.getResponseHeaders().getETag();
        assertThat(onSale).isEqualTo("\"v0-ON_SALE\"");

        clock.set(ENDS.minusMillis(1));
        assertThat(read(uri, onSale).getStatus().value()).isEqualTo(304);
        assertThat(status(read(uri, null))).isEqualTo("ON_SALE");

        clock.set(ENDS);
        EntityExchangeResult<Map> closed = read(uri, onSale);
        assertThat(closed.getStatus().value()).isEqualTo(200);
        assertThat(status(closed)).isEqualTo("ENDED");
        assertThat(closed.getResponseHeaders().getETag()).isEqualTo("\"v0-ENDED\"");
        assertThat(closed.getResponseHeaders().getCacheControl()).isEqualTo("max-age=5, public");

        clock.set(STARTS.minusSeconds(1));
        assertThat(status(read(uri, null))).as("a clock stepped back renders the earlier status")
            .isEqualTo("NOT_STARTED");
    }

    @Test
    void whenAListedProductChangesStatusThenTheCachedListAnswersTheNewStatusAndANewEtag() {
        clock.set(T0);
        String sku = uniqueSku("FLIPLIST");
        CatalogTestSupport.create(web, product(sku, STARTS, ENDS)).expectStatus().isCreated();
        String uri = "/api/products?size=100";

        EntityExchangeResult<Map> before = read(uri, null);
        String etagBefore = before.getResponseHeaders().getETag();
        assertThat(itemStatus(before, sku)).isEqualTo("NOT_STARTED");
        assertThat(read(uri, etagBefore).getStatus().value()).isEqualTo(304);

        clock.set(STARTS);
        EntityExchangeResult<Map> opened = read(uri, etagBefore);
        assertThat(opened.getStatus().value()).isEqualTo(200);
        assertThat(itemStatus(opened, sku)).isEqualTo("ON_SALE");
        assertThat(opened.getResponseHeaders().getETag()).isNotEqualTo(etagBefore);

        clock.set(ENDS);
        assertThat(itemStatus(read(uri, null), sku)).isEqualTo("ENDED");
    }

    @SuppressWarnings("unchecked")
    private static String itemStatus(EntityExchangeResult<Map> answer, String sku) {
        return ((List<Map<String, Object>>) answer.getResponseBody().get("items")).stream()
            .filter(item -> sku.equals(item.get("sku")))
            .map(item -> (String) item.get("status"))
            .findFirst()
            .orElseThrow();
    }
}
