"""GFSSelector: selection, input handling, fitted attributes, pickling, determinism."""
import ctypes
import importlib.metadata
import pickle

import numpy as np
import pytest
from conftest import FAST, make_informative
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import gfs
from gfs import GFSSelector, _core

INFORMATIVE = [0, 1, 2, 3, 4]


def test_version_is_the_librarys():
    # The module carries libgfs's objects, C API included: ask gfs_version() itself.
    c_api = ctypes.CDLL(_core.__file__)
    c_api.gfs_version.restype = ctypes.c_char_p
    assert gfs.__version__ == c_api.gfs_version().decode()
    assert gfs.__version__ == _core.version()
    assert gfs.__version__ == importlib.metadata.version("gfs")
    assert gfs.__version__.count(".") == 2


def test_finds_the_informative_columns(informative):
    X, y = informative
    selector = GFSSelector(**FAST).fit(X, y)
    assert list(selector.get_support(indices=True)) == INFORMATIVE
    assert selector.transform(X).shape == (X.shape[0], 5)
    np.testing.assert_array_equal(selector.transform(X), X[:, INFORMATIVE])


def test_fitted_attributes(informative):
    X, y = informative
    selector = GFSSelector(record_probabilities=True, **FAST).fit(X, y)
    d = X.shape[1]
    assert selector.n_features_in_ == d
    assert selector.n_outputs_ == 2
    np.testing.assert_array_equal(selector.classes_, [0, 1])
    assert selector.device_ == "cpu" or selector.device_.startswith("cuda")
    for name in ("scores_", "logits_", "probabilities_", "ranking_", "support_"):
        assert getattr(selector, name).shape == (d,), name
    # p_j = 1 - exp(-exp(w_j)); the informative columns are certain, the rest (nearly) never drawn.
    np.testing.assert_allclose(selector.probabilities_, 1 - np.exp(-np.exp(selector.logits_)), rtol=1e-5, atol=1e-6)
    assert (selector.scores_[INFORMATIVE] == 1000).all()
    # ranking_: 1 = the largest logit, a permutation of 1..d (as RFE's ranking_).
    assert sorted(selector.ranking_) == list(range(1, d + 1))
    np.testing.assert_array_equal(np.argsort(selector.ranking_), np.argsort(-selector.logits_, kind="stable"))
    assert set(np.flatnonzero(selector.ranking_ <= 5)) == set(INFORMATIVE)
    # history_: one record per epoch; the last record's active count is the majority set.
    assert len(selector.history_) == FAST["epochs"]
    assert [r["epoch"] for r in selector.history_] == list(range(1, FAST["epochs"] + 1))
    assert set(selector.history_[0]) == {"epoch", "tau", "loss", "task_loss", "select_loss", "mean_mask", "n_active", "n_trained"}
    assert selector.history_[0]["tau"] == pytest.approx(2.0)
    assert selector.history_[-1]["n_active"] == int((selector.logits_ > 0).sum())
    # probability_history_: [epochs, d], its last row the final probabilities.
    assert selector.probability_history_.shape == (FAST["epochs"], d)
    np.testing.assert_allclose(selector.probability_history_[-1], selector.probabilities_)
    assert selector.penalty_weight_ == pytest.approx(0.17)  # "auto" for the raw penalty under the rows scale
    assert selector.config_["epochs"] == str(FAST["epochs"])
    assert selector.seed_ == 0
    assert set(INFORMATIVE) <= set(selector.candidates_)


def test_probability_history_only_when_asked(informative):
    X, y = informative
    assert GFSSelector(epochs=3, random_state=0).fit(X, y).probability_history_ is None


def test_string_labels_are_encoded(informative):
    X, y = informative
    names = np.array(["dog", "cat"])[y]  # "cat" < "dog": codes follow sorted order
    by_name = GFSSelector(**FAST).fit(X, names)
    by_code = GFSSelector(**FAST).fit(X, y)
    np.testing.assert_array_equal(by_name.classes_, ["cat", "dog"])
    np.testing.assert_array_equal(by_name.logits_, GFSSelector(**FAST).fit(X, 1 - y).logits_)
    assert list(by_name.get_support(indices=True)) == list(by_code.get_support(indices=True))


def test_three_classes_with_gaps_in_the_labels():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 12)).astype(np.float32)
    y = np.where(X[:, 0] > 0.5, 30, np.where(X[:, 1] > 0, 10, -5))  # labels -5, 10, 30
    selector = GFSSelector(**FAST).fit(X, y)
    np.testing.assert_array_equal(selector.classes_, [-5, 10, 30])
    assert selector.n_outputs_ == 3
    assert {0, 1} <= set(selector.get_support(indices=True))


def test_regression_multi_output():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 20)).astype(np.float32)
    Y = np.c_[X[:, 0] + X[:, 1], 2 * X[:, 2] - X[:, 3]] + 0.1 * rng.normal(size=(400, 2))
    selector = GFSSelector(task="regression", epochs=60, random_state=0).fit(X, Y)
    assert list(selector.get_support(indices=True)) == [0, 1, 2, 3]
    assert selector.n_outputs_ == 2
    assert not hasattr(selector, "classes_")
    single = GFSSelector(task="regression", epochs=60, random_state=0).fit(X, Y[:, 0])
    assert list(single.get_support(indices=True)) == [0, 1]
    assert single.n_outputs_ == 1


def test_layouts_and_dtypes_give_the_same_fit(informative):
    X, y = informative
    reference = GFSSelector(**FAST).fit(X, y)
    # float32 -> float64 is exact, so every layout and type reaches the library as the same floats.
    for variant in (np.asfortranarray(X), X.astype(np.float64), np.asfortranarray(X.astype(np.float64)), X.tolist()):
        other = GFSSelector(**FAST).fit(variant, list(y))
        np.testing.assert_array_equal(other.logits_, reference.logits_)
        np.testing.assert_array_equal(other.support_, reference.support_)
    # Integers are accepted too (converted to float32).
    ints = np.round(X * 4).astype(np.int32)
    assert GFSSelector(**FAST).fit(ints, y).n_features_in_ == X.shape[1]
    # transform keeps the caller's dtype and layout-independent values.
    X64 = X.astype(np.float64)
    assert reference.transform(X64).dtype == np.float64
    np.testing.assert_array_equal(reference.transform(np.asfortranarray(X64)), X64[:, INFORMATIVE])


def test_c_contiguous_float32_is_not_copied(informative, monkeypatch):
    X, y = informative
    seen = []
    for name in ("fit", "fit_in_place"):
        real = getattr(_core, name)

        def spy(settings, x, targets, n_targets, progress, real=real, name=name):
            seen.append((name, x))
            return real(settings, x, targets, n_targets, progress)

        monkeypatch.setattr(_core, name, spy)
    given = X.copy()
    GFSSelector(epochs=2, random_state=0).fit(X, y)
    assert seen[-1][0] == "fit" and seen[-1][1] is X  # the caller's array: read, never written
    np.testing.assert_array_equal(X, given)
    # A converted copy is the selector's own: the library standardises it in place (no second copy).
    fortran = np.asfortranarray(X)
    GFSSelector(epochs=2, random_state=0).fit(fortran, y)
    name, x = seen[-1]
    assert name == "fit_in_place" and x.flags.c_contiguous and x.dtype == np.float32
    assert not np.shares_memory(x, X) and not np.shares_memory(x, fortran)
    np.testing.assert_allclose(x.mean(axis=0), 0.0, atol=1e-5)  # left standardised
    np.testing.assert_array_equal(fortran, given)
    X64 = X.astype(np.float64)
    kept = X64.copy()
    GFSSelector(epochs=2, random_state=0).fit(X64, y)
    assert seen[-1][0] == "fit_in_place"
    np.testing.assert_array_equal(X64, kept)


def test_pandas_names_flow_through():
    pd = pytest.importorskip("pandas")
    X, y = make_informative()
    names = [f"col_{j}" for j in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=names)
    selector = GFSSelector(**FAST).fit(frame, pd.Series(np.where(y == 1, "yes", "no")))
    np.testing.assert_array_equal(selector.feature_names_in_, names)
    assert list(selector.get_feature_names_out()) == [f"col_{j}" for j in INFORMATIVE]
    np.testing.assert_array_equal(selector.transform(frame), X[:, INFORMATIVE])
    np.testing.assert_array_equal(selector.classes_, ["no", "yes"])
    # Columns in another order are refused, as by every scikit-learn estimator.
    with pytest.raises(ValueError, match="feature names"):
        selector.transform(frame[names[::-1]])
    # set_output(transform="pandas") keeps the names.
    out = GFSSelector(**FAST).set_output(transform="pandas").fit(frame, y).transform(frame)
    assert list(out.columns) == [f"col_{j}" for j in INFORMATIVE]


def test_inverse_transform(informative):
    X, y = informative
    selector = GFSSelector(**FAST).fit(X, y)
    back = selector.inverse_transform(selector.transform(X))
    np.testing.assert_array_equal(back[:, INFORMATIVE], X[:, INFORMATIVE])
    assert not back[:, 5:].any()


def test_pickle_round_trip_and_clone(informative):
    X, y = informative
    selector = GFSSelector(record_probabilities=True, **FAST).fit(X, y)
    restored = pickle.loads(pickle.dumps(selector))
    np.testing.assert_array_equal(restored.get_support(), selector.get_support())
    np.testing.assert_array_equal(restored.transform(X), selector.transform(X))
    for name in ("scores_", "logits_", "probabilities_", "ranking_", "probability_history_"):
        np.testing.assert_array_equal(getattr(restored, name), getattr(selector, name))
    assert restored.history_ == selector.history_
    assert restored.device_ == selector.device_
    # Nothing of the C++ side is kept: every attribute is plain Python or numpy.
    for name, value in vars(restored).items():
        assert type(value).__module__ in ("builtins", "numpy"), (name, type(value))
    copy = clone(selector)
    assert copy.get_params() == selector.get_params()
    with pytest.raises(NotFittedError):
        copy.get_support()


def test_same_random_state_same_selection(informative):
    X, y = informative
    a = GFSSelector(epochs=40, random_state=7).fit(X, y)
    b = GFSSelector(epochs=40, random_state=7).fit(X, y)
    np.testing.assert_array_equal(a.logits_, b.logits_)
    np.testing.assert_array_equal(a.scores_, b.scores_)
    np.testing.assert_array_equal(a.support_, b.support_)
    # ... whatever the thread count (the library cuts features into fixed chunks).
    c = GFSSelector(epochs=40, random_state=7, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(a.logits_, c.logits_)
    # Another seed trains differently; random_state=None draws one and keeps it in seed_.
    assert not np.array_equal(a.logits_, GFSSelector(epochs=40, random_state=8).fit(X, y).logits_)
    free = GFSSelector(epochs=40).fit(X, y)
    again = GFSSelector(epochs=40, random_state=free.seed_).fit(X, y)
    np.testing.assert_array_equal(free.logits_, again.logits_)
    # A RandomState instance draws the seed from its stream.
    r1 = GFSSelector(epochs=5, random_state=np.random.RandomState(3)).fit(X, y).seed_
    r2 = GFSSelector(epochs=5, random_state=np.random.RandomState(3)).fit(X, y).seed_
    assert r1 == r2


def test_target_count_and_top_k(informative):
    X, y = informative
    top = GFSSelector(support="top-k", n_features_to_select=3, **FAST).fit(X, y)
    assert len(top.get_support(indices=True)) == 3
    assert set(top.get_support(indices=True)) <= set(INFORMATIVE)
    frac = GFSSelector(support="top-k", n_features_to_select=0.25, **FAST).fit(X, y)
    assert frac.get_support().sum() == 5
    assert frac.config_["target_features"] == "5"
    target = GFSSelector(penalty="target", n_features_to_select=5, support="majority", **FAST).fit(X, y)
    assert target.penalty_weight_ == pytest.approx(1.0)  # "auto" for the target penalty
    with pytest.warns(UserWarning, match="n_features_to_select is used only"):
        GFSSelector(n_features_to_select=5, epochs=2, random_state=0).fit(X, y)


def test_penalty_weight_changes_the_selection(informative):
    X, y = informative
    light = GFSSelector(penalty_weight=0.0, support="majority", **FAST).fit(X, y)
    heavy = GFSSelector(penalty_weight=3.0, support="majority", **FAST).fit(X, y)
    assert light.penalty_weight_ == 0.0 and heavy.penalty_weight_ == 3.0
    assert light.get_support().sum() > heavy.get_support().sum()


def test_pair_screen_reports_a_product():
    # y = 1[x_5 x_22 > 0]: neither column has an effect of its own; the pair screen finds the pair
    # and its columns join the held-out test's candidates.
    rng = np.random.default_rng(4)
    X = rng.standard_normal((500, 30)).astype(np.float32)
    y = (X[:, 5] * X[:, 22] > 0).astype(int)
    selector = GFSSelector(epochs=20, random_state=0, device="cpu").fit(X, y)
    assert selector.interactions_[0][:2] == (5, 22)
    assert selector.interactions_[0][2] > 5
    assert {5, 22} <= set(selector.candidates_)
    off = GFSSelector(epochs=20, random_state=0, device="cpu", pair_screen="off").fit(X, y)
    assert off.interactions_ == []


def test_column_screen_reports_a_linear_and_a_square_effect():
    # 150 rows, 300 columns; y = 1[x_3 + (x_7^2 - 1) > 0]: x_3 acts through itself, x_7 only through
    # its square. The screen lists both with the right term and a small adjusted p.
    rng = np.random.default_rng(11)
    X = rng.standard_normal((150, 300)).astype(np.float32)
    y = (1.5 * X[:, 3] + (X[:, 7] ** 2 - 1) > 0).astype(int)
    selector = GFSSelector(epochs=20, random_state=0, device="cpu").fit(X, y)
    entries = {c: (term, z, p) for c, term, z, p in selector.screened_}
    assert entries[3][0] == "linear" and entries[7][0] == "square"
    assert all(0.0 <= p <= 0.05 for _, _, p in (entries[3], entries[7]))
    assert {3, 7} <= set(np.flatnonzero(selector.get_support()))
    off = GFSSelector(epochs=20, random_state=0, device="cpu", column_screen=False).fit(X, y)
    assert off.screened_ == []


def test_column_screen_finds_a_count_size_through_its_magnitude():
    # Zero-inflated counts: half of every column is 0 in both classes; above 0 the counts are
    # lognormal (sigma 1.6) and column 9's are e^2 = 7.4 times larger in class 1. The screen names
    # the term that found it, "magnitude" (the log of a count above its floor).
    rng = np.random.default_rng(3)
    n, d = 160, 400
    y = np.arange(n) % 2
    X = np.round(np.exp(2.0 + 1.6 * rng.standard_normal((n, d)))) + 1.0
    X[:, 9] = np.round(np.exp(2.0 + 2.0 * y + 1.6 * rng.standard_normal(n))) + 1.0
    X[rng.random((n, d)) < 0.5] = 0.0
    selector = GFSSelector(epochs=20, random_state=0, device="cpu").fit(X.astype(np.float32), y)
    entries = {c: (term, z, p) for c, term, z, p in selector.screened_}
    assert 9 in entries and entries[9][0] == "magnitude"
    assert entries[9][2] <= 0.05


def test_missing_values_fit_and_are_reported(informative):
    # NaN (and pandas' NA) marks a missing value: the fit runs, missing_fraction_ reports the share
    # per column, and the informative columns are still found.
    X, y = informative
    holed = X.copy()
    rng = np.random.default_rng(3)
    holed[rng.random(len(X)) < 0.2, 0] = np.nan
    holed[::4, 7] = np.nan
    selector = GFSSelector(**FAST).fit(holed, y)
    share = selector.missing_fraction_
    assert share.shape == (X.shape[1],)
    assert share[0] == pytest.approx(np.isnan(holed[:, 0]).mean())
    assert share[7] == pytest.approx(0.25)
    assert np.count_nonzero(share) == 2
    assert set(range(5)) <= set(np.flatnonzero(selector.get_support()))
    reduced = selector.transform(holed)
    assert np.isnan(reduced[:, 0]).sum() == np.isnan(holed[:, 0]).sum()
    complete = GFSSelector(**FAST).fit(X, y)
    assert not complete.missing_fraction_.any()
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(holed).astype("Float64")
    frame.iloc[1, 2] = pd.NA
    from_pandas = GFSSelector(**FAST).fit(frame, y)
    assert from_pandas.missing_fraction_[2] == pytest.approx(1 / len(X))


def test_every_result_field_is_an_attribute(informative):
    # gfs::result_fields() lists each Result field once with its GFSSelector attribute (and its
    # result.json key and C getter, tested in C++): a field missing here fails.
    from gfs import _core

    X, y = informative
    selector = GFSSelector(**FAST, record_probabilities=True).fit(X, y)
    fields = _core.result_fields()
    assert len(fields) >= 20
    for member, _json, _c, attribute in fields:
        assert hasattr(selector, attribute), f"{member}: GFSSelector has no {attribute}"
    assert selector.n_iter_ == len(selector.history_)
    assert selector.stop_reason_ in ("epochs", "converged")
    assert selector.history_[-1]["epoch"] == selector.n_iter_
    assert selector.ranks_ == 1 and selector.rank_columns_.shape == (0, 2)
    assert selector.feature_mean_.shape == (X.shape[1],)


def test_scipy_sparse_input_fits_as_its_dense_copy(informative):
    sparse = pytest.importorskip("scipy.sparse")
    X, y = informative
    X = X.copy()
    X[np.abs(X) < 0.5] = 0  # a third of the cells zero
    dense = GFSSelector(**FAST).fit(X, y)
    for kind in (sparse.csr_matrix, sparse.csc_matrix):
        fitted = GFSSelector(**FAST).fit(kind(X), y)
        np.testing.assert_array_equal(fitted.logits_, dense.logits_)
        np.testing.assert_array_equal(fitted.get_support(), dense.get_support())
        reduced = fitted.transform(kind(X))
        np.testing.assert_array_equal(reduced.toarray(), X[:, dense.get_support()])


def test_must_keep_and_must_drop_by_number_or_name(informative):
    """Issue 24: a noise column that must stay is selected, an informative one that must go is not,
    and the other informative columns are found; a DataFrame's names work as column numbers do."""
    pd = pytest.importorskip("pandas")
    X, y = informative
    selector = GFSSelector(must_keep=[12], must_drop=[0], **FAST).fit(X, y)
    kept = list(selector.get_support(indices=True))
    assert 12 in kept and 0 not in kept
    assert set(INFORMATIVE[1:]) <= set(kept)
    assert selector.config_["must_keep"] == "12" and selector.config_["must_drop"] == "0"
    assert selector.logits_[12] > 0 and selector.logits_[0] < 0
    assert selector.ranking_[0] == X.shape[1]  # the dropped column ranks last

    frame = pd.DataFrame(X, columns=[f"g{j}" for j in range(X.shape[1])])
    named = GFSSelector(must_keep="g12", must_drop=["g0"], **FAST).fit(frame, y)
    np.testing.assert_array_equal(named.get_support(), selector.get_support())


def test_must_keep_and_must_drop_errors_name_the_column(informative):
    X, y = informative
    with pytest.raises(ValueError, match="must_keep: 'age': X has no feature names"):
        GFSSelector(must_keep=["age"], **FAST).fit(X, y)
    with pytest.raises(ValueError, match=r"must_drop: column 20 is not a column of X \(0..19\)"):
        GFSSelector(must_drop=[20], **FAST).fit(X, y)
    with pytest.raises(ValueError, match="both hold column 3"):
        GFSSelector(must_keep=[3], must_drop=[3], **FAST).fit(X, y)
    with pytest.raises(TypeError, match="must_keep must be"):
        GFSSelector(must_keep=1.5, **FAST).fit(X, y)


def test_feature_cost_by_number_name_or_list(informative):
    """Issue 24: a cost raises the evidence an informative column must show: at a prohibitive cost
    the informative column 0 is not kept, at cost 0 or 1 it is; a dict by name, a dict by number and
    a full list give the same fit."""
    pd = pytest.importorskip("pandas")
    X, y = informative
    free = GFSSelector(feature_cost={0: 0.0}, **FAST).fit(X, y)
    assert 0 in free.get_support(indices=True)
    costly = GFSSelector(feature_cost={0: 1000.0}, **FAST).fit(X, y)
    assert 0 not in costly.get_support(indices=True)
    assert costly.config_["feature_cost"].startswith("1000,1,1")
    as_list = GFSSelector(feature_cost=[1000.0] + [1.0] * (X.shape[1] - 1), **FAST).fit(X, y)
    frame = pd.DataFrame(X, columns=[f"g{j}" for j in range(X.shape[1])])
    by_name = GFSSelector(feature_cost={"g0": 1000.0}, **FAST).fit(frame, y)
    np.testing.assert_array_equal(as_list.logits_, costly.logits_)
    np.testing.assert_array_equal(by_name.logits_, costly.logits_)
    with pytest.raises(ValueError, match="feature_cost holds 3 costs, but X has 20 columns"):
        GFSSelector(feature_cost=[1, 2, 3], **FAST).fit(X, y)
    with pytest.raises(ValueError, match="costs must be finite and >= 0"):
        GFSSelector(feature_cost={1: -2.0}, **FAST).fit(X, y)
