#!/usr/bin/env python3
"""Real small-N expression tables (issue 21): does the kept set predict?

Two microarray tables that Debian ships as Bioconductor data packages (the bench machine needs
`apt-get install r-bioc-all r-bioc-bladderbatch`; they are read once with Rscript and cached as NPY):

- all_bcr: ALL (Chiaretti et al. 2004), 12 625 probes; the 111 samples whose molecular biology is
  BCR/ABL (37) or NEG (74); 2 classes.
- bladder: bladderbatch (Dyrskjot et al. 2004), 22 283 probes, 57 samples: biopsy (9), cancer
  (40), normal (8); 3 classes.

Protocol (the issue's): 5-fold stratified cross-validation (shuffled, random_state 0); each selector
sees only the training folds; downstream a 500-tree random forest (random_state 0) on the kept
columns, scored by balanced accuracy on the held-out fold; the mean over the folds. gfs runs as
`gfs select` on the training fold's NPY (float32, as exported: RMA log2 values), its kept count k
per fold is handed to ANOVA-F and to random-forest importance (500 trees) on the same fold.
A selector that keeps nothing predicts the training folds' majority class.

  python3 bench/quality/run_realtables.py --gfs build/src/cli/gfs --out bench/results/realtables/DATE \\
      [--variant NAME='--set goal=predict' ...]
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

R_EXPORT = r"""
suppressMessages({library(Biobase); library(ALL); library(bladderbatch)})
out <- commandArgs(trailingOnly = TRUE)[1]
data(ALL); mb <- as.character(ALL$mol.biol); keep <- mb %in% c("BCR/ABL", "NEG")
e <- t(exprs(ALL)[, keep])
write.csv(e, file.path(out, "all_bcr_X.csv"), row.names = FALSE)
writeLines(ifelse(mb[keep] == "BCR/ABL", "1", "0"), file.path(out, "all_bcr_y.txt"))
data(bladderdata); b <- t(exprs(bladderEset)); lab <- as.character(pData(bladderEset)$cancer)
write.csv(b, file.path(out, "bladder_X.csv"), row.names = FALSE)
writeLines(as.character(match(lab, sort(unique(lab))) - 1), file.path(out, "bladder_y.txt"))
"""
TABLES = ("all_bcr", "bladder")


def load(cache: Path, name: str):
    x_npy, y_npy = cache / f"{name}_X.npy", cache / f"{name}_y.npy"
    if not x_npy.exists():
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "export.R"
            script.write_text(R_EXPORT)
            subprocess.run(["Rscript", str(script), tmp], check=True)
            for t in TABLES:
                X = np.loadtxt(Path(tmp) / f"{t}_X.csv", delimiter=",", skiprows=1, dtype=np.float32)
                y = np.loadtxt(Path(tmp) / f"{t}_y.txt", dtype=np.int64)
                np.save(cache / f"{t}_X.npy", np.ascontiguousarray(X))
                np.save(cache / f"{t}_y.npy", y)
    return np.load(x_npy), np.load(y_npy)


def gfs_select(gfs, X, y, extra, seed, threads):
    with tempfile.TemporaryDirectory() as tmp:
        xp, yp, out = (os.path.join(tmp, n) for n in ("X.npy", "y.npy", "r.json"))
        np.save(xp, np.ascontiguousarray(X, dtype=np.float32))
        np.save(yp, y.astype(np.int64))
        t0 = time.perf_counter()
        subprocess.run([str(gfs), "select", "-i", xp, "--labels", yp, "-o", out, "--quiet", "--device", "cpu",
                        "--threads", str(threads), "--seed", str(seed)] + extra, check=True)
        seconds = time.perf_counter() - t0
        return np.array(json.load(open(out))["selected"], dtype=np.int64), seconds


def downstream(X, y, Xt, yt, cols, threads):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import balanced_accuracy_score
    if len(cols) == 0:
        majority = np.bincount(y).argmax()
        return balanced_accuracy_score(yt, np.full_like(yt, majority))
    rf = RandomForestClassifier(n_estimators=500, random_state=0, n_jobs=threads)
    rf.fit(X[:, cols], y)
    return balanced_accuracy_score(yt, rf.predict(Xt[:, cols]))


def top_k_anova(X, y, k):
    from sklearn.feature_selection import f_classif
    f, _ = f_classif(X, y)
    return np.argsort(-np.nan_to_num(f, nan=-1.0), kind="stable")[:k]


def top_k_rf(X, y, k, threads):
    from sklearn.ensemble import RandomForestClassifier
    rf = RandomForestClassifier(n_estimators=500, random_state=0, n_jobs=threads).fit(X, y)
    return np.argsort(-rf.feature_importances_, kind="stable")[:k]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gfs", default="build/src/cli/gfs")
    ap.add_argument("--tables", default=",".join(TABLES))
    ap.add_argument("--cache", default=".cache/real")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0, help="gfs's seed is this + the fold")
    ap.add_argument("--variant", action="append", default=[],
                    help="NAME='gfs select arguments' (repeatable); 'gfs' (the defaults) always runs")
    ap.add_argument("--out", default=None)
    a = ap.parse_args(argv)
    from sklearn.model_selection import StratifiedKFold
    variants = [("gfs", [])] + [(v.split("=", 1)[0], shlex.split(v.split("=", 1)[1])) for v in a.variant]
    rows = []
    for name in a.tables.split(","):
        X, y = load(Path(a.cache), name)
        folds = StratifiedKFold(n_splits=a.folds, shuffle=True, random_state=0)
        for fold, (tr, te) in enumerate(folds.split(X, y)):
            Xtr, ytr, Xte, yte = X[tr], y[tr], X[te], y[te]
            base = dict(table=name, n=len(y), d=X.shape[1], fold=fold)
            rows.append(dict(base, selector="all", kept=X.shape[1],
                             balanced_accuracy=downstream(Xtr, ytr, Xte, yte, np.arange(X.shape[1]), a.threads)))
            for vname, extra in variants:
                sel, sec = gfs_select(a.gfs, Xtr, ytr, extra, a.seed + fold, a.threads)
                k = len(sel)
                rows.append(dict(base, selector=vname, kept=k, seconds=sec,
                                 balanced_accuracy=downstream(Xtr, ytr, Xte, yte, sel, a.threads)))
                for other, pick in (("anova_f", lambda: top_k_anova(Xtr, ytr, k)),
                                    ("rf", lambda: top_k_rf(Xtr, ytr, k, a.threads))):
                    cols = pick() if k > 0 else np.array([], dtype=np.int64)
                    rows.append(dict(base, selector=f"{other}@{vname}", kept=k,
                                     balanced_accuracy=downstream(Xtr, ytr, Xte, yte, cols, a.threads)))
            for r in rows[-(1 + 3 * len(variants)):]:
                print(json.dumps(r), flush=True)
    lines = report(rows, a, argv if argv is not None else sys.argv[1:])
    print("\n".join(lines))
    if a.out:
        out = Path(a.out)
        out.mkdir(parents=True, exist_ok=True)
        json.dump(rows, open(out / "realtables.json", "w"), indent=1)
        (out / "realtables.md").write_text("\n".join(lines) + "\n")


def report(rows, a, argv):
    lines = ["# Real small-N expression tables (issue 21)", "",
             f"{a.folds}-fold stratified CV (random_state 0); the selectors see the training folds only; balanced "
             "accuracy of a 500-tree random forest on the kept columns, mean over the folds [min, max]; kept: "
             "mean columns kept per fold. `anova_f@X` and `rf@X` are handed X's count on each fold.", "",
             "Command: `python3 bench/quality/run_realtables.py " + " ".join(shlex.quote(v) for v in argv) + "`", "",
             "| table | N | D | selector | kept | balanced accuracy | time (s, median) |", "|---|---|---|---|---|---|---|"]
    seen = []
    for r in rows:
        if (r["table"], r["selector"]) not in seen:
            seen.append((r["table"], r["selector"]))
    for table, sel in seen:
        rs = [r for r in rows if r["table"] == table and r["selector"] == sel]
        ba = np.array([r["balanced_accuracy"] for r in rs])
        kept = np.mean([r["kept"] for r in rs])
        secs = [r["seconds"] for r in rs if "seconds" in r]
        t = f"{np.median(secs):.1f}" if secs else ""
        lines.append(f"| {table} | {rs[0]['n']} | {rs[0]['d']} | {sel} | {kept:.1f} | {ba.mean():.3f} "
                     f"[{ba.min():.3f}, {ba.max():.3f}] | {t} |")
    return lines


if __name__ == "__main__":
    main()
