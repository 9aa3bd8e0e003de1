package org.mobiedit.backend.litert.tflite;

import java.nio.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import org.mobiedit.backend.graph.ConstantData;

/**
 * A written TFLite model: the FlatBuffer (operators, tensors, and buffers that say where their data is) followed by
 * the constants' data, each at the 64-byte aligned offset its buffer names. Keeping the data outside the FlatBuffer is
 * what the schema's {@code Buffer.offset}/{@code Buffer.size} fields are for: a FlatBuffer cannot exceed 2 GB, and the
 * float32 weights of a 0.5B model already do.
 *
 * <p>Nothing is concatenated in the Java heap: {@link #writeTo} streams the parts to a file, producing each constant's
 * bytes only then, and the runtime maps that file.
 */
public final class TfliteFile {
  /** Alignment of every constant's data from the start of the file. */
  public static final int ALIGNMENT = 64;

  /** One contiguous piece of the file: the FlatBuffer (offset 0) or one constant's data. */
  public record Part(long offset, ConstantData data) {}

  private final List<Part> parts;
  private final long size;

  TfliteFile(List<Part> parts) {
    this.parts = List.copyOf(parts);
    Part last = this.parts.get(this.parts.size() - 1);
    this.size = last.offset() + last.data().size();
  }

  /** The parts in file order; the gaps between them are zero padding. */
  public List<Part> parts() {
    return parts;
  }

  /** The file's length in bytes. */
  public long size() {
    return size;
  }

  /** Streams the file, padding included, to {@code out}. */
  public void writeTo(WritableByteChannel out) throws IOException {
    long at = 0;
    ByteBuffer zeros = ByteBuffer.allocate(ALIGNMENT);
    for (Part p : parts) {
      while (at < p.offset()) {
        ((Buffer) zeros).clear().limit((int) Math.min(ALIGNMENT, p.offset() - at));
        at += write(out, zeros);
      }
      p.data().writeTo(out);
      at += p.data().size();
    }
  }

  private static int write(WritableByteChannel out, ByteBuffer b) throws IOException {
    int n = b.remaining();
    ConstantData.drain(out, b);
    return n;
  }

  static long align(long offset) {
    return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }
}
