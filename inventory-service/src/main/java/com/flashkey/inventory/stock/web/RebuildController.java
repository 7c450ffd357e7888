package com.flashkey.inventory.stock.web;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.flashkey.inventory.stock.StockRebuilder;
import com.flashkey.inventory.web.Skus;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/** Admin/SRE: rebuild Redis counters from the database (after Redis lost data, or to repair drift). */
@RestController
@Tag(name = "inventory admin")
class RebuildController {

    private final StockRebuilder rebuilder;

    RebuildController(StockRebuilder rebuilder) {
        this.rebuilder = rebuilder;
    }

    record RebuildResponse(List<StockRebuilder.SkuRebuilt> rebuilt) {
    }

    @PostMapping("/api/admin/inventory/rebuild")
    @Operation(summary = "Rebuild stock counters from the database (all SKUs, or one with ?sku=)")
    Mono<ResponseEntity<RebuildResponse>> rebuild(@RequestParam(required = false) String sku) {
        var rebuilt = sku == null ? rebuilder.rebuildAll().collectList()
                : rebuilder.rebuild(Skus.require(sku)).map(available -> List.of(new StockRebuilder.SkuRebuilt(sku, available)));
        // 202 as the contract says; the answer is sent once the counters are rebuilt, listing them.
        return rebuilt.map(list -> ResponseEntity.status(HttpStatus.ACCEPTED).body(new RebuildResponse(list)));
    }
}
