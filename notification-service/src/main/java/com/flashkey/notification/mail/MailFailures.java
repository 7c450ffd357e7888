package com.flashkey.notification.mail;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;

import org.springframework.mail.MailSendException;

import com.flashkey.notification.delivery.DeliveryFailure;

/**
 * Sorts SMTP failures into permanent (dead-letter at once) and transient (retry): an address that does not parse or
 * that the server refuses with 5xx, or any 5xx reply, is permanent; 4xx replies, refused connections, timeouts and
 * anything unknown are transient, so an unknown failure is retried before it is dead-lettered, never dropped.
 */
final class MailFailures {

    private MailFailures() {
    }

    static DeliveryFailure classify(Throwable failure, String orderNo) {
        List<Throwable> chain = chain(failure);
        for (Throwable t : chain) {
            if (t instanceof AddressException) {
                return new DeliveryFailure.Permanent("invalid-address", orderNo, null);
            }
            int code = smtpReturnCode(t);
            if (code >= 500) {
                return new DeliveryFailure.Permanent("smtp-" + code, orderNo, null);
            }
            if (code >= 400) {
                return new DeliveryFailure.Transient("smtp-" + code, orderNo, null);
            }
        }
        for (Throwable t : chain) {
            if (t instanceof SendFailedException sent && sent.getInvalidAddresses() != null
                    && sent.getInvalidAddresses().length > 0) {
                return new DeliveryFailure.Permanent("invalid-address", orderNo, null);
            }
            if (t instanceof ConnectException || t instanceof SocketTimeoutException
                    || t instanceof UnknownHostException) {
                return new DeliveryFailure.Transient("smtp-unavailable", orderNo, null);
            }
        }
        // The cause is not attached: a mail exception may quote server replies and addresses; the class name is enough.
        return new DeliveryFailure.Transient("smtp-error-" + failure.getClass().getSimpleName(), orderNo, null);
    }

    /**
     * The SMTP reply code of Angus Mail's SMTPAddressFailedException / SMTPSendFailedException (and kin). Angus is a
     * runtime-only dependency of the mail starter, so the code is read through the public {@code getReturnCode()}.
     */
    static int smtpReturnCode(Throwable t) {
        if (!t.getClass().getName().startsWith("org.eclipse.angus.mail.smtp.")) {
            return -1;
        }
        try {
            return (int) t.getClass().getMethod("getReturnCode").invoke(t);
        }
        catch (ReflectiveOperationException | ClassCastException ex) {
            return -1;
        }
    }

    /** The failure, its causes and, for Spring's MailSendException, every per-message exception; cycles cut. */
    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> out = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> todo = new ArrayDeque<>();
        todo.add(failure);
        while (!todo.isEmpty() && out.size() < 32) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            out.add(t);
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            if (t instanceof MailSendException send) {
                todo.addAll(List.of(send.getMessageExceptions()));
            }
        }
        return out;
    }
}
