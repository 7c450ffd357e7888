package com.flashkey.order.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

import com.flashkey.order.config.OrderProperties;

/** inventory's answers as order-service reads them, against a stand-in exchange (no server). */
class InventoryClientTests {

    @Test
    void whenInventoryAnswersWithoutABodyThenItIsUnavailableNotAnEmptyReservation() {
        InventoryClient client = new InventoryClient(
                WebClient.builder().exchangeFunction(request -> Mono.just(ClientResponse.create(HttpStatus.OK).build())),
                properties());
        Instant now = Instant.now();
        ReservationRequest request = new ReservationRequest("FK1", 1, "SKU-1", 1, "a@example.com", 1,
                now.minusSeconds(60), now.plusSeconds(600), now.plusSeconds(90));

        assertThatThrownBy(() -> client.reserve(request).block()).isInstanceOf(InventoryUnavailableException.class);
    }

    @Test
    void whenInventoryFailsOneReservationOfTheBatchThenOnlyThatOrderIsUnavailable() {
        InventoryClient client = new InventoryClient(WebClient.builder().exchangeFunction(request -> Mono.just(
                ClientResponse.create(HttpStatus.OK).header("Content-Type", "application/json")
                        .body("{\"results\":[{\"orderNo\":\"FK2\",\"attempt\":1,\"error\":\"unavailable\","
                                + "\"detail\":\"being rebuilt\"}]}")
                        .build())), properties());
        Instant now = Instant.now();
        ReservationRequest request = new ReservationRequest("FK2", 1, "SKU-1", 1, "a@example.com", 1,
                now.minusSeconds(60), now.plusSeconds(600), now.plusSeconds(90));

        assertThatThrownBy(() -> client.reserve(request).block()).isInstanceOf(InventoryUnavailableException.class)
                .satisfies(ex -> assertThat(((InventoryUnavailableException) ex).mayHaveReserved()).isTrue());
    }

    @Test
    void whenInventoryAnswersAnOutcomeThenTheReservationCarriesIt() {
        InventoryClient client = new InventoryClient(WebClient.builder().exchangeFunction(request -> Mono.just(
                ClientResponse.create(HttpStatus.OK).header("Content-Type", "application/json")
                        .body("{\"results\":[{\"orderNo\":\"FK3\",\"attempt\":1,\"outcome\":\"SOLD_OUT\","
                                + "\"available\":0}]}")
                        .build())), properties());
        Instant now = Instant.now();
        ReservationRequest request = new ReservationRequest("FK3", 1, "SKU-1", 1, "a@example.com", 1,
                now.minusSeconds(60), now.plusSeconds(600), now.plusSeconds(90));

        Reservation reservation = client.reserve(request).block();
        assertThat(reservation.outcome()).isEqualTo(Reservation.Outcome.SOLD_OUT);
        assertThat(reservation.orderNo()).isEqualTo("FK3");
        assertThat(reservation.available()).isZero();
    }

    private static OrderProperties properties() {
        OrderProperties properties = mock(OrderProperties.class);
        when(properties.inventoryUrl()).thenReturn(URI.create("http://inventory.test"));
        when(properties.inventoryTimeout()).thenReturn(Duration.ofSeconds(2));
        when(properties.reserveBatch()).thenReturn(new OrderProperties.ReserveBatch(100, 2));
        return properties;
    }
}
