package com.flashkey.payment.notification;

/** A notification whose signature does not prove it came from the provider. Says why, never what was expected. */
public class BadSignatureException extends RuntimeException {

    private final SignatureFailure failure;

    public BadSignatureException(SignatureFailure failure, String detail) {
        super(detail, null, false, false);
        this.failure = failure;
    }

    public SignatureFailure failure() {
        return failure;
    }
}
