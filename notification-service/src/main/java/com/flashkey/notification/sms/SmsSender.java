package com.flashkey.notification.sms;

import reactor.core.publisher.Mono;

/** Sends one SMS. Implementations fail with a {@code DeliveryFailure}: permanent for a refused message, else transient. */
public interface SmsSender {

    String CHANNEL = "sms";

    /**
     * @param orderNo the order the message is about (for failure messages; never the codes)
     * @param phone   the recipient in E.164 form
     * @param text    the message text; callers never put codes in it
     */
    Mono<Void> send(String orderNo, String phone, String text);
}
