package com.flashkey.order.order;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When an unpaid order may expire: its deadline plus the payment grace, never earlier. */
class OrderExpiryDecisionTests {

    private static final Instant DEADLINE = Instant.parse("2026-11-26T12:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(60);

    private static Order order(OrderStatus status) {
        return new Order(OrderNo.generate(DEADLINE, 0), "SKU-1", 1, "a@example.com", 990, "CNY", "en",
                status, 0, 1, DEADLINE.minus(Duration.ofMinutes(15)), DEADLINE, null, null, List.of(), null, null,
                null, null);
    }

    @Test
    void whenTheDeadlinePassedButTheGraceHasNotThenTheOrderIsNotDue() {
        assertThat(order(OrderStatus.PENDING_PAYMENT).dueForExpiry(DEADLINE, GRACE)).isFalse();
        assertThat(order(OrderStatus.PENDING_PAYMENT).dueForExpiry(DEADLINE.plusSeconds(59), GRACE)).isFalse();
    }

    @Test
    void whenTheGraceHasPassedThenAnUnpaidOrderIsDue() {
        assertThat(order(OrderStatus.PENDING_PAYMENT).dueForExpiry(DEADLINE.plus(GRACE), GRACE)).isTrue();
        assertThat(order(OrderStatus.PENDING_PAYMENT).dueForExpiry(DEADLINE.plus(GRACE).plusMillis(1), GRACE)).isTrue();
    }

    @Test
    void whenTheGraceIsZeroThenTheOrderIsDueAtItsDeadline() {
        assertThat(order(OrderStatus.PENDING_PAYMENT).dueForExpiry(DEADLINE.minusMillis(1), Duration.ZERO)).isFalse();
        assertThat(order(OrderStatus.PENDING_PAYMENT).dueForExpiry(DEADLINE, Duration.ZERO)).isTrue();
    }

    @Test
    void whenTheOrderIsNoLongerPendingThenItIsNeverDue() {
        Instant late = DEADLINE.plus(Duration.ofDays(1));
        for (OrderStatus status : OrderStatus.values()) {
            if (status != OrderStatus.PENDING_PAYMENT) {
                assertThat(order(status).dueForExpiry(late, GRACE)).as("%s", status).isFalse();
            }
        }
    }
}
