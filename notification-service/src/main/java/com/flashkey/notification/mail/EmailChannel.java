package com.flashkey.notification.mail;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.DeliveryCodes;
import com.flashkey.contracts.SealedCode;
import com.flashkey.notification.config.NotificationProperties;
import com.flashkey.notification.delivery.DeliveryFailure;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sends the card-key mail over SMTP (a kept connection of {@link SmtpConnections}): a multipart/alternative message with a
 * plain-text and an HTML part, in the order's locale. Codes are opened here, just before rendering, and live only
 * in this call; nothing here logs.
 */
@Component
public class EmailChannel {

    public static final String CHANNEL = "email";

    private final JavaMailSender mailSender;
    private final SmtpConnections connections;
    private final MailTemplates templates;
    private final DeliveryCodes deliveryCodes;
    private final InternetAddress from;
    private final MailLocale fallbackLocale;
    private final Duration sendTimeout;
    private final Clock clock;

    public EmailChannel(JavaMailSender mailSender, SmtpConnections connections, MailTemplates templates,
            DeliveryCodes deliveryCodes, NotificationProperties properties, Clock clock) {
        this.mailSender = mailSender;
        this.connections = connections;
        this.templates = templates;
        this.deliveryCodes = deliveryCodes;
        this.fallbackLocale = MailLocale.ofTag(properties.defaultLocale());
        this.sendTimeout = properties.mail().sendTimeout();
        this.clock = clock;
        try {
            this.from = new InternetAddress(properties.mail().from(), true);
        }
        catch (AddressException ex) {
            throw new IllegalArgumentException("flashkey.notification.mail.from is not an address", ex);
        }
    }

    /**
     * Completes when the SMTP server accepted the mail; fails with a {@link DeliveryFailure} otherwise.
     */
    public Mono<Void> sendKeys(KeysMail mail) {
        // JavaMail blocks on its socket and opening codes is AES-GCM work: both run on boundedElastic, never on a
        // Netty event loop or the Kafka consumer thread. The timeout bounds a hung server beyond the socket timeouts.
        return Mono.fromRunnable(() -> send(mail))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(sendTimeout, Mono.error(() -> new DeliveryFailure.Transient("smtp-timeout", mail.orderNo(), null)))
                .then();
    }

    private void send(KeysMail mail) {
        InternetAddress to = recipient(mail);
        List<String> codes = open(mail);
        RenderedMail rendered = templates.renderKeys(MailLocale.resolve(mail.locale(), fallbackLocale), mail.orderNo(),
                mail.sku(), codes);
        MimeMessage message = mailSender.createMimeMessage();
        try {
            // Plain text first, HTML last: in multipart/alternative the last part is the preferred one (RFC 2046).
            MimeBodyPart text = new MimeBodyPart();
            text.setText(rendered.text(), "UTF-8", "plain");
            MimeBodyPart html = new MimeBodyPart();
            html.setText(rendered.html(), "UTF-8", "html");
            MimeMultipart alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(text);
            alternative.addBodyPart(html);
            message.setContent(alternative);
            message.setFrom(from);
            message.setRecipient(Message.RecipientType.TO, to);
            message.setSubject(rendered.subject(), "UTF-8");
            message.setSentDate(Date.from(clock.instant()));
            message.setHeader("Auto-Submitted", "auto-generated");
            message.setHeader("X-FlashKey-Order", mail.orderNo());
        }
        catch (MessagingException ex) {
            throw MailFailures.classify(ex, mail.orderNo());
        }
        try {
            connections.send(message);
        }
        catch (MessagingException ex) {
            throw MailFailures.classify(ex, mail.orderNo());
        }
    }

    private static InternetAddress recipient(KeysMail mail) {
        if (mail.recipient() == null || mail.recipient().isBlank()) {
            throw new DeliveryFailure.Permanent("invalid-address", mail.orderNo(), null);
        }
        try {
            InternetAddress address = new InternetAddress(mail.recipient().trim(), true);
            address.validate();
            if (address.getAddress().indexOf('@') < 1) {
                throw new AddressException("no domain");
            }
            return address;
        }
        catch (AddressException ex) {
            throw new DeliveryFailure.Permanent("invalid-address", mail.orderNo(), null);
        }
    }

    private List<String> open(KeysMail mail) {
        if (mail.codes().isEmpty()) {
            throw new DeliveryFailure.Permanent("no-codes", mail.orderNo(), null);
        }
        try {
            return mail.codes().stream().map((SealedCode code) -> deliveryCodes.open(mail.orderNo(), code)).toList();
        }
        catch (IllegalArgumentException ex) {
            // Unknown key id or tampered ciphertext: no retry will open it. The message names the order only.
            throw new DeliveryFailure.Permanent("codes-do-not-open", mail.orderNo(), null);
        }
    }
}
