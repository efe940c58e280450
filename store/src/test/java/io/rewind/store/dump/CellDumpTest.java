package io.rewind.store.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CellDumpTest {

  @Test
  void aRowStartingWithAHashIsEscapedSoNoCellLineReadsAsTheHeader() {
    assertThat(CellDump.line(cell("#row"))).startsWith("\\x23row\t");
    assertThat(CellDump.line(cell("row#"))).startsWith("row#\t");
    assertThat(CellDump.line(cell("#"))).startsWith("\\x23\t");
    assertThat(CellDump.header("ns:t", "2026-12-06T00:00:00.000Z", 1)).startsWith("#");
  }

  @Test
  void bytesOutsidePrintableAsciiTheBackslashAndAFamilysColonAreEscaped() {
    DumpCell c =
        new DumpCell(
            new byte[] {'r', 0, '\\'},
            "f:g".getBytes(StandardCharsets.UTF_8),
            "q:\t".getBytes(StandardCharsets.UTF_8),
            7,
            new byte[] {'v', '\n'});
    assertThat(CellDump.line(c)).isEqualTo("r\\x00\\x5c\tf\\x3ag:q:\\x09\t7\tv\\x0a");
  }

  private static DumpCell cell(String row) {
    return new DumpCell(
        row.getBytes(StandardCharsets.UTF_8),
        new byte[] {'f'},
        new byte[] {'q'},
        1,
        new byte[] {'v'});
  }
}
