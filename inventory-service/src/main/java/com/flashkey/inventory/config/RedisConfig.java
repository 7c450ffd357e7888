package com.flashkey.inventory.config;

import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.flashkey.contracts.redis.CommandTimeouts;

/** Lettuce's command timeouts on a timer that forgets a cancelled timeout at once ({@link CommandTimeouts}). */
@Configuration(proxyBeanMethods = false)
class RedisConfig {

    @Bean(destroyMethod = "stop")
    CommandTimeouts redisCommandTimeouts() {
        return new CommandTimeouts("redis-timeouts");
    }

    @Bean
    ClientResourcesBuilderCustomizer redisCommandTimer(CommandTimeouts timeouts) {
        return builder -> builder.timer(timeouts);
    }
}
