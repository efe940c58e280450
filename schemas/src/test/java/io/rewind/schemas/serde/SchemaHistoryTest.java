package io.rewind.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.rewind.schemas.CellType;
import io.rewind.schemas.WalEdit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guards the schema contract: every released version stays readable (FULL_TRANSITIVE), and a
 * changed .avsc cannot ship without being recorded as a new version.
 */
class SchemaHistoryTest {

  /** Relative to the module: surefire runs in schemas/. */
  private static final Path HISTORY_DIR = Paths.get("src/main/resources/io/rewind/schemas/history");

  private final SchemaHistory history = SchemaHistory.get();

  static Stream<Class<? extends SpecificRecord>> records() {
    return SchemaHistory.RECORDS.stream();
  }

  static Stream<SpecificRecord> samples() {
    return SampleRecords.all().stream();
  }

  @ParameterizedTest
  @MethodSource("records")
  void currentSchemaIsARecordedVersion(Class<? extends SpecificRecord> record) {
    Schema current = currentSchema(record);
    List<Schema> versions = history.versions(record);
    long fingerprint = SchemaHistory.fingerprint(current);
    if (versions.stream().noneMatch(v -> SchemaHistory.fingerprint(v) == fingerprint)) {
      String name = record.getSimpleName();
      fail(
          "%s's schema (id %s) is not in its schema history, so data written with it could not be read back"
              + " without a registry. Release it as a new version: add"
              + " schemas/src/main/resources/io/rewind/schemas/history/%s/v%d.avsc holding the generated"
              + " class's schema, fully expanded (%s.getClassSchema().toString(true), printed below), and keep"
              + " the change FULL_TRANSITIVE (new fields need defaults; never rename, retype or remove a field"
              + " without a default).%nCurrent schema:%n%s",
          name,
          SchemaHistory.schemaId(current),
          name,
          versions.size() + 1,
          name,
          current.toString(true));
    }
  }

  @ParameterizedTest
  @MethodSource("records")
  void everyPairOfVersionsIsMutuallyCompatible(Class<? extends SpecificRecord> record) {
    List<Schema> schemas = new ArrayList<>(history.versions(record));
    List<String> labels =
        IntStream.rangeClosed(1, schemas.size())
            .mapToObj(v -> "v" + v)
            .collect(Collectors.toList());
    // The generated class reads too, and defaults (which fingerprints ignore) matter to it.
    schemas.add(currentSchema(record));
    labels.add("the generated class");
    List<String> problems = new ArrayList<>();
    for (int reader = 0; reader < schemas.size(); reader++) {
      for (int writer = 0; writer < schemas.size(); writer++) {
        SchemaPairCompatibility result =
            SchemaCompatibility.checkReaderWriterCompatibility(
                schemas.get(reader), schemas.get(writer));
        if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
          problems.add(
              labels.get(reader)
                  + " cannot read data written with "
                  + labels.get(writer)
                  + ": "
                  + result.getResult().getIncompatibilities().stream()
                      .map(
                          i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                      .collect(Collectors.joining("; ")));
        }
      }
    }
    assertThat(problems)
        .as(
            "%s breaks FULL_TRANSITIVE compatibility, so segments written years ago or by older RegionServer"
                + " jars would become unreadable; change the new .avsc so every version reads every other"
                + " (add defaults, do not rename or retype fields)",
            record.getSimpleName())
        .isEmpty();
  }

  @ParameterizedTest
  @MethodSource("records")
  void historyFilesAreNumberedWithoutGaps(Class<? extends SpecificRecord> record)
      throws IOException {
    Path dir = HISTORY_DIR.resolve(record.getSimpleName());
    Set<String> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files =
          listing
              .map(p -> p.getFileName().toString())
              .collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> loaded =
        IntStream.rangeClosed(1, history.versions(record).size())
            .mapToObj(v -> "v" + v + ".avsc")
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(files)
        .as(
            "%s holds %s, but versions load from v1.avsc up to the first gap: name them v1.avsc, v2.avsc, ..."
                + " without gaps or other files",
            dir, files)
        .isEqualTo(loaded)
        .isNotEmpty();
  }

  @Test
  void everyHistoryDirectoryBelongsToARecord() throws IOException {
    Set<String> records =
        SchemaHistory.RECORDS.stream().map(Class::getSimpleName).collect(Collectors.toSet());
    try (Stream<Path> dirs = Files.list(HISTORY_DIR)) {
      assertThat(dirs.map(p -> p.getFileName().toString()))
          .as(
              "a history directory without a record in SchemaHistory.RECORDS is never loaded: add the record there")
          .allMatch(records::contains);
    }
  }

  @ParameterizedTest
  @MethodSource("records")
  void everyVersionIsNamedAfterItsRecord(Class<? extends SpecificRecord> record) {
    String fullName = currentSchema(record).getFullName();
    assertThat(history.versions(record))
        .allSatisfy(v -> assertThat(v.getFullName()).isEqualTo(fullName));
    assertThat(history.knownFingerprints())
        .containsAll(
            history.versions(record).stream()
                .map(SchemaHistory::fingerprint)
                .collect(Collectors.toList()));
  }

  @Test
  void schemaIdIsTheFingerprintInSixteenHexDigits() {
    Schema schema = WalEdit.getClassSchema();
    assertThat(SchemaHistory.schemaId(schema)).matches("[0-9a-f]{16}");
    assertThat(Long.parseUnsignedLong(SchemaHistory.schemaId(schema), 16))
        .isEqualTo(SchemaHistory.fingerprint(schema));
  }

  @Test
  void aWalEditWrittenWithVersionOneIsDecoded() throws IOException {
    Schema v1 = history.versions(WalEdit.class).get(0);
    Schema queueSchema = v1.getField("queue").schema();
    Schema cellSchema = v1.getField("cells").schema().getElementType();
    GenericRecord cell =
        new GenericRecordBuilder(cellSchema)
            .set("family", bytes("f"))
            .set("qualifier", bytes("q"))
            .set("timestamp", 1_600_000_000_000L)
            .set(
                "type",
                new GenericData.EnumSymbol(cellSchema.getField("type").schema(), "DELETE_COLUMN"))
            .set("value", bytes(""))
            .build();
    GenericRecord written =
        new GenericRecordBuilder(v1)
            .set("table", "ns:legacy")
            .set("region", "0123456789abcdef")
            .set("row", bytes("r1"))
            .set("writeTime", 1_600_000_000_001L)
            .set("sequenceId", 17L)
            .set(
                "queue",
                new GenericRecordBuilder(queueSchema)
                    .set("server", "rs9,16020,1")
                    .set("walGroup", "rs9%2C16020%2C1")
                    .build())
            .set("cells", List.of(cell))
            .build();
    byte[] bytes =
        RecordCodecTest.toBytes(
            new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(written));

    WalEdit decoded = new RecordCodec<>(WalEdit.class).decode(bytes);

    assertThat(RecordCodec.fingerprintOf(bytes)).isEqualTo(SchemaHistory.fingerprint(v1));
    assertThat(decoded.getTable()).isEqualTo("ns:legacy");
    assertThat(decoded.getRegion()).isEqualTo("0123456789abcdef");
    assertThat(decoded.getRow()).isEqualTo(bytes("r1"));
    assertThat(decoded.getWriteTime()).isEqualTo(1_600_000_000_001L);
    assertThat(decoded.getSequenceId()).isEqualTo(17L);
    assertThat(decoded.getQueue().getServer()).isEqualTo("rs9,16020,1");
    assertThat(decoded.getQueue().getWalGroup()).isEqualTo("rs9%2C16020%2C1");
    assertThat(decoded.getCells()).hasSize(1);
    assertThat(decoded.getCells().get(0).getType()).isEqualTo(CellType.DELETE_COLUMN);
    assertThat(decoded.getCells().get(0).getQualifier()).isEqualTo(bytes("q"));
    assertThat(decoded.getCells().get(0).getTimestamp()).isEqualTo(1_600_000_000_000L);
    assertThat(decoded.getPart()).isZero();
    assertThat(decoded.getParts()).isEqualTo(1);
  }

  /**
   * Every sample, written as each recorded version would have written it, is decoded by today's
   * codec without losing what that version knew.
   */
  @ParameterizedTest
  @MethodSource("samples")
  void dataWrittenWithEveryRecordedVersionIsDecoded(SpecificRecord sample) throws IOException {
    RecordCodec<SpecificRecord> codec = codecFor(sample);
    for (Schema version : history.versions(sample.getClass().asSubclass(SpecificRecord.class))) {
      GenericRecord asWritten = project(sample, version);
      byte[] bytes =
          RecordCodecTest.toBytes(
              new BinaryMessageEncoder<GenericRecord>(GenericData.get(), version)
                  .encode(asWritten));

      SpecificRecord decoded = codec.decode(bytes);

      assertThat(project(decoded, version)).isEqualTo(asWritten);
    }
  }

  @SuppressWarnings("unchecked")
  private static RecordCodec<SpecificRecord> codecFor(SpecificRecord sample) {
    return new RecordCodec<>((Class<SpecificRecord>) sample.getClass());
  }

  /**
   * The record as a writer with {@code version} would have it: Avro schema resolution, current to
   * old.
   */
  private static GenericRecord project(SpecificRecord record, Schema version) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
      encoder.flush();
      return new GenericDatumReader<GenericRecord>(record.getSchema(), version)
          .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Schema currentSchema(Class<? extends SpecificRecord> record) {
    return SpecificData.get().getSchema(record);
  }

  private static ByteBuffer bytes(String s) {
    return SampleRecords.bytes(s);
  }
}
