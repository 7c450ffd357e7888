package com.flashkey.gateway.ratelimit;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import com.flashkey.gateway.config.GatewayProperties;

/**
 * The real client address, the key of per-client limits. It is the TCP peer, unless the peer is a configured
 * trusted proxy: then {@code X-Forwarded-For} is walked from the right (the entry the nearest proxy appended)
 * past trusted proxies, and the first untrusted hop is the client. Entries to its left were written by the
 * client and are ignored, so sending the header cannot choose the key.
 */
@Component
public class ClientAddressResolver {

    static final String FORWARDED_FOR = "X-Forwarded-For";

    /** Exchange attribute: the resolved client, so the rate limit and the forwarded headers resolve it once. */
    private static final String ATTRIBUTE = ClientAddressResolver.class.getName() + ".client";

    /** A request's client: its address (null without a TCP peer) and its rate-limit key. */
    public record Client(InetAddress address, String key) {
    }

    private final List<CidrRange> trustedProxies;

    @Autowired
    public ClientAddressResolver(GatewayProperties properties) {
        this(properties.trustedProxies());
    }

    ClientAddressResolver(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies.stream().filter(s -> !s.isBlank()).map(CidrRange::parse).toList();
    }

    /** A resolver believing these proxies (CIDR or single address); for tests outside this package. */
    public static ClientAddressResolver trusting(List<String> trustedProxies) {
        return new ClientAddressResolver(trustedProxies);
    }

    /** The exchange's client, resolved once per exchange. */
    public Client client(ServerWebExchange exchange) {
        Client client = exchange.getAttribute(ATTRIBUTE);
        if (client == null) {
            InetAddress address = clientAddress(exchange.getRequest());
            client = new Client(address, address == null ? "unknown" : IpAddresses.clientKey(address));
            exchange.getAttributes().put(ATTRIBUTE, client);
        }
        return client;
    }

    /** The client's rate-limit key. */
    public String resolve(ServerHttpRequest request) {
        InetAddress client = clientAddress(request);
        return client == null ? "unknown" : IpAddresses.clientKey(client);
    }

    /** The client's address, or null when the connection has none (not a TCP peer). */
    public InetAddress clientAddress(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        InetAddress current = remote != null ? remote.getAddress() : null;
        if (current == null) {
            return null;
        }
        if (isTrusted(current)) {
            List<String> hops = forwardedHops(request);
            for (int i = hops.size() - 1; i >= 0 && isTrusted(current); i--) {
                var hop = IpAddresses.parse(hops.get(i));
                if (hop.isEmpty()) {
                    break; // garbage from an untrusted writer: the last trusted hop's view is the client
                }
                current = hop.get();
            }
        }
        return current;
    }

    private boolean isTrusted(InetAddress address) {
        for (int i = 0; i < trustedProxies.size(); i++) {
            CidrRange range = trustedProxies.get(i);
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> forwardedHops(ServerHttpRequest request) {
        List<String> hops = new ArrayList<>();
        for (String line : request.getHeaders().getOrEmpty(FORWARDED_FOR)) {
            for (String hop : line.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.trim());
                }
            }
        }
        return hops;
    }
}
