package io.rewind.restore;

import java.io.IOException;
import java.util.List;

/**
 * Merges cursors, each in (key, offset) order, into one in that order: a binary heap of the cursors
 * by their current entry, so each entry costs about log2(cursors) comparisons. Closing it closes
 * every cursor.
 */
final class RunMerger implements EntryCursor {

  private final EntryCursor[] cursors;
  private final int[] heap;
  private int size;
  private boolean started;

  RunMerger(List<? extends EntryCursor> cursors) {
    this.cursors = cursors.toArray(new EntryCursor[0]);
    this.heap = new int[this.cursors.length];
  }

  @Override
  public boolean next() throws IOException {
    if (!started) {
      started = true;
      for (int i = 0; i < cursors.length; i++) {
        if (cursors[i].next()) {
          heap[size++] = i;
        }
      }
      for (int i = size / 2 - 1; i >= 0; i--) {
        siftDown(i);
      }
      return size > 0;
    }
    if (size == 0) {
      return false;
    }
    if (!cursors[heap[0]].next()) {
      heap[0] = heap[--size];
    }
    if (size > 0) {
      siftDown(0);
    }
    return size > 0;
  }

  private void siftDown(int at) {
    int moving = heap[at];
    while (true) {
      int child = 2 * at + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && less(heap[child + 1], heap[child])) {
        child++;
      }
      if (!less(heap[child], moving)) {
        break;
      }
      heap[at] = heap[child];
      at = child;
    }
    heap[at] = moving;
  }

  /** Equal entries come out in cursor order, so merging is stable across the runs given. */
  private boolean less(int a, int b) {
    int c = EntryCursor.compare(cursors[a], cursors[b]);
    return c < 0 || (c == 0 && a < b);
  }

  private EntryCursor top() {
    return cursors[heap[0]];
  }

  @Override
  public byte[] buffer() {
    return top().buffer();
  }

  @Override
  public int keyOffset() {
    return top().keyOffset();
  }

  @Override
  public int keyLength() {
    return top().keyLength();
  }

  @Override
  public long offset() {
    return top().offset();
  }

  @Override
  public int valueOffset() {
    return top().valueOffset();
  }

  @Override
  public int valueLength() {
    return top().valueLength();
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (EntryCursor c : cursors) {
      try {
        c.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
