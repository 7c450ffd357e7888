package com.flashkey.inventory.cardkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class CodeLineParserTests {

    private static List<CodeLineParser.Parsed> parse(boolean csv, String... lines) {
        CodeLineParser parser = new CodeLineParser(10, csv);
        List<CodeLineParser.Parsed> out = new ArrayList<>();
        for (String line : lines) {
            out.addAll(parser.accept(line));
        }
        return out;
    }

    @Test
    void whenPlainLinesThenCodesAreTrimmedAndNumbered() {
        assertThat(parse(false, "  AAA-1 ", "BBB-2\t")).containsExactly(new CodeLineParser.Accepted(1, "AAA-1"),
                new CodeLineParser.Accepted(2, "BBB-2"));
    }

    @Test
    void whenLinesAreEmptyOverlongOrCarryControlCharactersThenTheyAreRejectedWithTheirNumbers() {
        assertThat(parse(false, "OK-1", "", "   ", "X".repeat(11), "BAD\u0007", "ZERO\u200BWIDTH", "OK-2"))
                .containsExactly(new CodeLineParser.Accepted(1, "OK-1"), new CodeLineParser.Rejected(2, "empty"),
                        new CodeLineParser.Rejected(3, "empty"), new CodeLineParser.Rejected(4, "too-long"),
                        new CodeLineParser.Rejected(5, "control-character"),
                        new CodeLineParser.Rejected(6, "control-character"), new CodeLineParser.Accepted(7, "OK-2"));
    }

    @Test
    void whenBlankLinesEndTheUploadThenTheyAreIgnored() {
        assertThat(parse(false, "A-1", "", "")).containsExactly(new CodeLineParser.Accepted(1, "A-1"));
    }

    @Test
    void whenFirstLineIsACodeHeaderThenTheCodeColumnIsRead() {
        assertThat(parse(false, "serial,Code,note", "1,\"AB,C\",x", "2,DEF,y", "3"))
                .containsExactly(new CodeLineParser.Accepted(2, "AB,C"), new CodeLineParser.Accepted(3, "DEF"));
    }

    @Test
    void whenCsvIsDeclaredWithoutACodeHeaderThenTheUploadIsRefused() {
        assertThatThrownBy(() -> parse(true, "serial,value", "1,ABC")).isInstanceOf(ImportFormatException.class);
    }

    @Test
    void whenARejectedLineIsReportedThenItsTextIsNotPartOfTheResult() {
        assertThat(parse(false, "SECRET\u0001CODE").get(0).toString()).doesNotContain("SECRET");
        assertThat(new CodeLineParser.Accepted(1, "SECRET-CODE").toString()).doesNotContain("SECRET");
    }
}
