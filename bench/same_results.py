#!/usr/bin/env python3
"""Do two builds of `gfs` give the same result.json? For a change meant to leave results as they
were (issue 20's bar: "no behaviour change"), run a set of end-to-end fits with both and compare
every key of result.json but `fit_seconds` (and, with --ignore, any other).

    bench/same_results.py --old OLD/gfs --new NEW/gfs [--old-lib DIR] [--mpirun "mpirun -np 2 ..."]

Each binary runs with its own LD_LIBRARY_PATH (--old-lib / --new-lib: the directory of its
libgfs.so; default: the binary's directory and its ../). The fits (data made here, fixed seeds):
the demo; support validated (the default) on a small-N count table (N 150, D 2 000), on a wide
table with the prescreen (N 1 000, D 10 000) and on a product family (N 1 000, D 1 000); support
stability; exact mode; regression; top-k (target penalty); survival; and with --mpirun, a
feature-parallel default fit (P ranks) against the same fit in one process. Exit 1 on a difference.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile

import numpy as np


def datasets(work):
    """name -> (x path, y path) of the tables the fits read."""
    rng = np.random.default_rng(20261208)
    out = {}

    def save(name, x, y):
        xp, yp = os.path.join(work, name + "_x.npy"), os.path.join(work, name + "_y.npy")
        np.save(xp, x.astype(np.float32))
        np.save(yp, y.astype(np.float32))
        out[name] = (xp, yp)

    # Zero-inflated counts, 8 informative of 2 000, two classes (N = 150).
    n, d = 150, 2000
    y = rng.integers(0, 2, n)
    lam = np.full((n, d), 2.0)
    lam[:, :8] *= np.where(y[:, None] == 1, 2.5, 1.0)
    x = rng.poisson(lam) * (rng.random((n, d)) > 0.4)
    save("counts", x, y)
    # Wide: N = 1 000, D = 10 000, a linear signal in 10 columns (the prescreen runs).
    n, d = 1000, 10000
    x = rng.standard_normal((n, d))
    w = np.zeros(d)
    w[rng.choice(d, 10, replace=False)] = rng.choice([-1.0, 1.0], 10)
    save("wide", x, (x @ w + 0.5 * rng.standard_normal(n) > 0).astype(int))
    # Products: y from x3 x7 + x11 x13 + x20 (N = 1 000, D = 1 000).
    n, d = 1000, 1000
    x = rng.standard_normal((n, d))
    save("products", x, (x[:, 3] * x[:, 7] + x[:, 11] * x[:, 13] + 0.7 * x[:, 20] > 0).astype(int))
    # Regression: y = 2 x0 - x5 + tanh(2 x9) + noise (N = 500, D = 300).
    n, d = 500, 300
    x = rng.standard_normal((n, d))
    save("regression", x, 2 * x[:, 0] - x[:, 5] + np.tanh(2 * x[:, 9]) + 0.3 * rng.standard_normal(n))
    # Survival: Cox risk x0 - x1 + 0.8 x2, exponential times, ~40 % censored (N = 400, D = 200).
    n, d = 400, 200
    x = rng.standard_normal((n, d))
    t = rng.exponential(1.0, n) / np.exp(x[:, 0] - x[:, 1] + 0.8 * x[:, 2])
    c = rng.exponential(2.0, n)
    save("survival", x, np.column_stack([np.minimum(t, c), (t <= c).astype(float)]))
    return out


FITS = [  # (name, data, extra arguments)
    ("validated_counts", "counts", []),
    ("validated_wide_prescreen", "wide", []),
    ("validated_products", "products", []),
    ("stability", "products", ["--support", "stability", "--epochs", "60"]),
    ("exact", "products", ["--set", "exact=true", "--epochs", "60"]),
    ("regression", "regression", ["--task", "regression"]),
    ("top_k", "products", ["--set", "penalty=target", "--set", "target_features=5"]),
    ("survival", "survival", ["--task", "survival"]),
]


def run(binary, lib, args, launch=()):
    env = dict(os.environ, LD_LIBRARY_PATH=lib, OMP_WAIT_POLICY="passive")
    subprocess.run([*launch, binary, *args], check=True, env=env, stdout=subprocess.DEVNULL)


def load(path, ignore):
    with open(path) as f:
        r = json.load(f)
    for k in ("fit_seconds", *ignore):
        r.pop(k, None)
    return r


def differences(a, b):
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def library_dir(binary, given):
    if given:
        return given
    here = os.path.dirname(os.path.abspath(binary))
    return here + os.pathsep + os.path.dirname(here)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--old-lib")
    ap.add_argument("--new-lib")
    ap.add_argument("--mpirun", help='e.g. "mpirun --allow-run-as-root --oversubscribe -np 2"')
    ap.add_argument("--ignore", nargs="*", default=[], help="result.json keys left out of the comparison")
    args = ap.parse_args()
    libs = {"old": library_dir(args.old, args.old_lib), "new": library_dir(args.new, args.new_lib)}
    bins = {"old": args.old, "new": args.new}
    failed = 0
    with tempfile.TemporaryDirectory() as work:
        data = datasets(work)
        base = ["--quiet", "--threads", "2", "--seed", "3", "--device", "cpu"]
        for name, which, extra in [("demo", None, [])] + FITS:
            results = {}
            for side in ("old", "new"):
                out = os.path.join(work, f"{name}_{side}.json")
                if which is None:  # the demo prints its result: compare the text
                    env = dict(os.environ, LD_LIBRARY_PATH=libs[side], OMP_WAIT_POLICY="passive")
                    text = subprocess.run([bins[side], "demo", "--quiet"], check=True, env=env,
                                          capture_output=True, text=True).stdout
                    results[side] = {"output": [l for l in text.splitlines() if not l.startswith("fit:")]}
                    continue
                else:
                    x, y = data[which]
                    run(bins[side], libs[side], ["select", "-i", x, "--labels", y, "-o", out, *base, *extra])
                results[side] = load(out, args.ignore)
            diff = differences(results["old"], results["new"])
            failed += bool(diff)
            print(f"{name:28s} {'identical' if not diff else 'DIFFERENT: ' + ', '.join(diff)}")
        if args.mpirun:
            x, y = data["wide"]
            one, split = os.path.join(work, "one.json"), os.path.join(work, "split.json")
            common = ["select", "-i", x, "--labels", y, *base[:1], "--threads", "1", "--seed", "3", "--device", "cpu"]
            run(args.new, libs["new"], [*common, "-o", one])
            run(args.new, libs["new"], [*common, "-o", split], launch=shlex.split(args.mpirun))
            a, b = load(one, args.ignore), load(split, args.ignore)
            diff = [k for k in differences(a, b) if k not in ("ranks", "rank_columns")]
            failed += bool(diff)
            print(f"{'mpi_default_vs_one_process':28s} {'identical' if not diff else 'DIFFERENT: ' + ', '.join(diff)}"
                  f" (ranks {b.get('ranks')})")
    print("all identical" if not failed else f"{failed} fit(s) differ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
