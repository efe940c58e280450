package io.rewind.core.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code checkpoints/latest.json}: the published checkpoint, so that a restore needs neither
 * Kafka nor the source cluster.
 */
public final class CheckpointFile {

  private CheckpointFile() {}

  /** The stored form. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static final class Stored {
    /** C in epoch millis: every edit with write time at or before it is in a committed segment. */
    public long time;
    /** C as ISO-8601, for people reading the file. */
    public String timeIso;
    public long computedAt;
    /** The queue that holds C back, server/walGroup. */
    public String heldBy;
    public String rule;
    public int queues;

    public static Stored of(long time, long computedAt, String heldBy, String rule, int queues) {
      Stored s = new Stored();
      s.time = time;
      s.timeIso = Instant.ofEpochMilli(time).toString();
      s.computedAt = computedAt;
      s.heldBy = heldBy;
      s.rule = rule;
      s.queues = queues;
      return s;
    }
  }

  public static void write(ObjectStore store, Stored checkpoint) throws IOException {
    store.write(StoreLayout.CHECKPOINT, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(checkpoint));
  }

  public static Optional<Stored> read(ObjectStore store) throws IOException {
    try {
      return Optional.of(Json.MAPPER.readValue(store.read(StoreLayout.CHECKPOINT), Stored.class));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }
}
