package com.flashkey.catalog.product.web;

import static com.flashkey.catalog.ProductFixtures.onSale;
import static com.flashkey.catalog.ProductFixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.flashkey.catalog.CatalogTestSupport;
import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestRedisNamespace;

/** The public product list: paging, stable order, bounds, HTTP caching. This class owns its database. */
// The context owns this class's own database/topics/keys: closed after the class, so its consumers and loops
// do not run on, against dropped resources and in the same consumer groups, beside the next class.
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "flashkey.catalog.paging.max-size=50")
@AutoConfigureWebTestClient(timeout = "60s")
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProductListTests {

    @RegisterExtension
    static TestDatabase db = CatalogTestSupport.newDatabase();

    @RegisterExtension
    static TestRedisNamespace redis = CatalogTestSupport.newRedisNamespace();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        CatalogTestSupport.register(registry, db, redis);
    }

    @Autowired
    WebTestClient web;

    /** Created in this order; Z-first names so an alphabetical order would differ from creation order. */
    final List<String> listed = List.of("ZULU-1", "ALPHA-2", "MIKE-3", "BRAVO-4", "YANKEE-5");

    @BeforeAll
    void createProducts() {
        for (String sku : listed) {
            create(onSale(sku));
        }
        create(with(onSale("HIDDEN-6"), "active", false));
    }

    private void create(Map<String, Object> body) {
        CatalogTestSupport.create(web, body).expectStatus().isCreated();
    }

    private Map<String, Object> page(String query) {
        return web.get().uri("/api/products" + query).exchange().expectStatus().isOk()
            .expectBody(Map.class).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private static List<String> skus(Map<String, Object> page) {
        return ((List<Map<String, Object>>) page.get("items")).stream().map(item -> (String) item.get("sku")).toList();
    }

    @Test
    void whenPagedThroughThenActiveProductsComeInCreationOrderWithoutGapsOrRepeats() {
        List<String> seen = new ArrayList<>();
        for (int pageNumber = 0; pageNumber < 3; pageNumber++) {
            Map<String, Object> page = page("?page=" + pageNumber + "&size=2");
            assertThat(page).containsEntry("page", pageNumber).containsEntry("size", 2).containsEntry("total", 5);
            seen.addAll(skus(page));
        }
        assertThat(seen).containsExactlyElementsOf(listed);
        assertThat(skus(page("?page=3&size=2"))).isEmpty();
    }

    @Test
    void whenNoPagingIsGivenThenTheFirstPageOfTheDefaultSizeIsAnswered() {
        Map<String, Object> page = page("");
        assertThat(page).containsEntry("page", 0).containsEntry("size", 20).containsEntry("total", 5);
        assertThat(skus(page)).containsExactlyElementsOf(listed).doesNotContain("HIDDEN-6");
    }

    @Test
    void whenPageOrSizeIsOutOfBoundsThen400ListsTheFields() {
        web.get()
            .uri("/api/products?page=-1&size=51")
            .exchange()
            .expectStatus()
            .isBadRequest()
            .expectBody()
            .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/validation")
            .jsonPath("$.errors[*].field")
            .value(fields -> assertThat((List<String>) fields).containsExactlyInAnyOrder("page", "size"));
        web.get().uri("/api/products?size=0").exchange().expectStatus().isBadRequest();
        web.get()
            .uri("/api/products?page=abc")
            .exchange()
            .expectStatus()
            .isBadRequest()
            .expectBody()
            .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/validation");
    }

    @Test
    void whenListIsUnchangedThenIfNoneMatchAnswers304AndCacheControlIsPublic() {
        String etag = web.get()
            .uri("/api/products?size=3")
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .valueEquals(HttpHeaders.CACHE_CONTROL, "max-age=5, public")
            .returnResult(String.class)
            .getResponseHeaders()
            .getETag();
        web.get()
            .uri("/api/products?size=3")
            .header(HttpHeaders.IF_NONE_MATCH, etag)
            .exchange()
            .expectStatus()
            .isNotModified();
        String otherPage = web.get().uri("/api/products?size=3&page=1").exchange().returnResult(String.class)
            .getResponseHeaders().getETag();
        assertThat(otherPage).isNotEqualTo(etag);
    }
}
