"""Drawing of Figure 3: time against D (log-log, median with the min-max spread of the repeats)
on the left, the fitted exponent alpha with its 95 % CI on the right."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def draw(rows, fits, methods, path: Path, title: str = "") -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [k for k in methods if any(r["method"] == k for r in rows)]
    colors = plt.get_cmap("tab10")
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8),
                                      gridspec_kw={"width_ratios": [1.4, 1]})
    for i, key in enumerate(keys):
        mine = [r for r in rows if r["method"] == key]
        sizes = sorted({r["D"] for r in mine})
        per_size = [np.array([r["seconds"] for r in mine if r["D"] == D]) for D in sizes]
        med = np.array([np.median(t) for t in per_size])
        lo = np.array([t.min() for t in per_size])
        hi = np.array([t.max() for t in per_size])
        color = colors(i % 10)
        left.plot(sizes, med, "o-", color=color, label=methods[key][0], lw=1.6, ms=4)
        left.fill_between(sizes, lo, hi, color=color, alpha=0.2, lw=0)
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xlabel("number of features D")
    left.set_ylabel("fit time (s)")
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=7, loc="best")
    left.set_title(title or "fit time (median, band = min-max over repeats)", fontsize=10)

    fit_rows = [f for f in fits if f["timed"] == "fit" and np.isfinite(f["alpha"])]
    y = np.arange(len(fit_rows))
    for j, f in enumerate(fit_rows):
        color = colors(keys.index(f["method"]) % 10) if f["method"] in keys else "k"
        right.errorbar(f["alpha"], j, xerr=[[f["alpha"] - f["ci_low"]], [f["ci_high"] - f["alpha"]]],
                       fmt="o", color=color, capsize=4)
        right.annotate(f"{f['alpha']:.2f}", (f["alpha"], j), textcoords="offset points",
                       xytext=(0, 7), ha="center", fontsize=8)
    right.set_yticks(y)
    right.set_yticklabels([f["label"] for f in fit_rows], fontsize=8)
    right.axvline(0, color="grey", lw=0.8)
    right.axvline(1, color="grey", lw=0.8, ls="--")
    right.set_xlabel(r"$\alpha$ in $t \approx c\,D^{\alpha}$ (95 % CI)")
    right.invert_yaxis()
    right.grid(True, axis="x", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.png")
    fig.savefig(tmp, dpi=130)
    plt.close(fig)
    tmp.replace(path)
