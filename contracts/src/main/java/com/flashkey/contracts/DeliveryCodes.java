package com.flashkey.contracts;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals card codes for delivery with AES-256-GCM, so they cross Kafka and land in order rows as ciphertext.
 * The order number is bound in as associated data: a sealed code copied onto another order does not open.
 * Producers (inventory) seal with the active key; consumers (order, notification) hold every key id still in use.
 */
public final class DeliveryCodes {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String activeKeyId;
    private final Map<String, SecretKeySpec> keys;

    /**
     * @param activeKeyId id of the key used to seal
     * @param base64Keys  every known key id mapped to a base64 256-bit key
     */
    public DeliveryCodes(String activeKeyId, Map<String, String> base64Keys) {
        this.activeKeyId = Objects.requireNonNull(activeKeyId, "activeKeyId");
        this.keys = base64Keys.entrySet().stream().collect(java.util.stream.Collectors
                .toUnmodifiableMap(Map.Entry::getKey, e -> aesKey(e.getKey(), e.getValue())));
        if (!keys.containsKey(activeKeyId)) {
            throw new IllegalArgumentException("active delivery key '" + activeKeyId + "' is not among the keys");
        }
    }

    public SealedCode seal(String orderNo, String code) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(orderNo.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(code.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array();
            return new SealedCode(activeKeyId, Base64.getEncoder().encodeToString(out));
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("AES-GCM unavailable", ex);
        }
    }

    /** Opens a sealed code of the given order; fails if the key is unknown or the code was tampered with. */
    public String open(String orderNo, SealedCode sealed) {
        SecretKeySpec key = keys.get(sealed.keyId());
        if (key == null) {
            throw new IllegalArgumentException("unknown delivery key id '" + sealed.keyId() + "'");
        }
        byte[] in = Base64.getDecoder().decode(sealed.ciphertext());
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(orderNo.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        }
        catch (GeneralSecurityException ex) {
            // The message names no secret: it says only that this order's code did not open.
            throw new IllegalArgumentException("sealed code of order " + orderNo + " does not open", ex);
        }
    }

    private static SecretKeySpec aesKey(String id, String base64) {
        byte[] raw = Base64.getDecoder().decode(base64);
        if (raw.length != 32) {
            throw new IllegalArgumentException("delivery key '" + id + "' must be 32 bytes (base64), got " + raw.length);
        }
        return new SecretKeySpec(raw, "AES");
    }
}
