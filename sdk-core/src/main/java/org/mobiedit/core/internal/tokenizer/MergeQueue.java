package org.mobiedit.core.internal.tokenizer;

import java.util.Arrays;

/**
 * The candidate merges of a word, best first: a binary min-heap of longs, each packing an order key (high half,
 * signed: lower merges first) and the start of the pair's left symbol (low half: leftmost first on equal keys).
 * Entries are not removed when a merge makes them stale; the merge loops check each entry as they take it.
 */
final class MergeQueue {
  private long[] heap;
  private int size;

  MergeQueue(int capacity) {
    heap = new long[Math.max(1, capacity)];
  }

  static long entry(int key, int start) {
    return ((long) key << 32) | start;
  }

  static int key(long entry) {
    return (int) (entry >> 32);
  }

  static int start(long entry) {
    return (int) entry;
  }

  /** An order key for a score where higher merges first (as SentencePiece scores): NaN first, as before. */
  static int descending(float score) {
    int bits = Float.floatToIntBits(score);
    int ascending = bits ^ ((bits >> 31) & 0x7fffffff); // signed int order = Float.compare order
    return ~ascending;
  }

  boolean isEmpty() {
    return size == 0;
  }

  long peek() {
    return heap[0];
  }

  void add(long e) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, heap.length * 2);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heap[parent] <= e) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = e;
  }

  long poll() {
    long top = heap[0];
    long last = heap[--size];
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      if (child + 1 < size && heap[child + 1] < heap[child]) {
        child++;
      }
      if (last <= heap[child]) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    if (size > 0) {
      heap[i] = last;
    }
    return top;
  }
}
