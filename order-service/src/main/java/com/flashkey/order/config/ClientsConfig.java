package com.flashkey.order.config;

import java.time.Duration;

import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/** HTTP client for catalog and inventory: a pool sized for flash-sale concurrency, bounded connect/response times. */
@Configuration(proxyBeanMethods = false)
class ClientsConfig {

    /** Clients clone this builder; Framework 7's default codecs read and write JSON with Jackson 3. */
    @Bean
    WebClient.Builder webClientBuilder(ClientHttpConnector connector) {
        return WebClient.builder().clientConnector(connector);
    }

    @Bean
    ClientHttpConnector clientHttpConnector(OrderProperties properties) {
        // Reactor Netty's default pool (16 connections, small pending queue) rejects requests under a burst.
        ConnectionProvider pool = ConnectionProvider.builder("order-clients").maxConnections(500)
                .pendingAcquireMaxCount(10_000).pendingAcquireTimeout(Duration.ofSeconds(2))
                .maxIdleTime(Duration.ofSeconds(30)).build();
        Duration response = properties.inventoryTimeout().compareTo(properties.catalogTimeout()) > 0
                ? properties.inventoryTimeout() : properties.catalogTimeout();
        return new ReactorClientHttpConnector(HttpClient.create(pool)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000).responseTimeout(response));
    }
}
