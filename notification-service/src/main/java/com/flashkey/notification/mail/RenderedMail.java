package com.flashkey.notification.mail;

/**
 * A mail ready to send. It holds plaintext codes, so it lives only inside one send and is never logged.
 */
record RenderedMail(String subject, String text, String html) {

    @Override
    public String toString() {
        return "RenderedMail[subject=" + subject + "]";
    }
}
