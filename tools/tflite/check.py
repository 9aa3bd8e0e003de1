#!/usr/bin/env python3
"""Checks TFLite files written by the SDK with TensorFlow's own interpreter.

Every *.tflite file in the given folders (for example a LiteRT graph cache: -Dmobiedit.litert.graphCache=DIR) is
loaded, its tensors allocated, its int32 inputs filled with seeded token ids within the vocabulary (read from the
first output's last axis) or positions within the row, and its float inputs with small seeded values; then it is
invoked and its outputs must be finite. (For capture and prefix graphs, the "vocabulary" read from the first output
is a hidden size, a smaller range of valid ids.)

    tools/tflite/.venv/bin/python tools/tflite/check.py DIR...

Exit status 1 if any file fails. Set up the environment with:
    python3 -m venv tools/tflite/.venv && tools/tflite/.venv/bin/pip install -r tools/tflite/requirements.txt
"""
import pathlib
import sys

import numpy as np
import tensorflow as tf


def check(path: pathlib.Path) -> str:
    interpreter = tf.lite.Interpreter(model_path=str(path))
    interpreter.allocate_tensors()
    inputs = {d["name"]: d for d in interpreter.get_input_details()}
    vocab = interpreter.get_output_details()[0]["shape"][-1]
    # the row's positions: tokens [T] in forward/prefix/capture graphs, suffix_residual [S, hidden] in resume graphs
    row = inputs["tokens"]["shape"][0] if "tokens" in inputs else inputs["suffix_residual"]["shape"][0]
    rng = np.random.default_rng(7)
    for detail in interpreter.get_input_details():
        shape = detail["shape"]
        if detail["dtype"] == np.int32:
            if detail["name"] == "tokens":
                values = rng.integers(0, vocab, size=shape, dtype=np.int32)
            else:  # logit positions: within the row
                values = rng.integers(0, row, size=shape, dtype=np.int32)
        else:
            values = (rng.standard_normal(shape) * 0.1).astype(detail["dtype"])
        interpreter.set_tensor(detail["index"], values)
    interpreter.invoke()
    shapes = []
    for detail in interpreter.get_output_details():
        out = interpreter.get_tensor(detail["index"])
        if not np.all(np.isfinite(out)):
            raise ValueError(f"output {detail['name']} has non-finite values")
        shapes.append(f"{detail['name']}{list(out.shape)}")
    return ", ".join(shapes)


def main(folders):
    files = sorted(p for f in folders for p in pathlib.Path(f).glob("*.tflite"))
    if not files:
        print("no .tflite files in", folders)
        return 1
    failed = 0
    for p in files:
        try:
            print(f"ok    {p.name}: {check(p)}")
        except Exception as e:  # report every file, then fail
            failed += 1
            print(f"FAIL  {p.name}: {e}")
    print(f"{len(files) - failed}/{len(files)} files load and run in TensorFlow {tf.__version__}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
