package io.rewind.client.base;

import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.SelfChecksummedJson;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captured bulk loads in the object store; their HFiles live with the bases' ({@code bases/files/},
 * {@link BaseImageStore#fileKey}), stored once whoever copied them first.
 *
 * <pre>
 * bulkloads/&lt;ns&gt;/&lt;qualifier&gt;/&lt;yyyy-MM-dd&gt;/&lt;writeTime&gt;-&lt;region&gt;-&lt;sequenceId&gt;.json          the commit
 * bulkloads/&lt;ns&gt;/&lt;qualifier&gt;/&lt;yyyy-MM-dd&gt;/&lt;writeTime&gt;-&lt;region&gt;-&lt;sequenceId&gt;.pending.json  the intent
 * </pre>
 *
 * A load's key follows from the marker alone, so a batch HBase ships again after a failure finds
 * its own commit. Day directories (UTC, of the write time) let a restore list only the days it
 * replays.
 */
public final class BulkLoadStore {

  private static final Logger LOG = LoggerFactory.getLogger(BulkLoadStore.class);

  public static final String ROOT = "bulkloads";
  private static final String COMMIT = ".json";
  private static final String INTENT = ".pending.json";
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final Pattern NAME = Pattern.compile("(\\d{20})-([^-]+)-(\\d+)\\.json");

  private final ObjectStore store;

  public BulkLoadStore(ObjectStore store) {
    this.store = store;
  }

  public ObjectStore store() {
    return store;
  }

  /** The key of a load's commit record. */
  public static String commitKey(String table, long writeTime, String region, long sequenceId) {
    return String.format(
        Locale.ROOT,
        "%s/%s/%s/%020d-%s-%d%s",
        ROOT,
        BaseImageStore.tableDir(table),
        DAY.format(Instant.ofEpochMilli(writeTime)),
        writeTime,
        region,
        sequenceId,
        COMMIT);
  }

  public static String commitKey(BulkLoadManifest load) {
    return commitKey(load.table, load.writeTime, load.region, load.sequenceId);
  }

  private static String intentKey(BulkLoadManifest load) {
    String commit = commitKey(load);
    return commit.substring(0, commit.length() - COMMIT.length()) + INTENT;
  }

  /** The committed load at this key, if any (a torn record reads as absent). */
  public Optional<BulkLoadManifest> read(String commitKey) throws IOException {
    try {
      return SelfChecksummedJson.decode(store.read(commitKey), BulkLoadManifest.class);
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Records the intent to copy a load's files, before the first of them is copied or reused. */
  public void writeIntent(BulkLoadManifest load) throws IOException {
    store.write(intentKey(load), SelfChecksummedJson.encode(load));
  }

  /** Commits a load: one PUT, once every file it names is stored. */
  public void commit(BulkLoadManifest load) throws IOException {
    store.write(commitKey(load), SelfChecksummedJson.encode(load));
  }

  public void deleteIntent(BulkLoadManifest load) throws IOException {
    store.delete(intentKey(load));
  }

  /**
   * Deletes a load's commit: from then on no restore replays it; its files go with the next garbage
   * collection.
   */
  public void delete(BulkLoadManifest load) throws IOException {
    store.delete(commitKey(load));
  }

  /** Tables with captured bulk loads, namespace:qualifier. */
  public List<String> tables() throws IOException {
    List<String> tables = new ArrayList<>();
    for (FileStatus ns : store.list(ROOT)) {
      for (FileStatus q : store.list(ROOT + "/" + ns.getPath().getName())) {
        tables.add(ns.getPath().getName() + ":" + q.getPath().getName());
      }
    }
    return tables;
  }

  /**
   * The committed loads of a table written after {@code after} and at or before {@code atOrBefore},
   * in write-time order: a listing of each day in that range, and a read of each load in it.
   */
  public List<BulkLoadManifest> between(String table, long after, long atOrBefore)
      throws IOException {
    return read(table, after, atOrBefore, COMMIT);
  }

  /** Every committed load of a table. */
  public List<BulkLoadManifest> all(String table) throws IOException {
    return between(table, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /** The intents of loads being copied (or abandoned by a crash). */
  public List<BulkLoadManifest> intents(String table) throws IOException {
    return read(table, Long.MIN_VALUE, Long.MAX_VALUE, INTENT);
  }

  private List<BulkLoadManifest> read(String table, long after, long atOrBefore, String suffix)
      throws IOException {
    List<BulkLoadManifest> loads = new ArrayList<>();
    String dir = ROOT + "/" + BaseImageStore.tableDir(table);
    String firstDay =
        after == Long.MIN_VALUE ? "" : DAY.format(Instant.ofEpochMilli(Math.max(0, after)));
    String lastDay =
        atOrBefore == Long.MAX_VALUE
            ? "~"
            : DAY.format(Instant.ofEpochMilli(Math.max(0, atOrBefore)));
    for (FileStatus day : store.list(dir)) {
      String d = day.getPath().getName();
      if (d.compareTo(firstDay) < 0 || d.compareTo(lastDay) > 0) {
        continue;
      }
      for (FileStatus f : store.list(dir + "/" + d)) {
        String name = f.getPath().getName();
        boolean intent = name.endsWith(INTENT);
        if (intent != suffix.equals(INTENT) || !name.endsWith(COMMIT)) {
          continue;
        }
        Matcher m =
            NAME.matcher(
                intent ? name.substring(0, name.length() - INTENT.length()) + COMMIT : name);
        if (!m.matches()) {
          continue;
        }
        long writeTime = Long.parseLong(m.group(1));
        if (writeTime <= after || writeTime > atOrBefore) {
          continue;
        }
        String key = dir + "/" + d + "/" + name;
        Optional<BulkLoadManifest> load = read(key);
        if (load.isPresent()) {
          loads.add(load.get());
        } else if (!intent) {
          throw new IOException(
              "the bulk-load record "
                  + store.path(key)
                  + " is torn or tampered with (its checksum does not match):"
                  + " the cells of that load cannot be restored. Restore to a time before "
                  + Instant.ofEpochMilli(writeTime)
                  + ", or take a base of "
                  + table
                  + " (rewind base) and restore to a time after it");
        } else {
          LOG.warn("{} is torn: that intent no longer protects its files", key);
        }
      }
    }
    loads.sort(
        Comparator.comparingLong((BulkLoadManifest l) -> l.writeTime)
            .thenComparingLong(l -> l.sequenceId));
    return loads;
  }
}
