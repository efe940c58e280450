package io.rewind.testkit.sim;

import io.rewind.store.dump.CellDump;
import io.rewind.store.dump.DumpCell;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Restored cell dumps against an {@link ExpectedState}'s cells, as the demo and the tests compare
 * them.
 */
public final class ExpectedDumps {

  private ExpectedDumps() {}

  /** Null when the dump file equals the expected cells line for line; else the first difference. */
  public static String compare(Path dump, String table, List<DumpCell> want) throws IOException {
    if (!Files.exists(dump)) {
      return table + ": no dump file " + dump.getFileName();
    }
    List<String> got = Files.readAllLines(dump, StandardCharsets.UTF_8);
    List<String> lines = got.isEmpty() ? got : got.subList(1, got.size());
    List<String> expectedLines = new ArrayList<>(want.size());
    want.forEach(c -> expectedLines.add(CellDump.line(c)));
    for (int i = 0; i < Math.max(lines.size(), expectedLines.size()); i++) {
      String g = i < lines.size() ? lines.get(i) : "<end of dump>";
      String w = i < expectedLines.size() ? expectedLines.get(i) : "<end of expected state>";
      if (!g.equals(w)) {
        return table + " line " + (i + 2) + ": restored '" + g + "', expected '" + w + "'";
      }
    }
    return null;
  }
}
