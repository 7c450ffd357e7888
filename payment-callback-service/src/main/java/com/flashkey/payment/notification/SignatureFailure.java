package com.flashkey.payment.notification;

/** Why a notification's signature was refused; the tag of the bad-signature metric. */
public enum SignatureFailure {
    MISSING, MALFORMED, MISMATCH, TIMESTAMP_OUT_OF_TOLERANCE;

    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
