#!/usr/bin/env python3
"""The paper's Figures 2 and 4 from Python: GFSSelector on scikit-learn's 8x8 digits (shipped with
scikit-learn, nothing is downloaded).

    python3 examples/python/digits_figures.py [output-directory]

Writes fig2_probabilities.png (every pixel's selection probability per epoch, the kept pixels in
colour) and fig4_digits.png (the kept pixels over the mean digit).
"""
import pathlib
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

import gfs  # noqa: E402
import gfs.plot  # noqa: E402

out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
out.mkdir(parents=True, exist_ok=True)
X, y = load_digits(return_X_y=True)
selector = gfs.GFSSelector(record_probabilities=True, random_state=0).fit(X, y)
print(f"kept {selector.get_support().sum()} of {selector.n_features_in_} pixels in {selector.fit_seconds_:.1f} s")

ax = gfs.plot.probabilities(selector, max_labels=8)
ax.figure.tight_layout()
ax.figure.savefig(out / "fig2_probabilities.png", dpi=120)
ax = gfs.plot.image_mask(selector, (8, 8), image=X.mean(axis=0))
ax.figure.savefig(out / "fig4_digits.png", dpi=120)
plt.close("all")
print(f"wrote {out / 'fig2_probabilities.png'} and {out / 'fig4_digits.png'}")
