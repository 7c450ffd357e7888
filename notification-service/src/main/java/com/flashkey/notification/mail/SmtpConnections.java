package com.flashkey.notification.mail;

import java.time.Duration;
import java.time.Instant;
import java.util.NoSuchElementException;

import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;

import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.stereotype.Component;

import com.flashkey.notification.config.NotificationProperties;

/**
 * Kept SMTP connections. Spring's {@code JavaMailSenderImpl} connects, greets (EHLO, STARTTLS, AUTH) and quits once
 * per mail; in the webhook profile that was half of every send, and Angus Mail's write timeout starts a timer thread
 * per socket. Connections here are lent by a commons-pool2 pool on the session Spring Boot configured
 * ({@code spring.mail.*}), checked with NOOP when lent (the server may have closed an idle one), retired after
 * {@code max-messages} mails or {@code max-age} (servers cap both), and closed after {@code max-idle} without use.
 * A connection that failed a send is closed, never lent again.
 */
@Component
public class SmtpConnections implements DisposableBean {

    static {
        // jakarta.mail's BodyPart looks its StreamProvider up with a ServiceLoader scan of every jar, per body part:
        // naming the implementation makes it one Class.forName. Kept if an operator set it.
        if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
            System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
        }
    }

    private final GenericObjectPool<Connection> pool;

    public SmtpConnections(JavaMailSenderImpl mailSender, NotificationProperties properties) {
        NotificationProperties.Connections limits = properties.mail().connections();
        GenericObjectPoolConfig<Connection> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(limits.max());
        config.setMaxIdle(limits.max());
        config.setMinIdle(0);
        config.setMaxWait(properties.mail().sendTimeout());
        config.setTestOnBorrow(true);
        config.setMinEvictableIdleDuration(limits.maxIdle());
        config.setTimeBetweenEvictionRuns(limits.maxIdle());
        config.setJmxEnabled(false);
        this.pool = new GenericObjectPool<>(new Factory(mailSender, limits), config);
    }

    /** Sends one mail on a kept connection; the failure is the server's or the socket's, as JavaMail reports it. */
    void send(MimeMessage message) throws MessagingException {
        Connection connection = borrow();
        try {
            // What JavaMailSenderImpl does before sending: MIME headers, Message-ID.
            message.saveChanges();
            connection.transport.sendMessage(message, message.getAllRecipients());
            connection.sent++;
        }
        catch (MessagingException | RuntimeException ex) {
            invalidate(connection);
            throw ex;
        }
        pool.returnObject(connection);
    }

    /** Connections open and unused now. */
    int idle() {
        return pool.getNumIdle();
    }

    /** Connections opened since start. */
    long opened() {
        return pool.getCreatedCount();
    }

    private Connection borrow() throws MessagingException {
        try {
            return pool.borrowObject();
        }
        catch (MessagingException ex) {
            throw ex;
        }
        catch (NoSuchElementException ex) {
            // Every connection is busy for the whole send timeout, or a new one failed its NOOP: retried later.
            throw new MessagingException("no SMTP connection available", ex.getCause() instanceof Exception cause ? cause : ex);
        }
        catch (Exception ex) {
            throw new MessagingException("no SMTP connection available", ex);
        }
    }

    private void invalidate(Connection connection) {
        try {
            pool.invalidateObject(connection);
        }
        catch (Exception ignored) {
            // The pool closes it through the factory; a close that fails leaves nothing to do.
        }
    }

    @Override
    public void destroy() {
        pool.close();
    }

    /** A connected transport and what retires it. */
    static final class Connection {

        final Transport transport;
        final Instant openedAt;
        int sent;

        Connection(Transport transport, Instant openedAt) {
            this.transport = transport;
            this.openedAt = openedAt;
        }
    }

    private static final class Factory extends BasePooledObjectFactory<Connection> {

        private final JavaMailSenderImpl mailSender;
        private final NotificationProperties.Connections limits;

        Factory(JavaMailSenderImpl mailSender, NotificationProperties.Connections limits) {
            this.mailSender = mailSender;
            this.limits = limits;
        }

        @Override
        public Connection create() throws MessagingException {
            Transport transport = mailSender.getSession().getTransport(
                    mailSender.getProtocol() != null ? mailSender.getProtocol() : "smtp");
            // As JavaMailSenderImpl.connectTransport: empty credentials mean none.
            String username = empty(mailSender.getUsername()) ? null : mailSender.getUsername();
            String password = username == null && empty(mailSender.getPassword()) ? null : mailSender.getPassword();
            transport.connect(mailSender.getHost(), mailSender.getPort(), username, password);
            return new Connection(transport, Instant.now());
        }

        @Override
        public PooledObject<Connection> wrap(Connection connection) {
            return new DefaultPooledObject<>(connection);
        }

        @Override
        public boolean validateObject(PooledObject<Connection> pooled) {
            Connection connection = pooled.getObject();
            if (connection.sent >= limits.maxMessages()
                    || Duration.between(connection.openedAt, Instant.now()).compareTo(limits.maxAge()) > 0) {
                return false;
            }
            // Angus' isConnected() sends NOOP on a connected transport and closes it when the reply is not 250.
            return connection.transport.isConnected();
        }

        @Override
        public void destroyObject(PooledObject<Connection> pooled) {
            try {
                pooled.getObject().transport.close();
            }
            catch (MessagingException ignored) {
                // QUIT on a dead connection fails; the socket is closed either way.
            }
        }

        private static boolean empty(String value) {
            return value == null || value.isEmpty();
        }
    }
}
