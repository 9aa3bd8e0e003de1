package org.mobiedit.backend.qnn.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The protobuf wire format as the encoding guide gives it, byte for byte. */
class ProtoMessageTest {
  private static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  @Test
  void varintsUseSevenBitGroupsLowFirst() {
    assertThat(new ProtoMessage().varint(1, 150).toByteArray()).isEqualTo(bytes(0x08, 0x96, 0x01));
    assertThat(new ProtoMessage().varint(2, 0).toByteArray()).isEqualTo(bytes(0x10, 0x00));
    // a negative int64 takes ten bytes (two's complement, no zigzag for int32/int64 fields)
    assertThat(new ProtoMessage().varint(1, -1).toByteArray())
        .isEqualTo(bytes(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01));
    // field numbers above 15 need a two-byte key
    assertThat(new ProtoMessage().varint(20, 7).toByteArray()).isEqualTo(bytes(0xa0, 0x01, 0x07));
  }

  @Test
  void lengthDelimitedFieldsCarryTheirLength() {
    assertThat(new ProtoMessage().string(2, "testing").toByteArray())
        .isEqualTo(bytes(0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'));
    ProtoMessage inner = new ProtoMessage().varint(1, 150);
    assertThat(new ProtoMessage().message(3, inner).toByteArray()).isEqualTo(bytes(0x1a, 0x03, 0x08, 0x96, 0x01));
    assertThat(new ProtoMessage().packedVarints(4, new long[] {3, 270, 86942}).toByteArray())
        .isEqualTo(bytes(0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05));
  }
}
