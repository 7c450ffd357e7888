package com.flashkey.gateway.degradation.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.flashkey.gateway.degradation.DegradationSwitch;

import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/admin/gateway/degradation")
@Tag(name = "gateway admin", description = "Degradation switch (JWT role admin)")
class DegradationController {

    record SwitchRequest(@NotNull Boolean active) {
    }

    private final DegradationSwitch degradation;

    DegradationController(DegradationSwitch degradation) {
        this.degradation = degradation;
    }

    @GetMapping
    @Operation(summary = "Whether non-core routes (stock display, product list) are degraded on this replica")
    Mono<DegradationSwitch.State> current() {
        return Mono.just(degradation.state());
    }

    @PutMapping
    @Operation(summary = "Turn non-core routes off (active=true) or back on, for every replica")
    Mono<DegradationSwitch.State> set(@Valid @RequestBody SwitchRequest request) {
        return degradation.set(request.active());
    }
}
