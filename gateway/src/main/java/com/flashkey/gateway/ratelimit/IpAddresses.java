package com.flashkey.gateway.ratelimit;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses IP literals only. {@code InetAddress.getByName} would resolve host names (a DNS lookup on the event
 * loop, chosen by whoever wrote the header), so every text is checked to be a literal first.
 */
final class IpAddresses {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private static final Pattern IPV4_WITH_PORT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):\\d{1,5}");

    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

    private IpAddresses() {
    }

    static Optional<InetAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String value = text.trim();
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            if (end < 0) {
                return Optional.empty();
            }
            value = value.substring(1, end);
        }
        else {
            var withPort = IPV4_WITH_PORT.matcher(value);
            if (withPort.matches()) {
                value = withPort.group(1);
            }
        }
        var v4 = IPV4.matcher(value);
        if (v4.matches()) {
            for (int group = 1; group <= 4; group++) {
                if (Integer.parseInt(v4.group(group)) > 255) {
                    return Optional.empty();
                }
            }
            return literal(value);
        }
        if (value.indexOf(':') >= 0 && IPV6.matcher(value).matches()) {
            return literal(value);
        }
        return Optional.empty();
    }

    private static Optional<InetAddress> literal(String checkedLiteral) {
        try {
            // A checked literal: no name lookup happens.
            return Optional.of(InetAddress.getByName(checkedLiteral));
        }
        catch (UnknownHostException ex) {
            return Optional.empty();
        }
    }

    /**
     * The rate-limit key of an address: IPv4 as is; IPv6 by its /64 network, since one subscriber usually holds a
     * whole /64 and could otherwise take a fresh address per request.
     */
    static String clientKey(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            for (int i = 8; i < 16; i++) {
                bytes[i] = 0;
            }
            try {
                return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
            }
            catch (UnknownHostException ex) {
                throw new IllegalStateException(ex);
            }
        }
        return address.getHostAddress();
    }
}
