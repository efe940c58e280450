package io.rewind.store.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader that lists a partition's manifests while the compactor merges them and deletes the
 * sources never takes the listing's holes for the chain: it reads again from the index.
 */
class ManifestIndexTest {

  @TempDir Path dir;

  /**
   * Between a listing of a partition's level-0 manifests and the reads of them, the compactor
   * finishes a merge.
   */
  public static final class CompactingMeanwhile extends RawLocalFileSystem {
    static Runnable onFirstListing;

    @Override
    public FileStatus[] listStatus(org.apache.hadoop.fs.Path f) throws IOException {
      FileStatus[] listed = super.listStatus(f);
      Runnable r = onFirstListing;
      if (r != null
          && f.getName().equals("p=0")
          && f.getParent().getName().equals(StoreLayout.MANIFESTS)) {
        onFirstListing = null;
        r.run();
      }
      return listed;
    }
  }

  private static Manifest manifest(long start, long end, Integer level) {
    Manifest m = new Manifest();
    m.partition = 0;
    m.startOffset = start;
    m.endOffset = end;
    m.level = level;
    m.minWriteTime = 1_000 + start;
    m.maxWriteTime = 1_000 + end;
    m.segmentPath =
        level == null
            ? StoreLayout.segment(0, start, end)
            : StoreLayout.levelSegment(0, level, start, end, "ab");
    m.tables.put("ns:t", end - start);
    return m;
  }

  @Test
  void aManifestMergedAwayBetweenTheListingAndItsReadSendsTheReaderBackToTheIndex()
      throws Exception {
    String uri = dir.toUri().toString();
    try (ObjectStore store =
        ObjectStore.open(uri, Map.of("fs.file.impl", CompactingMeanwhile.class.getName()))) {
      ManifestStore manifests = new ManifestStore(store);
      Manifest first = manifest(0, 10, null);
      Manifest second = manifest(10, 20, null);
      Manifest merged = manifest(0, 20, 1);
      manifests.write(first);
      manifests.write(second);
      CompactingMeanwhile.onFirstListing =
          () -> {
            try {
              manifests.write(merged);
              IndexHead head = IndexHead.empty(0);
              head.entries.add(merged);
              head.indexedEnd = 20;
              ManifestIndex index = new ManifestIndex(store);
              index.writeHead(head, index.readHeadForWrite(0));
              store.deleteAll(List.of(first.key(), second.key()));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          };

      PartitionView view = new ManifestIndex(store).open(0);

      assertThat(CompactingMeanwhile.onFirstListing)
          .as("the compactor ran between the listing and the reads")
          .isNull();
      assertThat(view.indexed()).isTrue();
      assertThat(view.chain().end()).isEqualTo(20);
      assertThat(view.recent()).extracting(Manifest::key).containsExactly(merged.key());
      assertThat(view.tables().get("ns:t").edits).isEqualTo(20);
    }
  }

  @Test
  void aReaderWithoutAHeadReadsEveryLevelAndPrefersTheCoarsestCopy() throws Exception {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      ManifestStore manifests = new ManifestStore(store);
      manifests.write(manifest(0, 10, null));
      manifests.write(manifest(10, 20, null));
      manifests.write(manifest(20, 30, null));
      manifests.write(manifest(0, 20, 1));

      PartitionView view = new ManifestIndex(store).open(0);

      assertThat(view.indexed()).isFalse();
      assertThat(view.recent())
          .extracting(m -> m.startOffset + "-" + m.endOffset + "@" + m.level())
          .containsExactly("0-20@1", "20-30@0");
      assertThat(view.manifestCount()).isEqualTo(2);
      assertThat(view.minWriteTime()).hasValue(1_000);
    }
  }
}
