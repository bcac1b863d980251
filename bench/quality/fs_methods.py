"""The feature selectors compared by the quality benchmark. Each sees the training fold only and
returns the kept column indices.

- none:       every feature;
- anova_f:    SelectKBest(f_classif / f_regression), top k;
- l1:         L1-logistic regression (classification, liblinear, C by 3-fold CV) or LassoCV
              (regression) on z-scored data; keeps features with a non-zero coefficient;
- rf:         random-forest impurity importance (100 trees), top k;
- reference:  the reference package (gfs-network 0.3.1), its own rule (score > 0);
- autonfs:    its successor autonfs 1.0.0 with balance="auto" (its back-off of the penalty weight on
              a held-out split, 5 seeds per step), its own rule (score > 0); only when installed
              (`pip install --no-deps --target DIR autonfs==1.0.0`, then --autonfs-path DIR);
- gfs_auto:   `gfs select` with its defaults (raw penalty, lambda auto, support "validated": the
              count found by the method itself);
- gfs_topk:   `gfs select --target-features k --support top-k` (target penalty, top k by logit).

For gfs and the reference, regression targets are z-scored with the training fold's mean and
standard deviation, so that the task loss and the selection penalty are on comparable scales.
"""
from __future__ import annotations

import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fig3"))
import gfs_harness as gh  # noqa: E402

ALL_SELECTORS = ("none", "anova_f", "l1", "rf", "reference", "autonfs", "gfs_auto", "gfs_topk")


@dataclass
class Context:
    """Everything a selector may need besides the data."""
    task: str
    k: int
    seed: int
    workdir: Path
    gfs: Path | None = None
    gfs_epochs: int | None = None      # None: the CLI's default
    gfs_batch_size: int | None = None  # None: the CLI's default
    threads: int = 2
    reference: object = None           # gfs_harness.Reference or None
    ref_epochs: int = 200
    ref_batch_size: int = 32
    autonfs: object = None             # gfs_harness.Reference (kind "autonfs") or None
    l1_cv: int = 3                     # folds of the L1 selector's choice of C


@dataclass
class Selection:
    support: np.ndarray   # kept column indices, ascending
    seconds: float        # time of the selection itself
    note: str = ""


def _timed(fn):
    start = time.perf_counter()
    support = fn()
    return Selection(np.sort(np.asarray(support, dtype=np.int64)), time.perf_counter() - start)


def _top_k(scores, k):
    scores = np.nan_to_num(np.asarray(scores, dtype=float), nan=-np.inf)
    return np.argsort(-scores, kind="stable")[:k]


def _zscore(X):
    std = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)


def _anova(X, y, ctx):
    from sklearn.feature_selection import f_classif, f_regression
    score_fn = f_classif if ctx.task == "classification" else f_regression
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant columns (digits' borders) give NaN F
        return _top_k(score_fn(X, y)[0], ctx.k)


def _l1(X, y, ctx):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LassoCV, LogisticRegressionCV
    Z = _zscore(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if ctx.task == "classification":
            model = LogisticRegressionCV(Cs=np.logspace(-3, 1, 9), penalty="l1",
                                         solver="liblinear", cv=ctx.l1_cv, max_iter=2000,
                                         random_state=ctx.seed).fit(Z, y)
            coef = np.abs(model.coef_).max(axis=0)
        else:
            coef = np.abs(LassoCV(cv=ctx.l1_cv, n_alphas=50, random_state=ctx.seed).fit(Z, y).coef_)
    return np.flatnonzero(coef > 1e-10)


def _rf(X, y, ctx):
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    cls = RandomForestClassifier if ctx.task == "classification" else RandomForestRegressor
    forest = cls(n_estimators=100, n_jobs=ctx.threads, random_state=ctx.seed).fit(X, y)
    return _top_k(forest.feature_importances_, ctx.k)


def _selector_targets(y, task):
    if task == "classification":
        return y.astype(np.int64)
    std = y.std()
    return ((y - y.mean()) / (std if std > 0 else 1.0)).astype(np.float32)


def _gfs(X, y, ctx, top_k: bool) -> Selection:
    if ctx.gfs is None:
        raise gh.HarnessError("a gfs selector was asked for but no gfs binary was given")
    x_path, y_path = gh.save_npy_pair(ctx.workdir, X, _selector_targets(y, ctx.task), "fold")
    extra = {}
    if top_k:
        extra = dict(target_features=ctx.k, support="top-k", settings={"penalty": "target"})
    run = gh.run_gfs_select(ctx.gfs, x_path, y_path, task=ctx.task, epochs=ctx.gfs_epochs,
                            batch_size=ctx.gfs_batch_size, seed=ctx.seed, threads=ctx.threads,
                            workdir=ctx.workdir, **extra)
    return Selection(np.sort(run.selected), run.fit_seconds,
                     note=f"process wall {run.wall_seconds:.2f} s")


def _package(name, package, X, y, ctx, **fit_args) -> Selection:
    """A reference package (gfs_harness.Reference) with its own rule, score > 0."""
    if package is None:
        raise gh.HarnessError(f"the {name} selector was asked for but the package is missing")
    import torch
    torch.manual_seed(ctx.seed)
    start = time.perf_counter()
    scores = package.fit(X.astype(np.float32), _selector_targets(y, ctx.task), task=ctx.task,
                         epochs=ctx.ref_epochs, batch_size=ctx.ref_batch_size, **fit_args)
    return Selection(np.flatnonzero(scores > 0), time.perf_counter() - start)


def select(name: str, X: np.ndarray, y: np.ndarray, ctx: Context) -> Selection:
    """Run selector `name` on the training fold (X, y)."""
    if name == "none":
        return Selection(np.arange(X.shape[1]), 0.0)
    if name == "anova_f":
        return _timed(lambda: _anova(X, y, ctx))
    if name == "l1":
        return _timed(lambda: _l1(X, y, ctx))
    if name == "rf":
        return _timed(lambda: _rf(X, y, ctx))
    if name == "reference":
        return _package(name, ctx.reference, X, y, ctx)
    if name == "autonfs":
        return _package(name, ctx.autonfs, X, y, ctx, balance="auto")
    if name == "gfs_auto":
        return _gfs(X, y, ctx, top_k=False)
    if name == "gfs_topk":
        return _gfs(X, y, ctx, top_k=True)
    raise ValueError(f"unknown selector '{name}'; known: {ALL_SELECTORS}")
