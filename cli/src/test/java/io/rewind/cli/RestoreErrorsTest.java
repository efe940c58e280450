package io.rewind.cli;

import static io.rewind.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.cli.CliRun.Result;
import io.rewind.client.store.Json;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.stack.LoopbackPorts;
import io.rewind.store.dump.CellDump;
import io.rewind.store.segment.SegmentReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every restore error the operator can meet: a non-zero exit and one line naming the problem and
 * the fix.
 */
class RestoreErrorsTest {

  @TempDir Path dir;

  @Test
  void theCraftedStoreRestoresCleanly() throws Exception {
    CraftedStore store = CraftedStore.write(dir.resolve("store"), 2, 20);

    Result r =
        run(
            "restore",
            "--store",
            store.uri,
            "--latest",
            "--out",
            dir.resolve("out").toString(),
            "--verify");

    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out)
        .contains("ns:orders")
        .contains("40 cells")
        .contains("verify: every table holds the cells the replay wrote");
    assertThat(r.out).containsPattern("ns:orders +expected +40 found +40 ok");
  }

  @Test
  void aStoreOfBothSegmentFormatsRestoresTheSameCellsAsAColumnarOne() throws Exception {
    // An upgrade: partitions archived in format 1 by an older archiver next to format 2 ones.
    CraftedStore mixed =
        CraftedStore.write(dir.resolve("mixed"), 3, 20, -1, p -> p == 1 ? "columnar" : "records");
    CraftedStore columnar = CraftedStore.write(dir.resolve("columnar"), 3, 20, -1, p -> "columnar");
    try (ObjectStore store = ObjectStore.open(mixed.uri, Map.of());
        SegmentReader first = SegmentReader.open(store, mixed.manifests.get(0));
        SegmentReader second = SegmentReader.open(store, mixed.manifests.get(1))) {
      assertThat(first.format()).isEqualTo(1);
      assertThat(second.format()).isEqualTo(2);
    }

    Result fromMixed =
        run(
            "restore",
            "--store",
            mixed.uri,
            "--latest",
            "--out",
            dir.resolve("out-mixed").toString(),
            "--verify");
    Result fromColumnar =
        run(
            "restore",
            "--store",
            columnar.uri,
            "--latest",
            "--out",
            dir.resolve("out-columnar").toString());

    assertThat(fromMixed.exit).as(fromMixed.err).isZero();
    assertThat(fromColumnar.exit).as(fromColumnar.err).isZero();
    assertThat(fromMixed.out).containsPattern("ns:orders +expected +60 found +60 ok");
    String dump = CellDump.fileName(CraftedStore.TABLE);
    assertThat(Files.readAllBytes(dir.resolve("out-mixed").resolve(dump)))
        .isEqualTo(Files.readAllBytes(dir.resolve("out-columnar").resolve(dump)));
  }

  @Test
  void verifyReportsPerTableCountsAsJson() throws Exception {
    CraftedStore store = CraftedStore.write(dir.resolve("store"), 2, 5);

    Result r =
        run(
            "restore",
            "--store",
            store.uri,
            "--latest",
            "--out",
            dir.resolve("out").toString(),
            "--verify",
            "--json");

    assertThat(r.exit).as(r.err).isZero();
    JsonNode v = Json.MAPPER.readTree(r.out).get("verification");
    assertThat(v.get("ok").asBoolean()).isTrue();
    assertThat(v.get("tables").get("ns:orders").get("found").asLong()).isEqualTo(10);
  }

  @Test
  void recordsArchivedAsInvalidAreNamedBySegmentOffsetAndReasonAndStillRestored() throws Exception {
    CraftedStore store = CraftedStore.write(dir.resolve("store"), 2, 5, 2);
    String segment = store.manifests.get(0).segmentPath;

    Result human =
        run("restore", "--store", store.uri, "--latest", "--out", dir.resolve("out").toString());
    Result json =
        run(
            "restore",
            "--store",
            store.uri,
            "--latest",
            "--out",
            dir.resolve("out-json").toString(),
            "--json");

    assertThat(human.exit).as(human.err).isZero();
    assertThat(human.out)
        .contains("1 records of these segments failed validation when archived")
        .contains(segment + " offset 2: missing header rewind.schema");
    assertThat(json.exit).as(json.err).isZero();
    JsonNode report = Json.MAPPER.readTree(json.out);
    assertThat(report.get("invalidRecordsArchived").asLong()).isEqualTo(1);
    JsonNode named = report.get("invalidRecordsNamed");
    assertThat(named).hasSize(1);
    assertThat(named.get(0).get("segment").asText()).isEqualTo(segment);
    assertThat(named.get(0).get("offset").asLong()).isEqualTo(2);
    assertThat(named.get(0).get("reason").asText()).startsWith("missing header rewind.schema");
    assertThat(report.get("editsApplied").asLong())
        .as("its edit decodes: restored, not dropped")
        .isEqualTo(10);
  }

  @Test
  void anUnknownTableIsRefusedNamingTheTablesBackedUp() throws Exception {
    CraftedStore store = CraftedStore.write(dir.resolve("store"), 1, 5);

    Result r = run("restore", "--store", store.uri, "--latest", "--tables", "ns:nope", "--dry-run");

    assertThat(r.exit).as(r.err).isEqualTo(Errors.REFUSED);
    assertThat(r.err).contains("unknown table ns:nope").contains("Tables backed up: ns:orders");
  }

  @Test
  void anUnknownTableIsRefusedBeforeAnyHBaseTargetIsTouched() throws Exception {
    CraftedStore store = CraftedStore.write(dir.resolve("store"), 1, 5);

    Result r =
        run(
            "restore",
            "--store",
            store.uri,
            "--latest",
            "--tables",
            "ns:nope",
            "--hbase-zk",
            "127.0.0.1:" + LoopbackPorts.free());

    assertThat(r.exit).as(r.err).isEqualTo(Errors.REFUSED);
    assertThat(r.err).contains("unknown table ns:nope");
  }

  @Test
  void aStoreUriWithAnUnknownSchemeIsRefused() {
    Result r = run("restore", "--store", "bogus://x", "--latest", "--dry-run");

    assertThat(r.exit).as(r.err).isEqualTo(Errors.REFUSED);
    assertThat(r.err).contains("bogus://x").contains("--store");
  }

  @Test
  void aLocalStoreThatDoesNotExistIsRefused() {
    String missing = dir.resolve("no-such-store").toUri().toString();

    Result r = run("restore", "--store", missing, "--latest", "--dry-run");

    assertThat(r.exit).as(r.err).isEqualTo(Errors.REFUSED);
    assertThat(r.err).contains("does not exist").contains("--store");
    assertThat(dir.resolve("no-such-store")).as("a restore creates no store").doesNotExist();
  }

  @Test
  void aMissingSegmentFailsNamingTheSegmentAndItsManifest() throws Exception {
    CraftedStore store = CraftedStore.write(dir.resolve("store"), 2, 5);
    Manifest m = store.manifests.get(1);
    Files.delete(local(store, m.segmentPath));

    Result r =
        run("restore", "--store", store.uri, "--latest", "--out", dir.resolve("out").toString());

    assertThat(r.exit).as(r.err).isEqualTo(Errors.FAILED);
    assertThat(r.err)
        .contains("segment " + m.segmentPath + " is missing")
        .contains("manifests/p=1/");
  }

  @Test
  void aSegmentWithOneFlippedByteFailsNamingTheSegment() throws Exception {
    CraftedStore store = CraftedStore.write(dir.resolve("store"), 2, 5);
    Manifest m = store.manifests.get(0);
    Path segment = local(store, m.segmentPath);
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(segment, bytes);

    Path spill = Files.createDirectories(dir.resolve("spill"));

    Result r =
        run(
            "restore",
            "--store",
            store.uri,
            "--latest",
            "--out",
            dir.resolve("out").toString(),
            "--spill-dir",
            spill.toString());

    assertThat(r.exit).as(r.err).isEqualTo(Errors.FAILED);
    assertThat(r.err).contains("segment " + m.segmentPath + " is corrupt").contains("SHA-256");
    try (Stream<Path> left = Files.list(spill)) {
      assertThat(left).as("the restore's scratch directory is removed").isEmpty();
    }
  }

  @Test
  void anUnwritableSpillDirectoryIsRefusedNamingTheSettingBeforeAnythingIsWritten()
      throws Exception {
    CraftedStore store = CraftedStore.write(dir.resolve("store"), 1, 5);
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");

    Result r =
        run(
            "restore",
            "--store",
            store.uri,
            "--latest",
            "--out",
            dir.resolve("out").toString(),
            "--spill-dir",
            file.resolve("spill").toString());

    assertThat(r.exit).as(r.err).isEqualTo(Errors.REFUSED);
    assertThat(r.err)
        .contains(file.toString())
        .contains("restore.spill.dir")
        .contains("--spill-dir");
    assertThat(dir.resolve("out")).as("no dump directory created").doesNotExist();
  }

  @Test
  void anUnreachableHBaseFailsFastNamingTheQuorum() throws Exception {
    CraftedStore store = CraftedStore.write(dir.resolve("store"), 1, 5);
    String quorum = "127.0.0.1:" + LoopbackPorts.free();

    long started = System.nanoTime();
    Result r = run("restore", "--store", store.uri, "--latest", "--hbase-zk", quorum);
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;

    assertThat(r.exit).as(r.err).isEqualTo(Errors.FAILED);
    assertThat(r.err).contains("cannot reach HBase").contains(quorum).contains("--hbase-zk");
    assertThat(seconds).as("fails within the bounded retry").isLessThan(60);
  }

  private static Path local(CraftedStore store, String relative) {
    return Paths.get(URI.create(store.uri)).resolve(relative);
  }
}
