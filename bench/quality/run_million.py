"""D = 10^6 on one machine (issue 23): a default `gfs select` on N = 1 000 rows x 10^6 float32
columns (4 GB of data), its peak resident memory, time and kept set, beside ANOVA-F handed k.

The data (drawn once into --cache, the same on every machine for a seed):
  x: N x D standard normal (float32, drawn row block by row block, so drawing needs ~0.5 GB);
  10 linear columns with effects 0.5, 0.58, ..., 1.2 (alternating sign) and one product pair (a, b):
      f = sum_j beta_j x_j + x_a x_b,   y = 1[f + N(0, 1) > 0]   (two classes)
  at column positions drawn by the seed. Informative: the 12 columns.

Peak memory is the process's maximum resident set (getrusage of the child, ru_maxrss), which
counts the table the reader allocates, the fit's working memory and the result's arrays.

Usage:
  python3 bench/quality/run_million.py --gfs build/src/cli/gfs --out bench/results/wide/<dir> \
      [--cache .cache/million] [--rows 1000] [--width 1000000] [--variant NAME=ARGS ...]
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

N_LINEAR = 10
ROW_BLOCK = 100


def draw(cache: Path, n: int, d: int, seed: int):
    cache.mkdir(parents=True, exist_ok=True)
    key = f"million_n{n}_d{d}_s{seed}"
    xp, yp, mp = cache / f"{key}_X.npy", cache / f"{key}_y.npy", cache / f"{key}.json"
    if xp.exists() and yp.exists() and mp.exists():
        return xp, yp, json.loads(mp.read_text())
    rng = np.random.default_rng(seed)
    cols = rng.choice(d, size=N_LINEAR + 2, replace=False)
    linear, (a, b) = cols[:N_LINEAR], cols[N_LINEAR:]
    beta = np.linspace(0.5, 1.2, N_LINEAR) * np.where(np.arange(N_LINEAR) % 2 == 0, 1.0, -1.0)
    x = np.lib.format.open_memmap(xp, mode="w+", dtype=np.float32, shape=(n, d))
    f = np.zeros(n)
    for r in range(0, n, ROW_BLOCK):
        block = rng.standard_normal((min(ROW_BLOCK, n - r), d), dtype=np.float32)
        x[r:r + len(block)] = block
        f[r:r + len(block)] = block[:, linear].astype(np.float64) @ beta + block[:, a].astype(np.float64) * block[:, b]
    x.flush()
    del x
    y = (f + rng.standard_normal(n) > 0).astype(np.int64)
    np.save(yp, y)
    meta = {"n": n, "d": d, "seed": seed, "linear": sorted(int(c) for c in linear), "products": sorted([int(a), int(b)]),
            "beta": [float(v) for v in beta], "class_1_share": float(y.mean())}
    mp.write_text(json.dumps(meta, indent=1))
    return xp, yp, meta


def run_gfs(gfs: str, xp: Path, yp: Path, extra: list[str], out: Path) -> dict:
    cmd = [gfs, "select", "--input", str(xp), "--labels", str(yp), "--output", str(out), "--quiet", *extra]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage: ru_maxrss in KiB
    wall = time.perf_counter() - t0
    rc = os.waitstatus_to_exitcode(status)
    if rc != 0:
        raise SystemExit(f"gfs failed ({rc}): {' '.join(cmd)}\n{err}")
    res = json.loads(out.read_text())
    return {"cmd": " ".join(shlex.quote(c) for c in cmd), "wall_s": wall, "fit_s": res.get("fit_seconds"),
            "peak_rss_gib": usage.ru_maxrss / 2**20,
            "selected": res["selected"], "ranking_top": res["ranking"][:40],
            "prescreen_columns": res.get("prescreen_columns")}


def score(selected, truth) -> dict:
    s = set(selected)
    hit = len(s & set(truth))
    return {"kept": len(s), "precision": hit / len(s) if s else None, "recall": hit / len(truth)}


def anova_top(xp: Path, yp: Path, k: int) -> tuple[list[int], float]:
    """ANOVA-F (two classes: the pooled t statistic squared) on the memory-mapped table, by blocks."""
    t0 = time.perf_counter()
    x = np.load(xp, mmap_mode="r")
    y = np.load(yp).astype(bool)
    n1, n0 = y.sum(), (~y).sum()
    f = np.empty(x.shape[1])
    for c in range(0, x.shape[1], 50_000):
        blk = np.asarray(x[:, c:c + 50_000], dtype=np.float64)
        m1, m0 = blk[y].mean(0), blk[~y].mean(0)
        v = (((blk[y] - m1) ** 2).sum(0) + ((blk[~y] - m0) ** 2).sum(0)) / (len(y) - 2)
        f[c:c + blk.shape[1]] = (m1 - m0) ** 2 / (v * (1 / n1 + 1 / n0))
    return [int(i) for i in np.argsort(-f, kind="stable")[:k]], time.perf_counter() - t0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--gfs", required=True)
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--cache", type=Path, default=Path(".cache/million"))
    p.add_argument("--rows", type=int, default=1000)
    p.add_argument("--width", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=20261207)
    p.add_argument("--variant", action="append", default=[], help="NAME=EXTRA ARGS for gfs select (default: defaults)")
    a = p.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    xp, yp, meta = draw(a.cache, a.rows, a.width, a.seed)
    print(f"data {xp} ({os.path.getsize(xp) / 2**30:.2f} GiB) ready in {time.perf_counter() - t0:.0f} s", flush=True)
    truth = meta["linear"] + meta["products"]
    rows = []
    variants = [("default", [])] + [(v.split("=", 1)[0], shlex.split(v.split("=", 1)[1])) for v in a.variant]
    for name, extra in variants:
        r = run_gfs(a.gfs, xp, yp, extra, a.out / f"result_{name}.json")
        r.update(score(r["selected"], truth), variant=name,
                 linear_found=len(set(r["selected"]) & set(meta["linear"])),
                 products_found=len(set(r["selected"]) & set(meta["products"])))
        rows.append(r)
        print(json.dumps({k: r[k] for k in ("variant", "wall_s", "fit_s", "peak_rss_gib", "kept", "precision", "recall",
                                              "linear_found", "products_found")}), flush=True)
    top, secs = anova_top(xp, yp, len(truth))
    an = score(top, truth)
    an.update(variant="anova_f_top_k", wall_s=secs)
    rows.append(an)
    print(json.dumps(an), flush=True)
    (a.out / "million.json").write_text(json.dumps({"meta": meta, "runs": rows, "argv": sys.argv}, indent=1))


if __name__ == "__main__":
    main()
