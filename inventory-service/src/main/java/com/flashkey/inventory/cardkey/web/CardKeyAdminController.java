package com.flashkey.inventory.cardkey.web;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.springframework.core.ResolvableType;
import org.springframework.core.codec.StringDecoder;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import com.flashkey.inventory.cardkey.CardKeyImporter;
import com.flashkey.inventory.cardkey.CardKeyRepository;
import com.flashkey.inventory.cardkey.ImportReport;
import com.flashkey.inventory.stock.ReservationJournal;
import com.flashkey.inventory.stock.ReservationRepository;
import com.flashkey.inventory.stock.StockCounters;
import com.flashkey.inventory.web.Skus;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Admin API of the card-key pool. */
@RestController
@Tag(name = "inventory admin")
class CardKeyAdminController {

    private static final MediaType TEXT_CSV = MediaType.parseMediaType("text/csv");

    private final CardKeyImporter importer;
    private final CardKeyRepository cardKeys;
    private final ReservationRepository reservations;
    private final ReservationJournal journal;
    private final StockCounters counters;

    CardKeyAdminController(CardKeyImporter importer, CardKeyRepository cardKeys, ReservationRepository reservations,
            ReservationJournal journal, StockCounters counters) {
        this.importer = importer;
        this.cardKeys = cardKeys;
        this.reservations = reservations;
        this.journal = journal;
        this.counters = counters;
    }

    record ImportResponse(long batchId, long imported, long duplicates, List<ImportReport.LineRejection> rejected) {
    }

    /**
     * @param available keys that can still be sold: AVAILABLE keys minus live reservations (database truth)
     * @param counter   the Redis counter now (-1 when Redis has none); equals {@code available} when in sync
     */
    record InventoryView(String sku, long imported, long available, long reserved, long sold, long counter) {
    }

    @PostMapping(path = "/api/admin/products/{sku}/keys", consumes = { MediaType.TEXT_PLAIN_VALUE, "text/csv" })
    @Operation(summary = "Import card codes: text/plain one per line, or CSV with a 'code' column")
    Mono<ImportResponse> importKeys(@PathVariable String sku, ServerHttpRequest request,
            @AuthenticationPrincipal Jwt admin) {
        Skus.require(sku);
        MediaType type = request.getHeaders().getContentType();
        boolean csv = type != null && type.isCompatibleWith(TEXT_CSV);
        Charset charset = type != null && type.getCharset() != null ? type.getCharset() : StandardCharsets.UTF_8;
        // Decoded line by line as the body streams in; the body is never held whole.
        Flux<String> lines = StringDecoder.allMimeTypes().decode(request.getBody(), ResolvableType.forClass(String.class),
                new MediaType(MediaType.TEXT_PLAIN, charset), Map.of());
        String who = admin == null ? "unknown" : admin.getSubject();
        return importer.importCodes(sku, lines, csv, who == null ? "unknown" : who)
                .map(r -> new ImportResponse(r.batchId(), r.imported(), r.duplicates(), r.rejected()));
    }

    @GetMapping("/api/admin/products/{sku}/inventory")
    @Operation(summary = "Key counts of a product")
    Mono<InventoryView> inventory(@PathVariable String sku) {
        Skus.require(sku);
        return journal.flush().then(Mono.zip(cardKeys.counts(sku), reservations.reservedUnits(sku),
                counters.available(sku).defaultIfEmpty(-1L)))
                .map(t -> new InventoryView(sku, t.getT1().imported(), t.getT1().available() - t.getT2(), t.getT2(),
                        t.getT1().sold(), t.getT3()));
    }
}
