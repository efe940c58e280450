package io.rewind.client.store;

import io.rewind.schemas.TableDescriptor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.AvroRuntimeException;
import org.apache.hadoop.fs.FileStatus;

/**
 * Every version of a table's descriptor, each with the time it holds from, under {@code
 * tables/<namespace>/<qualifier>/<time>-<change>-<hash>.json} (Avro JSON). A version is written
 * once to a key named by its content (the hash is the first 16 hex digits of the SHA-256 of its
 * bytes), so writing it again is a no-op, two writers never clash, and a torn copy reads as absent.
 * The name carries the time and the kind of change, so a reader picks the few versions it needs
 * from one listing.
 */
public final class TableHistory {

  private static final Pattern NAME = Pattern.compile("(\\d{20})-([A-Z]+)-([0-9a-f]{16})\\.json");

  private final ObjectStore store;

  public TableHistory(ObjectStore store) {
    this.store = store;
  }

  /** One stored version as its key names it. */
  public static final class Entry {
    private final String key;
    private final long time;
    private final String change;

    Entry(String key, long time, String change) {
      this.key = key;
      this.time = time;
      this.change = change;
    }

    public String key() {
      return key;
    }

    public long time() {
      return time;
    }

    public String change() {
      return change;
    }

    @Override
    public String toString() {
      return key;
    }
  }

  /** The directory holding the versions of a table. */
  public static String dir(String table) {
    String latest = StoreLayout.table(table);
    return latest.substring(0, latest.length() - ".json".length());
  }

  /** Stores the version unless the same bytes are already stored; returns its key. */
  public String write(TableDescriptor version) throws IOException {
    byte[] json = TableDescriptorJson.encode(version, false);
    String key =
        String.format(
            Locale.ROOT,
            "%s/%020d-%s-%s.json",
            dir(version.getTable()),
            Math.max(0, version.getUpdatedAt()),
            version.getChange(),
            hash(json));
    if (!store.exists(key)) {
      store.write(key, json);
    }
    return key;
  }

  /** The versions of a table as their keys name them, oldest first; empty when it has none. */
  public List<Entry> list(String table) throws IOException {
    List<Entry> entries = new ArrayList<>();
    String dir = dir(table);
    for (FileStatus f : store.list(dir)) {
      Matcher m = NAME.matcher(f.getPath().getName());
      if (m.matches()) {
        entries.add(
            new Entry(dir + "/" + f.getPath().getName(), Long.parseLong(m.group(1)), m.group(2)));
      }
    }
    entries.sort(Comparator.comparingLong(Entry::time).thenComparing(Entry::key));
    return entries;
  }

  /**
   * The newest readable version of a table, if any (one listing, and a read from the newest back
   * past torn ones).
   */
  public Optional<TableDescriptor> newest(String table) throws IOException {
    List<Entry> entries = list(table);
    for (int i = entries.size() - 1; i >= 0; i--) {
      Optional<TableDescriptor> v = read(entries.get(i));
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }

  /**
   * Whether two versions describe the same table: families with their settings, table values and
   * split keys.
   */
  public static boolean sameShape(TableDescriptor a, TableDescriptor b) {
    return a.getTable().equals(b.getTable())
        && a.getFamilies().equals(b.getFamilies())
        && a.getConfiguration().equals(b.getConfiguration())
        && a.getSplitKeys().equals(b.getSplitKeys());
  }

  /**
   * The version at the entry; empty when it is torn (its bytes do not match the hash its name
   * carries) or gone.
   */
  public Optional<TableDescriptor> read(Entry entry) throws IOException {
    byte[] json;
    try {
      json = store.read(entry.key());
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
    Matcher m = NAME.matcher(entry.key().substring(entry.key().lastIndexOf('/') + 1));
    if (!m.matches() || !hash(json).equals(m.group(3))) {
      return Optional.empty();
    }
    try {
      return Optional.of(TableDescriptorJson.decode(json));
    } catch (IOException | AvroRuntimeException e) {
      return Optional.empty();
    }
  }

  private static String hash(byte[] bytes) {
    return ManifestCodec.Sha256.hex(bytes).substring(0, 16);
  }
}
