package io.rewind.schemas.serde;

import io.rewind.schemas.ArchivedBlock;
import io.rewind.schemas.ArchivedHeader;
import io.rewind.schemas.ArchivedRecord;
import io.rewind.schemas.ArchivedSegment;
import io.rewind.schemas.BlockHeader;
import io.rewind.schemas.BulkLoad;
import io.rewind.schemas.BulkLoadFile;
import io.rewind.schemas.Cell;
import io.rewind.schemas.CellType;
import io.rewind.schemas.Checkpoint;
import io.rewind.schemas.ClusterSnapshot;
import io.rewind.schemas.ControlEvent;
import io.rewind.schemas.FamilyDescriptor;
import io.rewind.schemas.Marker;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.ProgressEvent;
import io.rewind.schemas.QueueCheckpoint;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.QueueListing;
import io.rewind.schemas.RollAck;
import io.rewind.schemas.RollRequest;
import io.rewind.schemas.TableDescriptor;
import io.rewind.schemas.WalEdit;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Representative instances of every record in {@link SchemaHistory#RECORDS}, every union branch
 * used.
 */
final class SampleRecords {

  static final long T = 1_700_000_000_123L;
  static final QueueId QUEUE =
      QueueId.newBuilder()
          .setServer("rs1.example.com,16020,1699999999000")
          .setWalGroup("rs1.example.com%2C16020%2C1699999999000")
          .build();

  private SampleRecords() {}

  /** At least one instance of each record class, and one per union branch. */
  static List<SpecificRecord> all() {
    return List.of(
        walEdit(),
        progressSnapshot(),
        progressMarker(),
        tableDescriptor(),
        archivedSegment(),
        checkpoint(),
        queueCheckpoint(),
        rollRequest(),
        rollAck(),
        archivedRecord(),
        archivedBlock(),
        bulkLoad());
  }

  static WalEdit walEdit() {
    return WalEdit.newBuilder()
        .setTable("ns:orders")
        .setRegion("d41d8cd98f00b204e9800998ecf8427e")
        .setRow(bytes("row-0001"))
        .setWriteTime(T)
        .setSequenceId(4711)
        .setQueue(QUEUE)
        .setCells(
            List.of(
                cell(CellType.PUT, "q1", T, "v1"),
                cell(CellType.DELETE, "q2", T - 5, ""),
                cell(CellType.DELETE_COLUMN, "q3", T, ""),
                Cell.newBuilder()
                    .setFamily(bytes("f"))
                    .setQualifier(bytes(""))
                    .setTimestamp(T)
                    .setType(CellType.DELETE_FAMILY)
                    .build(),
                Cell.newBuilder()
                    .setFamily(bytes("f"))
                    .setQualifier(bytes(""))
                    .setTimestamp(T - 1)
                    .setType(CellType.DELETE_FAMILY_VERSION)
                    .build()))
        .setPart(1)
        .setParts(3)
        .build();
  }

  static ProgressEvent progressSnapshot() {
    QueueListing listing =
        QueueListing.newBuilder()
            .setQueue(QUEUE)
            .setHolder("rs2.example.com,16020,1699999999500")
            .setOldestWalStart(T - 60_000)
            .setBound(T - 60_500)
            .setWalCount(2)
            .build();
    return ProgressEvent.newBuilder()
        .setPublisher("rs2.example.com,16020,1699999999500")
        .setSendTime(T + 3)
        .setBody(
            ClusterSnapshot.newBuilder()
                .setReadTime(T)
                .setMarginMs(500)
                .setQueues(List.of(listing))
                .build())
        .build();
  }

  static ProgressEvent progressMarker() {
    return ProgressEvent.newBuilder()
        .setPublisher("simulator")
        .setSendTime(T + 7)
        .setBody(
            Marker.newBuilder()
                .setQueue(QUEUE)
                .setBound(T - 500)
                .setNewestWriteTime(T)
                .setSource(MarkerSource.BULK_LOAD)
                .setReason("bulk-load replication is off")
                .build())
        .build();
  }

  static TableDescriptor tableDescriptor() {
    FamilyDescriptor family =
        FamilyDescriptor.newBuilder()
            .setName("f")
            .setMaxVersions(10)
            .setKeepDeletedCells("TRUE")
            .setCompression("ZSTD")
            .setConfiguration(Map.of("hbase.hstore.blockingStoreFiles", "20"))
            .build();
    return TableDescriptor.newBuilder()
        .setTable("ns:orders")
        .setFamilies(List.of(family))
        .setSplitKeys(List.of(bytes("m")))
        .setConfiguration(Map.of("REGION_REPLICATION", "1"))
        .setUpdatedAt(T)
        .setChange("MODIFY")
        .setAddedFamilies(List.of("f"))
        .setRegionsKnown(true)
        .build();
  }

  static BulkLoad bulkLoad() {
    return BulkLoad.newBuilder()
        .setTable("ns:orders")
        .setRegion("d41d8cd98f00b204e9800998ecf8427e")
        .setWriteTime(T)
        .setSequenceId(4712)
        .setQueue(QUEUE)
        .setFiles(
            List.of(
                BulkLoadFile.newBuilder()
                    .setFamily("f")
                    .setName("3b1c9e_SeqId_4712_")
                    .setKey("bases/files/ns/orders/f/3b1c9e_SeqId_4712_")
                    .setSize(4096)
                    .setSha256("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                    .build()))
        .setCommitKey(
            "bulkloads/ns/orders/2023-11-14/01700000000123-d41d8cd98f00b204e9800998ecf8427e-4712.json")
        .build();
  }

  static ArchivedSegment archivedSegment() {
    return ArchivedSegment.newBuilder()
        .setPartition(7)
        .setStartOffset(100)
        .setEndOffset(250)
        .setSegmentPath("segments/p=7/00000000000000000100-00000000000000000250.avro")
        .setManifestPath("manifests/p=7/00000000000000000100.json")
        .setSizeBytes(123_456)
        .setRecordCount(150)
        .setMinWriteTime(T - 1000)
        .setMaxWriteTime(T)
        .setTables(Map.of("ns:orders", 150L))
        .setSha256("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
        .setArchiver("archiver-1")
        .setCommittedAt(T + 10)
        .build();
  }

  static Checkpoint checkpoint() {
    return Checkpoint.newBuilder()
        .setTime(T - 501)
        .setComputedAt(T)
        .setHeldBy(QUEUE)
        .setRule("effective-claim")
        .setQueues(3)
        .setDecreased(false)
        .build();
  }

  static QueueCheckpoint queueCheckpoint() {
    return QueueCheckpoint.newBuilder()
        .setQueue(QUEUE)
        .setContribution(T - 500)
        .setRule("marker")
        .setLastMarkerSendTime(T - 2)
        .setUpdatedAt(T)
        .build();
  }

  static ControlEvent rollRequest() {
    return ControlEvent.newBuilder()
        .setBody(
            RollRequest.newBuilder()
                .setRequestId("roll-1")
                .setRequestedAt(T)
                .setRequester("cli")
                .build())
        .build();
  }

  static ControlEvent rollAck() {
    return ControlEvent.newBuilder()
        .setBody(
            RollAck.newBuilder()
                .setRequestId("roll-1")
                .setArchiver("archiver-1")
                .setPartitions(Map.of("0", 42L, "7", 250L))
                .setAckedAt(T + 1)
                .build())
        .build();
  }

  static ArchivedRecord archivedRecord() {
    return ArchivedRecord.newBuilder()
        .setOffset(249)
        .setTimestamp(T)
        .setKey(bytes("ns:orders\u0000row-0001"))
        .setHeaders(
            List.of(
                ArchivedHeader.newBuilder()
                    .setKey("rewind.table")
                    .setValue(bytes("ns:orders"))
                    .build(),
                ArchivedHeader.newBuilder().setKey("rewind.schema").setValue(null).build()))
        .setValue(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3}))
        .build();
  }

  static ArchivedBlock archivedBlock() {
    ByteBuffer none = ByteBuffer.allocate(0);
    return ArchivedBlock.newBuilder()
        .setCount(1)
        .setFirstOffset(249)
        .setOffsetGaps(none)
        .setTimestamps(ByteBuffer.wrap(new byte[] {2}))
        .setHeaderSets(
            List.of(
                List.of(
                    BlockHeader.newBuilder()
                        .setKey("rewind.table")
                        .setValue(bytes("ns:orders"))
                        .build())))
        .setHeaderSetOfRecord(ByteBuffer.wrap(new byte[] {0}))
        .setKeyRefs(ByteBuffer.wrap(new byte[] {0}))
        .setKeyLengths(ByteBuffer.wrap(new byte[] {4}))
        .setKeys(bytes("row"))
        .setValueLengths(ByteBuffer.wrap(new byte[] {3}))
        .setValueShared(ByteBuffer.wrap(new byte[] {0}))
        .setValueRuns(none)
        .setValues(bytes("ab"))
        .build();
  }

  private static Cell cell(CellType type, String qualifier, long timestamp, String value) {
    return Cell.newBuilder()
        .setFamily(bytes("f"))
        .setQualifier(bytes(qualifier))
        .setTimestamp(timestamp)
        .setType(type)
        .setValue(bytes(value))
        .build();
  }

  static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }
}
