#!/usr/bin/env python3
"""Regenerates the small committed test files (deterministic; numpy only).

small.csv            90 rows: f0..f5 and a 3-class "label" (f1 and f4 carry the signal)
small_x.npy          the same features, float32 [90, 6];  small_y.npy: int64 labels [90]
small-images-idx3-ubyte.gz / small-labels-idx1-ubyte.gz: 90 "images" of 2 x 3 ubyte + labels
small.libsvm         the same rows, sparse (zeros left out), labels 0..2
regression.csv       60 rows: a, b, c, d and a real-valued target "y" = 2a - c + noise
iris_like.csv        30 rows with text classes in "species"
"""
import gzip
import struct

import numpy as np

rng = np.random.default_rng(7)
n, d = 90, 6
y = np.arange(n) % 3
x = rng.standard_normal((n, d)).astype(np.float32)
x[:, 1] += 1.5 * (y - 1)
x[:, 4] += 1.5 * np.where(y == 2, -1.0, 0.5)
x = np.round(x, 4).astype(np.float32)

with open("small.csv", "w") as f:
    f.write(",".join([f"f{j}" for j in range(d)] + ["label"]) + "\n")
    for row, lab in zip(x, y):
        f.write(",".join(f"{v:.4f}" for v in row) + f",{lab}\n")
np.save("small_x.npy", x)
np.save("small_y.npy", y.astype(np.int64))

img = np.clip(np.round((x + 3) * 40), 0, 255).astype(np.uint8).reshape(n, 2, 3)
with gzip.GzipFile("small-images-idx3-ubyte.gz", "wb", mtime=0) as f:
    f.write(struct.pack(">BBBBIII", 0, 0, 0x08, 3, n, 2, 3) + img.tobytes())
with gzip.GzipFile("small-labels-idx1-ubyte.gz", "wb", mtime=0) as f:
    f.write(struct.pack(">BBBBI", 0, 0, 0x08, 1, n) + y.astype(np.uint8).tobytes())

with open("small.libsvm", "w") as f:
    f.write("# 90 rows, 6 features, labels 0..2\n")
    for row, lab in zip(x, y):
        pairs = " ".join(f"{j + 1}:{v:.4f}" for j, v in enumerate(row) if v != 0)
        f.write(f"{lab} {pairs}\n")

m = 60
r = rng.standard_normal((m, 4)).astype(np.float32)
t = 2 * r[:, 0] - r[:, 2] + 0.1 * rng.standard_normal(m)
with open("regression.csv", "w") as f:
    f.write("a,b,c,d,y\n")
    for row, v in zip(r, t):
        f.write(",".join(f"{u:.4f}" for u in row) + f",{v:.4f}\n")

names = ["setosa", "versicolor", "virginica"]
with open("iris_like.csv", "w") as f:
    f.write("sepal,petal,noise,species\n")
    for i in range(30):
        c = i % 3
        f.write(f"{c + rng.normal(0, .3):.3f},{2 * c + rng.normal(0, .3):.3f},{rng.normal():.3f},{names[c]}\n")
