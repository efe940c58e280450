package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.client.base.BaseImageFile;
import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.base.BaseImageStore;
import io.rewind.client.base.BulkLoadManifest;
import io.rewind.client.base.BulkLoadStore;
import io.rewind.client.base.FileCopier;
import io.rewind.client.base.StoredFiles;
import io.rewind.client.io.UploadThrottle;
import io.rewind.client.store.Json;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ManifestCodec;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.time.TimeParser;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rewind verify} on a store written by the archiver's own writer and a base stored the way
 * {@code rewind base} stores its HFiles, and a captured bulk load: clean, it verifies; with one
 * segment corrupted, one base file deleted, one bulk-loaded file damaged and one manifest removed
 * from a chain, it names all four and exits 1.
 */
class VerifyCommandTest {

  @TempDir Path dir;

  @Test
  void aCleanStoreVerifiesAndACorruptSegmentADeletedBaseFileAndAHoleInAChainAreEachNamed()
      throws Exception {
    Path storeDir = dir.resolve("store");
    CraftedStore crafted = CraftedStore.chains(storeDir, 2, 4, 50, s -> null);
    BaseImageManifest base = craftedBase(crafted.uri);
    BulkLoadManifest load = craftedBulkLoad(crafted.uri);

    JsonNode clean = CliRun.json("verify", "--store", crafted.uri, "--json");
    assertThat(clean.get("ok").asBoolean()).as(clean.toString()).isTrue();
    assertThat(clean.get("problems")).isEmpty();
    assertThat(clean.get("partitions").asInt()).isEqualTo(2);
    assertThat(clean.get("segmentsChecked").asLong()).isEqualTo(8);
    assertThat(clean.get("baseFilesChecked").asLong()).isEqualTo(2);
    assertThat(clean.get("bulkLoads").asInt()).isEqualTo(1);
    assertThat(clean.get("bulkLoadFilesChecked").asLong()).isEqualTo(1);
    assertThat(clean.get("checkpoint").asLong()).isEqualTo(crafted.checkpoint);
    assertThat(clean.get("storeRequests").get("get").asLong()).isPositive();
    assertThat(clean.get("storeRequests").get("put").asLong())
        .as("only the audit trail's start and end records")
        .isEqualTo(2);

    Manifest corrupted = manifest(crafted, 0, 1);
    Path segment = storeDir.resolve(corrupted.segmentPath);
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(segment, bytes);
    BaseImageFile deleted = base.files.get(1);
    Files.delete(storeDir.resolve(deleted.key));
    Manifest removed = manifest(crafted, 1, 2);
    Files.delete(storeDir.resolve(removed.key()));
    BaseImageFile loaded = load.files.get(0);
    byte[] stored = Files.readAllBytes(storeDir.resolve(loaded.key));
    stored[stored.length - 1] ^= 0x01;
    Files.write(storeDir.resolve(loaded.key), stored);

    CliRun.Result damaged = CliRun.run("verify", "--store", crafted.uri, "--json");
    assertThat(damaged.exit).as(damaged.err).isEqualTo(1);
    JsonNode report = Json.MAPPER.readTree(damaged.out);
    assertThat(report.get("ok").asBoolean()).isFalse();
    List<String> named = new ArrayList<>();
    report
        .get("problems")
        .forEach(p -> named.add(p.get("kind").asText() + " " + p.get("object").asText()));
    assertThat(named)
        .containsExactlyInAnyOrder(
            "segment-corrupt " + corrupted.segmentPath,
            "base-file-missing " + deleted.key,
            "bulk-load-file-corrupt " + loaded.key,
            "chain-gap manifests/p=1");
    JsonNode gap = find(report, "chain-gap");
    assertThat(gap.get("partition").asInt()).isEqualTo(1);
    assertThat(gap.get("fromOffset").asLong()).isEqualTo(removed.startOffset);
    assertThat(gap.get("toOffset").asLong()).isEqualTo(removed.endOffset);
    assertThat(gap.get("fromIso").asText())
        .isEqualTo(TimeParser.format(manifest(crafted, 1, 1).maxWriteTime));
    assertThat(gap.get("toIso").asText())
        .isEqualTo(TimeParser.format(manifest(crafted, 1, 3).minWriteTime));
    assertThat(find(report, "segment-corrupt").get("message").asText()).contains("SHA-256");
    report.get("problems").forEach(p -> assertThat(p.get("fix").asText()).isNotBlank());

    CliRun.Result human = CliRun.run("verify", "--store", crafted.uri);
    assertThat(human.exit).isEqualTo(1);
    assertThat(human.out)
        .contains(
            corrupted.segmentPath,
            deleted.key,
            "p=1: offsets " + removed.startOffset + " to " + (removed.endOffset - 1),
            "what to do:");
    assertThat(human.err).contains("4 problem(s)");
  }

  @Test
  void sinceReadsOnlyRecentDataAndAMissingStoreIsRefused() throws Exception {
    CraftedStore crafted = CraftedStore.chains(dir.resolve("store"), 2, 4, 50, s -> null);
    long cut = manifest(crafted, 0, 2).minWriteTime;
    JsonNode recent =
        CliRun.json("verify", "--store", crafted.uri, "--since", String.valueOf(cut), "--json");
    assertThat(recent.get("ok").asBoolean()).isTrue();
    assertThat(recent.get("segmentsChecked").asLong()).isBetween(3L, 5L);

    CliRun.Result missing =
        CliRun.run("verify", "--store", dir.resolve("nothing").toUri().toString());
    assertThat(missing.exit).isEqualTo(2);
    assertThat(missing.err).contains("does not exist");
  }

  private static JsonNode find(JsonNode report, String kind) {
    for (JsonNode p : report.get("problems")) {
      if (p.get("kind").asText().equals(kind)) {
        return p;
      }
    }
    throw new AssertionError("no " + kind + " in " + report);
  }

  /**
   * The i-th segment of a partition (CraftedStore.chains commits segment by segment, partitions in
   * turn).
   */
  static Manifest manifest(CraftedStore crafted, int partition, int index) {
    return crafted.manifests.stream()
        .filter(m -> m.partition == partition)
        .skip(index)
        .findFirst()
        .orElseThrow();
  }

  /**
   * A committed bulk load of the crafted table with one file, stored as the endpoint's capture
   * stores it.
   */
  static BulkLoadManifest craftedBulkLoad(String uri) throws Exception {
    try (ObjectStore store = ObjectStore.open(uri, Map.of())) {
      byte[] hfile = new byte[50_000];
      new Random(5).nextBytes(hfile);
      BaseImageFile f =
          new FileCopier(store, new UploadThrottle(0), "zstd", null)
              .copy(
                  new ByteArrayInputStream(hfile),
                  "loaded",
                  BaseImageStore.fileKey(CraftedStore.TABLE, "f", "loaded"));
      f.region = "r1";
      f.family = "f";
      BulkLoadManifest load = new BulkLoadManifest();
      load.table = CraftedStore.TABLE;
      load.region = "r1";
      load.sequenceId = 7;
      load.writeTime = CraftedStore.FIRST_WRITE + 200;
      load.queueServer = "rs1";
      load.queueWalGroup = "g";
      load.editsPartitions = 2;
      load.files.add(f);
      load.committedAt = load.writeTime + 10;
      new BulkLoadStore(store).commit(load);
      return load;
    }
  }

  /** A committed base of the crafted table with two files stored as rewind base stores HFiles. */
  static BaseImageManifest craftedBase(String uri) throws Exception {
    try (ObjectStore store = ObjectStore.open(uri, Map.of())) {
      BaseImageManifest base = new BaseImageManifest();
      base.table = CraftedStore.TABLE;
      base.id = BaseImageStore.baseId(CraftedStore.FIRST_WRITE);
      base.startedAt = CraftedStore.FIRST_WRITE;
      base.replayAfter = CraftedStore.FIRST_WRITE - 500;
      base.completedAt = CraftedStore.FIRST_WRITE + 100;
      Random random = new Random(3);
      for (int i = 0; i < 2; i++) {
        byte[] hfile = new byte[100_000];
        random.nextBytes(hfile);
        BaseImageFile f = new BaseImageFile();
        f.region = "r1";
        f.family = "f";
        f.name = "hfile" + i;
        f.size = hfile.length;
        f.sha256 = ManifestCodec.Sha256.hex(hfile);
        f.sourceChecksum = "SHA-256:" + f.sha256;
        f.key = BaseImageStore.fileKey(base.table, f.family, f.name, base.id);
        f.codec = "zstd";
        try (OutputStream raw = store.create(f.key)) {
          StoredFiles.Writer w = StoredFiles.writer(raw, f.key, f.codec, null, null);
          w.write(hfile);
          w.close();
          f.storedBytes = w.storedBytes();
          f.storedSha256 = w.storedSha256();
        }
        base.files.add(f);
      }
      base.committedAt = base.completedAt;
      new BaseImageStore(store).commit(base);
      return base;
    }
  }
}
