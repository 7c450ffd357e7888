package com.flashkey.payment.notification;

/** A webhook for a provider this service does not know (or has disabled). */
public class UnknownProviderException extends RuntimeException {

    public UnknownProviderException(String provider) {
        super("unknown payment provider '" + (provider.length() > 32 ? provider.substring(0, 32) + "..." : provider) + "'",
                null, false, false);
    }
}
