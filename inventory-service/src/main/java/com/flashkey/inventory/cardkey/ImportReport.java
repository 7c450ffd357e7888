package com.flashkey.inventory.cardkey;

import java.util.List;

/**
 * What one import did.
 *
 * @param batchId    the recorded import batch
 * @param imported   codes added to the pool
 * @param duplicates codes skipped because the pool (or this upload) already had them
 * @param rejected   lines refused, with their 1-based line numbers
 */
public record ImportReport(long batchId, long imported, long duplicates, List<LineRejection> rejected) {

    public record LineRejection(long line, String reason) {
    }
}
