package com.flashkey.loadtests;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What each virtual shopper got, as CSV lines {@code kind,epochMillis,status,problemType,orderNo,email,quantity}
 * ({@code buy} lines for every order attempt, {@code paid} lines when the webhook was acknowledged). Gatling's own
 * report has latencies but not the business outcome of a 409 or the time each order was paid; {@code bin/flashkey
 * sale} reads this file for its summary. A no-op when no path is given.
 */
final class OutcomeLog {

    private final PrintWriter out;

    private OutcomeLog(PrintWriter out) {
        this.out = out;
    }

    static OutcomeLog open(String path) {
        if (path == null || path.isBlank()) {
            return new OutcomeLog(null);
        }
        try {
            Path file = Path.of(path);
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            PrintWriter writer = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
            writer.println("kind,epochMillis,status,problemType,orderNo,email,quantity");
            return new OutcomeLog(writer);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    void buy(int status, String problemType, String orderNo, String email, int quantity) {
        line("buy", status, problemType, orderNo, email, quantity);
    }

    void paid(String orderNo, String email) {
        line("paid", 200, null, orderNo, email, 0);
    }

    private void line(String kind, int status, String problemType, String orderNo, String email, int quantity) {
        if (out == null) {
            return;
        }
        String type = problemType == null ? "" : problemType.substring(problemType.lastIndexOf('/') + 1);
        synchronized (out) {
            out.printf("%s,%d,%d,%s,%s,%s,%d%n", kind, System.currentTimeMillis(), status, type,
                    orderNo == null ? "" : orderNo, email == null ? "" : email, quantity);
        }
    }

    void close() {
        if (out != null) {
            synchronized (out) {
                out.close();
            }
        }
    }
}
