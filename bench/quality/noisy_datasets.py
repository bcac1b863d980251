"""Data sets of the noisy-feature benchmark (paper section 4, after Cherepanova et al.): each
real data set gets as many artificial features as it has real ones, in one of three ways.

- random:       independent N(0, 1) columns;
- corrupted:    a copy of every real column plus Gaussian noise of `corrupt_scale` times that
                column's standard deviation;
- second_order: products of randomly drawn pairs of (z-scored) real columns.

Real columns come first, artificial ones after, so index < n_real means "real". Seeds are fixed
per (data set, variant) so every run of the benchmark sees the same matrices.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

VARIANTS = ("random", "corrupted", "second_order")


@dataclass
class Dataset:
    name: str
    task: str                 # "classification" or "regression"
    X: np.ndarray             # [N, D] float64
    y: np.ndarray             # [N] int64 labels or float64 targets
    n_real: int               # the first n_real columns are the real features
    informative: np.ndarray | None = None  # known informative columns (synthetic sets only)
    signal: np.ndarray | None = None       # the informative columns an oracle model needs
    variant: str = "clean"
    notes: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.name}/{self.variant}"


def _breast_cancer():
    from sklearn.datasets import load_breast_cancer
    d = load_breast_cancer()
    return Dataset("breast_cancer", "classification", d.data, d.target.astype(np.int64),
                   d.data.shape[1])


def _digits():
    from sklearn.datasets import load_digits
    d = load_digits()
    return Dataset("digits", "classification", d.data, d.target.astype(np.int64), 64)


def _wine():
    from sklearn.datasets import load_wine
    d = load_wine()
    return Dataset("wine", "classification", d.data, d.target.astype(np.int64), d.data.shape[1])


def _diabetes():
    from sklearn.datasets import load_diabetes
    d = load_diabetes()
    return Dataset("diabetes", "regression", d.data, d.target.astype(np.float64), 10)


def _synthetic_classification():
    from sklearn.datasets import make_classification
    # shuffle=False keeps the informative columns first: 0..4 informative, 5..19 pure noise
    X, y = make_classification(n_samples=1000, n_features=20, n_informative=5, n_redundant=0,
                               n_repeated=0, n_classes=2, shuffle=False, random_state=0)
    return Dataset("make_classification", "classification", X, y.astype(np.int64), 20,
                   informative=np.arange(5))


def _friedman1():
    from sklearn.datasets import make_friedman1
    # y depends on columns 0..4 only; 5..9 are noise
    X, y = make_friedman1(n_samples=1000, n_features=10, noise=1.0, random_state=0)
    return Dataset("friedman1", "regression", X, y, 10, informative=np.arange(5))


BASE = {
    "breast_cancer": _breast_cancer,
    "digits": _digits,
    "wine": _wine,
    "diabetes": _diabetes,
    "make_classification": _synthetic_classification,
    "friedman1": _friedman1,
}


def signal_columns(X: np.ndarray, y: np.ndarray, task: str, informative: np.ndarray,
                   repeats: int = 2, seed: int = 0) -> np.ndarray:
    """The informative columns that carry signal in this draw of the data, decided without any
    selector under test: a random forest on the informative columns only, scored by repeated
    5-fold CV with and without each column; a column carries signal when dropping it lowers the
    held-out score by more than two standard errors of the paired fold differences.

    A generator's "informative" label is a property of how the data was made, not of the sample:
    make_classification places class clusters on hypercube vertices, and a dimension along which
    the clusters of both classes sit alike separates nothing (column 3 of our draw: ANOVA F = 0.0,
    and the forest scores the same without it).
    """
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

    cols = [int(c) for c in informative]
    make = RandomForestClassifier if task == "classification" else RandomForestRegressor
    split = StratifiedKFold if task == "classification" else KFold

    def scores(use):
        out = []
        for r in range(repeats):
            cv = split(5, shuffle=True, random_state=seed + r)
            out.extend(cross_val_score(make(n_estimators=200, random_state=seed + r), X[:, use], y, cv=cv))
        return np.array(out)

    full = scores(cols)
    keep = []
    for c in cols:
        diff = full - scores([k for k in cols if k != c])
        if diff.mean() > 2.0 * diff.std(ddof=1) / np.sqrt(len(diff)):
            keep.append(c)
    return np.array(keep, dtype=np.int64)


def artificial_features(X: np.ndarray, variant: str, seed: int,
                        corrupt_scale: float = 1.0) -> np.ndarray:
    """As many artificial columns as X has, built the `variant` way."""
    rng = np.random.default_rng(seed)
    n, d = X.shape
    if variant == "random":
        return rng.standard_normal((n, d))
    if variant == "corrupted":
        std = X.std(axis=0)
        return X + rng.standard_normal((n, d)) * (corrupt_scale * std)
    if variant == "second_order":
        std = X.std(axis=0)
        z = (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)
        pairs = np.array([rng.choice(d, size=2, replace=d < 2) for _ in range(d)])
        return z[:, pairs[:, 0]] * z[:, pairs[:, 1]]
    raise ValueError(f"unknown variant '{variant}'; use one of {VARIANTS}")


_SIGNAL: dict = {}  # data set name -> signal_columns (the base data never changes)


def load(name: str, variant: str, corrupt_scale: float = 1.0) -> Dataset:
    """Data set `name` with `variant` artificial features appended (variant "clean": none)."""
    if name not in BASE:
        raise ValueError(f"unknown data set '{name}'; known: {sorted(BASE)}")
    base = BASE[name]()
    if base.informative is not None:
        if name not in _SIGNAL:
            _SIGNAL[name] = signal_columns(base.X, base.y, base.task, base.informative)
        base.signal = _SIGNAL[name]
    if variant == "clean":
        return base
    seed = 1000 * list(BASE).index(name) + 10 * VARIANTS.index(variant) + 7
    extra = artificial_features(base.X, variant, seed, corrupt_scale)
    return Dataset(base.name, base.task, np.hstack([base.X, extra]), base.y, base.n_real,
                   base.informative, base.signal, variant)
