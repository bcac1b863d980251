"""gfs.plot: Figure 2 (probabilities per epoch) and Figure 4 (selection on an image grid)."""
import sys

import numpy as np
import pytest
from conftest import FAST, make_informative

import gfs.plot
from gfs import GFSSelector

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture
def fitted():
    X, y = make_informative()
    return GFSSelector(record_probabilities=True, **FAST).fit(X, y)


def test_probabilities_draws_one_line_per_feature(fitted, tmp_path):
    ax = gfs.plot.probabilities(fitted)
    assert len(ax.lines) == fitted.n_features_in_
    coloured = ax.lines[-5:]  # the selected features are drawn last, in colour
    assert [line.get_label() for line in coloured] == [f"x{j}" for j in range(5)]
    np.testing.assert_allclose(coloured[0].get_ydata(), fitted.probability_history_[:, 0])
    assert ax.get_title() == "5 of 20 features selected"
    ax.figure.savefig(tmp_path / "fig2.png")
    assert (tmp_path / "fig2.png").stat().st_size > 0
    plt.close("all")


def test_probabilities_needs_the_history():
    X, y = make_informative(n=100, d=6)
    with pytest.raises(ValueError, match="record_probabilities=True"):
        gfs.plot.probabilities(GFSSelector(epochs=3, random_state=0).fit(X, y))


def test_image_mask(fitted):
    ax = gfs.plot.image_mask(fitted, (4, 5))
    shown = ax.images[0].get_array()
    np.testing.assert_array_equal(np.asarray(shown).ravel(), fitted.support_.astype(float))
    picture = np.arange(20.0)
    ax = gfs.plot.image_mask(fitted, (4, 5), values="probabilities", image=picture)
    assert len(ax.images) == 2
    with pytest.raises(ValueError, match="does not hold the 20 features"):
        gfs.plot.image_mask(fitted, (3, 5))
    with pytest.raises(ValueError, match="values must be one of"):
        gfs.plot.image_mask(fitted, (4, 5), values="weights")
    plt.close("all")


def test_a_clear_message_without_matplotlib(fitted, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        gfs.plot.image_mask(fitted, (4, 5))
