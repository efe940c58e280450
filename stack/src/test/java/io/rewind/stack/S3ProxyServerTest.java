package io.rewind.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreRequests;
import io.rewind.store.catalog.CheckpointFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;
import org.junit.jupiter.api.Test;

/** The embedded stack with its store on S3Proxy, reached through S3A like any S3 service. */
class S3ProxyServerTest {

  @Test
  void theStoreIsABucketOfARealS3ApiReachedThroughS3aWithoutRenames() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.builder().editsPartitions(1).withS3(true).start()) {
      S3ProxyServer s3 = stack.s3().orElseThrow();
      assertThat(stack.storeUri()).isEqualTo("s3a://rewind/store");
      assertThat(stack.config().asMap())
          .containsEntry("fs.s3a.endpoint", s3.endpoint())
          .containsEntry("fs.s3a.path.style.access", "true");

      try (ObjectStore store = ObjectStore.open(stack.config())) {
        store.checkReachable();
        store.write("segments/p=0/a.avro", "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(store.read("segments/p=0/a.avro"))
            .asString(StandardCharsets.UTF_8)
            .isEqualTo("hello");
        assertThat(store.list("segments/p=0"))
            .extracting(s -> s.getPath().getName())
            .containsExactly("a.avro");

        Map<String, Long> counters =
            ((IOStatisticsSource) store.fileSystem()).getIOStatistics().counters();
        assertThat(counters.get("object_put_request")).isPositive();
        assertThat(counters.get("op_rename")).isZero();
        assertThat(counters.get("object_copy_requests")).isZero();
      }
      // S3Proxy's filesystem backend keeps one file per key: the stack's storeDir shows it.
      assertThat(Files.readString(stack.storeDir().resolve("segments/p=0/a.avro")))
          .isEqualTo("hello");
    }
  }

  @Test
  void theStoreReportsTheRequestsS3aMade() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.builder().editsPartitions(1).withS3(true).start();
        ObjectStore store = ObjectStore.open(stack.config())) {
      for (int i = 0; i < 3; i++) {
        store.write(
            "segments/p=0/" + i + ".avro", ("segment " + i).getBytes(StandardCharsets.UTF_8));
      }
      assertThat(store.list("segments/p=0")).hasSize(3);
      StoreRequests listed = store.requests();
      store.read("segments/p=0/0.avro");
      store.read("segments/p=0/1.avro");
      StoreRequests read = store.requests().minus(listed);
      store.delete("segments/p=0/2.avro");
      StoreRequests all = store.requests();

      assertThat(all.put()).isEqualTo(3);
      assertThat(all.list()).isGreaterThanOrEqualTo(1);
      assertThat(all.get()).isEqualTo(2);
      assertThat(all.delete()).isEqualTo(1);
      assertThat(all.copy()).isZero();
      // S3A's own counts, not the store's calls: it looks at each object (HEAD) before reading it.
      assertThat(read).isEqualTo(new StoreRequests(2, 0, 0, 2, 0, 0));
      Map<String, Long> counters =
          ((IOStatisticsSource) store.fileSystem()).getIOStatistics().counters();
      assertThat(all.list())
          .isEqualTo(
              counters.get("object_list_request") + counters.get("object_continue_list_request"));
    }
  }

  @Test
  void manyObjectsAreDeletedInBulkRequestsWithoutALookAtEach() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.builder().editsPartitions(1).withS3(true).start();
        ObjectStore store = ObjectStore.open(stack.config())) {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        keys.add("segments/p=0/" + i + ".avro");
        store.write(keys.get(i), new byte[] {(byte) i});
      }
      keys.add("segments/p=0/never-written.avro");
      StoreRequests before = store.requests();

      store.deleteAll(keys);

      StoreRequests deleting = store.requests().minus(before);
      // Two pages of fs.s3a.bulk.delete.page.size (250) keys, where deleting one by one costs a
      // HEAD, a LIST and a DELETE each.
      assertThat(deleting).isEqualTo(new StoreRequests(0, 0, 0, 0, 2, 0));
      assertThat(store.list("segments/p=0")).isEmpty();
    }
  }

  @Test
  void theCheckpointReadsWholeWhileTheCheckpointAppReplacesIt() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.builder().editsPartitions(1).withS3(true).start();
        ObjectStore writer = ObjectStore.open(stack.config());
        ObjectStore reader = ObjectStore.open(stack.config())) {
      long first = 1_795_000_000_000L;
      CheckpointFile.write(writer, CheckpointFile.Stored.of(first, first, null, "test", 1));
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicLong replaced = new AtomicLong();
      AtomicReference<Throwable> writerFailed = new AtomicReference<>();
      Thread app =
          new Thread(
              () -> {
                try {
                  for (long c = first + 1; writing.get(); c++) {
                    CheckpointFile.write(writer, CheckpointFile.Stored.of(c, c, null, "test", 1));
                    replaced.incrementAndGet();
                    Thread.sleep(5);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (Throwable e) {
                  writerFailed.set(e);
                }
              });
      app.start();
      Set<Long> seen = new HashSet<>();
      try {
        // The app replaces it every few hundred ms while restores and status read it; here every
        // few ms.
        // S3A fails a read that meets a replacement (412 on its If-Match GET): ObjectStore reads
        // again.
        for (int i = 0; i < 300; i++) {
          CheckpointFile.Stored c = CheckpointFile.read(reader).orElseThrow();
          assertThat(c.time).isGreaterThanOrEqualTo(first);
          seen.add(c.time);
        }
      } finally {
        writing.set(false);
        app.join();
      }
      assertThat(writerFailed.get()).as("the writer kept replacing the checkpoint").isNull();
      assertThat(replaced.get()).as("replacements during the reads").isGreaterThanOrEqualTo(10);
      assertThat(seen).as("the reads met the replacements").hasSizeGreaterThan(1);
    }
  }
}
