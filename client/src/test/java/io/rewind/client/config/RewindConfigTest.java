package io.rewind.client.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.segment.KeyRing;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RewindConfigTest {

  @Test
  void defaultsAreThoseOfTheDefinitions() {
    assertThat(RewindConfig.defaults())
        .containsEntry(RewindConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9092")
        .containsEntry(RewindConfig.EDITS_RETENTION_MS, "604800000")
        .containsEntry(RewindConfig.SEGMENT_MAX_BYTES, "67108864")
        .containsEntry(RewindConfig.SEGMENT_MAX_AGE_MS, "500")
        .containsEntry(RewindConfig.STORE_URI, "")
        .containsEntry(RewindConfig.CHECKPOINT_HTTP_PORT, "0")
        .containsEntry(RewindConfig.RESTORE_SORT_MEMORY_BYTES, "67108864")
        .containsOnlyKeys(RewindConfig.CONFIG.names());
  }

  @Test
  void aBadValueOfASharedKeyIsRefusedNamingIt() {
    assertThatThrownBy(() -> RewindConfig.of(Map.of(RewindConfig.SEGMENT_MAX_BYTES, "64MB")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value 64MB for configuration segment.max.bytes: Not a number of type LONG");
    assertThatThrownBy(
            () -> RewindConfig.of(Map.of()).with(RewindConfig.CHECKPOINT_HTTP_PORT, "70000"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("checkpoint.http.port");
    assertThatThrownBy(() -> RewindConfig.of(Map.of(RewindConfig.SEGMENT_CODEC, "lz4")))
        .hasMessage(
            "Invalid value lz4 for configuration segment.codec: must be one of zstd, snappy, deflate, none (any case)");
  }

  @Test
  void unknownKeysArePassedOnUnchecked() {
    RewindConfig config =
        RewindConfig.of(
            Map.of("producer.linger.ms", "not checked here", "fs.s3a.endpoint", "http://x"));
    assertThat(config.withPrefix("producer.")).containsEntry("linger.ms", "not checked here");
    assertThat(config.getOrDefault("fs.s3a.endpoint", "")).isEqualTo("http://x");
  }

  @Test
  void valuesAreTrimmedAndTyped() {
    RewindConfig config =
        RewindConfig.of(
            Map.of(
                LeaseSettings.DURATION_MS,
                " 60000 ",
                LeaseSettings.REQUIRE_CONDITIONAL_WRITES,
                "False"));
    LeaseSettings leases = LeaseSettings.from(config);
    assertThat(leases.durationMs()).isEqualTo(60_000);
    assertThat(leases.requireConditionalWrites()).isFalse();
    assertThatThrownBy(() -> LeaseSettings.from(config.with(LeaseSettings.DURATION_MS, "999")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value 999 for configuration lease.duration.ms: Value must be at least 1000");
  }

  @Test
  void mergingRefusesAKeyDefinedTwice() {
    assertThat(RewindConfig.merged(RewindConfig.KAFKA, KeyRing.CONFIG).names())
        .contains(RewindConfig.BOOTSTRAP_SERVERS, KeyRing.KEYRING_FILE);
    assertThatThrownBy(
            () -> RewindConfig.merged(RewindConfig.KAFKA, new ConfigDef(RewindConfig.KAFKA)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(RewindConfig.BOOTSTRAP_SERVERS);
  }

  @Test
  void environmentVariablesNameTheSameKeysInEveryLocale() {
    Locale was = Locale.getDefault();
    // Turkish lower-cases I to a dotless i: REWIND_ARCHIVER_GROUP_ID would miss archiver.group.id.
    Locale.setDefault(Locale.forLanguageTag("tr-TR"));
    try {
      RewindConfig config =
          RewindConfig.load(null, Map.of("REWIND_ARCHIVER_GROUP_ID", "from-env"), Map.of());
      assertThat(config.get(RewindConfig.ARCHIVER_GROUP)).isEqualTo("from-env");
    } finally {
      Locale.setDefault(was);
    }
  }
}
