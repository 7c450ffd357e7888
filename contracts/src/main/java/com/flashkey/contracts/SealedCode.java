package com.flashkey.contracts;

/**
 * One card code sealed for delivery.
 *
 * @param keyId      id of the delivery key that sealed it (keys rotate)
 * @param ciphertext base64 of {@code iv(12) || AES-GCM ciphertext+tag}
 */
public record SealedCode(String keyId, String ciphertext) {

    @Override
    public String toString() {
        // Never print even the ciphertext into logs by accident.
        return "SealedCode[keyId=" + keyId + "]";
    }
}
