"""Figures from a fitted GFSSelector (matplotlib, imported only when a function is called).

- ``probabilities(selector)``: every feature's selection probability p_j per epoch, the selected
  features in colour (the paper's Figure 2); needs ``record_probabilities=True``.
- ``image_mask(selector, shape)``: the selection drawn on an image grid, e.g. the pixels of 8x8
  digits kept (the paper's Figure 4).
"""
import numpy as np
from sklearn.utils.validation import check_is_fitted


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError("gfs.plot needs matplotlib: pip install matplotlib (or gfs[plot])") from e
    return plt


def _feature_names(selector):
    names = getattr(selector, "feature_names_in_", None)
    if names is not None:
        return [str(n) for n in names]
    return [f"x{j}" for j in range(selector.n_features_in_)]


def probabilities(selector, ax=None, max_labels=10):
    """Plot p_j = P(hard mask_j = 1) after each epoch for every feature (the paper's Figure 2).

    Selected features are drawn in colour and labelled (up to ``max_labels`` in the legend), the
    others in grey. A shaded band marks the penalty warm-up. Returns the matplotlib Axes.
    """
    check_is_fitted(selector, "support_")
    history = selector.probability_history_
    if history is None or len(history) == 0:
        raise ValueError(
            "the selector kept no probability history: fit it with record_probabilities=True"
        )
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    history = np.asarray(history)
    epochs = np.arange(1, history.shape[0] + 1)
    names = _feature_names(selector)
    selected = np.flatnonzero(selector.support_)
    for j in np.flatnonzero(~selector.support_):
        ax.plot(epochs, history[:, j], color="0.75", linewidth=0.8, zorder=1)
    for i, j in enumerate(selected):
        label = names[j] if i < max_labels else None
        ax.plot(epochs, history[:, j], linewidth=1.6, zorder=2, label=label)
    warmup = float(selector.config_.get("penalty_warmup", 0)) * float(selector.config_.get("epochs", 0))
    if warmup >= 1:
        ax.axvspan(0.5, warmup + 0.5, color="0.92", zorder=0, label="penalty warm-up")
    ax.set_xlabel("epoch")
    ax.set_ylabel("selection probability $p_j$")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(epochs[0], epochs[-1])
    ax.set_title(f"{len(selected)} of {history.shape[1]} features selected")
    if len(selected) or warmup >= 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    return ax


def image_mask(selector, shape, ax=None, values="support", image=None, cmap="viridis"):
    """Draw the selection on an image grid of ``shape`` (rows, columns), features in row-major order
    (the paper's Figure 4).

    values: "support" (selected or not), "probabilities" (p_j), "scores" (s_j) or "logits" (w_j).
    image: an optional picture of the same shape drawn in grey under the selected pixels.
    Returns the matplotlib Axes.
    """
    check_is_fitted(selector, "support_")
    shape = tuple(int(s) for s in shape)
    if len(shape) != 2 or shape[0] * shape[1] != selector.n_features_in_:
        raise ValueError(
            f"shape {shape} does not hold the {selector.n_features_in_} features the selector was fitted on"
        )
    arrays = {
        "support": selector.support_,
        "probabilities": selector.probabilities_,
        "scores": selector.scores_,
        "logits": selector.logits_,
    }
    if values not in arrays:
        raise ValueError(f"values must be one of {sorted(arrays)}, got {values!r}")
    grid = np.asarray(arrays[values], dtype=float).reshape(shape)
    limits = {"vmin": 0, "vmax": 1} if values == "support" else {}
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4 * shape[0] / max(shape[1], 1)))
    if image is not None:
        picture = np.asarray(image, dtype=float).reshape(shape)
        ax.imshow(picture, cmap="gray", interpolation="nearest")
        if values == "support":
            grid = np.ma.masked_where(grid == 0, grid)
        ax.imshow(grid, cmap=cmap, alpha=0.6, interpolation="nearest", **limits)
    else:
        shown = ax.imshow(grid, cmap=cmap, interpolation="nearest", **limits)
        if values != "support":
            ax.figure.colorbar(shown, ax=ax, fraction=0.046, pad=0.04, label=values)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"{int(np.count_nonzero(selector.support_))} of {selector.n_features_in_} features selected")
    return ax
