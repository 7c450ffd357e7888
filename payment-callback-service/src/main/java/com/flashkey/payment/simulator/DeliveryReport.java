package com.flashkey.payment.simulator;

/**
 * What the simulator did for one payment.
 *
 * @param delivered          whether the first copy got a 2xx within the attempts
 * @param attempts           deliveries tried for the first copy
 * @param lastStatus         the last HTTP status seen (0: no answer)
 * @param duplicatesAnswered deliberate duplicate copies that got a 2xx
 */
public record DeliveryReport(String orderNo, String eventId, String amount, String currency, boolean notified,
        boolean delivered, int attempts, int lastStatus, int duplicatesAnswered) {
}
