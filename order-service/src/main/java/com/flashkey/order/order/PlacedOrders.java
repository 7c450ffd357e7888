package com.flashkey.order.order;

import java.time.Duration;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.OrderPlaced;
import com.flashkey.order.config.FlashkeyProperties;
import com.flashkey.order.config.OrderProperties;

/**
 * Short-lived Redis copies of just-placed orders, so a lookup right after the 202 finds the order before the
 * consumer has written its row. The row, once there, always wins.
 */
@Component
class PlacedOrders {

    private final ReactiveStringRedisTemplate redis;
    private final JsonMapper json;
    private final String prefix;
    private final Duration ttl;

    PlacedOrders(ReactiveStringRedisTemplate redis, JsonMapper json, FlashkeyProperties flashkey,
            OrderProperties properties) {
        this.redis = redis;
        this.json = json;
        this.prefix = flashkey.redis().keyPrefix() + "order:placed:";
        this.ttl = properties.placedRecordTtl();
    }

    Mono<Void> remember(OrderPlaced placed) {
        return redis.opsForValue().set(prefix + placed.orderNo(), json.writeValueAsString(placed), ttl).then();
    }

    Mono<OrderPlaced> find(OrderNo orderNo) {
        return redis.opsForValue().get(prefix + orderNo.value()).map(raw -> json.readValue(raw, OrderPlaced.class));
    }
}
