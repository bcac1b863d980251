"""Data sets of the small-N benchmark (issue 21): selection at the sample sizes of biology
(N = 50 ... 300 rows, D = 10^3 ... 10^4 columns), with known informative columns and 1 000 extra
test rows from the same model for downstream scoring.

Every family first draws its model (which columns matter, means, effects, dispersions) and then
draws rows from it twice: the N training rows and 1 000 test rows (TEST_ROWS), so both come from
one model. Labels are balanced in each part where the recipe allows it (counts, multiclass: an
equal share per class, shuffled). Finally the columns are permuted (the same permutation for
train and test) and the permuted positions of the informative columns are recorded. Each data
set comes from a seed derived from (family, N, D, draw) only.

- counts (classification, 2 classes): zero-inflated negative-binomial counts as from sequencing.
  Per column a mean mu_j ~ LogNormal(log 5, 1.2), a dispersion phi_j ~ U(0.1, 1) (var = mu +
  phi mu^2) and a target share of zeros z_j ~ U(0.3, 0.7), reached by a drop-out probability
  pi_j = (z_j - P_NB(0)) / (1 - P_NB(0)) (0 when the NB alone has more zeros). 10 informative
  columns, drawn among those with mu_j above the median (a gene too rare to be counted cannot be
  found at any N), with log2 fold changes |l| ~ U(1, 2), 5 up and 5 down: class 0 has mean
  mu 2^(-l/2), class 1 mu 2^(l/2). The file holds the raw counts (float32), no log transform.
- blocks (classification): correlated blocks as in expression data: blocks of 20 columns, x =
  sqrt(0.6) z_block + sqrt(0.4) e (within-block correlation 0.6, N(0, 1) margins); 10
  informative columns, each in a different block, y ~ Bernoulli(sigmoid(sum_j b_j x_j)) with
  |b_j| ~ U(0.6, 1.2), random signs. The other 19 columns of an informative block are correlated
  with y only through their block: they count as false positives.
- nonlinear (classification): D standard-normal columns; 8 informative:
      s = 1.5 (x_1 + x_2 + x_3) + (x_4^2 - 1) + (x_5^2 - 1) + 1.5 sign(x_6) + 1.5 x_7 x_8,
  y = 1[s > 0] (every term has variance 2 to 2.25). Kinds linear / square / step / product are
  recorded (x_4, x_5, x_7, x_8 have no linear effect; x_7, x_8 no marginal effect at all).
- multiclass (classification, 3 classes): D standard-normal columns; 9 informative, 3 per class:
  a row of class c has its class's 3 columns shifted by delta_j ~ U(0.8, 1.5).

Files in the cache folder, per data set: <key>_X.npy, <key>_y.npy (the N training rows; float32
N x D, int64 labels), <key>_Xtest.npy, <key>_ytest.npy (the 1 000 test rows) and <key>.json (the
informative columns, their kinds, the seed, the parameters). The classes and helpers of
wide_datasets.py are reused; a data set whose files exist with matching parameters is read
back, not drawn again.
"""
from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import wide_datasets as wd

FAMILIES = ("counts", "blocks", "nonlinear", "multiclass")
GENERATOR_VERSION = 1  # bump when a recipe changes: cached files are then redrawn
TEST_ROWS = 1000
BLOCK_SIZE = 20
BLOCK_RHO = 0.6


@dataclass
class SmallNData(wd.WideData):
    x_test_path: Path | None = None
    y_test_path: Path | None = None
    n_classes: int = 2

    def load_test(self):
        return np.load(self.x_test_path), np.load(self.y_test_path)


def seed_of(family: str, n: int, d: int, draw: int) -> int:
    key = wd.data_key(family, n, d, draw)
    return zlib.crc32(f"gfs-smalln/v{GENERATOR_VERSION}/{key}".encode()) & 0x7FFFFFFF


def _balanced_labels(m, n_classes, rng):
    return rng.permutation(np.arange(m) % n_classes).astype(np.int64)


# ------------------------------------------------------------------------------------------------
# Families: model(d, rng) -> (params, groups in natural column order); sample(params, m, rng)
# ------------------------------------------------------------------------------------------------
def _counts_model(d, rng):
    mu = np.exp(np.log(5.0) + 1.2 * rng.standard_normal(d))
    phi = rng.uniform(0.1, 1.0, d)
    zeros = rng.uniform(0.3, 0.7, d)
    r = 1.0 / phi
    p0 = (r / (r + mu)) ** r                      # NB's own P(0)
    pi = np.clip((zeros - p0) / (1.0 - p0), 0.0, 1.0)
    inf = rng.choice(np.flatnonzero(mu > np.median(mu)), size=10, replace=False)
    lfc = rng.uniform(1.0, 2.0, 10) * np.repeat([1.0, -1.0], 5)
    log2fc = np.zeros(d)
    log2fc[inf] = lfc
    params = {"mu": mu, "phi": phi, "pi": pi, "log2fc": log2fc}
    return params, {"up": inf[:5], "down": inf[5:]}


def _counts_sample(p, m, rng):
    y = _balanced_labels(m, 2, rng)
    sign = np.where(y == 1, 0.5, -0.5)[:, None]
    mean = p["mu"][None, :] * np.exp2(sign * p["log2fc"][None, :])       # m x d
    r = 1.0 / p["phi"][None, :]
    lam = rng.gamma(shape=np.broadcast_to(r, mean.shape), scale=mean / r)  # NB as Gamma-Poisson
    X = rng.poisson(lam).astype(np.float32)
    X[rng.random(X.shape) < p["pi"][None, :]] = 0.0
    return X, y


def _blocks_model(d, rng):
    n_blocks = d // BLOCK_SIZE
    blocks = rng.choice(n_blocks, size=10, replace=False)
    inf = blocks * BLOCK_SIZE + rng.integers(0, BLOCK_SIZE, 10)
    beta = np.zeros(d)
    beta[inf] = rng.uniform(0.6, 1.2, 10) * rng.choice([-1.0, 1.0], 10)
    return {"beta": beta}, {"effects": inf}


def _blocks_sample(p, m, rng):
    d = len(p["beta"])
    block_of = np.minimum(np.arange(d) // BLOCK_SIZE, d // BLOCK_SIZE - 1)
    z = rng.standard_normal((m, d // BLOCK_SIZE))
    X = (np.sqrt(BLOCK_RHO) * z[:, block_of]
         + np.sqrt(1 - BLOCK_RHO) * rng.standard_normal((m, d))).astype(np.float32)
    logit = X.astype(np.float64) @ p["beta"]
    y = (rng.random(m) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    return X, y


def _nonlinear_model(d, rng):
    cols = rng.choice(d, size=8, replace=False)
    return {"cols": cols, "d": d}, {"linear": cols[:3], "square": cols[3:5], "step": cols[5:6],
                                    "product": cols[6:8]}


def _nonlinear_signal(X, cols):
    x = X[:, cols].astype(np.float64)
    return (1.5 * x[:, :3].sum(axis=1) + (x[:, 3] ** 2 - 1) + (x[:, 4] ** 2 - 1)
            + 1.5 * np.sign(x[:, 5]) + 1.5 * x[:, 6] * x[:, 7])


def _nonlinear_sample(p, m, rng):
    X = rng.standard_normal((m, p["d"]), dtype=np.float32)
    return X, (_nonlinear_signal(X, p["cols"]) > 0).astype(np.int64)


def _multiclass_model(d, rng):
    cols = rng.choice(d, size=9, replace=False).reshape(3, 3)
    return ({"cols": cols, "delta": rng.uniform(0.8, 1.5, (3, 3)), "d": d},
            {f"class{c}": cols[c] for c in range(3)})


def _multiclass_sample(p, m, rng):
    y = _balanced_labels(m, 3, rng)
    X = rng.standard_normal((m, p["d"]), dtype=np.float32)
    for c in range(3):
        rows = np.flatnonzero(y == c)
        X[np.ix_(rows, p["cols"][c])] += p["delta"][c].astype(np.float32)
    return X, y


_FAMILY = {
    "counts": (_counts_model, _counts_sample, 2,
               "ZINB counts: mu ~ LogNormal(log 5, 1.2), phi ~ U(0.1, 1), zeros ~ U(0.3, 0.7); "
               "10 informative (mu > median), log2FC U(1, 2), 5 up / 5 down; raw counts"),
    "blocks": (_blocks_model, _blocks_sample, 2,
               f"blocks of {BLOCK_SIZE} columns, within-block correlation {BLOCK_RHO}; y ~ "
               "Bernoulli(sigmoid(sum b_j x_j)), 10 columns in 10 blocks, |b| ~ U(0.6, 1.2)"),
    "nonlinear": (_nonlinear_model, _nonlinear_sample, 2,
                  "y = 1[1.5 (x1 + x2 + x3) + (x4^2 - 1) + (x5^2 - 1) + 1.5 sign(x6) "
                  "+ 1.5 x7 x8 > 0]"),
    "multiclass": (_multiclass_model, _multiclass_sample, 3,
                   "3 balanced classes; class c shifts its own 3 columns by U(0.8, 1.5)"),
}


def get(family: str, n: int, d: int, draw: int, cache: Path) -> SmallNData:
    """The data set (train and test rows), drawn and cached the first time, read back after."""
    if family not in _FAMILY:
        raise ValueError(f"unknown family '{family}'; known: {FAMILIES}")
    cache = Path(cache)
    cache.mkdir(parents=True, exist_ok=True)
    key = wd.data_key(family, n, d, draw)
    seed = seed_of(family, n, d, draw)
    paths = {name: cache / f"{key}_{name}.npy" for name in ("X", "y", "Xtest", "ytest")}
    meta_path = cache / f"{key}.json"
    meta = None
    if meta_path.exists() and all(p.exists() for p in paths.values()):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("generator_version") != GENERATOR_VERSION or meta.get("seed") != seed:
            meta = None
    model, sample, n_classes, recipe = _FAMILY[family]
    if meta is None:
        rng = np.random.default_rng(seed)
        params, groups = model(d, rng)
        X, y = sample(params, n, rng)
        Xt, yt = sample(params, TEST_ROWS, rng)
        perm = rng.permutation(d)                # new column j holds old column perm[j]
        where = np.empty(d, dtype=np.int64)
        where[perm] = np.arange(d)               # old column i is now at where[i]
        groups = {k: np.sort(where[np.asarray(v)]).tolist() for k, v in groups.items()}
        informative = sorted({c for v in groups.values() for c in v})
        for name, arr in (("X", X[:, perm]), ("Xtest", Xt[:, perm])):
            wd._save(paths[name], np.ascontiguousarray(arr, dtype=np.float32))
        wd._save(paths["y"], np.ascontiguousarray(y, dtype=np.int64))
        wd._save(paths["ytest"], np.ascontiguousarray(yt, dtype=np.int64))
        meta = {"key": key, "family": family, "task": "classification", "n": n, "d": d,
                "draw": draw, "seed": seed, "generator_version": GENERATOR_VERSION,
                "n_classes": n_classes, "test_rows": TEST_ROWS,
                "informative": [int(v) for v in informative], "groups": groups,
                "params": {"recipe": recipe},
                "train_class_counts": np.bincount(y, minlength=n_classes).tolist(),
                "test_class_counts": np.bincount(yt, minlength=n_classes).tolist()}
        if family == "counts":
            meta["params"]["zero_share_train"] = round(float((X == 0).mean()), 3)
        tmp = meta_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        tmp.replace(meta_path)
    return SmallNData(family=family, n=n, d=d, draw=draw, task="classification", seed=seed,
                      x_path=paths["X"], y_path=paths["y"],
                      informative=np.asarray(meta["informative"], dtype=np.int64),
                      groups=dict(meta["groups"]), x_test_path=paths["Xtest"],
                      y_test_path=paths["ytest"], n_classes=int(meta["n_classes"]))
