package org.mobiedit.backend.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Shape inference and operand checks of the format-neutral graph. */
class GraphTest {

  @Test
  void operatorsInferTheirShapes() {
    Graph g = new Graph();
    Graph.Tensor x = g.input("x", TensorType.FLOAT32, 2, 3, 8);
    Graph.Tensor w = g.weight("w", new int[] {5, 8}, () -> new float[40]);
    assertThat(g.fullyConnected(x, w, null).shape()).containsExactly(2, 3, 5);
    assertThat(g.add(x, g.constant("c", new int[] {8}, new float[8])).shape()).containsExactly(2, 3, 8);
    assertThat(g.transpose(x, 2, 0, 1).shape()).containsExactly(8, 2, 3);
    assertThat(g.slice(x, new int[] {0, 1, 2}, new int[] {2, 2, 4}).shape()).containsExactly(2, 2, 4);
    assertThat(g.concat(-1, x, x).shape()).containsExactly(2, 3, 16);
    assertThat(g.meanLastAxis(x).shape()).containsExactly(2, 3, 1);
    Graph.Tensor idx = g.input("i", TensorType.INT32, 4);
    assertThat(g.gather(x, idx, 1).shape()).containsExactly(2, 4, 8);
    Graph.Tensor b = g.input("b", TensorType.FLOAT32, 1, 3, 8);
    assertThat(g.batchMatMul(x, b, true).shape()).containsExactly(2, 3, 3);
  }

  @Test
  void badOperandsAreRefusedWhenBuilt() {
    Graph g = new Graph();
    Graph.Tensor x = g.input("x", TensorType.FLOAT32, 2, 3);
    assertThatThrownBy(() -> g.add(x, g.input("y", TensorType.FLOAT32, 4))).hasMessageContaining("broadcast");
    assertThatThrownBy(() -> g.reshape(x, 7)).hasMessageContaining("holds");
    assertThatThrownBy(() -> g.slice(x, new int[] {1, 0}, new int[] {2, 3})).hasMessageContaining("slice out of");
    assertThatThrownBy(() -> g.fullyConnected(x, g.weight("w", new int[] {4, 5}, () -> new float[20]), null))
        .hasMessageContaining("fully connected");
    assertThatThrownBy(() -> g.weightInt8("q", new int[] {2, 2}, new byte[4], new float[3]))
        .hasMessageContaining("3 scales for 2 channels");
  }

  @Test
  void weightsAreMarkedAndGraphConstantsAreNot() {
    Graph g = new Graph();
    Graph.Tensor w = g.weightInt8("w", new int[] {2, 2}, new byte[4], new float[] {1, 2});
    Graph.Tensor c = g.constant("mask", new int[] {2}, new float[2]);
    assertThat(g.tensors().get(w.index()).modelWeight()).isTrue();
    assertThat(g.tensors().get(w.index()).scales()).containsExactly(1, 2);
    assertThat(g.tensors().get(c.index()).modelWeight()).isFalse();
    Graph.Tensor out = g.dequantize(w);
    g.output(out);
    assertThat(g.nodes()).singleElement().satisfies(n -> {
      assertThat(n.op()).isEqualTo(GraphOp.DEQUANTIZE);
      assertThat(n.output()).isEqualTo(out.index());
    });
    assertThat(g.outputs()).containsExactly(out.index());
  }
}
