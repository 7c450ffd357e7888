package com.flashkey.notification.mail;

import java.util.Locale;

/** The locales FlashKey mails are written in. */
public enum MailLocale {

    EN("en"), ZH_CN("zh-CN");

    private final String tag;

    MailLocale(String tag) {
        this.tag = tag;
    }

    /** The BCP 47 tag, also the suffix of template names and the key of subjects in configuration. */
    public String tag() {
        return tag;
    }

    /**
     * The locale to write in for an order's locale tag: any Chinese tag ({@code zh}, {@code zh_CN}, {@code zh-Hans})
     * reads zh-CN, any English tag reads en, anything else (or nothing) the fallback.
     */
    public static MailLocale resolve(String orderLocale, MailLocale fallback) {
        if (orderLocale == null || orderLocale.isBlank()) {
            return fallback;
        }
        String language = Locale.forLanguageTag(orderLocale.trim().replace('_', '-')).getLanguage();
        return switch (language) {
            case "zh" -> ZH_CN;
            case "en" -> EN;
            default -> fallback;
        };
    }

    /** Parses a configured tag exactly ({@code en} or {@code zh-CN}). */
    public static MailLocale ofTag(String tag) {
        for (MailLocale locale : values()) {
            if (locale.tag.equalsIgnoreCase(tag)) {
                return locale;
            }
        }
        throw new IllegalArgumentException("no mail templates for locale '" + tag + "'; known: en, zh-CN");
    }
}
