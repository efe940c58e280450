package io.rewind.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.cli.CliRun;
import io.rewind.client.store.ObjectStore;
import io.rewind.store.catalog.ManifestStore;
import io.rewind.store.segment.SegmentReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON contracts of the bench commands, on small runs (the figures themselves are not asserted:
 * never timed tests).
 */
class BenchCommandsTest {

  @Test
  void benchCheckpointPrintsPerSizeFiguresOfRulesAndReference() throws Exception {
    JsonNode report =
        CliRun.json(
            "bench",
            "checkpoint",
            "--json",
            "--sizes",
            "20,200",
            "--events",
            "4000",
            "--reference-events",
            "500");

    assertThat(report.get("all_agree").asBoolean())
        .as("rules and reference agree on every compared event")
        .isTrue();
    List<Integer> sizes = new ArrayList<>();
    for (JsonNode size : report.get("sizes")) {
      sizes.add(size.get("queues").asInt());
      for (String field : List.of("update_us_p50", "update_us_p99", "reference_us_p99")) {
        assertThat(size.get(field).isNumber()).as(field).isTrue();
        assertThat(size.get(field).asDouble()).as(field).isPositive();
      }
      assertThat(size.get("reference_samples").asInt()).isEqualTo(500);
    }
    assertThat(sizes).containsExactly(20, 200);
  }

  @Test
  void benchRpoPrintsEditRateAndRpoPercentiles() throws Exception {
    JsonNode report =
        CliRun.json(
            "bench",
            "rpo",
            "--json",
            "--rate",
            "300",
            "--servers",
            "3",
            "--partitions",
            "2",
            "--warmup",
            "4s",
            "--duration",
            "3s",
            "--sample-interval",
            "200ms");

    assertThat(report.get("edits_per_second").asDouble()).isPositive();
    assertThat(report.get("samples").asInt()).isPositive();
    for (String field : List.of("rpo_ms_p50", "rpo_ms_p99", "rpo_ms_max")) {
      assertThat(report.get(field).asLong()).as(field).isPositive();
    }
    assertThat(report.get("rpo_ms_p50").asLong())
        .isLessThanOrEqualTo(report.get("rpo_ms_p99").asLong());
    assertThat(report.get("rpo_ms_p99").asLong())
        .isLessThanOrEqualTo(report.get("rpo_ms_max").asLong());
    assertThat(report.get("segments_per_partition_per_second").asDouble()).isPositive();
    long rolls = 0;
    for (JsonNode count : report.get("archiver").get("segment_rolls")) {
      rolls += count.asLong();
    }
    assertThat(rolls)
        .as("every committed segment was rolled for a reason")
        .isGreaterThanOrEqualTo(report.get("archiver").get("segments_committed").asLong());
    assertThat(report.get("archiver").get("segment_rolls").get("age").asLong())
        .as("a light load rolls on time")
        .isPositive();
  }

  @Test
  void benchArchivePrintsThroughputRatioStoreBytesAndAThrottledPassWithinItsCap(
      @TempDir Path workDir) throws Exception {
    // A cap far below a small run's unthrottled upload rate, so an unpaced pass cannot pass for a
    // throttled one.
    long cap = 64 * 1024;
    JsonNode report =
        CliRun.json(
            "bench",
            "archive",
            "--json",
            "--edits",
            "3000",
            "--fill-rate",
            "3000",
            "--partitions",
            "2",
            "--throttle",
            String.valueOf(cap),
            "--work-dir",
            workDir.toString());

    for (String field :
        List.of(
            "raw_consumer_records_per_sec",
            "archiver_records_per_sec",
            "ratio",
            "store_bytes_per_kafka_byte")) {
      assertThat(report.get(field).isNumber()).as(field).isTrue();
      assertThat(report.get(field).asDouble()).as(field).isPositive();
    }
    // The first pass's store (kept in the work dir) archived the whole topic: its chains end at the
    // topic's end offsets.
    long records = report.get("records").asLong();
    long archived = 0;
    try (ObjectStore store =
        ObjectStore.open("file://" + workDir.resolve("stack/store").toAbsolutePath(), Map.of())) {
      ManifestStore manifests = new ManifestStore(store);
      for (int p : manifests.partitions()) {
        ManifestStore.Chain chain = ManifestStore.chain(manifests.list(p));
        assertThat(chain.start()).isZero();
        archived += chain.end();
        try (SegmentReader reader = SegmentReader.open(store, manifests.list(p).get(0))) {
          assertThat(reader.format()).as("segments are columnar by default").isEqualTo(2);
        }
      }
    }
    assertThat(records).isPositive().isEqualTo(archived);
    assertThat(report.get("segment_format").asText()).isEqualTo("columnar");
    // Each segment and its manifest are written, and the manifest is looked for twice before: on a
    // file:// store
    // the reads fail (absent), each one a get all the same.
    JsonNode requests = report.get("storeRequests");
    long segments = report.get("segments").asLong();
    assertThat(requests.get("put").asLong()).isGreaterThanOrEqualTo(2 * segments);
    assertThat(requests.get("get").asLong()).isGreaterThanOrEqualTo(2 * segments);
    assertThat(requests.get("delete").asLong()).isZero();

    assertThat(report.get("throttle_cap_bytes_per_sec").asLong()).isEqualTo(cap);
    assertThat(report.get("unthrottled_upload_bytes_per_sec").asDouble()).isPositive();
    // UploadThrottle's bucket starts full (burst: a quarter second of the cap, at least 64 KiB), so
    // in T seconds
    // at most cap * T + burst bytes pass: rate <= cap + burst / T. Rates are rounded to whole
    // numbers (±0.5);
    // T is records / throttled records per second.
    long burst = Math.max(64 * 1024, cap / 4);
    double throttledRecordsPerSec = report.get("throttled_archiver_records_per_sec").asDouble();
    double shortestSeconds = records / (throttledRecordsPerSec + 0.5);
    assertThat(report.get("throttled_upload_bytes_per_sec").asDouble())
        .isPositive()
        .isLessThanOrEqualTo(cap + burst / shortestSeconds + 0.5);
  }
}
