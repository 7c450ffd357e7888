package com.flashkey.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

class ClientAddressResolverTests {

    private final ClientAddressResolver resolver = new ClientAddressResolver(List.of("10.0.0.0/8", "192.0.2.1"));

    private static MockServerHttpRequest from(String peer, String... forwardedFor) {
        var builder = MockServerHttpRequest.get("/api/orders").remoteAddress(new InetSocketAddress(peer, 40000));
        if (forwardedFor.length > 0) {
            builder.header("X-Forwarded-For", forwardedFor);
        }
        return builder.build();
    }

    @Test
    void whenThePeerIsNotATrustedProxyThenForwardedForIsIgnored() {
        assertThat(resolver.resolve(from("198.51.100.7", "203.0.113.1"))).isEqualTo("198.51.100.7");
    }

    @Test
    void whenATrustedProxyForwardsThenTheAddressItAppendedIsTheClient() {
        assertThat(resolver.resolve(from("10.1.2.3", "203.0.113.9"))).isEqualTo("203.0.113.9");
    }

    @Test
    void whenTheClientPrependsFakeHopsThenTheyAreIgnored() {
        assertThat(resolver.resolve(from("10.1.2.3", "1.1.1.1, 6.6.6.6, 203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(resolver.resolve(from("10.1.2.3", "10.9.9.9", "203.0.113.9"))).isEqualTo("203.0.113.9");
    }

    @Test
    void whenSeveralTrustedProxiesAreChainedThenTheFirstUntrustedHopFromTheRightIsTheClient() {
        assertThat(resolver.resolve(from("192.0.2.1", "6.6.6.6, 203.0.113.9, 10.0.0.5"))).isEqualTo("203.0.113.9");
    }

    @Test
    void whenEveryHopIsTrustedThenTheLeftmostIsTheClient() {
        assertThat(resolver.resolve(from("10.1.2.3", "10.0.0.7, 10.0.0.5"))).isEqualTo("10.0.0.7");
    }

    @Test
    void whenAHopIsNotAnAddressThenTheLastTrustedViewIsUsedAndNoNameIsLookedUp() {
        assertThat(resolver.resolve(from("10.1.2.3", "evil.example.com"))).isEqualTo("10.1.2.3");
        assertThat(resolver.resolve(from("10.1.2.3", "203.0.113.9, 999.1.1.1"))).isEqualTo("10.1.2.3");
    }

    @Test
    void whenAHopCarriesAPortThenThePortIsDropped() {
        assertThat(resolver.resolve(from("10.1.2.3", "203.0.113.9:5555"))).isEqualTo("203.0.113.9");
        assertThat(resolver.resolve(from("10.1.2.3", "[2001:db8::1]:443"))).isEqualTo("2001:db8:0:0:0:0:0:0/64");
    }

    @Test
    void whenClientsShareAnIpv6Slash64ThenTheyShareAKey() {
        assertThat(resolver.resolve(from("2001:db8:1:2::17"))).isEqualTo(resolver.resolve(from("2001:db8:1:2:ffff::1")))
            .isNotEqualTo(resolver.resolve(from("2001:db8:1:3::17")));
    }

    @Test
    void whenNoProxyIsTrustedThenTheHeaderNeverCounts() {
        ClientAddressResolver direct = new ClientAddressResolver(List.of());
        assertThat(direct.resolve(from("127.0.0.1", "203.0.113.9"))).isEqualTo("127.0.0.1");
    }

    @Test
    void whenACidrBlockIsParsedThenItContainsExactlyItsAddresses() {
        CidrRange range = CidrRange.parse("172.16.0.0/12");
        assertThat(range.contains(IpAddresses.parse("172.31.255.255").orElseThrow())).isTrue();
        assertThat(range.contains(IpAddresses.parse("172.32.0.0").orElseThrow())).isFalse();
        assertThat(range.contains(IpAddresses.parse("::ffff:1").orElseThrow())).isFalse();
        assertThatThrownBy(() -> CidrRange.parse("proxy.internal/8")).isInstanceOf(IllegalArgumentException.class);
    }
}
