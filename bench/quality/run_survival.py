#!/usr/bin/env python3
"""Survival selection (issue 25): gfs --task survival against a univariate Cox score test handed k,
a Cox elastic net and (--rsf) a random survival forest's permutation importance (scikit-survival),
on synthetic Cox data with known informative columns.

Data: x ~ N(0, 1) [N, D]; risk eta = sum_j b_j x_j over 8 columns (|b| in [0.5, 1]) plus 0.8 x_8 x_9
(columns 8 and 9 act through their product only): 10 informative columns. Times from an exponential
or a Weibull (shape 1.5) baseline, censored by an independent exponential whose rate is tuned to the
asked share. Reported per method: precision, recall, Harrell's C on an independent test set of a
Cox model (sksurv CoxPHSurvivalAnalysis, alpha 0.01) fitted on the kept columns (c_index), and of a
second-order Cox model on them (c_index_pairs: the kept columns and every product of two of them,
so a pair acting through its product can count; same alpha), and time.

  PYTHONPATH=/tmp/sksurv_pkgs python3 bench/quality/run_survival.py --gfs build/src/cli/gfs \
      --shapes 1000x1000 --out bench/results/survival/DATE
"""
import argparse
import json
import os
import subprocess
import tempfile
import time

import numpy as np
from sksurv.ensemble import RandomSurvivalForest
from sksurv.linear_model import CoxnetSurvivalAnalysis, CoxPHSurvivalAnalysis
from sksurv.metrics import concordance_index_censored

K = 10


def make_data(n, d, baseline, censored, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2 * n, d)).astype(np.float32)  # the second half is the test set
    b = rng.uniform(0.5, 1.0, size=8) * rng.choice([-1, 1], size=8)
    eta = x[:, :8] @ b + 0.8 * x[:, 8] * x[:, 9]
    u = rng.uniform(size=2 * n)
    shape = 1.0 if baseline == "exponential" else 1.5
    t = (-np.log(u) / np.exp(eta)) ** (1.0 / shape)  # S(t) = exp(-t^shape e^eta)
    # The censoring rate giving the asked share, by bisection on the draws themselves.
    e = rng.exponential(size=2 * n)
    lo, hi = 1e-6, 1e6
    for _ in range(100):
        mid = np.sqrt(lo * hi)
        (lo, hi) = (mid, hi) if np.mean(e / mid < t) < censored else (lo, mid)
    c = e / np.sqrt(lo * hi)
    time_ = np.minimum(t, c)
    event = t <= c
    return x[:n], time_[:n], event[:n], x[n:], time_[n:], event[n:]


def score_test(x, time_, event):
    """|z| of each column's univariate Cox score test at beta = 0 (Breslow), in O(N D)."""
    order = np.argsort(-time_, kind="stable")
    xs, ts, es = x[order].astype(np.float64), time_[order], event[order]
    csum, csq = np.cumsum(xs, axis=0), np.cumsum(xs**2, axis=0)
    n_risk = np.arange(1, len(ts) + 1, dtype=np.float64)
    # Ties: every row of a time uses the risk set of the time's last row (all rows with t >= it).
    last = np.searchsorted(-ts, -ts, side="right") - 1
    mean = csum[last] / n_risk[last][:, None]
    var = csq[last] / n_risk[last][:, None] - mean**2
    u = ((xs - mean) * es[:, None]).sum(axis=0)
    info = (var * es[:, None]).sum(axis=0)
    return np.abs(u) / np.sqrt(np.maximum(info, 1e-300))


def surv(time_, event):
    y = np.empty(len(time_), dtype=[("event", bool), ("time", float)])
    y["event"], y["time"] = event, time_
    return y


def with_pairs(z):
    """The columns of z and the product of every two of them."""
    a, b = np.triu_indices(z.shape[1], k=1)
    return np.hstack([z, z[:, a] * z[:, b]])


def downstream_c(cols, x, t, e, xt, tt, et, pairs=False):
    if len(cols) == 0:
        return 0.5
    z, zt = x[:, cols].astype(np.float64), xt[:, cols].astype(np.float64)
    if pairs:
        z, zt = with_pairs(z), with_pairs(zt)
    model = CoxPHSurvivalAnalysis(alpha=0.01).fit(z, surv(t, e))
    return float(concordance_index_censored(et, tt, model.predict(zt))[0])


def c_indices(cols, *data):
    return dict(c_index=downstream_c(cols, *data), c_index_pairs=downstream_c(cols, *data, pairs=True))


def rsf_importance(x, t, e, seed):
    """Random survival forest importance: 100 trees fitted on 70 % of the training rows, each
    column's permutation importance (the drop of Harrell's C, one repeat) on the other 30 %. The
    test set is not touched."""
    from sklearn.inspection import permutation_importance

    rng = np.random.default_rng(seed)
    order = rng.permutation(len(t))
    fit, held = order[: int(0.7 * len(t))], order[int(0.7 * len(t)):]
    forest = RandomSurvivalForest(n_estimators=100, min_samples_leaf=15, max_features="sqrt", n_jobs=2,
                                  random_state=seed).fit(x[fit], surv(t[fit], e[fit]))
    imp = permutation_importance(forest, x[held], surv(t[held], e[held]), n_repeats=1, random_state=seed, n_jobs=2)
    return imp.importances_mean


def run_gfs(gfs, x, t, e, task="survival"):
    with tempfile.TemporaryDirectory() as tmp:
        np.save(os.path.join(tmp, "x.npy"), x)
        y = np.column_stack([t, e]).astype(np.float32) if task == "survival" else e.astype(np.float32)
        np.save(os.path.join(tmp, "y.npy"), y)
        out = os.path.join(tmp, "r.json")
        cmd = [gfs, "select", "-i", os.path.join(tmp, "x.npy"), "--labels", os.path.join(tmp, "y.npy"), "--task",
               task, "-o", out, "--quiet", "--seed", "0"]
        start = time.perf_counter()
        subprocess.run(cmd, check=True)
        wall = time.perf_counter() - start
        r = json.load(open(out))
    return r["selected"], r["fit_seconds"], wall


def quality(cols, truth):
    hits = len(set(cols) & set(truth))
    return (hits / len(cols) if cols else 0.0), hits / len(truth)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gfs", default="build/src/cli/gfs")
    ap.add_argument("--shapes", default="1000x1000", help="NxD,NxD,...")
    ap.add_argument("--baselines", default="exponential,weibull")
    ap.add_argument("--censoring", default="0.5")
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--coxnet-max-d", type=int, default=1000, help="skip the elastic net above this width")
    ap.add_argument("--rsf", action="store_true",
                    help="also a random survival forest's permutation importance handed k (slow; up to --rsf-max-d)")
    ap.add_argument("--rsf-max-d", type=int, default=1000)
    ap.add_argument("--time-classification", action="store_true",
                    help="also time a default classification fit of the same shape (y = the event flag)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rows = []
    truth = list(range(K))
    for shape in a.shapes.split(","):
        n, d = (int(v) for v in shape.split("x"))
        for baseline in a.baselines.split(","):
            for cens in (float(c) for c in a.censoring.split(",")):
                for seed in (int(s) for s in a.seeds.split(",")):
                    x, t, e, xt, tt, et = make_data(n, d, baseline, cens, seed)
                    first = len(rows)
                    base = dict(n=n, d=d, baseline=baseline, censoring=round(1 - float(e.mean()), 3), seed=seed)
                    sel, fit_s, wall = run_gfs(a.gfs, x, t, e)
                    p, r = quality(sel, truth)
                    data = (x, t, e, xt, tt, et)
                    rows.append(dict(base, method="gfs", precision=p, recall=r, kept=len(sel), **c_indices(sel, *data),
                                     seconds=fit_s, wall=wall))
                    start = time.perf_counter()
                    z = score_test(x, t, e)
                    top = sorted(np.argsort(-z)[:K].tolist())
                    secs = time.perf_counter() - start
                    p, r = quality(top, truth)
                    rows.append(dict(base, method="score_test_k", precision=p, recall=r, kept=K,
                                     **c_indices(top, *data), seconds=secs))
                    if d <= a.coxnet_max_d:
                        start = time.perf_counter()
                        net = CoxnetSurvivalAnalysis(l1_ratio=0.9, alpha_min_ratio=0.01, n_alphas=50).fit(x, surv(t, e))
                        nz = (np.abs(net.coef_) > 0).sum(axis=0)
                        best = int(np.argmin(np.abs(nz - K)))  # the path point with about k columns
                        kept = sorted(np.flatnonzero(np.abs(net.coef_[:, best]) > 0).tolist())
                        secs = time.perf_counter() - start
                        p, r = quality(kept, truth)
                        rows.append(dict(base, method="coxnet_k", precision=p, recall=r, kept=len(kept),
                                         **c_indices(kept, *data), seconds=secs))
                    if a.rsf and d <= a.rsf_max_d:
                        start = time.perf_counter()
                        top = sorted(np.argsort(-rsf_importance(x, t, e, seed))[:K].tolist())
                        secs = time.perf_counter() - start
                        p, r = quality(top, truth)
                        rows.append(dict(base, method="rsf_k", precision=p, recall=r, kept=K, **c_indices(top, *data),
                                         seconds=secs))
                    if a.time_classification:
                        sel_c, fit_c, wall_c = run_gfs(a.gfs, x, t, e, task="classification")
                        rows.append(dict(base, method="gfs_classification_timing", kept=len(sel_c), seconds=fit_c,
                                         wall=wall_c))
                    for row in rows[first:]:
                        print(json.dumps(row), flush=True)
    json.dump(rows, open(os.path.join(a.out, "results.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
