package com.flashkey.notification.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.Map;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailSendException;

import com.flashkey.notification.delivery.DeliveryFailure;

class MailFailuresTests {

    @Test
    void whenTheAddressDoesNotParseThenTheFailureIsPermanent() {
        DeliveryFailure failure = MailFailures.classify(new MailParseException(new AddressException("bad")), "FK1");

        assertThat(failure).isInstanceOf(DeliveryFailure.Permanent.class);
        assertThat(failure.reason()).isEqualTo("invalid-address");
    }

    @Test
    void whenTheServerRefusesTheRecipientWith5xxThenTheFailureIsPermanent() throws Exception {
        SMTPAddressFailedException refused = new SMTPAddressFailedException(new InternetAddress("x@y.example"),
                "RCPT TO", 550, "550 5.1.1 no such user");
        SendFailedException sendFailed = new SendFailedException("Invalid Addresses", refused);

        DeliveryFailure failure = MailFailures.classify(new MailSendException("send failed", sendFailed), "FK1");

        assertThat(failure).isInstanceOf(DeliveryFailure.Permanent.class);
        assertThat(failure.reason()).isEqualTo("smtp-550");
    }

    @Test
    void whenTheServerAnswers4xxThenTheFailureIsTransient() throws Exception {
        SMTPSendFailedException busy = new SMTPSendFailedException("DATA", 451, "451 4.3.0 try again later", null,
                null, null, null);

        DeliveryFailure failure = MailFailures.classify(new MailSendException(Map.of(new Object(), busy)), "FK1");

        assertThat(failure).isInstanceOf(DeliveryFailure.Transient.class);
        assertThat(failure.reason()).isEqualTo("smtp-451");
    }

    @Test
    void whenTheServerIsDownThenTheFailureIsTransient() {
        MessagingException connect = new MessagingException("could not connect", new ConnectException("refused"));

        DeliveryFailure failure = MailFailures.classify(new MailSendException("Mail server connection failed", connect), "FK1");

        assertThat(failure).isInstanceOf(DeliveryFailure.Transient.class);
        assertThat(failure.reason()).isEqualTo("smtp-unavailable");
    }

    @Test
    void whenTheFailureIsUnknownThenItIsTransientSoItIsRetriedBeforeDeadLettering() {
        DeliveryFailure failure = MailFailures.classify(new IllegalStateException("?"), "FK1");

        assertThat(failure).isInstanceOf(DeliveryFailure.Transient.class);
        assertThat(failure.getMessage()).isEqualTo("delivery of order FK1 failed for now: smtp-error-IllegalStateException");
    }
}
