package io.rewind.restore;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An external sort of entries by (key, offset) in bounded memory: entries fill an {@link
 * EntryArena}; a full arena is sorted and written as a {@link SortedRun} to the spill directory;
 * {@link #sorted()} merges the runs with what the arena still holds. Without a spill the result is
 * the sorted arena itself: no file. With more runs than {@link #MAX_OPEN_RUNS} they are first
 * merged into fewer, so at most that many files are open at once. Run files are deleted as soon as
 * they are merged and by {@link #close()}. Not thread-safe: one per partition being replayed.
 */
final class EditSorter implements AutoCloseable {

  /** Runs read at once: each holds a read buffer while the runs are merged. */
  static final int MAX_OPEN_RUNS = 64;

  static final int READ_BUFFER = 64 * 1024;

  private final EntryArena arena;
  private final SpillDirectory spill;
  private final int maxOpenRuns;

  /** The runs to merge, in the order written. */
  private final List<Path> runs = new ArrayList<>();

  /** Every run file this sorter created, deleted at {@link #close()} whatever became of it. */
  private final List<Path> written = new ArrayList<>();

  /** Runs taken with {@link #addRun}, not written by this sorter. */
  private int external;

  private EntryCursor result;
  private long spilledBytes;

  EditSorter(long memoryBytes, SpillDirectory spill) {
    this(memoryBytes, spill, MAX_OPEN_RUNS);
  }

  /**
   * @param maxOpenRuns at least 3 (two runs and the arena): tests use few to force several merge
   *     passes
   */
  EditSorter(long memoryBytes, SpillDirectory spill, int maxOpenRuns) {
    if (maxOpenRuns < 3) {
      throw new IllegalArgumentException(
          "a merge beside the arena needs at least 3 open runs, not " + maxOpenRuns);
    }
    this.arena = new EntryArena(memoryBytes);
    this.spill = spill;
    this.maxOpenRuns = maxOpenRuns;
  }

  /**
   * Takes an entry (a null key sorts as an empty one), spilling the arena first when it is full.
   */
  void add(ByteBuffer key, long offset, ByteBuffer value) throws IOException {
    if (!arena.add(key, offset, value)) {
      spillArena();
      arena.add(key, offset, value);
    }
  }

  /**
   * Takes a run already sorted by (key, offset), written elsewhere (a bulk load's cells): merged
   * with the rest by {@link #sorted()}, deleted by {@link #close()}.
   */
  void addRun(Path run) {
    runs.add(run);
    written.add(run);
    external++;
  }

  /**
   * Every entry added, in (key, offset) order; call once, after the last {@link #add}. The cursor
   * reads the arena and the runs in place: close the sorter (which closes it) when done.
   */
  EntryCursor sorted() throws IOException {
    if (runs.isEmpty()) {
      result = arena.sorted();
      return result;
    }
    // Leave one open slot for the arena, merged in memory with the runs.
    spilledBytes += SortedRun.reduce(runs, maxOpenRuns - 1, this::newRun, READ_BUFFER);
    List<EntryCursor> cursors = SortedRun.readAll(runs, READ_BUFFER);
    cursors.add(arena.sorted());
    result = new RunMerger(cursors);
    return result;
  }

  /** Runs written (each full arena, then each merge of runs into one). */
  int runsWritten() {
    return written.size() - external;
  }

  /** Bytes written to run files. */
  long spilledBytes() {
    return spilledBytes;
  }

  private void spillArena() throws IOException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("restore interrupted while sorting");
    }
    Path run = newRun();
    spilledBytes += SortedRun.write(run, arena.sorted());
    runs.add(run);
    arena.clear();
  }

  private Path newRun() {
    Path run = spill.newFile("run-");
    written.add(run);
    return run;
  }

  /** Closes the sorted cursor and deletes every run file left. */
  @Override
  public void close() throws IOException {
    try {
      if (result != null) {
        result.close();
      }
    } finally {
      for (Path run : written) {
        Files.deleteIfExists(run);
      }
      runs.clear();
    }
  }
}
