package io.rewind.cli;

import static io.rewind.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.cli.CliRun.Result;
import io.rewind.client.store.Json;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.store.catalog.CheckpointFile;
import io.rewind.store.catalog.ManifestStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestoreCommandTest {

  @TempDir Path dir;

  @Test
  void aTimePastTheCheckpointExitsNonZeroNamingTheCheckpoint() throws Exception {
    String store = storeWithCheckpoint(1_795_000_000_000L, 1_795_000_010_000L);

    Result r =
        run(
            "restore",
            "--store",
            store,
            "--to",
            "2026-11-19T07:07:00Z",
            "--out",
            dir.resolve("out").toString());

    assertThat(r.exit).isEqualTo(Errors.REFUSED);
    assertThat(r.err)
        .contains("outside the restorable range 2026-11-18T11:06:40Z … 2026-11-18T11:06:50Z")
        .contains("after the checkpoint 2026-11-18T11:06:50Z");
  }

  @Test
  void aTimeBeforeTheFirstArchivedEditIsRefusedWithBothBounds() throws Exception {
    String store = storeWithCheckpoint(1_795_000_000_000L, 1_795_000_010_000L);

    Result r = run("restore", "--store", store, "--to", "1794999999999", "--dry-run");

    assertThat(r.exit).isEqualTo(Errors.REFUSED);
    assertThat(r.err)
        .contains(
            "2026-11-18T11:06:39.999Z is outside the restorable range 2026-11-18T11:06:40Z … 2026-11-18T11:06:50Z");
  }

  @Test
  void anEmptyStoreUriIsRefusedWithTheFix() {
    Result r = run("restore", "--store", "", "--latest", "--dry-run");

    assertThat(r.exit).isEqualTo(Errors.REFUSED);
    assertThat(r.err).contains("no object store configured: pass --store <uri>");
  }

  @Test
  void aParallelismBelowOneIsRefused() throws Exception {
    String store = storeWithCheckpoint(1_795_000_000_000L, 1_795_000_010_000L);

    Result r = run("restore", "--store", store, "--latest", "--dry-run", "--parallelism", "0");

    assertThat(r.exit).isEqualTo(Errors.REFUSED);
    assertThat(r.err).contains("--parallelism 0 replays nothing: give at least 1");
  }

  @Test
  void theJsonReportSaysHowTheTimeWasRead() throws Exception {
    String store = storeWithCheckpoint(1_795_000_000_000L, 1_795_000_010_000L);

    Result noZone =
        run("restore", "--store", store, "--to", "2026-11-18T11:06:45", "--dry-run", "--json");
    Result latest = run("restore", "--store", store, "--latest", "--dry-run", "--json");

    assertThat(noZone.exit).as(noZone.err).isZero();
    JsonNode report = Json.MAPPER.readTree(noZone.out);
    assertThat(report.get("timeIso").asText()).isEqualTo("2026-11-18T11:06:45Z");
    assertThat(report.get("timeInterpretation").asText())
        .isEqualTo("ISO-8601 without a zone, read as UTC");
    assertThat(latest.exit).as(latest.err).isZero();
    JsonNode toCheckpoint = Json.MAPPER.readTree(latest.out);
    assertThat(toCheckpoint.get("time").asLong())
        .isEqualTo(1_795_000_010_000L)
        .isEqualTo(toCheckpoint.get("checkpoint").asLong());
    assertThat(toCheckpoint.get("timeInterpretation").asText())
        .isEqualTo("--latest: the checkpoint");
  }

  @Test
  void aRelativeTimeCountsBackFromNow() throws Exception {
    long now = System.currentTimeMillis();
    String store = storeWithCheckpoint(now - 3 * 3_600_000L, now);

    Result r = run("restore", "--store", store, "--to", "-2h", "--dry-run", "--json");

    assertThat(r.exit).as(r.err).isZero();
    JsonNode report = Json.MAPPER.readTree(r.out);
    assertThat(report.get("time").asLong())
        .isBetween(now - 2 * 3_600_000L, System.currentTimeMillis() - 2 * 3_600_000L);
    assertThat(report.get("timeInterpretation").asText()).startsWith("relative: -2h before ");
  }

  @Test
  void aStoreWithoutCheckpointSaysSo() {
    Result r = run("restore", "--store", dir.toUri().toString(), "--to", "-1m", "--dry-run");

    assertThat(r.exit).isEqualTo(Errors.REFUSED);
    assertThat(r.err).contains("has no checkpoint");
  }

  @Test
  void dryRunInsideTheRangePrintsThePlan() throws Exception {
    String store = storeWithCheckpoint(1_795_000_000_000L, 1_795_000_010_000L);

    Result r = run("restore", "--store", store, "--to", "2026-11-18T11:06:45", "--dry-run");

    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out)
        .contains("restore to 2026-11-18T11:06:45Z (ISO-8601 without a zone, read as UTC)")
        .contains("1 segments");
  }

  private String storeWithCheckpoint(long firstEdit, long checkpoint) throws Exception {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      Manifest m = new Manifest();
      m.partition = 0;
      m.startOffset = 0;
      m.endOffset = 10;
      m.minWriteTime = firstEdit;
      m.maxWriteTime = checkpoint;
      m.segmentPath = "segments/p=0/00000000000000000000-00000000000000000010.avro";
      m.sha256 = "00";
      new ManifestStore(store).write(m);
      CheckpointFile.write(
          store, CheckpointFile.Stored.of(checkpoint, checkpoint, null, "test", 1));
    }
    return dir.toUri().toString();
  }
}
