#!/usr/bin/python3
"""Fit time of a default `gfs select` (and of exact mode up to 1e4) against D: t ~ c D^alpha."""
import json, subprocess, sys, time
import numpy as np
from pathlib import Path
from sklearn.datasets import make_classification
G = sys.argv[1]; out = Path(sys.argv[2]); reps = 2
tmp = Path(".alpha_data"); tmp.mkdir(exist_ok=True)
rows = []
for D in [100, 1000, 10000, 100000]:
    X, y = make_classification(n_samples=1000, n_features=D, n_informative=10, n_redundant=0, n_repeated=0,
                               shuffle=False, random_state=D)
    inf = set(range(10))
    perm = np.random.default_rng(D).permutation(D); X = X[:, perm]; inf = {int(np.nonzero(perm == j)[0][0]) for j in inf}
    np.save(tmp / "X.npy", np.ascontiguousarray(X, dtype=np.float32)); np.save(tmp / "y.npy", y.astype(np.int64)); del X
    for mode, extra in [("default", []), ("exact", ["--set", "exact=true"])]:
        if mode == "exact" and D > 10000: continue
        for r in range(reps):
            t = time.perf_counter()
            subprocess.run([G, "select", "-i", str(tmp / "X.npy"), "--labels", str(tmp / "y.npy"), "-o", str(tmp / "r.json"),
                            "--threads", "2", "--quiet", "--seed", str(r), *extra], check=True)
            wall = time.perf_counter() - t
            res = json.load(open(tmp / "r.json")); sel = set(res["selected"])
            row = {"D": D, "mode": mode, "rep": r, "wall": round(wall, 3), "fit_seconds": round(res["fit_seconds"], 3),
                   "kept": len(sel), "informative": len(sel & inf), "stopped_epoch": res.get("stopped_epoch")}
            print(json.dumps(row), flush=True); rows.append(row)
def alpha(mode):
    pts = [(np.log(r["D"]), np.log(r["fit_seconds"])) for r in rows if r["mode"] == mode]
    x, yv = np.array(pts).T
    a = np.polyfit(x, yv, 1)[0]
    rng = np.random.default_rng(0); boots = []
    for _ in range(2000):
        i = rng.integers(0, len(x), len(x))
        if len(set(x[i])) < 2: continue
        boots.append(np.polyfit(x[i], yv[i], 1)[0])
    lo, hi = np.percentile(boots, [2.5, 97.5])
    return a, lo, hi
for mode in ["default", "exact"]:
    a, lo, hi = alpha(mode)
    print(f"{mode}: alpha {a:.2f} [{lo:.2f}, {hi:.2f}] (bootstrap 95 % CI over the runs)")
with open(out, "w") as f:
    for r in rows: f.write(json.dumps(r) + "\n")
