package io.rewind.store.catalog;

import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import io.rewind.client.store.TableDescriptorJson;
import io.rewind.schemas.TableDescriptor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;
import org.apache.hadoop.fs.FileStatus;

/**
 * Table descriptors archived under {@code tables/} as Avro JSON, for disaster recovery. Each is
 * written twice, a backup copy first: on a store where a write replaces the file in place (local
 * disk, HDFS), a crash mid-write tears one copy, and readers take the other.
 */
public final class TableDescriptorFile {

  private static final String BACKUP_SUFFIX = ".backup";

  private TableDescriptorFile() {}

  public static void write(ObjectStore store, TableDescriptor descriptor) throws IOException {
    byte[] json = TableDescriptorJson.encode(descriptor, true);
    String key = StoreLayout.table(descriptor.getTable());
    store.write(key + BACKUP_SUFFIX, json);
    store.write(key, json);
  }

  public static Optional<TableDescriptor> read(ObjectStore store, String table) throws IOException {
    String key = StoreLayout.table(table);
    return store.exists(key) ? Optional.of(readWhole(store, key)) : Optional.empty();
  }

  public static List<TableDescriptor> readAll(ObjectStore store) throws IOException {
    List<TableDescriptor> all = new ArrayList<>();
    for (FileStatus ns : store.list(StoreLayout.TABLES)) {
      for (FileStatus f : store.list(StoreLayout.TABLES + "/" + ns.getPath().getName())) {
        if (f.getPath().getName().endsWith(".json")) {
          all.add(
              readWhole(
                  store,
                  StoreLayout.TABLES + "/" + ns.getPath().getName() + "/" + f.getPath().getName()));
        }
      }
    }
    return all;
  }

  /** The descriptor at {@code key}, or its backup copy when that one is torn. */
  private static TableDescriptor readWhole(ObjectStore store, String key) throws IOException {
    try {
      return decode(store.read(key));
    } catch (IOException | AvroRuntimeException torn) {
      try {
        return decode(store.read(key + BACKUP_SUFFIX));
      } catch (IOException | AvroRuntimeException e) {
        throw new IOException(
            "the table descriptor "
                + key
                + " and its copy "
                + key
                + BACKUP_SUFFIX
                + " cannot be read ("
                + torn.getMessage()
                + "): restoring that table needs its families; start an archiver (it rewrites every"
                + " descriptor from the tables topic) or create the target table yourself",
            torn);
      }
    }
  }

  static TableDescriptor decode(byte[] json) throws IOException {
    return TableDescriptorJson.decode(json);
  }
}
