package com.flashkey.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.header.CacheControlServerHttpHeadersWriter;
import org.springframework.security.web.server.header.CompositeServerHttpHeadersWriter;
import org.springframework.security.web.server.header.ContentSecurityPolicyServerHttpHeadersWriter;
import org.springframework.security.web.server.header.ContentTypeOptionsServerHttpHeadersWriter;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.header.ServerHttpHeadersWriter;
import org.springframework.security.web.server.header.StrictTransportSecurityServerHttpHeadersWriter;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter;
import org.springframework.security.web.server.header.XXssProtectionServerHttpHeadersWriter;

/** The precomputed headers equal what Spring Security's writers, configured as the gateway used them, wrote. */
class SecurityHeadersTests {

    /** Spring Security's default header writers plus the gateway's CSP, referrer policy and HSTS settings. */
    private static ServerHttpHeadersWriter springSecurity() {
        StrictTransportSecurityServerHttpHeadersWriter hsts = new StrictTransportSecurityServerHttpHeadersWriter();
        hsts.setMaxAge(SecurityHeaders.HSTS_MAX_AGE);
        hsts.setIncludeSubDomains(true);
        ContentSecurityPolicyServerHttpHeadersWriter csp = new ContentSecurityPolicyServerHttpHeadersWriter();
        csp.setPolicyDirectives(SecurityHeaders.CONTENT_SECURITY_POLICY);
        ReferrerPolicyServerHttpHeadersWriter referrer = new ReferrerPolicyServerHttpHeadersWriter();
        referrer.setPolicy(ReferrerPolicy.NO_REFERRER);
        return new CompositeServerHttpHeadersWriter(new CacheControlServerHttpHeadersWriter(),
                new ContentTypeOptionsServerHttpHeadersWriter(), hsts, new XFrameOptionsServerHttpHeadersWriter(),
                new XXssProtectionServerHttpHeadersWriter(), csp, referrer);
    }

    private static final Map<String, Consumer<ServerHttpResponse>> ANSWERS = Map.of(
            "plain", response -> {
            },
            "own-cache-control", response -> response.getHeaders().set("Cache-Control", "max-age=5"),
            "own-pragma", response -> response.getHeaders().set("Pragma", "no-cache"),
            "not-modified", response -> response.setStatusCode(HttpStatus.NOT_MODIFIED),
            "own-frame-options", response -> response.getHeaders().set("X-Frame-Options", "SAMEORIGIN"),
            "own-csp", response -> response.getHeaders().set("Content-Security-Policy", "default-src 'self'"));

    private static Map<String, Object> written(String url, String answer, boolean precomputed) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(url));
        ANSWERS.get(answer).accept(exchange.getResponse());
        if (precomputed) {
            SecurityHeaders.write(exchange);
        }
        else {
            springSecurity().writeHttpHeaders(exchange).block();
        }
        Map<String, Object> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getResponse().getHeaders().forEach(headers::put);
        return headers;
    }

    @ParameterizedTest
    @ValueSource(strings = { "plain", "own-cache-control", "own-pragma", "not-modified", "own-frame-options", "own-csp" })
    void whenAnAnswerIsWrittenThenItGetsExactlyTheHeadersSpringSecurityWrote(String answer) {
        for (String url : new String[] { "http://gw.example/api/products/X", "https://gw.example/api/products/X" }) {
            assertThat(written(url, answer, true)).as("%s %s", answer, url).isEqualTo(written(url, answer, false));
        }
    }
}
