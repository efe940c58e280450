package io.rewind.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.core.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;
import org.junit.jupiter.api.Test;

/** The embedded stack with its store on S3Proxy, reached through S3A like any S3 service. */
class S3ProxyServerTest {

  @Test
  void theStoreIsABucketOfARealS3ApiReachedThroughS3aWithoutRenames() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.builder().editsPartitions(1).withS3(true).start()) {
      S3ProxyServer s3 = stack.s3().orElseThrow();
      assertThat(stack.storeUri()).isEqualTo("s3a://rewind/store");
      assertThat(stack.config().asMap()).containsEntry("fs.s3a.endpoint", s3.endpoint())
          .containsEntry("fs.s3a.path.style.access", "true");

      try (ObjectStore store = ObjectStore.open(stack.config())) {
        store.checkReachable();
        store.write("segments/p=0/a.avro", "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(store.read("segments/p=0/a.avro")).asString(StandardCharsets.UTF_8).isEqualTo("hello");
        assertThat(store.list("segments/p=0")).extracting(s -> s.getPath().getName()).containsExactly("a.avro");

        Map<String, Long> counters = ((IOStatisticsSource) store.fileSystem()).getIOStatistics().counters();
        assertThat(counters.get("object_put_request")).isPositive();
        assertThat(counters.get("op_rename")).isZero();
        assertThat(counters.get("object_copy_requests")).isZero();
      }
      // S3Proxy's filesystem backend keeps one file per key: the stack's storeDir shows it.
      assertThat(Files.readString(stack.storeDir().resolve("segments/p=0/a.avro"))).isEqualTo("hello");
    }
  }
}
