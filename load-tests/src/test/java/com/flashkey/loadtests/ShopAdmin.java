package com.flashkey.loadtests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a shop admin does before and after a sale, through the gateway's admin API: create the product, import its
 * card keys, read the inventory counts for the consistency check. Runs outside Gatling's measured traffic.
 */
final class ShopAdmin {

    private static final Pattern NUMBER = Pattern.compile("\"%s\"\\s*:\\s*(\\d+)");

    private final LoadSettings settings;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ShopAdmin(LoadSettings settings) {
        this.settings = settings;
    }

    /** Creates a product on sale now for an hour and imports {@code stock} codes for it. */
    void openSale(String sku, int stock, int perBuyerLimit) {
        Instant now = Instant.now();
        String product = """
                {"sku":"%s","name":"Load test card %s","description":"Gatling run","price":"9.90","currency":"CNY",
                 "saleStartsAt":"%s","saleEndsAt":"%s","perBuyerLimit":%d,"active":true}"""
                .formatted(sku, sku, now.minusSeconds(60), now.plus(Duration.ofHours(1)), perBuyerLimit);
        send("POST", "/api/admin/products", "application/json", product, 201);
        String codes = IntStream.range(0, stock).mapToObj(i -> "LT-" + sku + "-" + i + "-" + Long.toHexString(Double.doubleToLongBits(Math.random())))
                .collect(Collectors.joining("\n"));
        send("POST", "/api/admin/products/" + sku + "/keys", "text/plain", codes, 200);
    }

    /** {imported, available, reserved, sold} of a SKU. */
    InventoryCounts inventory(String sku) {
        String body = send("GET", "/api/admin/products/" + sku + "/inventory", null, null, 200);
        return new InventoryCounts(number(body, "imported"), number(body, "available"), number(body, "reserved"),
                number(body, "sold"));
    }

    String adminToken() {
        long now = Instant.now().getEpochSecond();
        String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        // iss, aud, iat and exp are all required; an hour is below the services' lifetime cap (12 h by default).
        String claims = b64("{\"sub\":\"load-tests\",\"iss\":\"flashkey\",\"aud\":\"%s\",\"roles\":[\"admin\"],"
                .formatted(settings.jwtAudience()) + "\"iat\":%d,\"exp\":%d}".formatted(now, now + 3600));
        return header + "." + claims + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(hmac(settings.jwtSecret(), header + "." + claims));
    }

    private String send(String method, String path, String contentType, String body, int expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(settings.baseUrl() + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + adminToken());
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return response.body();
        }
        catch (IOException ex) {
            throw new IllegalStateException(method + " " + path + " failed: " + ex.getMessage(), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    /** True when an inventory answer adds up (used by the simulations' final check). */
    static boolean consistent(String inventoryJson) {
        return new InventoryCounts(number(inventoryJson, "imported"), number(inventoryJson, "available"),
                number(inventoryJson, "reserved"), number(inventoryJson, "sold")).consistent();
    }

    private static long number(String json, String field) {
        Matcher m = Pattern.compile(NUMBER.pattern().formatted(field)).matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in " + json);
        }
        return Long.parseLong(m.group(1));
    }

    static byte[] hmac(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    record InventoryCounts(long imported, long available, long reserved, long sold) {

        /** Never oversold: what left the pool (sold + held) never exceeds what came in. */
        boolean consistent() {
            return sold + reserved + available == imported && sold + reserved <= imported && available >= 0;
        }
    }
}
