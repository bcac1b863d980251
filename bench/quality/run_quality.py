#!/usr/bin/python3
"""Noisy-feature quality benchmark (paper section 4): does a selector throw away artificial
features and keep what the downstream model needs?

    /usr/bin/python3 bench/quality/run_quality.py [--quick] [--gfs build/src/cli/gfs]

For each data set (breast cancer, digits, wine, diabetes, make_classification, make_friedman1)
and each variant (random / corrupted / second-order artificial features, as many as real ones),
K-fold cross-validation: every selector sees the training fold only, then an MLP and a random
forest are trained on the kept columns and scored on the test fold (accuracy or MSE). A
selector that keeps nothing is scored with a constant predictor (majority class / mean).

Outputs (bench/results/quality/ unless --out): quality_raw.csv (one row per fold, selector and
model), quality_tables.md (metric tables with median ranks, features kept, precision/recall of
the informative features, selection times), quality.json, fig2_probabilities.png, fig4_digits.png.
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "fig3"))
import noisy_datasets as datasets  # noqa: E402
import figures  # noqa: E402
import gfs_harness as gh  # noqa: E402
import report  # noqa: E402
import fs_methods as sel  # noqa: E402

QUICK_DATASETS = ("breast_cancer", "make_classification", "friedman1")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--gfs", default=None, help="path of the gfs binary (default build/src/cli/gfs)")
    p.add_argument("--quick", action="store_true",
                   help=f"data sets {', '.join(QUICK_DATASETS)}; 2 folds; 40 gfs epochs; "
                        "20 reference epochs")
    p.add_argument("--datasets", default=None, help=f"comma list of {sorted(datasets.BASE)}")
    p.add_argument("--variants", default=None, help=f"comma list of {datasets.VARIANTS}")
    p.add_argument("--selectors", default=None, help=f"comma list of {sel.ALL_SELECTORS}")
    p.add_argument("--models", default=None, help="comma list of mlp, rf (both)")
    p.add_argument("--folds", type=int, default=None, help="CV folds (5; 2 with --quick)")
    p.add_argument("--k", default="real",
                   help="k of the top-k selectors: 'real' = the number of real features "
                        "(default), or an integer")
    p.add_argument("--gfs-epochs", type=int, default=None,
                   help="gfs epochs (the CLI default, 200; 40 with --quick)")
    p.add_argument("--gfs-batch-size", type=int, default=None, help="gfs batch (CLI default)")
    p.add_argument("--ref-epochs", type=int, default=None, help="reference epochs (200; 20 quick)")
    p.add_argument("--ref-batch-size", type=int, default=32,
                   help="reference batch size (32; its own default of 1 takes minutes per fit)")
    p.add_argument("--corrupt-scale", type=float, default=1.0,
                   help="noise std of corrupted copies, in units of the column's std (1.0)")
    p.add_argument("--threads", type=int, default=2,
                   help="threads of gfs (--threads) and n_jobs of the random forests (2)")
    p.add_argument("--ref-threads", type=int, default=1,
                   help="torch threads of the reference (1: its per-step tensors are tiny, and "
                        "2 threads ran up to 10x slower on a busy 2-core machine)")
    p.add_argument("--autonfs-path", default=None,
                   help="folder of `pip install --no-deps --target DIR autonfs==1.0.0` (the "
                        "autonfs selector is skipped when it cannot be imported)")
    p.add_argument("--merge", type=Path, default=None,
                   help="a previous run's quality_raw.csv: its rows of selectors not run now join "
                        "the tables (to add a selector to a finished run)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-figures", action="store_true", help="skip Figures 2 and 4")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (bench/results/quality, or quality_quick with --quick)")
    args = p.parse_args(argv)
    args.out = args.out or gh.RESULTS_DIR / ("quality_quick" if args.quick else "quality")
    args.datasets = (args.datasets.split(",") if args.datasets
                     else list(QUICK_DATASETS if args.quick else datasets.BASE))
    args.variants = args.variants.split(",") if args.variants else list(datasets.VARIANTS)
    args.selectors = args.selectors.split(",") if args.selectors else list(sel.ALL_SELECTORS)
    args.models = args.models.split(",") if args.models else ["mlp", "rf"]
    args.folds = args.folds or (2 if args.quick else 5)
    args.gfs_epochs = args.gfs_epochs or (40 if args.quick else None)
    args.ref_epochs = args.ref_epochs or (20 if args.quick else 200)
    for name, allowed in (("datasets", datasets.BASE), ("variants", datasets.VARIANTS),
                          ("selectors", sel.ALL_SELECTORS), ("models", ("mlp", "rf"))):
        bad = [v for v in getattr(args, name) if v not in allowed]
        if bad:
            p.error(f"--{name}: unknown {bad}; choose from {list(allowed)}")
    return args


# ------------------------------------------------------------------------------------------------
# Downstream models
# ------------------------------------------------------------------------------------------------
def downstream(name: str, task: str, seed: int, threads: int):
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    if name == "mlp":
        mlp_args = dict(hidden_layer_sizes=(64, 64), max_iter=300, early_stopping=True,
                        n_iter_no_change=15, random_state=seed)
        if task == "classification":
            return make_pipeline(StandardScaler(), MLPClassifier(**mlp_args))
        return TransformedTargetRegressor(make_pipeline(StandardScaler(), MLPRegressor(**mlp_args)),
                                          transformer=StandardScaler())
    if task == "classification":
        return RandomForestClassifier(n_estimators=200, n_jobs=threads, random_state=seed)
    return RandomForestRegressor(n_estimators=200, n_jobs=threads, random_state=seed)


def score(model_name, task, Xtr, ytr, Xte, yte, support, seed, threads) -> float:
    """Accuracy (classification) or MSE (regression) of the model on the kept columns."""
    from sklearn.dummy import DummyClassifier, DummyRegressor
    from sklearn.metrics import accuracy_score, mean_squared_error
    if len(support) == 0:
        model = DummyClassifier() if task == "classification" else DummyRegressor()
        Xtr, Xte = np.zeros((len(ytr), 1)), np.zeros((len(yte), 1))
    else:
        model = downstream(model_name, task, seed, threads)
        Xtr, Xte = Xtr[:, support], Xte[:, support]
    model.fit(Xtr, ytr)
    pred = model.predict(Xte)
    if task == "classification":
        return float(accuracy_score(yte, pred))
    return float(mean_squared_error(yte, pred))


# ------------------------------------------------------------------------------------------------
# Cross-validation
# ------------------------------------------------------------------------------------------------
def folds_of(data, n_folds, seed):
    from sklearn.model_selection import KFold, StratifiedKFold
    if data.task == "classification":
        return StratifiedKFold(n_folds, shuffle=True, random_state=seed).split(data.X, data.y)
    return KFold(n_folds, shuffle=True, random_state=seed).split(data.X)


def selection_quality(support, data):
    """Share of kept features that are real, and precision / recall of the informative ones."""
    support = np.asarray(support)
    out = {"frac_real": float(np.mean(support < data.n_real)) if len(support) else float("nan")}
    if data.informative is not None:
        hits = len(set(support.tolist()) & set(data.informative.tolist()))
        out["precision"] = hits / len(support) if len(support) else float("nan")
        out["recall"] = hits / len(data.informative)
    if data.signal is not None and len(data.signal):
        hits = len(set(support.tolist()) & set(data.signal.tolist()))
        out["precision_signal"] = hits / len(support) if len(support) else float("nan")
        out["recall_signal"] = hits / len(data.signal)
    return out


def run_dataset(args, data, base_ctx, rows):
    k = data.n_real if args.k == "real" else int(args.k)
    for fold, (tr, te) in enumerate(folds_of(data, args.folds, args.seed)):
        Xtr, Xte, ytr, yte = data.X[tr], data.X[te], data.y[tr], data.y[te]
        ctx = sel.Context(**{**base_ctx.__dict__, "task": data.task, "k": min(k, data.X.shape[1]),
                             "seed": args.seed + fold})
        for selector in args.selectors:
            chosen = sel.select(selector, Xtr, ytr, ctx)
            quality = selection_quality(chosen.support, data)
            for model in args.models:
                metric = score(model, data.task, Xtr, ytr, Xte, yte, chosen.support,
                               args.seed + fold, args.threads)
                rows.append({"dataset": data.name, "variant": data.variant, "task": data.task,
                             "fold": fold, "selector": selector, "model": model,
                             "metric": "accuracy" if data.task == "classification" else "mse",
                             "value": metric, "n_selected": len(chosen.support),
                             "n_features": data.X.shape[1], "n_real": data.n_real, "k": ctx.k,
                             "select_seconds": chosen.seconds, **quality})
            print(f"  {data.key:<32} fold {fold} {selector:<10} kept {len(chosen.support):4d} "
                  f"({chosen.seconds:6.2f} s) "
                  + " ".join(f"{r['model']}={r['value']:.4g}" for r in rows[-len(args.models):]),
                  flush=True)


def write_csv(path: Path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = ["dataset", "variant", "task", "fold", "selector", "model", "metric", "value",
              "n_selected", "n_features", "n_real", "k", "select_seconds", "frac_real",
              "precision", "recall", "precision_signal", "recall_signal"]
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, restval="")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)


def read_merge(args):
    """Rows of --merge for the data sets, variants and models of this run, minus the selectors
    this run computes itself."""
    if args.merge is None:
        return []
    with open(args.merge, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    keep = [r for r in rows if r["selector"] not in args.selectors and r["dataset"] in args.datasets
            and r["variant"] in args.variants and r["model"] in args.models]
    print(f"[quality] merged {len(keep)} rows of {args.merge}", flush=True)
    return keep


def main(argv=None):
    args = parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning)
    needs_gfs = any(s.startswith("gfs") for s in args.selectors) or not args.no_figures
    try:
        gfs = gh.find_gfs(args.gfs) if needs_gfs else None
    except gh.HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    reference = None
    if "reference" in args.selectors:
        reference = gh.load_reference("gfs_network", threads=args.ref_threads)
        if reference is None:
            args.selectors.remove("reference")
    autonfs = None
    if "autonfs" in args.selectors:
        autonfs = gh.load_reference("autonfs", autonfs_path=args.autonfs_path,
                                    threads=args.ref_threads)
        if autonfs is None:
            args.selectors.remove("autonfs")
    info = gh.machine_info(gfs)
    if autonfs is not None:
        info["autonfs"] = f"{autonfs.version} {autonfs.note}".strip()
    rows, start = [], time.perf_counter()
    merged = read_merge(args)
    try:
        with tempfile.TemporaryDirectory(prefix="gfs_quality_") as tmp:
            base_ctx = sel.Context(task="", k=0, seed=args.seed, workdir=Path(tmp), gfs=gfs,
                                   gfs_epochs=args.gfs_epochs, gfs_batch_size=args.gfs_batch_size,
                                   threads=args.threads, reference=reference,
                                   ref_epochs=args.ref_epochs, ref_batch_size=args.ref_batch_size,
                                   autonfs=autonfs)
            for name in args.datasets:
                for variant in args.variants:
                    data = datasets.load(name, variant, args.corrupt_scale)
                    run_dataset(args, data, base_ctx, rows)
                    write_csv(args.out / "quality_raw.csv", merged + rows)
            fig_summary = {} if args.no_figures else figures.run_figures(args, gfs, args.out,
                                                                         Path(tmp))
    except gh.HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    info["benchmark_seconds"] = round(time.perf_counter() - start, 1)
    info["loadavg_1min_at_end"] = round(os.getloadavg()[0], 2)
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    if merged:
        info["merged_from"] = str(args.merge)
        present = {r["selector"] for r in merged} | set(args.selectors)
        args.selectors = [s for s in sel.ALL_SELECTORS if s in present]
    tables = report.build(merged + rows, args, fig_summary)
    gh.write_text(args.out / "quality_tables.md",
                  tables["markdown"] + "\n" + gh.machine_markdown(info))
    gh.write_json(args.out / "quality.json", {"settings": settings, "machine": info,
                                              "summary": tables["summary"],
                                              "figures": fig_summary})
    print(tables["markdown"])
    print(f"[quality] done in {info['benchmark_seconds']:.0f} s; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
