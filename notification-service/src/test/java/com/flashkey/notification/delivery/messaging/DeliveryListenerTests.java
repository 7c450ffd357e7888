package com.flashkey.notification.delivery.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.retrytopic.RetryTopicHeaders;

import com.flashkey.notification.delivery.DeliveryFailure;

class DeliveryListenerTests {

    @Test
    void whenADeadLetterCarriesAPermanentFailureThenTheReasonIsItsCode() {
        String trace = "ListenerExecutionFailedException: Async Fail\nCaused by: "
                + new DeliveryFailure.Permanent("invalid-address", "FK1", null);

        assertThat(DeliveryListener.reason(trace)).isEqualTo("invalid-address");
    }

    @Test
    void whenADeadLetterCarriesATransientFailureThenTheReasonSaysRetriesWereExhausted() {
        String trace = "Caused by: " + new DeliveryFailure.Transient("smtp-unavailable", "FK1", null);

        assertThat(DeliveryListener.reason(trace)).isEqualTo("retries-exhausted: smtp-unavailable");
        assertThat(DeliveryListener.reason("something else")).isEqualTo("retries-exhausted");
    }

    @Test
    void whenADeadLetterCarriesAMalformedRecordThenTheReasonSaysSo() {
        assertThat(DeliveryListener.reason("com.flashkey.contracts.EventCodec$MalformedEventException"))
                .isEqualTo("malformed-event");
    }

    @Test
    void whenTheRetryHeaderNamesTheNextAttemptThenAttemptsMadeIsOneLess() {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("t.DLT", 0, 0, "FK1", new byte[0]);
        assertThat(DeliveryListener.attempts(record)).isEqualTo(1);

        record.headers().add(RetryTopicHeaders.DEFAULT_HEADER_ATTEMPTS, ByteBuffer.allocate(4).putInt(6).array());
        assertThat(DeliveryListener.attempts(record)).isEqualTo(5);
    }
}
