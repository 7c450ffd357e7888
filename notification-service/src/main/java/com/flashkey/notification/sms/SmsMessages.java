package com.flashkey.notification.sms;

import java.util.EnumMap;
import java.util.Map;

import org.springframework.stereotype.Component;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;

import com.flashkey.notification.config.NotificationProperties;
import com.flashkey.notification.mail.MailLocale;

/** The SMS text per locale, from configuration: "your order is ready", never the codes. */
@Component
public class SmsMessages {

    private final Map<MailLocale, Template> texts = new EnumMap<>(MailLocale.class);
    private final MailLocale fallback;

    public SmsMessages(NotificationProperties properties) {
        Mustache.Compiler compiler = Mustache.compiler().escapeHTML(false);
        for (MailLocale locale : MailLocale.values()) {
            String text = properties.sms().messages().get(locale.tag());
            if (text == null) {
                throw new IllegalStateException("flashkey.notification.sms.messages." + locale.tag() + " is not set");
            }
            texts.put(locale, compiler.compile(text));
        }
        this.fallback = MailLocale.ofTag(properties.defaultLocale());
    }

    /** The "order ready" text in the order's locale. */
    public String orderReady(String orderNo, String locale) {
        return texts.get(MailLocale.resolve(locale, fallback)).execute(Map.of("orderNo", orderNo)).strip();
    }
}
