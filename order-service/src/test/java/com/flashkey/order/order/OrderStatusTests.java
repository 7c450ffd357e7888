package com.flashkey.order.order;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import static com.flashkey.order.order.OrderStatus.CANCELLED;
import static com.flashkey.order.order.OrderStatus.DELIVERED;
import static com.flashkey.order.order.OrderStatus.EXPIRED;
import static com.flashkey.order.order.OrderStatus.PAID;
import static com.flashkey.order.order.OrderStatus.PENDING_PAYMENT;
import static com.flashkey.order.order.OrderStatus.REFUND_REQUIRED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrderStatusTests {

    @Test
    void whenPendingOrderIsPaidThenItIsPaidAndThenDelivered() {
        assertThat(PENDING_PAYMENT.markPaid()).isEqualTo(PAID);
        assertThat(PAID.markDelivered()).isEqualTo(DELIVERED);
    }

    @Test
    void whenPendingOrderExpiresOrIsCancelledThenItReleasedItsStock() {
        assertThat(PENDING_PAYMENT.expire()).isEqualTo(EXPIRED);
        assertThat(PENDING_PAYMENT.cancel()).isEqualTo(CANCELLED);
        assertThat(EXPIRED.releasedStock()).isTrue();
        assertThat(CANCELLED.releasedStock()).isTrue();
        assertThat(PAID.releasedStock()).isFalse();
    }

    @Test
    void whenPaidOrderCannotBeAllocatedThenRefundIsRequired() {
        assertThat(PAID.requireRefund()).isEqualTo(REFUND_REQUIRED);
    }

    @Test
    void whenLatePaymentIsReReservedThenExpiredOrCancelledOrderBecomesPaid() {
        assertThat(EXPIRED.markPaidAfterReReservation()).isEqualTo(PAID);
        assertThat(CANCELLED.markPaidAfterReReservation()).isEqualTo(PAID);
        assertThat(EXPIRED.requireRefund()).isEqualTo(REFUND_REQUIRED);
        assertThat(CANCELLED.requireRefund()).isEqualTo(REFUND_REQUIRED);
    }

    @Test
    void whenAPaymentDoesNotMatchThenAnOpenOrExpiredOrCancelledOrderRequiresARefund() {
        assertThat(PENDING_PAYMENT.refuseMismatchedPayment()).isEqualTo(REFUND_REQUIRED);
        assertThat(EXPIRED.refuseMismatchedPayment()).isEqualTo(REFUND_REQUIRED);
        assertThat(CANCELLED.refuseMismatchedPayment()).isEqualTo(REFUND_REQUIRED);
    }

    @Test
    void whenAnyOtherTransitionIsAttemptedThenItIsRefused() {
        assertOnlyFrom(OrderStatus::markPaid, EnumSet.of(PENDING_PAYMENT));
        assertOnlyFrom(OrderStatus::markPaidAfterReReservation, EnumSet.of(EXPIRED, CANCELLED));
        assertOnlyFrom(OrderStatus::markDelivered, EnumSet.of(PAID));
        assertOnlyFrom(OrderStatus::expire, EnumSet.of(PENDING_PAYMENT));
        assertOnlyFrom(OrderStatus::cancel, EnumSet.of(PENDING_PAYMENT));
        assertOnlyFrom(OrderStatus::requireRefund, EnumSet.of(PAID, EXPIRED, CANCELLED));
        assertOnlyFrom(OrderStatus::refuseMismatchedPayment, EnumSet.of(PENDING_PAYMENT, EXPIRED, CANCELLED));
    }

    @Test
    void whenDeliveredOrRefundRequiredThenNothingMovesTheOrderAnyMore() {
        for (OrderStatus terminal : Set.of(DELIVERED, REFUND_REQUIRED)) {
            for (UnaryOperator<OrderStatus> t : Set.<UnaryOperator<OrderStatus>>of(OrderStatus::markPaid,
                    OrderStatus::markPaidAfterReReservation, OrderStatus::markDelivered, OrderStatus::expire,
                    OrderStatus::cancel, OrderStatus::requireRefund, OrderStatus::refuseMismatchedPayment)) {
                assertThatThrownBy(() -> t.apply(terminal)).isInstanceOf(OrderStatus.IllegalTransitionException.class);
            }
        }
    }

    @Test
    void whenTransitionIsRefusedThenTheExceptionNamesBothStates() {
        assertThatThrownBy(DELIVERED::markPaid).isInstanceOf(OrderStatus.IllegalTransitionException.class)
                .hasMessage("an order in DELIVERED cannot become PAID")
                .satisfies(ex -> {
                    OrderStatus.IllegalTransitionException ite = (OrderStatus.IllegalTransitionException) ex;
                    assertThat(ite.from()).isEqualTo(DELIVERED);
                    assertThat(ite.to()).isEqualTo(PAID);
                });
    }

    private static void assertOnlyFrom(UnaryOperator<OrderStatus> transition, Set<OrderStatus> allowed) {
        for (OrderStatus from : OrderStatus.values()) {
            if (allowed.contains(from)) {
                assertThat(transition.apply(from)).isNotNull();
            }
            else {
                assertThatThrownBy(() -> transition.apply(from)).as("from " + from)
                        .isInstanceOf(OrderStatus.IllegalTransitionException.class);
            }
        }
    }
}
