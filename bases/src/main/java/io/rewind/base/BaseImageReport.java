package io.rewind.base;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** What one `rewind base` of a table did (printed by the CLI, human and --json). */
@JsonPropertyOrder({
  "table",
  "id",
  "snapshot",
  "startedAt",
  "completedAt",
  "replayAfter",
  "files",
  "filesCopied",
  "filesReused",
  "bytes",
  "bytesCopied",
  "bytesReused",
  "storedBytesWritten",
  "durationMs",
  "copyMs",
  "copyMbPerSec",
  "threads"
})
public final class BaseImageReport {
  public String table;
  public String id;
  public String snapshot;
  public long startedAt;
  public long completedAt;
  public long replayAfter;
  public int files;
  public int filesCopied;
  public int filesReused;

  /** Bytes of every HFile the base names (what a naive full copy would store). */
  public long bytes;

  public long bytesCopied;
  public long bytesReused;

  /** Bytes written to the store by this base (compressed). */
  public long storedBytesWritten;

  public long durationMs;

  /** Time spent copying HFiles (the snapshot itself excluded). */
  public long copyMs;

  /** HFile bytes copied per second of copy time, in MB (10^6 bytes). */
  public double copyMbPerSec;

  public int threads;

  /** The epoch of the table's lease the base was committed under. */
  public long leaseEpoch;

  /** Where the HFiles were copied: local (this process's threads) or mapreduce (a map-only job). */
  public String copyEngine;
}
