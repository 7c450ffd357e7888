package com.flashkey.inventory.cardkey;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.stereotype.Component;

import com.flashkey.inventory.config.InventoryProperties;

/**
 * Encrypts card codes at rest with AES-256-GCM (random 96-bit IV per code, the SKU bound in as associated data,
 * the key id stored beside the row so keys can rotate) and fingerprints them with HMAC-SHA256 for duplicate
 * detection. Exceptions never carry a code.
 */
@Component
public class CardKeyCipher {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String activeKeyId;
    private final Map<String, SecretKeySpec> keys;
    private final SecretKeySpec hmacKey;

    public CardKeyCipher(InventoryProperties properties) {
        InventoryProperties.Codes codes = properties.codes();
        this.activeKeyId = codes.activeKeyId();
        this.keys = codes.keys().entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> aesKey(e.getKey(), e.getValue())));
        if (!keys.containsKey(activeKeyId)) {
            throw new IllegalArgumentException("active code key '" + activeKeyId + "' is not among the code keys");
        }
        byte[] mac = Base64.getDecoder().decode(codes.hmacKey());
        if (mac.length < 32) {
            throw new IllegalArgumentException("code HMAC key must be at least 32 bytes (base64)");
        }
        this.hmacKey = new SecretKeySpec(mac, "HmacSHA256");
    }

    /** One code encrypted at rest. */
    public record Encrypted(String keyId, byte[] ciphertext) {
    }

    public Encrypted encrypt(String sku, String code) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(sku.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(code.getBytes(StandardCharsets.UTF_8));
            return new Encrypted(activeKeyId, ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array());
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("AES-GCM unavailable", ex);
        }
    }

    public String decrypt(String sku, String keyId, byte[] ciphertext) {
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            throw new IllegalStateException("card code key id '" + keyId + "' is not configured");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ciphertext, 0, IV_BYTES));
            cipher.updateAAD(sku.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(ciphertext, IV_BYTES, ciphertext.length - IV_BYTES), StandardCharsets.UTF_8);
        }
        catch (GeneralSecurityException ex) {
            // Names the SKU and key id only, never the code.
            throw new IllegalStateException("a card code of " + sku + " under key " + keyId + " does not decrypt", ex);
        }
    }

    /** HMAC-SHA256 over the SKU and the code: equal codes of one SKU give equal fingerprints. */
    public byte[] fingerprint(String sku, String code) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(hmacKey);
            mac.update(sku.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(code.getBytes(StandardCharsets.UTF_8));
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", ex);
        }
    }

    private static SecretKeySpec aesKey(String id, String base64) {
        byte[] raw = Base64.getDecoder().decode(base64);
        if (raw.length != 32) {
            throw new IllegalArgumentException("code key '" + id + "' must be 32 bytes (base64), got " + raw.length);
        }
        return new SecretKeySpec(raw, "AES");
    }
}
