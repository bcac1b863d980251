"""GFSSelector(task="survival"): y as scikit-survival's structured array or as (time, event) columns."""
import numpy as np
import pytest

from gfs import GFSSelector

FAST = dict(epochs=60, random_state=0, n_jobs=1)


def make_survival(n=400, d=15, censored=0.4, seed=0):
    """A Cox model with risk x0 - x1 + 0.8 x2 and an exponential baseline; independent exponential
    censoring tuned to censor about `censored` of the rows."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    eta = X[:, 0] - X[:, 1] + 0.8 * X[:, 2]
    t = rng.exponential(size=n) / np.exp(eta)
    c = rng.exponential(size=n) / (censored / (1 - censored))
    return X, np.minimum(t, c), t <= c


def test_structured_and_column_targets_give_the_same_fit():
    X, time, event = make_survival()
    structured = np.empty(len(time), dtype=[("event", bool), ("time", float)])  # sksurv.util.Surv's layout
    structured["event"], structured["time"] = event, time
    a = GFSSelector(task="survival", **FAST).fit(X, structured)
    b = GFSSelector(task="survival", **FAST).fit(X, np.column_stack([time, event]))
    np.testing.assert_array_equal(a.logits_, b.logits_)
    assert {0, 1, 2} <= set(a.get_support(indices=True))
    assert a.n_outputs_ == 1
    assert a.config_["task"] == "survival" and a.config_["cox_ties"] == "breslow"
    # Named, not bool, fields work too; the field order does not matter.
    named = np.empty(len(time), dtype=[("time", float), ("status", int)])
    named["time"], named["status"] = time, event
    c = GFSSelector(task="survival", **FAST).fit(X, named)
    np.testing.assert_array_equal(a.logits_, c.logits_)


def test_efron_is_a_setting():
    X, time, event = make_survival(n=200, d=8)
    sel = GFSSelector(task="survival", ties="efron", **FAST).fit(X, np.column_stack([time.round(1), event]))
    assert sel.config_["cox_ties"] == "efron"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda t, e: (np.where(np.arange(len(t)) == 3, -1.0, t), e), "survival time at row 3"),
        (lambda t, e: (np.where(np.arange(len(t)) == 3, np.nan, t), e), "survival time at row 3"),
        (lambda t, e: (t, np.where(np.arange(len(t)) == 5, 2, e)), "event flag at row 5 is 2"),
        (lambda t, e: (t, np.zeros_like(e)), "no event"),
    ],
)
def test_bad_targets_raise_value_error(change, message):
    X, time, event = make_survival(n=100, d=5)
    t, e = change(time, event.astype(float))
    with pytest.raises(ValueError, match=message):
        GFSSelector(task="survival", **FAST).fit(X, np.column_stack([t, e]))


def test_wrong_shapes_are_refused():
    X, time, event = make_survival(n=100, d=5)
    with pytest.raises(ValueError, match="two columns"):
        GFSSelector(task="survival", **FAST).fit(X, time)
    odd = np.empty(len(time), dtype=[("a", float), ("b", float)])
    with pytest.raises(ValueError, match="which field"):
        GFSSelector(task="survival", **FAST).fit(X, odd)
