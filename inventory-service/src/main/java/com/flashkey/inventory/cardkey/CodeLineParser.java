package com.flashkey.inventory.cardkey;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the lines of one import, in order, into accepted codes and rejected lines. Plain text has one code a line;
 * a first line naming a {@code code} column (or a CSV upload) makes it CSV. Blank lines at the very end are
 * ignored; blank lines elsewhere are rejected. Not thread-safe: one parser per import, fed sequentially.
 */
public final class CodeLineParser {

    /** One parsed line. */
    public sealed interface Parsed permits Accepted, Rejected {
        long line();
    }

    public record Accepted(long line, String code) implements Parsed {

        @Override
        public String toString() {
            return "Accepted[line=" + line + "]";
        }
    }

    public record Rejected(long line, String reason) implements Parsed {
    }

    private final int maxLength;
    private final boolean csvDeclared;
    private long lineNo;
    private int codeColumn = -1;
    private final List<Long> pendingBlank = new ArrayList<>();

    /**
     * @param maxLength   longest accepted code
     * @param csvDeclared the upload said it is CSV: its first line must be a header with a {@code code} column
     */
    public CodeLineParser(int maxLength, boolean csvDeclared) {
        this.maxLength = maxLength;
        this.csvDeclared = csvDeclared;
    }

    /** The next physical line (without its line break). */
    public List<Parsed> accept(String raw) {
        lineNo++;
        if (lineNo == 1) {
            String first = stripBom(raw);
            int column = headerColumn(first);
            if (column >= 0) {
                codeColumn = column;
                return List.of();
            }
            if (csvDeclared) {
                throw new ImportFormatException("a CSV import needs a header line with a 'code' column");
            }
            raw = first;
        }
        String value = codeColumn >= 0 ? column(raw, codeColumn) : raw;
        String code = value == null ? "" : value.strip();
        if (code.isEmpty()) {
            pendingBlank.add(lineNo);
            return List.of();
        }
        List<Parsed> out = new ArrayList<>(pendingBlank.size() + 1);
        for (Long blank : pendingBlank) {
            out.add(new Rejected(blank, "empty"));
        }
        pendingBlank.clear();
        out.add(check(code));
        return out;
    }

    /** Lines read so far. */
    public long lines() {
        return lineNo;
    }

    private Parsed check(String code) {
        if (value(code) > maxLength) {
            return new Rejected(lineNo, "too-long");
        }
        for (int i = 0; i < code.length(); i++) {
            int type = Character.getType(code.charAt(i));
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR) {
                return new Rejected(lineNo, "control-character");
            }
        }
        return new Accepted(lineNo, code);
    }

    private static int value(String code) {
        return code.codePointCount(0, code.length());
    }

    private static int headerColumn(String line) {
        List<String> columns = split(line);
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).strip().toLowerCase(Locale.ROOT).equals("code")) {
                return i;
            }
        }
        return -1;
    }

    private static String column(String line, int index) {
        List<String> columns = split(line);
        return index < columns.size() ? columns.get(index) : null;
    }

    /** Splits one CSV record (RFC 4180 quoting within a line: "a,b" and "" for a quote). */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                }
                else if (c == '"') {
                    quoted = false;
                }
                else {
                    field.append(c);
                }
            }
            else if (c == '"' && field.toString().isBlank()) {
                field.setLength(0);
                quoted = true;
            }
            else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
            }
            else {
                field.append(c);
            }
        }
        out.add(field.toString());
        return out;
    }

    private static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }
}
