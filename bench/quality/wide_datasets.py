"""Data sets of the wide benchmark (issue 11): synthetic data with known informative columns at
D = 10^3 ... 10^5 and N << D, written once to a cache folder as .npy so that every selector reads
the same files.

Families (each drawn from a seed derived from (family, N, D, draw) only, so a data set is the
same on every machine and in every run):

- classification: sklearn.datasets.make_classification with 10 informative columns,
  n_redundant = n_repeated = 0, two classes, the generator's other defaults (class_sep 1,
  flip_y 0.01, 2 clusters per class), shuffle=False; then the rows and the columns are permuted
  with the draw's generator and the permuted positions of the 10 informative ones are recorded.
- products (classification): D standard-normal columns; two pairs (a, b), (c, d) act only through
  their products and three columns e, f, g linearly:
      f = x_a x_b + x_c x_d + 0.5 (x_e + x_f + x_g),   y = 1[f > 0].
  Every term is symmetric about 0, so P(y = 1 | x_a) = 1/2 for a product column: it has no
  marginal effect at all (a univariate test cannot see it), and the classes are balanced in
  expectation. Informative: the 7 columns; the 4 product columns and 3 linear ones are reported
  separately.
- products_reg (regression): the same f, y = f + 0.1 * N(0, 1), then z-scored (the file holds the
  z-scored targets, so every selector sees the same numbers).
- xor: D standard-normal columns, y = 1[x_a x_b > 0] with 2 % of the labels flipped; only the two
  columns a, b are informative, and neither has a marginal effect.
- friedman (regression): sklearn.datasets.make_friedman1 with D uniform columns and noise 1,
      y = 10 sin(pi x_a x_b) + 20 (x_c - 1/2)^2 + 10 x_d + 5 x_e + N(0, 1),
  columns permuted; a, b are reported as the products, d, e as linear and c as the square: a
  column that acts only through its square (no linear trend at all, so a linear score cannot see
  it), the shape a random forest finds and the pair screen (x_a x_b, a < b) does not test.

Files in the cache folder, per data set: <key>_X.npy (float32, C order, N x D), <key>_y.npy
(int64 labels or float32 targets) and <key>.json (the informative columns, their kinds, the
seed, the generator's parameters). A data set whose three files exist with matching parameters
is read back, not drawn again.
"""
from __future__ import annotations

import json
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FAMILIES = ("classification", "products", "products_reg", "xor", "friedman")
MAIN_FAMILIES = ("classification", "products")
GENERATOR_VERSION = 2  # bump when a family's recipe changes: cached files are then redrawn

LINEAR_WEIGHT = 0.5
REG_NOISE = 0.1
XOR_FLIP = 0.02


@dataclass
class WideData:
    family: str
    n: int
    d: int
    draw: int
    task: str
    seed: int
    x_path: Path
    y_path: Path
    informative: np.ndarray                    # all informative columns, ascending
    groups: dict = field(default_factory=dict)  # name -> columns (e.g. products, linear)

    @property
    def key(self) -> str:
        return data_key(self.family, self.n, self.d, self.draw)

    @property
    def k(self) -> int:
        return len(self.informative)

    def load(self):
        """X as float32 (memory-mapped read of the cached file) and y."""
        return np.load(self.x_path), np.load(self.y_path)


def data_key(family: str, n: int, d: int, draw: int) -> str:
    return f"{family}_N{n}_D{d}_draw{draw}"


def seed_of(family: str, n: int, d: int, draw: int) -> int:
    """A fixed 31-bit seed per data set (crc32 is the same on every platform and run)."""
    return zlib.crc32(f"gfs-wide/v{GENERATOR_VERSION}/{data_key(family, n, d, draw)}".encode()) & 0x7FFFFFFF


def _draw_classification(n, d, rng, seed):
    from sklearn.datasets import make_classification
    X, y = make_classification(n_samples=n, n_features=d, n_informative=10, n_redundant=0,
                               n_repeated=0, n_classes=2, shuffle=False, random_state=seed)
    # shuffle=False leaves the rows sorted by class cluster and the informative columns first:
    # permute both (a user's table is not sorted by class, and a row split or a CV fold must not
    # see whole clusters only)
    rows = rng.permutation(n)
    perm = rng.permutation(d)            # new column j holds old column perm[j]
    X = np.take(np.take(X.astype(np.float32), rows, axis=0), perm, axis=1)  # float32 first:
    y = y[rows]                                                         # half the memory at 1e5
    informative = np.sort(np.flatnonzero(perm < 10))
    return X, y.astype(np.int64), {"informative": informative}, {
        "generator": "make_classification", "n_informative": 10, "n_redundant": 0,
        "n_repeated": 0, "n_classes": 2, "class_sep": 1.0, "flip_y": 0.01}


def _product_signal(n, d, rng):
    X = rng.standard_normal((n, d), dtype=np.float32)
    a, b, c, dd, e, f, g = (int(v) for v in rng.choice(d, size=7, replace=False))
    signal = (X[:, a].astype(np.float64) * X[:, b] + X[:, c].astype(np.float64) * X[:, dd]
              + LINEAR_WEIGHT * (X[:, e].astype(np.float64) + X[:, f] + X[:, g]))
    groups = {"products": np.sort([a, b, c, dd]), "linear": np.sort([e, f, g]),
              "pairs": [[a, b], [c, dd]]}
    return X, signal, groups


def _draw_products(n, d, rng, seed):
    X, signal, groups = _product_signal(n, d, rng)
    y = (signal > 0).astype(np.int64)
    return X, y, groups, {"recipe": "y = 1[x_a x_b + x_c x_d + 0.5 (x_e + x_f + x_g) > 0]"}


def _draw_products_reg(n, d, rng, seed):
    X, signal, groups = _product_signal(n, d, rng)
    y = signal + REG_NOISE * rng.standard_normal(n)
    y = ((y - y.mean()) / y.std()).astype(np.float32)
    return X, y, groups, {"recipe": "y = z-score(x_a x_b + x_c x_d + 0.5 (x_e + x_f + x_g) "
                                    f"+ {REG_NOISE} N(0,1))"}


def _draw_xor(n, d, rng, seed):
    X = rng.standard_normal((n, d), dtype=np.float32)
    a, b = (int(v) for v in rng.choice(d, size=2, replace=False))
    y = (X[:, a].astype(np.float64) * X[:, b] > 0).astype(np.int64)
    flip = rng.random(n) < XOR_FLIP
    y[flip] = 1 - y[flip]
    return X, y, {"products": np.sort([a, b]), "pairs": [[a, b]]}, {
        "recipe": f"y = 1[x_a x_b > 0], {XOR_FLIP:.0%} of labels flipped"}


def _draw_friedman(n, d, rng, seed):
    from sklearn.datasets import make_friedman1
    X, y = make_friedman1(n_samples=n, n_features=d, noise=1.0, random_state=seed)
    perm = rng.permutation(d)            # new column j holds old column perm[j]
    X = np.take(X.astype(np.float32), perm, axis=1)
    where = {old: int(np.flatnonzero(perm == old)[0]) for old in range(5)}
    groups = {"products": np.sort([where[0], where[1]]), "pairs": [[where[0], where[1]]],
              "square": [where[2]], "linear": np.sort([where[3], where[4]])}
    return X, y.astype(np.float32), groups, {
        "generator": "make_friedman1", "noise": 1.0,
        "recipe": "y = 10 sin(pi x_a x_b) + 20 (x_c - 1/2)^2 + 10 x_d + 5 x_e + N(0, 1)"}


_DRAW = {"classification": _draw_classification, "products": _draw_products,
         "products_reg": _draw_products_reg, "xor": _draw_xor, "friedman": _draw_friedman}
TASK = {"classification": "classification", "products": "classification",
        "products_reg": "regression", "xor": "classification", "friedman": "regression"}


def _save(path: Path, array):
    tmp = path.with_name(path.stem + ".tmp.npy")
    np.save(tmp, array)
    os.replace(tmp, path)


def get(family: str, n: int, d: int, draw: int, cache: Path) -> WideData:
    """The data set, drawn and written to `cache` the first time, read back afterwards."""
    if family not in _DRAW:
        raise ValueError(f"unknown family '{family}'; known: {FAMILIES}")
    cache = Path(cache)
    cache.mkdir(parents=True, exist_ok=True)
    key = data_key(family, n, d, draw)
    seed = seed_of(family, n, d, draw)
    x_path, y_path, meta_path = cache / f"{key}_X.npy", cache / f"{key}_y.npy", cache / f"{key}.json"
    meta = None
    if meta_path.exists() and x_path.exists() and y_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("generator_version") != GENERATOR_VERSION or meta.get("seed") != seed:
            meta = None
    if meta is None:
        rng = np.random.default_rng(seed)
        X, y, groups, params = _DRAW[family](n, d, rng, seed)
        groups = {k: (np.asarray(v).tolist()) for k, v in groups.items()}
        informative = sorted(set(groups.get("informative", []))
                             | set(groups.get("products", [])) | set(groups.get("linear", []))
                             | set(groups.get("square", [])))
        groups.pop("informative", None)
        _save(x_path, np.ascontiguousarray(X, dtype=np.float32))
        _save(y_path, np.ascontiguousarray(y))
        meta = {"key": key, "family": family, "task": TASK[family], "n": n, "d": d,
                "draw": draw, "seed": seed, "generator_version": GENERATOR_VERSION,
                "informative": [int(v) for v in informative], "groups": groups,
                "params": params}
        tmp = meta_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, meta_path)
    groups = {k: v for k, v in meta["groups"].items()}
    return WideData(family=family, n=n, d=d, draw=draw, task=meta["task"], seed=seed,
                    x_path=x_path, y_path=y_path,
                    informative=np.asarray(meta["informative"], dtype=np.int64), groups=groups)
