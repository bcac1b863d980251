"""Figures 2 and 4 of the paper, redrawn from gfs fits.

Figure 2: every feature's selection probability p_j after each epoch (result.json key
`probability_history`, written when the fit runs with `--set record_probabilities=true`); the
features kept at the end in red, the others in blue.

Figure 4: digits (8 x 8 pixels): the per-pixel entropy of the pixel values, the gfs probability
map and the selected pixels, with the mean entropy of the selected pixels against all pixels.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fig3"))
import gfs_harness as gh  # noqa: E402


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _save(fig, path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.png")
    fig.savefig(tmp, dpi=130)
    tmp.replace(path)


def probability_history(result: dict) -> tuple[np.ndarray | None, str]:
    """[epochs, D] selection probabilities from a result.json, and where they came from.

    Prefers `probability_history`; falls back to per-epoch logits in the history records
    (p = 1 - exp(-exp(w)), the chance that w + Gumbel noise > 0); None when neither is there.
    """
    ph = result.get("probability_history")
    if ph:
        arr = np.asarray(ph, dtype=float)
        if arr.ndim == 1:
            arr = arr.reshape(-1, int(result["n_features"]))
        return arr, "probability_history"
    hist = result.get("history") or []
    if hist and "logits" in hist[0]:
        w = np.asarray([h["logits"] for h in hist], dtype=float)
        return 1.0 - np.exp(-np.exp(w)), "history[].logits"
    if hist and "probabilities" in hist[0]:
        return np.asarray([h["probabilities"] for h in hist], dtype=float), "history[].probabilities"
    return None, "absent"


def figure2(result: dict, data_name: str, n_real: int, informative, path: Path) -> dict:
    """Draw Figure 2 from one fit; returns a summary (or the reason it could not be drawn)."""
    probs, source = probability_history(result)
    if probs is None:
        return {"drawn": False, "reason": "result.json has no per-epoch probabilities "
                "(probability_history); the CLI needs --set record_probabilities=true"}
    plt = _plt()
    selected = set(int(i) for i in result["selected"])
    D = probs.shape[1]
    order = sorted(range(D), key=lambda j: (j not in selected, -probs[-1, j]))
    epochs = np.arange(1, probs.shape[0] + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.6),
                                      gridspec_kw={"width_ratios": [1, 1.2]})
    im = left.imshow(probs[:, order].T, aspect="auto", cmap="viridis", vmin=0, vmax=1,
                     extent=[0.5, probs.shape[0] + 0.5, D - 0.5, -0.5], interpolation="nearest")
    left.axhline(len(selected) - 0.5, color="red", lw=0.8)
    left.set_xlabel("epoch")
    left.set_ylabel("feature (selected first, then by final p)")
    left.set_title(f"p_j per epoch - {data_name}", fontsize=10)
    fig.colorbar(im, ax=left, fraction=0.046)
    for j in range(D):
        if j not in selected:
            right.plot(epochs, probs[:, j], color="tab:blue", alpha=0.25, lw=0.7)
    for j in sorted(selected):
        right.plot(epochs, probs[:, j], color="tab:red", alpha=0.9, lw=1.2)
    right.set_xlabel("epoch")
    right.set_ylabel("selection probability p_j")
    right.set_ylim(-0.02, 1.02)
    right.set_title(f"selected ({len(selected)}, red) vs not selected ({D - len(selected)}, blue)",
                    fontsize=10)
    fig.tight_layout()
    _save(fig, path)
    plt.close(fig)
    summary = {"drawn": True, "source": source, "epochs": int(probs.shape[0]), "D": int(D),
               "n_selected": len(selected),
               "selected_real": int(sum(1 for j in selected if j < n_real))}
    if informative is not None:
        inf = set(int(i) for i in informative)
        summary["selected_informative"] = len(selected & inf)
        summary["n_informative"] = len(inf)
    return summary


def pixel_entropy(X: np.ndarray) -> np.ndarray:
    """Shannon entropy (bits) of each column's value distribution; digits take values 0..16."""
    ent = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        _, counts = np.unique(X[:, j], return_counts=True)
        p = counts / counts.sum()
        ent[j] = float(-(p * np.log2(p)).sum())
    return ent


def figure4(result: dict, X: np.ndarray, path: Path) -> dict:
    """Draw Figure 4 for the 8 x 8 digits and return the entropy comparison."""
    plt = _plt()
    ent = pixel_entropy(X)
    selected = np.asarray(result["selected"], dtype=int)
    logits = np.asarray(result["logits"], dtype=float)
    prob = 1.0 - np.exp(-np.exp(logits))
    mask = np.zeros(64)
    mask[selected] = 1
    fig, axes = plt.subplots(1, 3, figsize=(12, 4))
    panels = [(ent, "pixel entropy (bits)", "magma"), (prob, "gfs selection probability p_j",
                                                       "viridis")]
    for ax, (values, title, cmap) in zip(axes[:2], panels):
        im = ax.imshow(values.reshape(8, 8), cmap=cmap)
        ax.set_title(title, fontsize=10)
        fig.colorbar(im, ax=ax, fraction=0.046)
    axes[2].imshow(X.mean(axis=0).reshape(8, 8), cmap="gray_r")
    rows, cols = np.divmod(selected, 8)
    axes[2].scatter(cols, rows, s=120, facecolors="none", edgecolors="red", linewidths=1.5)
    mean_sel = float(ent[selected].mean()) if len(selected) else float("nan")
    axes[2].set_title(f"{len(selected)} selected pixels (red) on the mean digit", fontsize=10)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(f"digits: mean entropy selected = {mean_sel:.2f} bits, "
                 f"all pixels = {ent.mean():.2f} bits", fontsize=11)
    fig.tight_layout()
    _save(fig, path)
    plt.close(fig)
    return {"n_selected": int(len(selected)), "mean_entropy_selected_bits": mean_sel,
            "mean_entropy_all_bits": float(ent.mean()),
            "selected": selected.tolist()}


def run_figures(args, gfs, out_dir: Path, workdir: Path) -> dict:
    """Fit gfs on the Figure 2 data set and on the clean digits, draw both figures."""
    import noisy_datasets as datasets
    summary = {}
    data = datasets.load("make_classification", "random")
    x_path, y_path = gh.save_npy_pair(workdir, data.X, data.y, "fig2")
    run = gh.run_gfs_select(gfs, x_path, y_path, task=data.task, epochs=args.gfs_epochs,
                            seed=args.seed, threads=args.threads, workdir=workdir,
                            settings={"record_probabilities": "true"})
    summary["figure2"] = figure2(run.result, data.key, data.n_real, data.informative,
                                 out_dir / "fig2_probabilities.png")
    digits = datasets.load("digits", "clean")
    x_path, y_path = gh.save_npy_pair(workdir, digits.X, digits.y, "fig4")
    run = gh.run_gfs_select(gfs, x_path, y_path, task="classification", epochs=args.gfs_epochs,
                            seed=args.seed, threads=args.threads, workdir=workdir)
    summary["figure4"] = figure4(run.result, digits.X, out_dir / "fig4_digits.png")
    return summary
