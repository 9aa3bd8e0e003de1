package org.mobiedit.backend.qnn.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One protocol-buffers message being encoded, field by field, in the wire format the protobuf encoding guide
 * describes: a key ({@code field << 3 | wire type}) then a varint, or a length and bytes (for strings, bytes, nested
 * messages and packed repeated numbers). Only the wire types ONNX's messages use are here.
 *
 * <p>ONNX graphs written by the SDK keep the model's weights out of the message (graph inputs, or an external data
 * file), so a message holds the graph's structure and small constants, and building it in memory is fine.
 */
final class ProtoMessage {
  private static final int VARINT = 0;
  private static final int LENGTH_DELIMITED = 2;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** An int32, int64 or enum field (negative values take ten bytes, as the format requires). */
  ProtoMessage varint(int field, long value) {
    key(field, VARINT);
    writeVarint(value);
    return this;
  }

  /** A string field, UTF-8. */
  ProtoMessage string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A bytes field. */
  ProtoMessage bytes(int field, byte[] value) {
    key(field, LENGTH_DELIMITED);
    writeVarint(value.length);
    out.write(value, 0, value.length);
    return this;
  }

  /** A nested message field. */
  ProtoMessage message(int field, ProtoMessage value) {
    return bytes(field, value.toByteArray());
  }

  /** A packed repeated int64 field (also right for int32). */
  ProtoMessage packedVarints(int field, long[] values) {
    ProtoMessage packed = new ProtoMessage();
    for (long v : values) {
      packed.writeVarint(v);
    }
    return bytes(field, packed.toByteArray());
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void key(int field, int wireType) {
    writeVarint(((long) field << 3) | wireType);
  }

  private void writeVarint(long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
