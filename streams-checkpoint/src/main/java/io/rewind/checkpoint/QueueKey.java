package io.rewind.checkpoint;

import io.rewind.schemas.QueueId;
import java.util.Comparator;

/**
 * A replication queue's identity (originating server with start code, WAL group) as an immutable,
 * comparable value; the Avro {@link QueueId} is mutable and meant for the wire.
 */
public record QueueKey(String server, String walGroup) implements Comparable<QueueKey> {

  private static final Comparator<QueueKey> ORDER =
      Comparator.comparing(QueueKey::server).thenComparing(QueueKey::walGroup);

  public QueueKey {
    if (server == null || walGroup == null) {
      throw new IllegalArgumentException(
          "a queue needs both a server and a WAL group, got " + server + "/" + walGroup);
    }
  }

  public static QueueKey of(QueueId id) {
    return new QueueKey(id.getServer(), id.getWalGroup());
  }

  public QueueId toAvro() {
    return QueueId.newBuilder().setServer(server).setWalGroup(walGroup).build();
  }

  @Override
  public int compareTo(QueueKey other) {
    return ORDER.compare(this, other);
  }

  /** {@code server/walGroup}, the form of the per-queue row keys and the checkpoint file. */
  @Override
  public String toString() {
    return server + "/" + walGroup;
  }
}
