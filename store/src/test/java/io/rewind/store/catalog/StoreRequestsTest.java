package io.rewind.store.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import io.rewind.client.store.StoreRequests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreRequestsTest {

  @TempDir Path dir;

  @Test
  void aFileStoreCountsEachCallAsTheRequestItStandsFor() throws Exception {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      assertThat(store.requests()).isEqualTo(StoreRequests.NONE);
      store.checkReachable(); // the directory exists: one look, nothing created
      for (int i = 0; i < 3; i++) {
        store.write("segments/p=0/" + i + ".avro", new byte[] {(byte) i});
      }
      StoreRequests written = store.requests();
      assertThat(store.list("segments/p=0")).hasSize(3);
      store.read("segments/p=0/0.avro");
      store.read("segments/p=0/1.avro");
      assertThat(store.exists("segments/p=0/2.avro")).isTrue();
      assertThat(store.size("segments/p=0/2.avro")).isEqualTo(1);
      store.delete("segments/p=0/2.avro");
      assertThat(store.listFiles("segments")).hasSize(2);

      assertThat(written).isEqualTo(new StoreRequests(0, 3, 0, 1, 0, 0));
      assertThat(store.requests().minus(written)).isEqualTo(new StoreRequests(2, 0, 2, 2, 1, 0));
      assertThat(store.requests().total()).isEqualTo(11);
    }
  }

  @Test
  void aReadOfAMissingObjectIsARequestAllTheSame() throws Exception {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      assertThat(new ManifestStore(store).read(StoreLayout.manifest(0, 0))).isEmpty();
      assertThat(store.list("manifests/p=0")).isEmpty();
      store.deleteDirectory("bases/tables/ns/t/1");

      assertThat(store.requests()).isEqualTo(new StoreRequests(1, 0, 1, 0, 1, 0));
    }
  }

  @Test
  void s3aCountersMapToRequestKindsListingPagesAndBulkDeletesIncluded() {
    Map<String, Long> counters =
        Map.of(
            "action_http_get_request", 7L,
            "object_put_request", 3L,
            "object_list_request", 2L,
            "object_continue_list_request", 5L,
            "action_http_head_request", 11L,
            "object_delete_request", 1L,
            "object_bulk_delete_request", 4L,
            "object_copy_requests", 0L,
            "op_open", 99L);

    assertThat(StoreRequests.ofS3aCounters(counters))
        .isEqualTo(new StoreRequests(7, 3, 7, 11, 5, 0));
    assertThat(StoreRequests.ofS3aCounters(Map.of()))
        .as("counters S3A has not created yet count 0")
        .isEqualTo(StoreRequests.NONE);
  }

  @Test
  void serializesAsOneObjectOfCountsInAFixedOrder() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    String json =
        mapper.writeValueAsString(Map.of("storeRequests", new StoreRequests(1, 2, 3, 4, 5, 0)));

    assertThat(json)
        .isEqualTo(
            "{\"storeRequests\":{\"get\":1,\"put\":2,\"list\":3,\"head\":4,\"delete\":5,\"copy\":0}}");
    assertThat(new String(mapper.writeValueAsBytes(StoreRequests.NONE), StandardCharsets.UTF_8))
        .isEqualTo("{\"get\":0,\"put\":0,\"list\":0,\"head\":0,\"delete\":0,\"copy\":0}");
  }

  @Test
  void aDeltaIsTheDifferenceOfEachKind() {
    StoreRequests before = new StoreRequests(1, 1, 1, 1, 1, 0);
    StoreRequests after = new StoreRequests(4, 2, 3, 1, 2, 0);

    assertThat(after.minus(before)).isEqualTo(new StoreRequests(3, 1, 2, 0, 1, 0));
    assertThat(before.plus(after.minus(before))).isEqualTo(after);
  }
}
