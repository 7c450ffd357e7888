package com.flashkey.e2e;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything an outsider does to the running suite, and nothing more: the shop admin (JWT) and the storefront
 * through the gateway, the payment provider's signed webhooks through the gateway, and the buyer's mailbox on the SMTP
 * sink. No test reaches a service port, a database or Redis directly.
 */
final class Shop {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final E2eSuite suite;
    private final HttpClient client;

    Shop(E2eSuite suite) {
        this.suite = suite;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    E2eSuite suite() {
        return suite;
    }

    /** A name no other run or test uses (SKUs, e-mail addresses, event ids). */
    static String unique(String prefix) {
        return prefix + "-" + Long.toString(System.currentTimeMillis(), 36).toUpperCase() + "-"
                + SEQUENCE.incrementAndGet();
    }

    // ------------------------------------------------------------------------------------------------ shop admin

    /** Nothing answered, or the gateway answered for a downstream that did not (a circuit open, a timeout). */
    static final java.util.Set<Integer> UNANSWERED = java.util.Set.of(0, 502, 503, 504);

    /** Creates a product on sale from a minute ago for an hour. */
    void createProduct(String sku, String price, int perBuyerLimit) {
        Instant now = Instant.now();
        String product = """
                {"sku":"%s","name":"E2E card %s","description":"end-to-end test","price":"%s","currency":"CNY",
                 "saleStartsAt":"%s","saleEndsAt":"%s","perBuyerLimit":%d,"active":true}"""
                .formatted(sku, sku, price, now.minusSeconds(60), now.plus(Duration.ofHours(1)), perBuyerLimit);
        Reply reply = admin("POST", "/api/admin/products", "application/json", product);
        if (reply.status() == 409 && send(request("/api/products/" + sku, Duration.ofSeconds(10)).GET().build())
                .status() == 200) {
            return; // an earlier try that timed out at the gateway had created it
        }
        reply.expect(201, "creating product " + sku);
    }

    /** Imports the codes (one per line) and answers how many were imported. */
    int importKeys(String sku, List<String> codes) {
        Reply reply = admin("POST", "/api/admin/products/" + sku + "/keys", "text/plain", String.join("\n", codes));
        reply.expect(200, "importing keys for " + sku);
        return reply.json().path("imported").asInt();
    }

    Inventory inventory(String sku) {
        Reply reply = admin("GET", "/api/admin/products/" + sku + "/inventory", null, null);
        reply.expect(200, "inventory of " + sku);
        JsonNode json = reply.json();
        return new Inventory(json.path("imported").asLong(), json.path("available").asLong(),
                json.path("reserved").asLong(), json.path("sold").asLong());
    }

    /** order-service's payments no order could take (admin list, newest first). */
    JsonNode unmatchedPayments() {
        Reply reply = admin("GET", "/api/admin/payments/unmatched?limit=500", null, null);
        reply.expect(200, "unmatched payments");
        return reply.json().path("items");
    }

    /** {imported, available, reserved, sold} of a SKU. */
    record Inventory(long imported, long available, long reserved, long sold) {

        /** What left the pool (sold + held) plus what is left equals what came in. */
        boolean addsUp() {
            return sold + reserved + available == imported && sold <= imported;
        }
    }

    /** An admin call; "try again" answers (a circuit still open after a restart) are retried for up to a minute. */
    private Reply admin(String method, String path, String contentType, String body) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpRequest.Builder request = request(path, Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + adminToken());
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            Reply reply = send(request.build());
            if (!UNANSWERED.contains(reply.status()) || System.nanoTime() > deadline) {
                return reply;
            }
            Sale.sleep(Duration.ofSeconds(1));
        }
    }

    /** HS256 JWT with role admin, as `bin/flashkey token` mints it (the services require aud, iat and exp). */
    String adminToken() {
        long now = Instant.now().getEpochSecond();
        String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String claims = b64(("{\"sub\":\"e2e-tests\",\"iss\":\"flashkey\",\"aud\":\"%s\",\"roles\":[\"admin\"],"
                + "\"iat\":%d,\"exp\":%d}").formatted(suite.jwtAudience(), now, now + 600));
        return header + "." + claims + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(hmac(suite.jwtSecret(), header + "." + claims));
    }

    // ------------------------------------------------------------------------------------------------ storefront

    /** A shopper: own e-mail address and own client address (sent as X-Forwarded-For, trusted from loopback). */
    record Buyer(String email, String ip) {

        static Buyer next(String run, int n) {
            return new Buyer(("buyer-" + run + "-" + n + "@e2e.flashkey.test").toLowerCase(),
                    "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255));
        }
    }

    CompletableFuture<Reply> placeOrder(Buyer buyer, String idempotencyKey, String sku, int quantity) {
        String body = """
                {"sku":"%s","quantity":%d,"email":"%s"}""".formatted(sku, quantity, buyer.email());
        return sendAsync(request("/api/orders", Duration.ofSeconds(30)).header("Idempotency-Key", idempotencyKey)
                .header("X-Forwarded-For", buyer.ip()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    CompletableFuture<Reply> lookUp(Buyer buyer, String orderNo) {
        return sendAsync(request("/api/orders/" + orderNo + "?email=" + URLEncoder.encode(buyer.email(),
                StandardCharsets.UTF_8), Duration.ofSeconds(30)).header("X-Forwarded-For", buyer.ip()).GET().build());
    }

    CompletableFuture<Reply> cancel(Buyer buyer, String orderNo) {
        return sendAsync(request("/api/orders/" + orderNo + "/cancel?email=" + URLEncoder.encode(buyer.email(),
                StandardCharsets.UTF_8), Duration.ofSeconds(30)).header("X-Forwarded-For", buyer.ip())
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** An order placed by a storefront that retries "try again" answers with the same key (one buyer's request). */
    Reply placeOrderPatiently(Buyer buyer, String idempotencyKey, String sku, int quantity) {
        return Sale.retrying(() -> placeOrder(buyer, idempotencyKey, sku, quantity), System.nanoTime()
                + Duration.ofSeconds(60).toNanos(), reply -> {
                }).join();
    }

    /**
     * Waits until every route answers through the gateway with something other than "unavailable": each service
     * reports ready on its own, but the gateway's circuits and the JITs need their first requests. An SRE checks the
     * same before opening a sale.
     */
    void awaitRoutesAnswer(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        java.util.Map<String, java.util.function.Supplier<Reply>> routes = new java.util.LinkedHashMap<>();
        routes.put("catalog", () -> send(request("/api/products?page=0&size=5", Duration.ofSeconds(10)).GET().build()));
        routes.put("inventory", () -> stock("NO-SUCH-SKU"));
        routes.put("inventory admin", () -> admin("GET", "/api/admin/products/NO-SUCH-SKU/inventory", null, null));
        routes.put("order", () -> lookUp(new Buyer("warm-up@e2e.flashkey.test", "10.255.255.254"), "0".repeat(24)).join());
        routes.put("payment", () -> webhook("{}", "warm-up").join());
        for (var route : routes.entrySet()) {
            Reply reply = route.getValue().get();
            while (UNANSWERED.contains(reply.status()) && System.nanoTime() < deadline) {
                Sale.sleep(Duration.ofSeconds(1));
                reply = route.getValue().get();
            }
            if (UNANSWERED.contains(reply.status())) {
                throw new IllegalStateException("the " + route.getKey() + " route does not answer through the gateway: "
                        + reply);
            }
        }
    }

    /**
     * What order-service sends inventory before it publishes an order (a reservation of {@code quantity} for
     * {@code orderNo}), from the test: an order-service that dies right after it never publishes the order.
     */
    Reply reserveDirectly(String orderNo, String sku, int quantity, int perBuyerLimit) {
        Instant now = Instant.now();
        String body = """
                {"orderNo":"%s","attempt":1,"sku":"%s","quantity":%d,"buyer":"%s@e2e.test","perBuyerLimit":%d,
                 "saleStartsAt":"%s","saleEndsAt":"%s","expiresAt":"%s"}"""
                .formatted(orderNo, sku, quantity, orderNo.toLowerCase(java.util.Locale.ROOT), perBuyerLimit,
                        now.minusSeconds(60), now.plus(Duration.ofHours(1)), now.plus(Duration.ofMinutes(15)));
        return send(HttpRequest.newBuilder(suite.inventoryService().resolve("/internal/reservations"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Reply stock(String sku) {
        return send(request("/api/products/" + sku + "/stock", Duration.ofSeconds(10)).GET().build());
    }

    /** Any request a browser could send (for the bad-input tests). */
    Reply raw(HttpRequest.Builder request) {
        return send(request.build());
    }

    HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(suite.gateway().resolve(path)).timeout(timeout);
    }

    // ------------------------------------------------------------------------------------------------ payment provider

    /** simpay's payment.succeeded body for an order (the provider's own event id and transaction id). */
    static String paymentBody(String eventId, String orderNo, String amount, String currency) {
        return paymentBody(eventId, orderNo, amount, currency, "tx-" + eventId);
    }

    /** A notification of the payment {@code transactionId} (a provider re-notifying one payment keeps its id). */
    static String paymentBody(String eventId, String orderNo, String amount, String currency, String transactionId) {
        return """
                {"eventId":"%s","type":"payment.succeeded","orderNo":"%s","amount":"%s","currency":"%s","transactionId":"%s","paidAt":"%s"}"""
                .formatted(eventId, orderNo, amount, currency, transactionId, Instant.now());
    }

    /** Posts a webhook signed with simpay's secret ({@code t=<unix>,v1=hex(HMAC-SHA256(secret, t.body))}). */
    CompletableFuture<Reply> webhook(String body) {
        return webhook(body, suite.simpaySecret());
    }

    CompletableFuture<Reply> webhook(String body, String secret) {
        long t = Instant.now().getEpochSecond();
        String signature = "t=" + t + ",v1=" + HexFormat.of().formatHex(hmac(secret, t + "." + body));
        return sendAsync(request("/webhooks/payments/simpay", Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Payment-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    // ------------------------------------------------------------------------------------------------ mailbox

    /** An e-mail the buyer received: subject and every text part, decoded. */
    record Mail(String subject, String text) {
    }

    /** The messages in one address's inbox on the SMTP sink (empty when it received none). */
    List<Mail> mailbox(String address) {
        HttpRequest request = HttpRequest.newBuilder(suite.mailApi().resolve("/api/user/"
                + URLEncoder.encode(address, StandardCharsets.UTF_8) + "/messages/INBOX")).timeout(Duration.ofSeconds(10))
                .GET().build();
        Reply reply = send(request);
        if (reply.status() == 404 || reply.status() == 400) {
            return List.of();
        }
        reply.expect(200, "reading the mailbox of " + address);
        List<Mail> mails = new ArrayList<>();
        for (JsonNode message : reply.json()) {
            mails.add(parse(message.path("mimeMessage").asString()));
        }
        return mails;
    }

    private static Mail parse(String mime) {
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(mime.getBytes(StandardCharsets.UTF_8)));
            StringBuilder text = new StringBuilder();
            collect(message.getContent(), text);
            return new Mail(message.getSubject(), text.toString());
        }
        catch (MessagingException | IOException ex) {
            throw new IllegalStateException("unreadable e-mail: " + ex.getMessage(), ex);
        }
    }

    private static void collect(Object content, StringBuilder text) throws MessagingException, IOException {
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                collect(part.getContent(), text);
            }
        }
        else if (content instanceof String string) {
            text.append(string).append('\n');
        }
    }

    // ------------------------------------------------------------------------------------------------ HTTP

    /** An answer; status 0 when nothing answered (connection refused, timeout). */
    record Reply(int status, String body, String contentType, String retryAfter) {

        JsonNode json() {
            return JSON.readTree(body);
        }

        /** The short code of a problem+json answer's type ({@code .../problems/sold-out} -> sold-out), or "". */
        String problem() {
            if (contentType == null || !contentType.startsWith("application/problem+json")) {
                return "";
            }
            String type = json().path("type").asString("");
            return type.substring(type.lastIndexOf('/') + 1);
        }

        Reply expect(int expected, String what) {
            if (status != expected) {
                throw new AssertionError(what + ": expected HTTP " + expected + ", got " + this);
            }
            return this;
        }

        @Override
        public String toString() {
            return status + " " + (body.length() > 400 ? body.substring(0, 400) + "..." : body);
        }
    }

    Reply send(HttpRequest request) {
        return sendAsync(request).join();
    }

    CompletableFuture<Reply> sendAsync(HttpRequest request) {
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(response -> new Reply(response.statusCode(), response.body(),
                        response.headers().firstValue("Content-Type").orElse(null),
                        response.headers().firstValue("Retry-After").orElse(null)))
                .exceptionally(ex -> new Reply(0, String.valueOf(ex.getCause() != null ? ex.getCause() : ex), null, null));
    }

    static String amount(String price, int quantity) {
        return new BigDecimal(price).multiply(BigDecimal.valueOf(quantity)).toPlainString();
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

    static URI uri(String s) {
        return URI.create(s);
    }
}
