package com.flashkey.notification.mail;

import java.util.List;

import com.flashkey.contracts.SealedCode;

/**
 * The card-key mail of one order, codes still sealed: they are opened only while the mail is rendered.
 *
 * @param orderNo   the order, also the codes' associated data
 * @param sku       what was bought
 * @param recipient the buyer's e-mail address as given at checkout (validated when sent)
 * @param locale    the order's locale tag, e.g. {@code zh-CN}; resolved to a {@link MailLocale}
 * @param codes     the sealed codes
 */
public record KeysMail(String orderNo, String sku, String recipient, String locale, List<SealedCode> codes) {

    public KeysMail {
        codes = List.copyOf(codes);
    }

    @Override
    public String toString() {
        // No address, no codes: this record may end up in a log line by accident.
        return "KeysMail[orderNo=" + orderNo + ", sku=" + sku + ", codes=" + codes.size() + "]";
    }
}
