#!/usr/bin/env python3
"""Feature costs (issue 24): does a dear column lose to a cheap copy of the same signal?

Data: N rows, D standard-normal columns; column 5 is a copy of column 1 with 5 % noise; the class
is [1.2 x1 + x3 - x7 + 0.3 e > 0]. gfs's defaults with feature_cost c on column 1 or on column 5
(the others 1), and without costs; per fit, which of the two copies it keeps.

  python3 bench/quality/run_costs.py --gfs build/src/cli/gfs --out bench/results/costs/DATE
"""
import argparse
import json
import os
import subprocess
import tempfile

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gfs", default="build/src/cli/gfs")
    ap.add_argument("--rows", type=int, default=600)
    ap.add_argument("--width", type=int, default=20)
    ap.add_argument("--costs", default="2,3,5,10")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(3)
    x = rng.normal(size=(a.rows, a.width)).astype(np.float32)
    x[:, 5] = x[:, 1] + 0.05 * rng.normal(size=a.rows)
    y = (1.2 * x[:, 1] + x[:, 3] - x[:, 7] + 0.3 * rng.normal(size=a.rows) > 0).astype(np.float32)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        np.save(os.path.join(tmp, "x.npy"), x)
        np.save(os.path.join(tmp, "y.npy"), y)
        cases = [(None, None)] + [(col, float(c)) for c in a.costs.split(",") for col in (1, 5)]
        for col, cost in cases:
            for seed in (int(s) for s in a.seeds.split(",")):
                out = os.path.join(tmp, "r.json")
                cmd = [a.gfs, "select", "-i", os.path.join(tmp, "x.npy"), "--labels", os.path.join(tmp, "y.npy"),
                       "-o", out, "--quiet", "--seed", str(seed)]
                if col is not None:
                    c = [1.0] * a.width
                    c[col] = cost
                    cmd += ["--set", "feature_cost=" + ",".join(repr(v) for v in c)]
                subprocess.run(cmd, check=True)
                r = json.load(open(out))
                keeps = [j for j in (1, 5) if j in r["selected"]]
                dear_dropped = None if col is None else col not in r["selected"] and (6 - col) in r["selected"]
                rows.append(dict(dear=col, cost=cost, seed=seed, selected=r["selected"], copies_kept=keeps,
                                 dear_dropped=dear_dropped))
                print(json.dumps(rows[-1]), flush=True)
    json.dump(rows, open(os.path.join(a.out, "results.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
