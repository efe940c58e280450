package io.rewind.core.store;

import io.rewind.schemas.TableDescriptor;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.hadoop.fs.FileStatus;

/** Table descriptors archived under {@code tables/} as Avro JSON, for disaster recovery. */
public final class TableDescriptorFile {

  private TableDescriptorFile() {}

  public static void write(ObjectStore store, TableDescriptor descriptor) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonEncoder encoder = EncoderFactory.get().jsonEncoder(TableDescriptor.getClassSchema(), out, true);
    new SpecificDatumWriter<>(TableDescriptor.class).write(descriptor, encoder);
    encoder.flush();
    store.write(StoreLayout.table(descriptor.getTable()), out.toByteArray());
  }

  public static Optional<TableDescriptor> read(ObjectStore store, String table) throws IOException {
    try {
      return Optional.of(decode(store.read(StoreLayout.table(table))));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  public static List<TableDescriptor> readAll(ObjectStore store) throws IOException {
    List<TableDescriptor> all = new ArrayList<>();
    for (FileStatus ns : store.list(StoreLayout.TABLES)) {
      for (FileStatus f : store.list(StoreLayout.TABLES + "/" + ns.getPath().getName())) {
        if (f.getPath().getName().endsWith(".json")) {
          all.add(decode(store.read(StoreLayout.TABLES + "/" + ns.getPath().getName() + "/" + f.getPath().getName())));
        }
      }
    }
    return all;
  }

  static TableDescriptor decode(byte[] json) throws IOException {
    return new SpecificDatumReader<>(TableDescriptor.class)
        .read(null, DecoderFactory.get().jsonDecoder(TableDescriptor.getClassSchema(), new String(json, java.nio.charset.StandardCharsets.UTF_8)));
  }
}
