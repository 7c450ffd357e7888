package com.flashkey.notification.mail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;

import com.flashkey.notification.config.NotificationProperties;

/**
 * The card-key mail in each {@link MailLocale}: {@code templates/mail/keys.<locale>.html} and {@code .txt} from the
 * classpath, the subject from configuration. Compiled once at start-up, so a missing template stops start-up.
 * The HTML compiler escapes every value (codes and order data cannot inject markup); the text compiler does not.
 */
@Component
public class MailTemplates {

    private static final Mustache.Compiler HTML = Mustache.compiler().escapeHTML(true).strictSections(true);
    private static final Mustache.Compiler TEXT = Mustache.compiler().escapeHTML(false).strictSections(true);

    private final Map<MailLocale, Template> html = new EnumMap<>(MailLocale.class);
    private final Map<MailLocale, Template> text = new EnumMap<>(MailLocale.class);
    private final Map<MailLocale, Template> subjects = new EnumMap<>(MailLocale.class);
    private final String orderPageUrl;

    public MailTemplates(NotificationProperties properties) {
        this.orderPageUrl = stripTrailingSlash(properties.orderPageUrl());
        for (MailLocale locale : MailLocale.values()) {
            html.put(locale, HTML.compile(read("templates/mail/keys." + locale.tag() + ".html")));
            text.put(locale, TEXT.compile(read("templates/mail/keys." + locale.tag() + ".txt")));
            String subject = properties.mail().subjects().get(locale.tag());
            if (subject == null) {
                throw new IllegalStateException("flashkey.notification.mail.subjects." + locale.tag() + " is not set");
            }
            subjects.put(locale, TEXT.compile(subject));
        }
    }

    /** Renders the card-key mail of one order. */
    RenderedMail renderKeys(MailLocale locale, String orderNo, String sku, List<String> codes) {
        Map<String, Object> model = Map.of("orderNo", orderNo, "sku", sku == null ? "" : sku, "quantity", codes.size(),
                "codes", codes, "lookupUrl", lookupUrl(orderNo));
        return new RenderedMail(subjects.get(locale).execute(model).strip(), text.get(locale).execute(model),
                html.get(locale).execute(model));
    }

    /** {@code {order-page-url}/{orderNo}}; order numbers are [A-Za-z0-9], encoded anyway. */
    String lookupUrl(String orderNo) {
        return orderPageUrl + "/" + URLEncoder.encode(orderNo, StandardCharsets.UTF_8);
    }

    private static String stripTrailingSlash(URI uri) {
        String value = uri.toString();
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    private static String read(String path) {
        try (InputStream in = new ClassPathResource(path).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (IOException ex) {
            throw new IllegalStateException("mail template " + path + " is missing", ex);
        }
    }
}
