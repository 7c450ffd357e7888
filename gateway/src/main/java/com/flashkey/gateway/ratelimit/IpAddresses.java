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
        InetAddress plain = plainIpv4(value);
        if (plain != null) {
            return Optional.of(plain);
        }
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

    /**
     * The common case, without regular expressions: a dotted quad without leading zeros, optionally with a port.
     * Null for anything else (the general path below decides those).
     */
    private static InetAddress plainIpv4(String value) {
        byte[] bytes = new byte[4];
        int octet = 0;
        int digits = 0;
        int current = 0;
        int length = value.length();
        int i = 0;
        for (; i < length; i++) {
            char c = value.charAt(i);
            if (c >= '0' && c <= '9') {
                if (digits > 0 && current == 0) {
                    return null; // a leading zero: left to the general path
                }
                current = current * 10 + (c - '0');
                if (++digits > 3 || current > 255) {
                    return null;
                }
            }
            else if (c == '.' && digits > 0 && octet < 3) {
                bytes[octet++] = (byte) current;
                digits = 0;
                current = 0;
            }
            else if (c == ':' && digits > 0 && octet == 3) {
                break;
            }
            else {
                return null;
            }
        }
        if (digits == 0 || octet != 3) {
            return null;
        }
        bytes[3] = (byte) current;
        if (i < length && !port(value, i + 1)) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        }
        catch (UnknownHostException ex) {
            return null;
        }
    }

    /** {@code \d{1,5}} from {@code from} to the end. */
    private static boolean port(String value, int from) {
        int digits = value.length() - from;
        if (digits < 1 || digits > 5) {
            return false;
        }
        for (int i = from; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
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
