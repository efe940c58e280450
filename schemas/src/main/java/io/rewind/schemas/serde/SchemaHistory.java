package io.rewind.schemas.serde;

import io.rewind.schemas.ArchivedBlock;
import io.rewind.schemas.ArchivedRecord;
import io.rewind.schemas.ArchivedSegment;
import io.rewind.schemas.BulkLoad;
import io.rewind.schemas.Checkpoint;
import io.rewind.schemas.ControlEvent;
import io.rewind.schemas.ProgressEvent;
import io.rewind.schemas.QueueCheckpoint;
import io.rewind.schemas.TableDescriptor;
import io.rewind.schemas.WalEdit;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every schema version ever released, per top-level record, kept in this jar so data written years
 * ago stays readable without a registry. Versions live in {@code
 * io/rewind/schemas/history/<Record>/v<n>.avsc} (self-contained, fully expanded JSON); the newest
 * version is the generated class's schema, and SchemaHistoryTest fails when a change to an .avsc is
 * not recorded here or breaks FULL_TRANSITIVE compatibility.
 */
public final class SchemaHistory {

  /** The records that travel on topics or in segments: each has a history. */
  public static final List<Class<? extends SpecificRecord>> RECORDS =
      List.of(
          WalEdit.class,
          ProgressEvent.class,
          TableDescriptor.class,
          ArchivedSegment.class,
          Checkpoint.class,
          QueueCheckpoint.class,
          ControlEvent.class,
          ArchivedRecord.class,
          ArchivedBlock.class,
          BulkLoad.class);

  private static final int MAX_VERSIONS = 1000;
  private static final SchemaHistory INSTANCE = load();

  private final Map<String, List<Schema>> versionsByRecord;
  private final Map<Long, Schema> byFingerprint;

  private SchemaHistory(Map<String, List<Schema>> versionsByRecord) {
    this.versionsByRecord = versionsByRecord;
    Map<Long, Schema> fingerprints = new HashMap<>();
    versionsByRecord.values().forEach(vs -> vs.forEach(s -> fingerprints.put(fingerprint(s), s)));
    this.byFingerprint = Collections.unmodifiableMap(fingerprints);
  }

  public static SchemaHistory get() {
    return INSTANCE;
  }

  /** Released versions of a record, oldest first. */
  public List<Schema> versions(Class<? extends SpecificRecord> record) {
    return versionsByRecord.getOrDefault(record.getSimpleName(), List.of());
  }

  /** Every known writer schema by its CRC-64-AVRO fingerprint (the single-object encoding id). */
  public Map<Long, Schema> byFingerprint() {
    return byFingerprint;
  }

  /** Fingerprints of every released schema: what an archiver accepts in the schema header. */
  public Set<Long> knownFingerprints() {
    return new HashSet<>(byFingerprint.keySet());
  }

  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  /** The id written in the {@code rewind.schema} header: 16 lower-case hex digits. */
  public static String schemaId(Schema schema) {
    return String.format("%016x", fingerprint(schema));
  }

  private static SchemaHistory load() {
    Map<String, List<Schema>> all = new LinkedHashMap<>();
    ClassLoader loader = SchemaHistory.class.getClassLoader();
    for (Class<? extends SpecificRecord> record : RECORDS) {
      List<Schema> versions = new ArrayList<>();
      for (int v = 1; v <= MAX_VERSIONS; v++) {
        String path = resourcePath(record, v);
        try (InputStream in = loader.getResourceAsStream(path)) {
          if (in == null) {
            break;
          }
          versions.add(
              new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read schema history " + path, e);
        }
      }
      all.put(record.getSimpleName(), Collections.unmodifiableList(versions));
    }
    return new SchemaHistory(Collections.unmodifiableMap(all));
  }

  static String resourcePath(Class<? extends SpecificRecord> record, int version) {
    return "io/rewind/schemas/history/" + record.getSimpleName() + "/v" + version + ".avsc";
  }
}
