package com.flashkey.gateway.ratelimit;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

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

    private final List<CidrRange> trustedProxies;

    @Autowired
    public ClientAddressResolver(GatewayProperties properties) {
        this(properties.trustedProxies());
    }

    ClientAddressResolver(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies.stream().filter(s -> !s.isBlank()).map(CidrRange::parse).toList();
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
        for (CidrRange range : trustedProxies) {
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
