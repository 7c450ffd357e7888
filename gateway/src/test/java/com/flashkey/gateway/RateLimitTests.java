package com.flashkey.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.publisher.Flux;

/**
 * Limits in the "it" profile: 5 orders per client, 20 orders in total, 8 lookups per client, 1000 public reads
 * per client, each per 10 minutes, so no token comes back during a test.
 */
class RateLimitTests extends GatewayTestBase {

    private List<ResponseEntity<String>> fireConcurrently(int count, String method, String uri,
            IntFunction<String> forwardedFor) {
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        return Flux.range(0, count)
            .flatMap(i -> client.method(org.springframework.http.HttpMethod.valueOf(method))
                .uri(uri)
                .header("X-Forwarded-For", forwardedFor.apply(i))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"sku\":\"SKU-1\",\"quantity\":1,\"email\":\"a@b.dev\"}")
                .exchangeToMono(response -> response.toEntity(String.class)), count)
            .collectList()
            .block();
    }

    private static Map<Integer, Long> byStatus(List<ResponseEntity<String>> responses) {
        return responses.stream().collect(Collectors.groupingBy(r -> r.getStatusCode().value(), Collectors.counting()));
    }

    @Test
    void whenOneClientSendsMoreOrdersThanItsLimitAtOnceThenExactlyTheLimitIsAdmitted() {
        // The client writes whatever it likes into X-Forwarded-For; the trusted proxy appends the real address.
        List<ResponseEntity<String>> responses = fireConcurrently(12, "POST", "/api/orders",
                i -> "10.66.0." + i + ", 203.0.113.7");

        assertThat(byStatus(responses)).isEqualTo(Map.of(202, 5L, 429, 7L));
        assertThat(Stubs.ORDER.hitCount()).isEqualTo(5);
        ResponseEntity<String> limited = responses.stream().filter(r -> r.getStatusCode().value() == 429).findFirst()
            .orElseThrow();
        HttpHeaders headers = limited.getHeaders();
        assertThat(headers.getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(limited.getBody()).contains("\"type\":\"https://flashkey.dev/problems/rate-limited\"");
        assertThat(Long.parseLong(headers.getFirst(HttpHeaders.RETRY_AFTER))).isPositive();
        assertThat(headers.getFirst("RateLimit-Limit")).isEqualTo("5");
        assertThat(headers.getFirst("RateLimit-Remaining")).isEqualTo("0");
        assertThat(Long.parseLong(headers.getFirst("RateLimit-Reset"))).isPositive();
    }

    @Test
    void whenAClientIsLimitedThenAnotherClientIsStillAdmitted() {
        fireConcurrently(6, "POST", "/api/orders", i -> "203.0.113.8");
        List<ResponseEntity<String>> other = fireConcurrently(1, "POST", "/api/orders", i -> "203.0.113.9");
        assertThat(byStatus(other)).isEqualTo(Map.of(202, 1L));
    }

    @Test
    void whenManyClientsOrderAtOnceThenTheGlobalCapAdmitsExactlyItsSize() {
        List<ResponseEntity<String>> responses = fireConcurrently(30, "POST", "/api/orders",
                i -> "198.51.100." + (i + 1));

        assertThat(byStatus(responses)).isEqualTo(Map.of(202, 20L, 429, 10L));
        assertThat(Stubs.ORDER.hitCount()).isEqualTo(20);
    }

    @Test
    void whenAClientIsRefusedByTheGlobalCapThenItsOwnAllowanceIsNotSpent() {
        fireConcurrently(20, "POST", "/api/orders", i -> "198.51.100." + (i + 1));
        List<ResponseEntity<String>> refused = fireConcurrently(3, "POST", "/api/orders", i -> "203.0.113.50");
        assertThat(byStatus(refused)).isEqualTo(Map.of(429, 3L));
        String remaining = redis.withCommands(commands -> commands.hget(
                redis.prefix() + "gw:rl:{orders-create}:order-create-client:203.0.113.50", "tokens"));
        assertThat(Double.parseDouble(remaining)).isGreaterThanOrEqualTo(5.0 - 0.01);
    }

    @Test
    void whenOrderLookupsExceedTheLookupLimitThenTheRestAre429() {
        List<ResponseEntity<String>> responses = fireConcurrently(11, "GET", "/api/orders/AB12CD34?email=a@b.dev",
                i -> "203.0.113.20");
        assertThat(byStatus(responses)).isEqualTo(Map.of(200, 8L, 429, 3L));
        assertThat(Stubs.ORDER.hitCount()).isEqualTo(8);
    }

    @Test
    void whenPublicReadsAreAdmittedThenTheyCarryTheRateLimitHeaders() {
        web.get().uri("/api/products/SKU-1").header("X-Forwarded-For", "203.0.113.30").exchange()
            .expectStatus().isOk()
            .expectHeader().valueEquals("RateLimit-Limit", "1000")
            .expectHeader().valueEquals("RateLimit-Remaining", "999");
        web.get().uri("/api/products/SKU-1").header("X-Forwarded-For", "203.0.113.30").exchange()
            .expectHeader().valueEquals("RateLimit-Remaining", "998");
    }

    @Test
    void whenBucketsAreWrittenThenEveryKeyIsUnderTheConfiguredPrefix() {
        fireConcurrently(1, "POST", "/api/orders", i -> "203.0.113.40");
        List<String> keys = redis.withCommands(commands -> commands.keys("*gw:rl:{orders-create}*203.0.113.40"));
        assertThat(keys).isNotEmpty().allMatch(key -> key.startsWith(redis.prefix()));
    }
}
