package io.rewind.client.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelfChecksummedJsonTest {

  private static Manifest manifest() {
    Manifest m = new Manifest();
    m.partition = 3;
    m.startOffset = 100;
    m.endOffset = 200;
    m.segmentPath = StoreLayout.segment(3, 100, 200);
    m.sha256 = "ab12";
    return m;
  }

  @Test
  void aManifestRoundTrips() {
    Manifest m = manifest();
    m.invalidRecords = 1;
    m.invalid = List.of(new Manifest.InvalidRecord(150, "missing header rewind.table"));

    Manifest read = ManifestCodec.decode(ManifestCodec.encode(m)).orElseThrow();

    assertThat(read.endOffset).isEqualTo(200);
    assertThat(read.invalid).singleElement().satisfies(i -> assertThat(i.offset).isEqualTo(150));
  }

  @Test
  void aManifestFromANewerVersionWithFieldsThisOneDoesNotKnowStillVerifies() throws Exception {
    ObjectNode newer = Json.MAPPER.valueToTree(manifest());
    newer.put("aFieldOfTheFuture", 42);
    newer.put(SelfChecksummedJson.CHECKSUM, SelfChecksummedJson.checksum(newer));

    assertThat(ManifestCodec.decode(Json.MAPPER.writeValueAsBytes(newer)))
        .get()
        .satisfies(m -> assertThat(m.endOffset).isEqualTo(200));
  }

  @Test
  void aChangedFieldOrAnAddedOneAfterTheChecksumReadsAsTorn() throws Exception {
    byte[] bytes = ManifestCodec.encode(manifest());

    ObjectNode changed = (ObjectNode) Json.MAPPER.readTree(bytes);
    changed.put("endOffset", 201);
    assertThat(ManifestCodec.decode(Json.MAPPER.writeValueAsBytes(changed))).isEmpty();
    ObjectNode added = (ObjectNode) Json.MAPPER.readTree(bytes);
    added.put("aFieldOfTheFuture", 42);
    assertThat(ManifestCodec.decode(Json.MAPPER.writeValueAsBytes(added))).isEmpty();
    assertThat(ManifestCodec.decode(Arrays.copyOf(bytes, bytes.length / 2))).isEmpty();
  }
}
