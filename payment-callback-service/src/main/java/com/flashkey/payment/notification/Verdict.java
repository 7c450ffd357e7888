package com.flashkey.payment.notification;

import java.util.List;

/**
 * The answer to one webhook attempt that reached the provider's verification. Refusals are expected outcomes (a
 * provider's misconfiguration, an attacker's noise), so they are values, not exceptions; only "cannot record now"
 * is an error ({@link UnavailableException}, 503).
 */
public sealed interface Verdict {

    /** Durably recorded (or a correctly signed notification that is not a payment): 200. */
    record Recorded(Receipt receipt) implements Verdict {
    }

    /** The signature does not prove the body came from the provider: 400 bad-signature. */
    record BadSignature(SignatureFailure failure, String detail) implements Verdict {
    }

    /** Correctly signed, but the content cannot be a payment: 400 validation. */
    record Invalid(List<String> errors) implements Verdict {

        public Invalid {
            errors = List.copyOf(errors);
        }
    }
}
