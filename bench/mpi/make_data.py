#!/usr/bin/env python3
"""Writes x.npy [N, D] float32 and y.npy [N] float32 (two classes from columns 1, D/2, D-2) with the
standard library only, for the MPI scaling runs: make_data.py N D OUTDIR."""
import array
import os
import random
import sys


def save_npy(path, values, shape):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % (
        ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else ""))
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode())
        values.tofile(f)


def main():
    n, d, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(n * 1_000_003 + d)
    x = array.array("f")
    y = array.array("f")
    for _ in range(n):
        row = [rng.gauss(0.0, 1.0) for _ in range(d)]
        x.extend(row)
        y.append(1.0 if row[1] - row[d // 2] + 0.5 * row[d - 2] > 0 else 0.0)
    save_npy(os.path.join(out, "x.npy"), x, (n, d))
    save_npy(os.path.join(out, "y.npy"), y, (n,))


if __name__ == "__main__":
    main()
