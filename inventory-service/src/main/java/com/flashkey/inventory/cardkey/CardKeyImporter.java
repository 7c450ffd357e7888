package com.flashkey.inventory.cardkey;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

import com.flashkey.inventory.config.InventoryProperties;
import com.flashkey.inventory.stock.StockCounters;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Imports card codes for a SKU as one batch: streamed line by line, encrypted in chunks, inserted with multi-row
 * statements, all in one transaction (a failed import leaves nothing behind), then added to the Redis counter.
 */
@Service
public class CardKeyImporter {

    private static final Logger log = LoggerFactory.getLogger(CardKeyImporter.class);

    private final CardKeyRepository repository;
    private final CardKeyCipher cipher;
    private final TransactionalOperator tx;
    private final StockCounters counters;
    private final InventoryProperties properties;
    private final Clock clock;

    public CardKeyImporter(CardKeyRepository repository, CardKeyCipher cipher, TransactionalOperator tx,
            StockCounters counters, InventoryProperties properties, Clock clock) {
        this.repository = repository;
        this.cipher = cipher;
        this.tx = tx;
        this.counters = counters;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * @param lines      the upload's lines, in order, without line breaks
     * @param csv        the upload declared itself CSV
     * @param importedBy who imports (the admin token's subject)
     */
    public Mono<ImportReport> importCodes(String sku, Flux<String> lines, boolean csv, String importedBy) {
        CodeLineParser parser = new CodeLineParser(properties.importMaxCodeLength(), csv);
        List<ImportReport.LineRejection> rejected = new ArrayList<>();
        long[] codes = {0};
        int max = properties.importMaxCodes();
        Instant started = clock.instant();
        Mono<ImportReport> batch = repository.startBatch(sku, importedBy, started).flatMap(batchId -> lines
                .concatMapIterable(parser::accept)
                .handle((CodeLineParser.Parsed parsed, reactor.core.publisher.SynchronousSink<CodeLineParser.Accepted> sink) -> {
                    if (++codes[0] > max) {
                        sink.error(new ImportTooLargeException(sku, max));
                        return;
                    }
                    if (parsed instanceof CodeLineParser.Rejected r) {
                        rejected.add(new ImportReport.LineRejection(r.line(), r.reason()));
                    }
                    else {
                        sink.next((CodeLineParser.Accepted) parsed);
                    }
                })
                .buffer(properties.importChunkRows())
                // AES-GCM and HMAC over a chunk of codes is CPU work: keep it off the event loop.
                .concatMap(chunk -> Mono.fromCallable(() -> seal(sku, chunk)).subscribeOn(Schedulers.boundedElastic())
                        .flatMap(keys -> repository.insertKeys(sku, batchId, keys, started)))
                .reduce(0L, Long::sum)
                .flatMap(imported -> {
                    long accepted = codes[0] - rejected.size();
                    long duplicates = accepted - imported;
                    return repository.finishBatch(batchId, parser.lines(), imported, duplicates, rejected.size(),
                            clock.instant())
                            .thenReturn(new ImportReport(batchId, imported, duplicates, List.copyOf(rejected)));
                }))
                .as(tx::transactional);
        return batch.flatMap(report -> counters.addImported(sku, report.imported()).thenReturn(report))
                .doOnNext(report -> log.info("imported card keys sku={} batch={} imported={} duplicates={} rejected={} by={}",
                        sku, report.batchId(), report.imported(), report.duplicates(), report.rejected().size(),
                        importedBy));
    }

    private List<CardKeyRepository.NewKey> seal(String sku, List<CodeLineParser.Accepted> chunk) {
        List<CardKeyRepository.NewKey> keys = new ArrayList<>(chunk.size());
        for (CodeLineParser.Accepted accepted : chunk) {
            CardKeyCipher.Encrypted encrypted = cipher.encrypt(sku, accepted.code());
            keys.add(new CardKeyRepository.NewKey(cipher.fingerprint(sku, accepted.code()), encrypted.keyId(),
                    encrypted.ciphertext()));
        }
        return keys;
    }
}
