package com.flashkey.notification.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import com.flashkey.notification.TestProperties;
import com.flashkey.notification.config.NotificationProperties;
import com.flashkey.notification.delivery.DeliveryFailure;

/** Kept SMTP connections against a real SMTP server (GreenMail on a free port). */
class SmtpConnectionsTests {

    private final ServerSetup setup = new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    private final JavaMailSenderImpl mailSender = new JavaMailSenderImpl();
    private GreenMail smtp;
    private SmtpConnections connections;

    @BeforeEach
    void startSmtp() {
        smtp = new GreenMail(setup);
        smtp.start();
        mailSender.setHost(setup.getBindAddress());
        mailSender.setPort(setup.getPort());
        Properties javaMail = new Properties();
        javaMail.put("mail.smtp.connectiontimeout", "2000");
        javaMail.put("mail.smtp.timeout", "2000");
        mailSender.setJavaMailProperties(javaMail);
    }

    @AfterEach
    void stop() {
        if (connections != null) {
            connections.destroy();
        }
        smtp.stop();
    }

    @Test
    void whenMailsAreSentOneAfterAnotherThenOneConnectionCarriesThemAll() throws Exception {
        connections = new SmtpConnections(mailSender, properties(100));
        for (int i = 0; i < 20; i++) {
            connections.send(mail("reuse-" + i + "@buyer.example"));
        }
        assertThat(smtp.getReceivedMessages()).hasSize(20);
        assertThat(connections.opened()).isEqualTo(1);
        assertThat(connections.idle()).isEqualTo(1);
    }

    @Test
    void whenAConnectionHasCarriedMaxMessagesThenTheNextMailOpensANewOne() throws Exception {
        connections = new SmtpConnections(mailSender, properties(5));
        for (int i = 0; i < 12; i++) {
            connections.send(mail("cap-" + i + "@buyer.example"));
        }
        assertThat(smtp.getReceivedMessages()).hasSize(12);
        assertThat(connections.opened()).isEqualTo(3);
    }

    @Test
    void whenTheServerRestartedThenTheKeptConnectionIsReplacedAndTheMailIsSent() throws Exception {
        connections = new SmtpConnections(mailSender, properties(100));
        connections.send(mail("before@buyer.example"));
        smtp.stop();
        smtp = new GreenMail(setup);
        smtp.start();

        connections.send(mail("after@buyer.example"));

        assertThat(smtp.getReceivedMessages()).hasSize(1);
        assertThat(smtp.getReceivedMessages()[0].getAllRecipients()[0].toString()).isEqualTo("after@buyer.example");
        assertThat(connections.opened()).isEqualTo(2);
    }

    @Test
    void whenTheServerIsDownThenTheSendFailsAsUnavailableAndNothingIsKept() throws Exception {
        connections = new SmtpConnections(mailSender, properties(100));
        connections.send(mail("first@buyer.example"));
        smtp.stop();

        assertThatThrownBy(() -> connections.send(mail("down@buyer.example")))
                .isInstanceOf(MessagingException.class)
                .satisfies(ex -> assertThat(MailFailures.classify(ex, "ORDER-1"))
                        .isInstanceOf(DeliveryFailure.Transient.class)
                        .extracting(DeliveryFailure::reason).isEqualTo("smtp-unavailable"));
        assertThat(connections.idle()).isZero();
    }

    private NotificationProperties properties(int maxMessages) {
        NotificationProperties base = TestProperties.notification(null, Duration.ofSeconds(1));
        NotificationProperties.Mail mail = new NotificationProperties.Mail(base.mail().from(), base.mail().subjects(),
                Duration.ofSeconds(5), new NotificationProperties.Connections(2, maxMessages, Duration.ofMinutes(5),
                        Duration.ofSeconds(30)));
        return new NotificationProperties(base.orderPageUrl(), base.defaultLocale(), base.partitions(),
                base.listenerConcurrency(), base.maxInFlight(), base.claimLease(), base.relayInterval(), mail,
                base.retry(), base.sms(), base.keepSent());
    }

    private MimeMessage mail(String to) throws MessagingException {
        MimeMessage message = mailSender.createMimeMessage();
        message.setFrom(new InternetAddress("no-reply@flashkey.local"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject("codes");
        message.setText("your codes");
        return message;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
