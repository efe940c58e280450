package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.rewind.archiver.ArchiverSettings;
import io.rewind.archiver.CompactionSettings;
import io.rewind.base.BaseImageSettings;
import io.rewind.client.base.FileCopier;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.segment.KeyRing;
import io.rewind.monitoring.MonitorSettings;
import io.rewind.producer.hbase.EndpointSettings;
import io.rewind.restore.mapreduce.MapReduceEngine;
import io.rewind.stack.ProjectRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md's settings tables are generated from the ConfigDefs of every stage: this test
 * regenerates the text between the markers and fails, with the lines that differ and the command
 * that rewrites the file, when the document is stale. Run with {@value #UPDATE} it rewrites it.
 */
class SettingsDocTest {

  static final String UPDATE = "-Drewind.docs.update=true";
  static final String BEGIN =
      "<!-- settings:begin: generated from the ConfigDefs by SettingsDocTest, do not edit by hand -->";
  static final String END = "<!-- settings:end -->";
  static final String COMMAND =
      "mvn -pl cli -am -Dtest=SettingsDocTest -Dsurefire.failIfNoSpecifiedTests=false "
          + UPDATE
          + " verify";

  /** A stage's table: its title, where its definition lives, the definition. */
  record Table(String title, String source, ConfigDef definition) {}

  static final List<Table> TABLES =
      List.of(
          new Table("Kafka and topics", "client: RewindConfig.KAFKA", RewindConfig.KAFKA),
          new Table("Store and segments", "client: RewindConfig.ARCHIVE", RewindConfig.ARCHIVE),
          new Table("Archivers", "archivers: ArchiverSettings.CONFIG", ArchiverSettings.CONFIG),
          new Table(
              "Compaction", "archivers: CompactionSettings.CONFIG", CompactionSettings.CONFIG),
          new Table("Encryption", "client: KeyRing.CONFIG", KeyRing.CONFIG),
          new Table("Checkpoint", "client: RewindConfig.CHECKPOINT", RewindConfig.CHECKPOINT),
          new Table(
              "Endpoint (the replication peer's CONFIG)",
              "producers: EndpointSettings.CONFIG",
              EndpointSettings.CONFIG),
          new Table(
              "Stored HFiles (bases and captured bulk loads)",
              "client: FileCopier.CONFIG",
              FileCopier.CONFIG),
          new Table("Bases", "bases: BaseImageSettings.CONFIG", BaseImageSettings.CONFIG),
          new Table("Leases", "client: LeaseSettings.CONFIG", LeaseSettings.CONFIG),
          new Table("Restore", "client: RewindConfig.RESTORE", RewindConfig.RESTORE),
          new Table(
              "Restore with --engine mapreduce",
              "restore-mapreduce: MapReduceEngine.CONFIG",
              MapReduceEngine.CONFIG),
          new Table("Verify", "cli: VerifyCommand.CONFIG", VerifyCommand.CONFIG),
          new Table("Monitoring", "monitoring: MonitorSettings.CONFIG", MonitorSettings.CONFIG));

  @Test
  void everyKeyIsDefinedOnce() {
    Set<String> seen = new HashSet<>();
    for (Table t : TABLES) {
      for (String key : t.definition().names()) {
        assertThat(seen.add(key))
            .as("%s is defined in more than one ConfigDef (again in %s)", key, t.source())
            .isTrue();
      }
    }
    assertThat(RewindConfig.defaults().keySet()).allSatisfy(k -> assertThat(seen).contains(k));
  }

  @Test
  void operationsGuideListsEverySetting() throws Exception {
    Path doc = ProjectRoot.locate().orElseThrow().resolve("docs/operations.md");
    String text = Files.readString(doc);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    assertThat(begin).as("%s has the marker %s", doc, BEGIN).isNotNegative();
    assertThat(end)
        .as("%s has the marker %s after the begin marker", doc, END)
        .isGreaterThan(begin);
    String current = text.substring(begin + BEGIN.length(), end);
    String generated = "\n" + tables();
    if (current.equals(generated)) {
      return;
    }
    if (Boolean.getBoolean("rewind.docs.update")) {
      Files.writeString(
          doc, text.substring(0, begin + BEGIN.length()) + generated + text.substring(end));
      return;
    }
    fail(
        "%s's settings tables differ from the ConfigDefs:%n%s%nRewrite them with: %s",
        doc, diff(current, generated), COMMAND);
  }

  static String tables() {
    StringBuilder out = new StringBuilder();
    for (Table t : TABLES) {
      out.append("### ").append(t.title()).append("\n\n");
      out.append("Defined in ").append(t.source()).append(".\n\n");
      out.append("| key | type | default | valid values | meaning |\n|---|---|---|---|---|\n");
      t.definition()
          .configKeys()
          .values()
          .forEach(
              k ->
                  out.append("| `")
                      .append(k.name)
                      .append("` | ")
                      .append(k.type.name().toLowerCase())
                      .append(" | ")
                      .append(defaultText(k))
                      .append(" | ")
                      .append(k.validator == null ? "" : cell(k.validator.toString()))
                      .append(" | ")
                      .append(cell(k.documentation))
                      .append(" |\n"));
      out.append("\n");
    }
    return out.toString();
  }

  /**
   * The default as an operator reads it: machine-dependent paths by the property they come from,
   * sizes and durations in units too.
   */
  static String defaultText(ConfigDef.ConfigKey key) {
    Object v = key.defaultValue;
    if (v == null || v.toString().isEmpty()) {
      return "(none)";
    }
    String text = v.toString();
    // The temporary directory as RewindConfig read it when its class loaded: a test that ran before
    // this one in the same JVM (HBase's mini cluster, say) may have changed the property since.
    String tmp = (String) RewindConfig.RESTORE.defaultValues().get(RewindConfig.RESTORE_SPILL_DIR);
    if (v instanceof String && text.startsWith(tmp)) {
      return "`${java.io.tmpdir}" + text.substring(tmp.length()) + "`";
    }
    String unit = v instanceof Long n ? unit(key.name, n) : "";
    return "`" + text + "`" + (unit.isEmpty() ? "" : " (" + unit + ")");
  }

  static String unit(String name, long n) {
    if (name.endsWith(".bytes") || name.endsWith(".bytes.per.sec")) {
      long[] sizes = {1L << 30, 1L << 20, 1L << 10};
      String[] names = {"GiB", "MiB", "KiB"};
      for (int i = 0; i < sizes.length; i++) {
        if (n >= sizes[i] && n % sizes[i] == 0) {
          return n / sizes[i] + " " + names[i];
        }
      }
    }
    if (name.endsWith(".ms")) {
      long[] spans = {24L * 3_600_000, 3_600_000, 60_000};
      String[] names = {"d", "h", "min"};
      for (int i = 0; i < spans.length; i++) {
        if (n >= spans[i] && n % spans[i] == 0) {
          return n / spans[i] + " " + names[i];
        }
      }
    }
    return "";
  }

  static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  static String diff(String current, String generated) {
    List<String> was = current.lines().toList();
    List<String> now = generated.lines().toList();
    List<String> lines = new ArrayList<>();
    was.stream().filter(l -> !now.contains(l)).forEach(l -> lines.add("- " + l));
    now.stream().filter(l -> !was.contains(l)).forEach(l -> lines.add("+ " + l));
    return String.join(System.lineSeparator(), lines);
  }
}
