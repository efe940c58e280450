package io.rewind.store.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.rewind.client.store.Json;
import io.rewind.client.store.ManifestCodec;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code checkpoints/latest.json}: the published checkpoint, so that a restore needs neither Kafka
 * nor the source cluster.
 *
 * <p>A rewrite in place is not atomic on every store (a local file is truncated first) and a rename
 * is not allowed, so each value is written twice, first to {@code latest.backup.json} and then to
 * {@code latest.json}, each with its own checksum. Whatever moment a reader or a crash hits, at
 * least one of the two is whole, and a reader takes the newest whole one.
 */
public final class CheckpointFile {

  static final String BACKUP = "checkpoints/latest.backup.json";

  private CheckpointFile() {}

  /** The stored form. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder(alphabetic = true)
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

    /** SHA-256 of this JSON without the checksum field. */
    public String checksum;

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

    @JsonIgnore
    String computeChecksum() throws IOException {
      String saved = checksum;
      checksum = null;
      try {
        return ManifestCodec.Sha256.hex(Json.MAPPER.writeValueAsBytes(this));
      } finally {
        checksum = saved;
      }
    }
  }

  /**
   * Writes both copies, the older first: while one is rewritten (torn on a store whose writes are
   * not atomic, like a local disk) the other still holds the newest checkpoint. After a crash
   * between the two writes the copies differ; rewriting the newer first would then leave readers
   * only the older for a moment, and the checkpoint they read would go backwards.
   */
  public static void write(ObjectStore store, Stored checkpoint) throws IOException {
    checkpoint.checksum = checkpoint.computeChecksum();
    byte[] bytes = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(checkpoint);
    String first = firstToWrite(readOne(store, StoreLayout.CHECKPOINT), readOne(store, BACKUP));
    store.write(first, bytes);
    store.write(first.equals(BACKUP) ? StoreLayout.CHECKPOINT : BACKUP, bytes);
  }

  /**
   * The key of the copy to rewrite first: the older one (a missing or torn copy is the oldest); the
   * backup when they are alike.
   */
  static String firstToWrite(Optional<Stored> latest, Optional<Stored> backup) {
    boolean latestIsOlder =
        latest.isEmpty()
            || (backup.isPresent() && latest.get().computedAt < backup.get().computedAt);
    return latestIsOlder ? StoreLayout.CHECKPOINT : BACKUP;
  }

  /**
   * Polls the store until its checkpoint is at or after T, or the timeout passes; returns the last
   * checkpoint time read (at or after T when reached), or Long.MIN_VALUE when none was published.
   */
  public static long awaitAtOrAfter(ObjectStore store, long t, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    long last = Long.MIN_VALUE;
    while (true) {
      Optional<Stored> stored = read(store);
      if (stored.isPresent()) {
        last = stored.get().time;
        if (last >= t) {
          return last;
        }
      }
      if (System.currentTimeMillis() >= deadline) {
        return last;
      }
      Thread.sleep(200);
    }
  }

  /** The newest whole checkpoint, or empty when none was ever written. */
  public static Optional<Stored> read(ObjectStore store) throws IOException {
    Optional<Stored> latest = readOne(store, StoreLayout.CHECKPOINT);
    Optional<Stored> backup = readOne(store, BACKUP);
    if (latest.isPresent() && backup.isPresent()) {
      return latest.get().computedAt >= backup.get().computedAt ? latest : backup;
    }
    return latest.isPresent() ? latest : backup;
  }

  private static Optional<Stored> readOne(ObjectStore store, String key) throws IOException {
    byte[] bytes;
    try {
      bytes = store.read(key);
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
    try {
      Stored s = Json.MAPPER.readValue(bytes, Stored.class);
      return s.checksum != null && s.checksum.equals(s.computeChecksum())
          ? Optional.of(s)
          : Optional.empty();
    } catch (IOException e) {
      return Optional
          .empty(); // torn: being rewritten, or a crash mid-write; the other copy is whole
    }
  }
}
