package com.flashkey.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class EventCodecJsonTests {

    private static final Instant T = Instant.parse("2026-11-25T10:15:30.123Z");
    private final EventCodec codec = new EventCodec();

    static Stream<Event> everyEvent() {
        SealedCode code = new SealedCode("k1", "AAAA");
        return Stream.of(
                new OrderPlaced("FK1", "SKU-1", 2, "a@b.c", 1980, "CNY", "zh-CN", "idem-1", T, T.plusSeconds(900)),
                new OrderPlaced("FK1", "SKU-1", 2, "a@b.c", 1980, "CNY", "zh-CN", "idem-1", T, T.plusSeconds(900),
                        "+8613800000000"),
                new OrderPaid("FK1", "SKU-1", 2, "a@b.c", "en", "simpay", "tx-1", T),
                new OrderPaid("FK1", "SKU-1", 2, "a@b.c", "en", "simpay", "tx-1", T, "+8613800000000"),
                new OrderExpired("FK1", "SKU-1", 2, T), new OrderCancelled("FK1", "SKU-1", 1, "buyer", T),
                new OrderRefundRequired("FK1", "SKU-1", 1, 990, "CNY", "sold out after expiry", T),
                new PaymentSucceeded("FK1", "simpay", "evt_1", 1980, "CNY", "tx-1", T),
                new PaymentUnmatched("not-an-order", "simpay", "evt_2", 1980, "CNY", "tx-2", T, "malformed-order-no",
                        "not an order number", T),
                new KeysAllocated("FK1", "SKU-1", 1, "a@b.c", "en", List.of(code), T),
                new KeysAllocated("FK1", "SKU-1", 1, "a@b.c", "en", List.of(code), T, "+8613800000000"),
                new AllocationFailed("FK1", "SKU-1", 3, 1, "not enough keys", T),
                new DeliveryResendRequested("FK1", "r-1", "SKU-1", "a@b.c", "en", List.of(code), T),
                new OrderDelivered("FK1", "email", T), new NotificationFailed("FK1", "email", "bad address", 1, T),
                new ProductChanged("SKU-1", 7, T));
    }

    @ParameterizedTest
    @MethodSource("everyEvent")
    void whenEventIsWrittenAndReadThenItIsEqual(Event event) {
        EventEnvelope<Event> envelope = EventEnvelope.of(event, T);

        EventEnvelope<Event> back = codec.read(codec.write(envelope));

        assertThat(back).isEqualTo(envelope);
        assertThat(back.type()).isEqualTo(event.getClass().getSimpleName());
    }

    @Test
    void whenOrderEventIsWrappedThenKeyIsOrderNo() {
        var envelope = EventEnvelope.of(new OrderExpired("FK9", "S", 1, T), T);
        assertThat(envelope.key()).isEqualTo("FK9");
        assertThat(EventEnvelope.of(new ProductChanged("S", 1, T), T).key()).isNull();
    }

    @Test
    void whenInstantIsWrittenThenItIsIsoUtc() {
        String json = new String(codec.write(EventEnvelope.of(new OrderExpired("FK1", "S", 1, T), T)),
                StandardCharsets.UTF_8);
        assertThat(json).contains("\"occurredAt\":\"2026-11-25T10:15:30.123Z\"").contains("\"orderNo\":\"FK1\"");
    }

    @Test
    void whenFieldIsUnknownThenItIsIgnored() {
        String json = """
                {"id":"4b1c9a7e-2a4b-4c8e-9a0e-111111111111","type":"OrderExpired","version":1,
                 "occurredAt":"2026-11-25T10:15:30Z","orderNo":"FK1",
                 "data":{"orderNo":"FK1","sku":"S","quantity":1,"expiredAt":"2026-11-25T10:15:30Z","extra":true}}""";
        assertThat(codec.read(json.getBytes(StandardCharsets.UTF_8), OrderExpired.class).data().sku()).isEqualTo("S");
    }

    @Test
    void whenAnEventFromBeforeThePhoneNumberIsReadThenItHasNone() {
        String json = """
                {"id":"4b1c9a7e-2a4b-4c8e-9a0e-111111111111","type":"KeysAllocated","version":1,
                 "occurredAt":"2026-11-25T10:15:30Z","orderNo":"FK1",
                 "data":{"orderNo":"FK1","sku":"S","quantity":1,"buyerEmail":"a@b.c","locale":"en",
                         "codes":[{"keyId":"k1","ciphertext":"AAAA"}],"allocatedAt":"2026-11-25T10:15:30Z"}}""";
        KeysAllocated read = codec.read(json.getBytes(StandardCharsets.UTF_8), KeysAllocated.class).data();
        assertThat(read.buyerPhone()).isNull();
        assertThat(read.codes()).hasSize(1);
    }

    @Test
    void whenBytesAreNotAnEventThenMalformedEventException() {
        assertThatThrownBy(() -> codec.read("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventCodec.MalformedEventException.class);
        assertThatThrownBy(() -> codec.read("""
                {"id":"4b1c9a7e-2a4b-4c8e-9a0e-111111111111","type":"Nope","occurredAt":"2026-11-25T10:15:30Z","data":{}}"""
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(EventCodec.MalformedEventException.class)
                .hasMessageContaining("unknown event type");
        assertThatThrownBy(() -> codec.read("""
                {"type":"OrderExpired","occurredAt":"2026-11-25T10:15:30Z","data":{}}"""
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(EventCodec.MalformedEventException.class);
    }

    @Test
    void whenTypeDiffersFromExpectedThenMalformedEventException() {
        byte[] json = codec.write(EventEnvelope.of(new OrderExpired("FK1", "S", 1, T), T));
        assertThatThrownBy(() -> codec.read(json, OrderPaid.class))
                .isInstanceOf(EventCodec.MalformedEventException.class);
    }
}
