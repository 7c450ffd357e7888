package com.flashkey.payment.reconciliation;

import java.time.Clock;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.loop.PeriodicLoop;
import com.flashkey.payment.config.PaymentProperties;
import com.flashkey.payment.notification.NotificationLedger;
import com.flashkey.payment.notification.PaymentNotification;
import com.flashkey.payment.notification.PaymentNotifications;
import com.flashkey.payment.notification.WebhookReceiver;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

/**
 * For orders unpaid longer than {@code pending-after}, asks the provider whether they were paid and publishes the
 * payments whose webhook never arrived. The recovered payment goes through the same insert-first path as a
 * webhook, keyed by the provider's event id, so a late webhook for it is a plain duplicate.
 */
@Component
@ConditionalOnBooleanProperty(name = "flashkey.payment.reconciliation.enabled", matchIfMissing = true)
public class ReconciliationJob implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReconciliationJob.class);

    private final PendingOrders pending;
    private final NotificationLedger ledger;
    private final PaymentNotifications notifications;
    private final ProviderQuery provider;
    private final PaymentProperties.Reconciliation config;
    private final Clock clock;
    private final Counter recovered;
    private final PeriodicLoop loop;

    ReconciliationJob(PendingOrders pending, NotificationLedger ledger, PaymentNotifications notifications,
            ProviderQuery provider, PaymentProperties properties, Clock clock, MeterRegistry registry) {
        this.pending = pending;
        this.ledger = ledger;
        this.notifications = notifications;
        this.provider = provider;
        this.config = properties.reconciliation();
        this.clock = clock;
        this.recovered = Counter.builder("flashkey.payment.reconciliation.recovered")
                .description("Payments found by reconciliation whose webhook never arrived").register(registry);
        this.loop = new PeriodicLoop(PeriodicLoop.Pace.fixed(config.interval()), () -> reconcile().thenReturn(0L),
                ex -> log.warn("reconciliation pass failed, next pass retries: {}", ex.toString()));
    }

    /** One pass over the orders due for a check. */
    public Mono<Void> reconcile() {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            return pending.dueForCheck(now.minus(config.pendingAfter()), config.batchSize())
                    .concatMap(order -> check(order, now).onErrorResume(ex -> {
                        // One order's failure (provider down) must not stop the pass; it is asked again next pass.
                        log.warn("reconciliation of order {} failed: {}", order.orderNo(), ex.getMessage());
                        return Mono.empty();
                    }))
                    .then();
        });
    }

    private Mono<Void> check(PendingOrder order, Instant now) {
        return ledger.existsForOrder(order.orderNo()).flatMap(notified -> {
            if (notified) {
                return pending.markPaid(order.orderNo(), now);
            }
            return provider.find(order.orderNo()).flatMap(payment -> {
                if (payment.paid()) {
                    var notification = new PaymentNotification(WebhookReceiver.SIMPAY, payment.eventId(),
                            order.orderNo(), payment.amountMinor(), payment.currency(), payment.transactionId(),
                            payment.paidAt());
                    return notifications.record(notification)
                            .doOnNext(receipt -> {
                                recovered.increment();
                                log.info("reconciliation recovered payment {} of order {} ({})", payment.eventId(),
                                        order.orderNo(), receipt.outcome());
                            })
                            .then(pending.markPaid(order.orderNo(), now));
                }
                if (now.isAfter(order.expiresAt().plus(config.closeAfter()))) {
                    return pending.close(order.orderNo(), now);
                }
                return pending.checked(order.orderNo(), now);
            });
        });
    }

    @Override
    public void start() {
        loop.start();
    }

    @Override
    public void stop() {
        loop.stop();
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }
}
