package io.rewind.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.config.RewindConfig;
import io.rewind.store.segment.SegmentFormat;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SegmentFormatSettingTest {

  @Test
  void columnarByDefaultAndRecordsOnRequest() {
    assertThat(new ArchiverSettings(RewindConfig.of(Map.of())).format())
        .isEqualTo(SegmentFormat.COLUMNAR);
    assertThat(
            new ArchiverSettings(
                    RewindConfig.of(Map.of(ArchiverSettings.SEGMENT_FORMAT, " Records ")))
                .format())
        .isEqualTo(SegmentFormat.RECORDS);
  }

  @Test
  void anUnknownFormatIsRefusedNamingTheAcceptedOnes() {
    assertThatThrownBy(
            () ->
                new ArchiverSettings(
                    RewindConfig.of(Map.of(ArchiverSettings.SEGMENT_FORMAT, "parquet"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Invalid value parquet for configuration segment.format")
        .hasMessageContaining("columnar")
        .hasMessageContaining("records");
  }
}
