package io.rewind.client.base;

import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.SelfChecksummedJson;
import io.rewind.client.store.StoredObject;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base images in the object store.
 *
 * <pre>
 * bases/tables/&lt;ns&gt;/&lt;qualifier&gt;/&lt;id&gt;/base.json      commits the base (self-checksummed)
 * bases/tables/&lt;ns&gt;/&lt;qualifier&gt;/&lt;id&gt;/pending.json   the intent, while the base is being copied
 * bases/tables/&lt;ns&gt;/&lt;qualifier&gt;/&lt;id&gt;/snapshot/...  the HBase snapshot's own manifest
 * bases/files/&lt;ns&gt;/&lt;qualifier&gt;/&lt;family&gt;/&lt;hfile&gt;.&lt;id&gt; HFiles (id: the base that copied them), shared by every base naming them
 * </pre>
 *
 * <p>A file is deleted only when no committed base, no committed bulk load ({@link BulkLoadStore})
 * and no live intent of either names it, so deleting bases in any order never leaves a dangling
 * reference.
 */
public final class BaseImageStore {

  private static final Logger LOG = LoggerFactory.getLogger(BaseImageStore.class);

  public static final String ROOT = "bases";
  static final String TABLES = ROOT + "/tables";
  static final String FILES = ROOT + "/files";
  static final String MANIFEST = "base.json";
  static final String INTENT = "pending.json";

  private final ObjectStore store;

  public BaseImageStore(ObjectStore store) {
    this.store = store;
  }

  public ObjectStore store() {
    return store;
  }

  public static String tableDir(String table) {
    int colon = table.indexOf(':');
    String ns = colon < 0 ? "default" : table.substring(0, colon);
    String qualifier = colon < 0 ? table : table.substring(colon + 1);
    return ns + "/" + qualifier;
  }

  public static String baseDir(String table, String id) {
    return TABLES + "/" + tableDir(table) + "/" + id;
  }

  /**
   * Where a base stores an HFile it copies: suffixed with the base's id, so a key is never written
   * twice. A garbage collection that judged a key unreferenced (and was paused before deleting it)
   * can then only ever delete that dead copy, never the same HFile copied again by a later base.
   */
  public static String fileKey(String table, String family, String hfile, String baseId) {
    return FILES + "/" + tableDir(table) + "/" + family + "/" + hfile + "." + baseId;
  }

  /**
   * Where the endpoint stores a bulk-loaded HFile it captures: under its own name, which HBase
   * makes unique, so a batch shipped again finds the copy it made (a capture never reuses a copy
   * while a lease on the table is present, so a garbage collection's decision cannot meet a reuse).
   */
  public static String fileKey(String table, String family, String hfile) {
    return FILES + "/" + tableDir(table) + "/" + family + "/" + hfile;
  }

  public static String baseId(long startedAt) {
    return String.format(Locale.ROOT, "b-%013d", startedAt);
  }

  /**
   * Commits a base: its manifest, one conditional create, written after every file it names is
   * stored. A base of that id committed already (the same snapshot taken twice) is never replaced.
   */
  public void commit(BaseImageManifest base) throws IOException {
    if (!store.writeIfVersion(
        baseDir(base.table, base.id) + "/" + MANIFEST, SelfChecksummedJson.encode(base), null)) {
      throw new IOException(
          base
              + " is committed already: "
              + store.path(baseDir(base.table, base.id) + "/" + MANIFEST)
              + " exists; take the base again");
    }
  }

  /** Records the intent to copy a base's files, before the first of them is read or reused. */
  public void writeIntent(BaseImageManifest planned) throws IOException {
    store.write(
        baseDir(planned.table, planned.id) + "/" + INTENT, SelfChecksummedJson.encode(planned));
  }

  public void deleteIntent(BaseImageManifest base) throws IOException {
    store.delete(baseDir(base.table, base.id) + "/" + INTENT);
  }

  /** Tables with a base directory, namespace:qualifier. */
  public List<String> tables() throws IOException {
    List<String> tables = new ArrayList<>();
    for (FileStatus ns : store.list(TABLES)) {
      for (FileStatus q : store.list(TABLES + "/" + ns.getPath().getName())) {
        tables.add(ns.getPath().getName() + ":" + q.getPath().getName());
      }
    }
    return tables;
  }

  /** The committed bases of a table, oldest first; a torn manifest is skipped (and logged). */
  public TableBases bases(String table) throws IOException {
    return new TableBases(table, read(table, MANIFEST));
  }

  /** The committed bases of every table. */
  public Map<String, TableBases> all() throws IOException {
    Map<String, TableBases> all = new TreeMap<>();
    for (String t : tables()) {
      all.put(t, bases(t));
    }
    return all;
  }

  /** The intents of bases being copied (or abandoned by a crash). */
  public List<BaseImageManifest> intents(String table) throws IOException {
    return read(table, INTENT);
  }

  private List<BaseImageManifest> read(String table, String name) throws IOException {
    List<BaseImageManifest> bases = new ArrayList<>();
    String dir = TABLES + "/" + tableDir(table);
    for (FileStatus base : store.list(dir)) {
      String key = dir + "/" + base.getPath().getName() + "/" + name;
      Optional<BaseImageManifest> m;
      try {
        m = SelfChecksummedJson.decode(store.read(key), BaseImageManifest.class);
      } catch (FileNotFoundException e) {
        continue;
      }
      if (m.isPresent()) {
        bases.add(m.get());
      } else if (name.equals(MANIFEST)) {
        LOG.warn(
            "{} is torn or tampered with (its checksum does not match): that base is treated as absent",
            key);
      }
    }
    return bases;
  }

  /**
   * Deletes a base: its manifest first (from then on no restore uses it), then its own directory.
   * Its HFiles stay until {@link #collectGarbage} finds no other base naming them.
   */
  public void delete(BaseImageManifest base) throws IOException {
    String dir = baseDir(base.table, base.id);
    store.delete(dir + "/" + MANIFEST);
    store.deleteDirectory(dir);
    LOG.info("deleted {} ({} files named, {} bytes)", base, base.files.size(), base.bytes());
  }

  /**
   * Deletes the table's stored HFiles that none of its committed bases and bulk loads and none of
   * its intents younger than {@code intentExpiryMs} names; expired intents (a copy that crashed)
   * are deleted with them. A table's bases and bulk loads only ever name its own files (dedup is
   * per table), so this reads and lists that table alone; the caller holds the table's lease, which
   * keeps bases away. The endpoint captures bulk loads without a lease (a worker never waits): the
   * files are listed before the intents and records are read, and a capture writes its intent
   * before its first file, so a file listed here is named by an intent or a commit read after.
   */
  public GarbageReport collectGarbage(String table, long now, long intentExpiryMs)
      throws IOException {
    Set<String> referenced = new HashSet<>();
    GarbageReport report = new GarbageReport();
    // Listed first: see above.
    List<StoredObject> listed = store.listFiles(FILES + "/" + tableDir(table));
    BulkLoadStore bulkLoads = new BulkLoadStore(store);
    for (BulkLoadManifest intent : bulkLoads.intents(table)) {
      if (now - intent.startedAt > intentExpiryMs) {
        bulkLoads.deleteIntent(intent);
        report.expiredIntents++;
        LOG.info(
            "deleted the intent of {}: its copy started {} ms ago and never committed",
            intent,
            now - intent.startedAt);
      } else {
        intent.files.forEach(f -> referenced.add(f.key));
      }
    }
    for (BulkLoadManifest load : bulkLoads.all(table)) {
      load.files.forEach(f -> referenced.add(f.key));
    }
    for (BaseImageManifest b : bases(table).all()) {
      b.files.forEach(f -> referenced.add(f.key));
    }
    for (BaseImageManifest intent : intents(table)) {
      if (now - intent.startedAt > intentExpiryMs) {
        deleteIntent(intent);
        report.expiredIntents++;
        LOG.info(
            "deleted the intent of {}: its copy started {} ms ago and never committed",
            intent,
            now - intent.startedAt);
      } else {
        intent.files.forEach(f -> referenced.add(f.key));
      }
    }
    List<String> doomed = new ArrayList<>();
    for (StoredObject o : listed) {
      if (referenced.contains(o.key())) {
        report.filesKept++;
        report.bytesKept += o.size();
      } else {
        doomed.add(o.key());
        report.filesDeleted++;
        report.bytesDeleted += o.size();
      }
    }
    store.deleteAll(doomed);
    return report;
  }

  /** What a garbage collection of base files did. */
  public static final class GarbageReport {
    public long filesDeleted;
    public long bytesDeleted;
    public long filesKept;
    public long bytesKept;
    public long expiredIntents;
  }
}
