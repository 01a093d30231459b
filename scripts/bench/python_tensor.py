"""Child of scripts/bench.ts: numpy's usual expression for a model input, the reference for
scripts/bench/ts_tensor.ts. One W x H RGB frame into a 640x640 float32 NCHW tensor, letterboxed
(nearest resize by index arrays), normalised with ImageNet's mean/std.

    python3 python_tensor.py W H

Prints one JSON line: {"impl": "numpy", "width", "height", "ms"} (median of batches).
"""
import json
import sys
import time

import numpy as np

SIZE = 640
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def to_tensor(frame):
    height, width = frame.shape[:2]
    scale = min(SIZE / width, SIZE / height)
    w, h = round(width * scale), round(height * scale)
    pad_x, pad_y = (SIZE - w) // 2, (SIZE - h) // 2
    ys = np.minimum(((np.arange(h) + 0.5) * (height / h)).astype(np.int64), height - 1)
    xs = np.minimum(((np.arange(w) + 0.5) * (width / w)).astype(np.int64), width - 1)
    canvas = np.zeros((SIZE, SIZE, 3), dtype=np.uint8)
    canvas[pad_y:pad_y + h, pad_x:pad_x + w] = frame[ys][:, xs]
    x = (canvas.astype(np.float32) / 255.0 - MEAN) / STD
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])


def main():
    width, height = int(sys.argv[1]), int(sys.argv[2])
    frame = ((np.arange(width * height * 3) * 7) & 255).astype(np.uint8).reshape(height, width, 3)
    reps = 10
    for _ in range(reps):
        to_tensor(frame)
    ms = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(reps):
            to_tensor(frame)
        ms.append((time.perf_counter() - start) * 1000 / reps)
    ms.sort()
    print(json.dumps({"impl": "numpy", "width": width, "height": height, "ms": ms[3]}))


main()
