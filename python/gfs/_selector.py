"""GFSSelector: libgfs's GFSNetwork as a scikit-learn feature selector."""
import inspect
import numbers
import os
import sys
import warnings

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_selection import SelectorMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_is_fitted

from . import _core

#: NaN in X is a missing value (the library takes the column's mean for it); infinities are refused.
#: scikit-learn 1.6 renamed check_array's force_all_finite to ensure_all_finite.
_ALLOW_NAN = {
    ("ensure_all_finite" if "ensure_all_finite" in inspect.signature(check_array).parameters
     else "force_all_finite"): "allow-nan"
}

try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data as _validate_data
except ImportError:  # scikit-learn < 1.6: the estimator's own method

    def _validate_data(estimator, *args, **kwargs):
        return estimator._validate_data(*args, **kwargs)


#: Every constructor argument and the gfs::Config key it sets (Config::set(key, value)). A setting
#: added to Config needs one constructor argument and one line here; the tests fail until it has them.
CONFIG_KEYS = {
    "task": "task",
    "n_features_to_select": "target_features",
    "penalty_weight": "lambda",
    "penalty": "penalty",
    "penalty_warmup": "penalty_warmup",
    "penalty_scale": "penalty_scale",
    "penalty_ramp": "penalty_ramp",
    "support": "support",
    "validation_z": "validation_z",
    "pair_screen": "pair_screen",
    "column_screen": "column_screen",
    "fallback_candidates": "fallback_candidates",
    "must_keep": "must_keep",
    "must_drop": "must_drop",
    "feature_cost": "feature_cost",
    "members": "members",
    "stability_threshold": "stability_threshold",
    "epochs": "epochs",
    "batch_size": "batch_size",
    "hidden_layer_sizes": "hidden",
    "embedding_dim": "embedding_dim",
    "train_embedding": "train_embedding",
    "shuffle": "shuffle",
    "standardize": "standardize",
    "standardize_targets": "standardize_targets",
    "tau0": "tau0",
    "tau_decay": "tau_decay",
    "lr_mask": "lr_mask",
    "lr_task": "lr_task",
    "beta_1": "adam_beta1",
    "beta_2": "adam_beta2",
    "epsilon": "adam_eps",
    "class_weight": "class_weights",
    "ties": "cox_ties",
    "n_draws": "n_draws",
    "exact": "exact",
    "tol": "tol",
    "n_iter_no_change": "n_iter_no_change",
    "active_eps": "active_eps",
    "active_delta": "active_delta",
    "active_recheck": "active_recheck",
    "prescreen": "prescreen",
    "record_probabilities": "record_probabilities",
    "device": "device",
    "n_jobs": "threads",
    "max_memory": "max_memory",
    "random_state": "seed",
    "verbose": "verbose",
}

#: The fields of a history record, as the library defines them (GFS_EPOCH_RECORD_FIELDS).
_HISTORY_FIELDS = _core.history_fields()


def _bool_text(value):
    return "true" if value else "false"


#: Field names that mark a structured survival array's event flag (the other field is the time).
_EVENT_NAMES = ("event", "status", "cens", "censor", "observed", "delta", "death", "dead")


def _survival_targets(y):
    """Survival y as [n, 2] float columns (time, event). A structured array (scikit-survival's
    ``Surv``: event then time) gives its bool field, or the one named like an event flag, as the
    event; anything else is read as columns (time, event) and checked by the library."""
    dtype = getattr(y, "dtype", None)
    if dtype is None or dtype.names is None:
        columns = np.asarray(y, dtype=np.float64)
        if columns.ndim == 2 and columns.shape[1] == 2 and np.isnan(columns[:, 0]).any():
            # The library's message, before scikit-learn's generic "Input contains NaN".
            row = int(np.flatnonzero(np.isnan(columns[:, 0]))[0])
            raise ValueError(f"survival time at row {row} is nan: times must be finite and >= 0")
        return y
    if len(dtype.names) != 2:
        raise ValueError(f"a structured survival y needs two fields (event, time), got {dtype.names}")
    kinds = [dtype[name].kind for name in dtype.names]
    if kinds.count("b") == 1:
        event = dtype.names[kinds.index("b")]
    else:
        named = [n for n in dtype.names if n.lower() in _EVENT_NAMES]
        if len(named) != 1:
            raise ValueError(
                f"cannot tell which field of the structured survival y {dtype.names} is the event flag: make it "
                "bool (as sksurv.util.Surv.from_arrays does) or name it 'event' or 'status'"
            )
        event = named[0]
    time = dtype.names[1 - dtype.names.index(event)]
    return np.column_stack([np.asarray(y[time], dtype=np.float64), np.asarray(y[event], dtype=np.float64)])


class InvalidParameterError(ValueError, TypeError):
    """A constructor argument of the wrong type or value (raised by fit, as scikit-learn's
    estimators do; both a ValueError and a TypeError, like scikit-learn's own)."""


#: The constructor arguments by the kind of value they take (the rest have their own rules in
#: _setting_text: n_features_to_select, penalty_weight, class_weight, hidden_layer_sizes, n_jobs,
#: max_memory, random_state, verbose).
_BOOL_ARGS = (
    "train_embedding",
    "shuffle",
    "standardize",
    "standardize_targets",
    "exact",
    "record_probabilities",
    "column_screen",
)
_INT_ARGS = (
    "fallback_candidates",
    "members",
    "epochs",
    "batch_size",
    "embedding_dim",
    "n_draws",
    "n_iter_no_change",
    "active_recheck",
    "prescreen",
)
_REAL_ARGS = (
    "penalty_warmup",
    "penalty_ramp",
    "validation_z",
    "stability_threshold",
    "tau0",
    "tau_decay",
    "lr_mask",
    "lr_task",
    "beta_1",
    "beta_2",
    "epsilon",
    "tol",
    "active_eps",
    "active_delta",
)
_STR_ARGS = ("task", "ties", "penalty", "penalty_scale", "support", "pair_screen", "device")


def _invalid(name, expected, value):
    return InvalidParameterError(f"{name} must be {expected}, got {value!r} ({type(value).__name__})")


def _is_bool(value):
    return isinstance(value, (bool, np.bool_))


def _is_int(value):
    return isinstance(value, numbers.Integral) and not _is_bool(value)


def _as_bool(name, value):
    """A bool, or the ints 0 and 1; anything else (a string such as "no", 2, 0.5) is an error."""
    if _is_bool(value):
        return bool(value)
    if _is_int(value) and value in (0, 1):
        return bool(value)
    raise _invalid(name, "a bool (True or False)", value)


def _as_int(name, value):
    """An integral number (numpy ints too); floats, even 3.0, and bools are errors."""
    if not _is_int(value):
        raise _invalid(name, "an int", value)
    return int(value)


def _as_real(name, value):
    if not isinstance(value, numbers.Real) or _is_bool(value):
        raise _invalid(name, "a real number", value)
    return float(value)


def _known_columns(name, value, n_features, names):
    """must_keep / must_drop as Config text: None, or column numbers and/or feature names (names
    when X had them, e.g. a DataFrame's columns), as "3,17"."""
    if value is None:
        return ""
    if isinstance(value, (str, bytes)) or _is_int(value):
        value = [value]
    if not isinstance(value, (tuple, list, np.ndarray)):
        raise _invalid(name, "None or a list of column numbers or feature names", value)
    columns = []
    for v in value:
        if isinstance(v, str):
            where = np.flatnonzero(np.asarray(names, dtype=object) == v) if names is not None else []
            if len(where) != 1:
                known = "X has no feature names" if names is None else "no feature of X has this name"
                raise ValueError(f"{name}: {v!r}: {known}")
            columns.append(int(where[0]))
        elif _is_int(v):
            if not 0 <= v < n_features:
                raise ValueError(f"{name}: column {int(v)} is not a column of X (0..{n_features - 1})")
            columns.append(int(v))
        else:
            raise _invalid(name, "None or a list of column numbers or feature names", value)
    return ",".join(str(c) for c in columns)


def _feature_costs(value, n_features, names):
    """feature_cost as Config text: None, one number per column, or a dict {column number or
    feature name: cost} (the other columns cost 1), as "1,1,5"."""
    if value is None:
        return ""
    if isinstance(value, dict):
        costs = [1.0] * n_features
        for column, cost in value.items():
            j = int(_known_columns("feature_cost", [column], n_features, names))
            costs[j] = _as_real("feature_cost", cost)
    else:
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
            raise _invalid("feature_cost", "None, a dict or one number per column", value)
        costs = [_as_real("feature_cost", c) for c in np.asarray(value, dtype=object).ravel()]
        if len(costs) != n_features:
            raise ValueError(f"feature_cost holds {len(costs)} costs, but X has {n_features} columns")
    return ",".join(repr(float(c)) for c in costs)


def _hidden_sizes(value):
    """hidden_layer_sizes: one int or a sequence of ints (a string is not a sequence of sizes)."""
    if _is_int(value):
        return (int(value),)
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list, np.ndarray)):
        raise _invalid("hidden_layer_sizes", "an int or a tuple of ints", value)
    sizes = tuple(value)
    for h in sizes:
        if not _is_int(h):
            raise _invalid("hidden_layer_sizes", "an int or a tuple of ints", value)
    return tuple(int(h) for h in sizes)


class GFSSelector(SelectorMixin, BaseEstimator):
    """Feature selection with GFSNetwork: a Gumbel-Sigmoid mask over the features, trained together
    with a small task network (cross-entropy or squared error) plus a penalty on the mask's size, on
    libgfs's CPU (OpenMP) or CUDA backend.

    Every setting of the C++ ``gfs::Config`` is a constructor argument (``CONFIG_KEYS`` maps each to
    its key); the defaults are the library's (README, "The algorithm and our defaults").

    Parameters
    ----------
    task : {"classification", "regression", "survival"}, default="classification"
        Classification takes one label column of any type (encoded to 0..C-1, ``classes_``);
        regression takes one or more real target columns; survival takes a time and an event flag
        (``fit``'s y) and trains on the negative Cox partial log-likelihood.
    n_features_to_select : int, float or None, default=None
        The count k used by ``penalty="target"`` and ``support="top-k"``; a float in (0, 1) is a
        fraction of the features. With the defaults (raw penalty, validated support) the count is
        found automatically and this has no effect (a warning says so).
    penalty_weight : float or None, default=None
        λ, the weight of the selection penalty (``Config::lambda``; named so because ``lambda`` is a
        Python keyword and a trailing underscore marks fitted attributes in scikit-learn). None:
        "auto": 0.17 for the raw penalty under penalty_scale "rows" (0.3 under "mean", 0.01 under
        "column") and 1 for the target penalty. Larger keeps fewer features.
    penalty : {"raw", "target"}, default="raw"
        raw: mean mask (the count is found automatically); target: (mean mask - k/D)².
    penalty_warmup : float, default=0.1
        Fraction of the epochs trained with λ = 0 before the penalty starts.
    penalty_scale : {"rows", "mean", "column"}, default="rows"
        How the raw penalty is normalised (its weight per feature is λ / norm): "rows", norm =
        N / (ln D)² (falls with the rows, grows slowly with the width); "mean", norm = D (the paper:
        the push per feature fades as D grows); "column", norm = 1.
    penalty_ramp : float, default=0.0
        Fraction of the epochs over which λ rises linearly from 0 after the warm-up.
    support : {"validated", "stability", "majority", "any", "top-k"}, default="validated"
        The rule that turns the trained mask into the selected set: ``majority`` keeps w_j > 0,
        ``validated`` keeps those of them that pass a held-out test, ``any`` keeps s_j > 0,
        ``top-k`` the k largest logits.
    validation_z : float, default=1.0
        The z-score a candidate's held-out gain must reach under ``support="validated"``.
    pair_screen : {"auto", "on", "off"}, default="auto"
        ``support="validated"``: test every pair of columns for an effect through their product
        (Bonferroni over all pairs at 1 %); the columns of the strongest pairs join the held-out
        test's candidates. ``auto`` runs it while outputs x D^2 x N / 2 stays under 6e10.
    column_screen : bool, default=True
        ``support="validated"``: test every column's linear term, its square and (a column whose
        smallest value a tenth of the rows share, as a count's zeros) the log of its size above that floor
        against the target, marginally and forward (each step against what the columns already
        entered leave unexplained), keeping the entries at a false discovery rate of 10 %
        (ForwardStop); they join the held-out test's candidates.
    fallback_candidates : int, default=10
        ``support="validated"``: when the penalty leaves no column open (few rows), the held-out
        test examines this many columns with the largest logits instead (each must pass a
        Bonferroni bound).
    must_keep : list of int or str, default=None
        Columns every model holds and the selection keeps (column numbers, or feature names when X
        has them, e.g. a DataFrame's columns): their masks are pinned open for the whole fit, no
        penalty moves them, and the other features are chosen beside them.
    must_drop : list of int or str, default=None
        Columns never trained and never selected (their masks are pinned shut; no screen proposes
        them). A column may not be in both lists.
    feature_cost : dict or array-like of float, default=None
        The selection penalty's cost per column: one number per column, or a dict {column number or
        feature name: cost} (the others cost 1). The raw penalty charges λ c_j / norm for an open
        column, and under ``support="validated"`` a column dearer than 1 must show c_j times the
        held-out evidence; 0 makes a column free. Finite, >= 0; not with ``penalty="target"``.
    members : int, default=8
        ``support="stability"``: models trained together on complementary halves of the rows (even).
    stability_threshold : float, default=0.6
        ``support="stability"``: the share of the members that must keep a feature.
    epochs : int, default=200
        The most passes over the data (the temperature anneals per epoch); convergence stopping
        (``tol``, ``n_iter_no_change``) may end the fit earlier (``n_iter_``, ``stop_reason_``).
    batch_size : int, default=32
        Rows per step (a table with fewer rows trains on all of them each step).
    hidden_layer_sizes : tuple of int, default=(32, 32)
        Hidden sizes of the task network (as MLPClassifier's).
    embedding_dim : int, default=32
        Size d_e of the embedding e that the masking network maps to the logits.
    train_embedding : bool, default=True
        Train e (the paper) or keep it at its initial value (the reference package).
    shuffle : bool, default=True
        Shuffle the rows every epoch.
    standardize : bool, default=True
        Standardise each column before training.
    standardize_targets : bool, default=True
        Regression: scale each target column to zero mean and unit variance.
    tau0 : float, default=2.0
        Initial Gumbel-Sigmoid temperature τ.
    tau_decay : float, default=0.997
        τ ← τ · tau_decay after each epoch.
    lr_mask : float, default=4e-3
        Adam learning rate η1 of the masking network and the embedding.
    lr_task : float, default=1e-3
        Adam learning rate η2 of the task network.
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's parameters (MLPClassifier's names).
    class_weight : {None, "balanced", "reference"}, default=None
        Class weights of the cross-entropy: none, N / (C · count_c), or the reference package's.
    ties : {"breslow", "efron"}, default="breslow"
        Survival: how tied event times share a risk set in the Cox partial likelihood (as
        scikit-survival's ``CoxPHSurvivalAnalysis(ties=...)``).
    n_draws : int, default=1000
        Hard Gumbel draws behind ``scores_`` (0: one per training batch, as the reference).
    record_probabilities : bool, default=False
        Keep every feature's selection probability after each epoch (``probability_history_``,
        needed by ``gfs.plot.probabilities``).
    device : str, default="auto"
        "auto" (a GPU when present), "cpu", "cuda" or "cuda:N".
    exact : bool, default=False
        Train every feature in every step for all epochs (the paper's algorithm, bit for bit as
        before the active set and convergence stopping existed).
    tol : float, default=1e-4
        Convergence stopping: after the warm-up, stop once for ``n_iter_no_change`` epochs the
        support (w_j > 0) and its order are unchanged and the loss has not improved by more than tol.
    n_iter_no_change : int, default=10
        Epochs of the stopping rule (0: train all ``epochs``).
    active_eps, active_delta : float, default=0.01
        A feature stops costing a step once P(its mask > active_eps) < active_delta.
    active_recheck : int, default=1
        Every this many epochs every feature is checked again and may return to training.
    prescreen : int, default=-1
        Before training, only this many features with the strongest marginal screen statistic (and
        the pair screen's) start open; the others start closed and never train, so a fit's cost
        follows the features that can matter. -1: max(1000, 2 n_samples) when there are more than
        twice that many features; 0: off. Never with ``exact=True`` or ``support="stability"``.
    n_jobs : int or None, default=None
        CPU threads. None or -1: all cores (the library's default, unlike scikit-learn's None = 1);
        -2: all but one, and so on (at least one); a positive count at most 1024 (``gfs::kMaxThreads``).
    max_memory : int, default=0
        Refuse a fit whose estimated memory exceeds this many bytes (0: the memory available).
    random_state : int, RandomState instance or None, default=None
        Seed of every random stream (initialisation, Gumbel noise, shuffling, the held-out split). An
        int is used as the library's seed (``random_state=s`` equals ``gfs select --seed s``); None
        draws a fresh seed per fit (``seed_`` keeps it).
    verbose : bool or int, default=False
        Show progress: a tqdm bar when tqdm is installed, else a line per tenth of the epochs on stderr.

    Attributes
    ----------
    support_ : ndarray of bool, shape (n_features_in_,)
        The selected features (``get_support()``).
    scores_ : ndarray of int32, shape (n_features_in_,)
        s_j: how often feature j was selected over ``n_draws`` hard draws.
    logits_ : ndarray of float32, shape (n_features_in_,)
        The mask logits w_j.
    probabilities_ : ndarray of float32, shape (n_features_in_,)
        p_j = P(w_j + g > 0) = 1 - exp(-exp(w_j)).
    ranking_ : ndarray of int, shape (n_features_in_,)
        The rank of each feature by logit, 1 = most important (as RFE's ``ranking_``);
        ``np.argsort(ranking_)`` is result.json's "ranking".
    candidates_ : ndarray of int32
        ``support="validated"``: the columns the held-out test examined: the majority set (or the
        ``fallback_candidates`` largest logits when none is open) and the pair and column screens'
        columns.
    interactions_ : list of (int, int, float)
        ``support="validated"``: the pairs of columns (a, b, z) the pair screen found, strongest
        first (empty when it found none or did not run).
    screened_ : list of (int, str, float, float)
        ``support="validated"``: the columns (column, "linear", "square" or "magnitude", z, adjusted p) the
        column screen entered, in the order they entered (empty when none did or it did not run).
    missing_fraction_ : ndarray of float32, shape (n_features_in_,)
        The share of each column's values that were missing (NaN, ``pd.NA``) in the training data;
        a missing value takes its column's mean, so it counts neither for nor against the column.
    frequencies_ : ndarray of float32, shape (n_features_in_,) or empty
        ``support="stability"``: the share of the members that kept each feature.
    expected_false_selections_ : float
        ``support="stability"``: the Meinshausen-Bühlmann bound on the expected number of noise
        features kept (inf for a threshold <= 1/2).
    history_ : list of dict
        One record per epoch: epoch, tau, loss, task_loss, select_loss, mean_mask, n_active (open
        masks), n_trained (the columns the epoch's steps trained: the active set).
    n_iter_ : int
        The last epoch trained (``epochs`` unless convergence stopping or a callback ended it).
    stop_reason_ : str
        "epochs" (the cap), "converged" (``tol`` / ``n_iter_no_change``) or "callback".
    prescreen_columns_ : int
        The features the prescreen let into the network (0: no prescreen, every feature trained).
    ranks_, rank_columns_ : int, ndarray of int64, shape (ranks, 2) or (0, 2)
        A feature-parallel (MPI) fit's processes, and the columns [first, first + count) each trained.
    mean_member_selected_ : float
        ``support="stability"``: the members' mean number of features kept (0 otherwise).
    feature_mean_, feature_std_ : ndarray of float32, shape (n_features_in_,) or empty
        The standardisation statistics over the observed values (empty with ``standardize=False``).
    probability_history_ : ndarray of float32, shape (epochs, n_features_in_) or None
        With ``record_probabilities=True``: p_j after each epoch.
    classes_ : ndarray
        Classification: the labels, in the order of their codes 0..C-1.
    n_features_in_, feature_names_in_ : int, ndarray of str
        As every scikit-learn estimator (names when X was a DataFrame with string column names).
    n_outputs_ : int
        Classes (classification), target columns (regression), or 1 (survival: the risk score).
    device_ : str
        The device that ran the fit, e.g. "cpu" or "cuda:0" (``device_note_`` says why "auto" fell
        back to the CPU, when it did).
    penalty_weight_ : float
        The λ used ("auto" resolved).
    seed_ : int
        The seed used.
    config_ : dict
        Every setting of the fit as the library reports it (key -> text).
    fit_seconds_ : float
        Wall time of the library's fit.
    """

    def __init__(
        self,
        task="classification",
        n_features_to_select=None,
        penalty_weight=None,
        penalty="raw",
        penalty_warmup=0.1,
        penalty_scale="rows",
        penalty_ramp=0.0,
        support="validated",
        validation_z=1.0,
        pair_screen="auto",
        column_screen=True,
        fallback_candidates=10,
        must_keep=None,
        must_drop=None,
        feature_cost=None,
        members=8,
        stability_threshold=0.6,
        epochs=200,
        batch_size=32,
        hidden_layer_sizes=(32, 32),
        embedding_dim=32,
        train_embedding=True,
        shuffle=True,
        standardize=True,
        standardize_targets=True,
        tau0=2.0,
        tau_decay=0.997,
        lr_mask=4e-3,
        lr_task=1e-3,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        class_weight=None,
        ties="breslow",
        n_draws=1000,
        exact=False,
        tol=1e-4,
        n_iter_no_change=10,
        active_eps=1e-2,
        active_delta=1e-2,
        active_recheck=1,
        prescreen=-1,
        record_probabilities=False,
        device="auto",
        n_jobs=None,
        max_memory=0,
        random_state=None,
        verbose=False,
    ):
        self.task = task
        self.n_features_to_select = n_features_to_select
        self.penalty_weight = penalty_weight
        self.penalty = penalty
        self.penalty_warmup = penalty_warmup
        self.penalty_scale = penalty_scale
        self.penalty_ramp = penalty_ramp
        self.support = support
        self.validation_z = validation_z
        self.pair_screen = pair_screen
        self.column_screen = column_screen
        self.fallback_candidates = fallback_candidates
        self.must_keep = must_keep
        self.must_drop = must_drop
        self.feature_cost = feature_cost
        self.members = members
        self.stability_threshold = stability_threshold
        self.epochs = epochs
        self.batch_size = batch_size
        self.hidden_layer_sizes = hidden_layer_sizes
        self.embedding_dim = embedding_dim
        self.train_embedding = train_embedding
        self.shuffle = shuffle
        self.standardize = standardize
        self.standardize_targets = standardize_targets
        self.tau0 = tau0
        self.tau_decay = tau_decay
        self.lr_mask = lr_mask
        self.lr_task = lr_task
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.class_weight = class_weight
        self.ties = ties
        self.n_draws = n_draws
        self.exact = exact
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.active_eps = active_eps
        self.active_delta = active_delta
        self.active_recheck = active_recheck
        self.prescreen = prescreen
        self.record_probabilities = record_probabilities
        self.device = device
        self.n_jobs = n_jobs
        self.max_memory = max_memory
        self.random_state = random_state
        self.verbose = verbose

    @classmethod
    def reference(cls, **params):
        """A selector with the settings of the reference package gfs-network 0.3.1
        (``Config::reference()``, ``gfs select --reference``): batch size 1, no shuffling, a frozen
        embedding, λ = 1 with no warm-up, the reference's class weights and support rule "any".
        ``params`` override any of them."""
        defaults = dict(_core.config_items())
        by_key = {key: name for name, key in CONFIG_KEYS.items()}
        preset = {
            by_key[key]: _argument_value(text)
            for key, text in _core.reference_items()
            if text != defaults[key]
        }
        return cls(**{**preset, **params})

    # -- settings ----------------------------------------------------------------------------------

    def _setting_text(self, name, n_features, seed):
        """The text Config::set(CONFIG_KEYS[name], text) receives for constructor argument `name`."""
        value = getattr(self, name)
        if name == "random_state":
            return str(seed)
        if name in _BOOL_ARGS:
            return _bool_text(_as_bool(name, value))
        if name in _INT_ARGS:
            return str(_as_int(name, value))
        if name in _REAL_ARGS:
            return repr(_as_real(name, value))
        if name in _STR_ARGS:
            if not isinstance(value, str):
                raise _invalid(name, "a string", value)
            return value
        if name == "verbose":
            if _is_bool(value) or (_is_int(value) and value >= 0):
                return _bool_text(value)
            raise _invalid(name, "a bool or a non-negative int", value)
        if name == "penalty_weight":
            return "auto" if value is None else repr(_as_real(name, value))
        if name == "n_features_to_select":
            return str(_target_count(value, n_features))
        if name == "class_weight":
            if value is not None and not isinstance(value, str):
                raise _invalid(name, 'None, "balanced" or "reference"', value)
            return "none" if value is None else value
        if name == "n_jobs":
            return str(_threads(value))
        if name == "hidden_layer_sizes":
            return ",".join(str(h) for h in _hidden_sizes(value))
        if name == "feature_cost":
            return _feature_costs(value, n_features, getattr(self, "feature_names_in_", None))
        if name in ("must_keep", "must_drop"):
            return _known_columns(name, value, n_features, getattr(self, "feature_names_in_", None))
        if name == "max_memory":
            if isinstance(value, str):
                return value  # a size such as "8G" (Config::set reads it)
            return str(_as_int(name, value))
        raise AssertionError(f"no rule for constructor argument {name}")  # a new argument needs one

    def _settings(self, n_features, seed=0):
        """[(Config key, text)] for every constructor argument, in CONFIG_KEYS's order."""
        return [(key, self._setting_text(name, n_features, seed)) for name, key in CONFIG_KEYS.items()]

    def _draw_seed(self):
        rs = self.random_state
        if isinstance(rs, numbers.Integral) and not isinstance(rs, (bool, np.bool_)):
            if rs < 0:
                raise ValueError(f"random_state must be a non-negative integer, None or a RandomState, got {rs}")
            return int(rs)
        return int(check_random_state(rs).randint(0, np.iinfo(np.int32).max))

    # -- fit ---------------------------------------------------------------------------------------

    def fit(self, X, y):
        """Train GFSNetwork on X [n_samples, n_features] and y, and select features.

        X: array-like (numpy float32/float64 in any layout, pandas DataFrame, lists, scipy.sparse
        matrices, which are densified); NaN or ``pd.NA`` marks a missing value. A C-contiguous
        float32 array is passed to the library without a copy (the library standardises a copy of
        it); any other X is converted once and that conversion, the selector's own, is standardised
        in place, so a fit holds one float32 table beside the caller's X. y: class labels of any type
        (classification), [n_samples] / [n_samples, n_targets] real targets (regression), or
        survival targets: a structured array of an event flag and a time (scikit-survival's
        ``Surv.from_arrays``; the bool field, or the field named event/status, is the event) or
        [n_samples, 2] columns (time, event), event 1 for an event and 0 for a censored row.

        The library trains with the GIL released. Ctrl-C stops training after the current epoch and
        raises KeyboardInterrupt; an interrupted or failed fit leaves the fitted attributes as they were.
        """
        survival = self.task == "survival"
        if survival:
            y = _survival_targets(y)
        regression = self.task == "regression" or survival
        given = X
        # Two rows at least: one row has no spread to standardise and nothing to hold out.
        X, y = _validate_data(
            self,
            X,
            y,
            accept_sparse=("csr", "csc", "coo"),
            dtype=np.float32,
            order="C",
            multi_output=regression,
            y_numeric=regression,
            ensure_min_samples=2,
            **_ALLOW_NAN,
        )
        if hasattr(X, "toarray"):  # scipy.sparse: the library trains on dense rows (issue 24: not yet sparse)
            X = X.toarray(order="C")
        # A table converted here (another dtype or layout, a DataFrame, a sparse matrix) is ours alone:
        # the library standardises it in place instead of in a second copy. The caller's own float32
        # C array is never written.
        owned = isinstance(X, np.ndarray) and X.flags.writeable and X.base is None and not (
            isinstance(given, np.ndarray) and np.shares_memory(X, given)
        )
        classes = None
        if regression:
            targets = np.ascontiguousarray(y, dtype=np.float32)
            n_targets = 1 if targets.ndim == 1 else targets.shape[1]
            if survival and n_targets != 2:
                raise ValueError(
                    f"survival needs y with two columns (time, event) or a structured (event, time) array, got "
                    f"{n_targets} column(s)"
                )
        else:
            check_classification_targets(y)
            classes, codes = np.unique(y, return_inverse=True)
            if len(classes) < 2:
                raise ValueError(f"y holds one class only ({classes[0]!r}): classification needs at least two")
            targets = codes.astype(np.float32)
            n_targets = 1
        self._warn_unused_count()

        seed = self._draw_seed()
        settings = self._settings(X.shape[1], seed)  # every argument's type checked before training
        progress = _Progress() if self.verbose else None
        try:
            fit = _core.fit_in_place if owned else _core.fit
            result = fit(settings, X, targets, n_targets, progress)
        finally:
            if progress is not None:
                progress.close()
        # Only a fit that succeeded changes the fitted attributes.
        self.seed_ = seed
        if classes is not None:
            self.classes_ = classes
        elif hasattr(self, "classes_"):
            del self.classes_
        self._keep(result)
        return self

    def _warn_unused_count(self):
        if self.n_features_to_select is not None and self.penalty != "target" and self.support != "top-k":
            warnings.warn(
                "n_features_to_select is used only with penalty='target' or support='top-k'; "
                f"with penalty={self.penalty!r} and support={self.support!r} the count is found "
                "automatically",
                UserWarning,
                stacklevel=3,
            )

    def _keep(self, r):
        """Stores the library's result as plain arrays (pickle needs no C++ object)."""
        d = r["n_features"]
        self.support_ = np.zeros(d, dtype=bool)
        self.support_[np.asarray(r["selected"], dtype=np.intp)] = True
        self.scores_ = r["scores"]
        self.logits_ = r["logits"]
        self.probabilities_ = r["probabilities"]
        order = np.asarray(r["ranking"], dtype=np.intp)
        self.ranking_ = np.empty(d, dtype=np.intp)
        self.ranking_[order] = np.arange(1, d + 1)
        self.candidates_ = r["candidates"]
        self.interactions_ = [(int(a), int(b), float(z)) for a, b, z in r["interactions"]]
        self.screened_ = [(int(c), str(t), float(z), float(p)) for c, t, z, p in r["screened"]]
        self.frequencies_ = r["frequencies"]
        self.missing_fraction_ = r["missing_fraction"]
        self.expected_false_selections_ = float(r["expected_false_selections"])
        columns = r["history"]
        self.history_ = [{k: columns[k][i].item() for k in _HISTORY_FIELDS} for i in range(len(columns["epoch"]))]
        self.probability_history_ = r["probability_history"] if self.record_probabilities else None
        self.n_outputs_ = r["n_outputs"]
        self.device_ = r["device"]
        self.device_note_ = r["device_note"]
        self.config_ = dict(r["config"])
        self.penalty_weight_ = float(self.config_["lambda"])
        self.fit_seconds_ = r["fit_seconds"]
        self.n_iter_ = int(r["stopped_epoch"])
        self.prescreen_columns_ = int(r["prescreen_columns"])
        self.ranks_ = int(r["ranks"])
        self.rank_columns_ = r["rank_columns"]
        self.stop_reason_ = r["stop_reason"]
        self.mean_member_selected_ = float(r["mean_member_selected"])
        self.feature_mean_ = r["feature_mean"]
        self.feature_std_ = r["feature_std"]

    def _get_support_mask(self):
        check_is_fitted(self, "support_")
        return self.support_

    # -- scikit-learn tags ---------------------------------------------------------------------------

    def _more_tags(self):  # scikit-learn < 1.6
        return {"requires_y": True, "allow_nan": True}

    def __sklearn_tags__(self):  # scikit-learn >= 1.6
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.input_tags.allow_nan = True
        return tags


def _argument_value(text):
    """A setting's text (Config::items) as a constructor argument's value."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    if "," in text:
        return tuple(int(h) for h in text.split(","))
    return {"true": True, "false": False, "auto": None, "none": None}.get(text, text)


def _target_count(value, n_features):
    """n_features_to_select -> Config::target_features (0: unset)."""
    if value is None:
        return 0
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, numbers.Real) and 0 < value < 1:
        return max(1, int(round(value * n_features)))
    raise ValueError(f"n_features_to_select must be None, an integer or a fraction in (0, 1), got {value!r}")


def _threads(n_jobs):
    """n_jobs -> Config::threads (0: all cores), as joblib reads it: -1 all cores, -2 all but one, ...
    (at least one); a positive count at most the library's bound (``_core.max_threads``)."""
    if n_jobs is None:
        return 0
    if not isinstance(n_jobs, numbers.Integral) or isinstance(n_jobs, (bool, np.bool_)) or n_jobs == 0:
        raise ValueError(
            f"n_jobs must be None, a positive integer or a negative one (-1: all cores), got {n_jobs!r}"
        )
    if n_jobs == -1:
        return 0
    if n_jobs > _core.max_threads:
        raise ValueError(f"n_jobs must be at most {_core.max_threads} (the library's thread limit), got {n_jobs}")
    if n_jobs > 0:
        return int(n_jobs)
    return min(_core.max_threads, max(1, (os.cpu_count() or 1) + 1 + int(n_jobs)))


class _Progress:
    """Per-epoch progress for verbose fits: a tqdm bar when tqdm is installed, else a line on stderr
    for every tenth of the epochs."""

    def __init__(self):
        try:
            from tqdm.auto import tqdm
        except ImportError:
            tqdm = None
        self.tqdm = tqdm
        self.bar = None

    def __call__(self, record, total):
        if self.tqdm is not None:
            if self.bar is None:
                self.bar = self.tqdm(total=total, desc="gfs fit", unit="epoch", file=sys.stderr)
            self.bar.update(1)
            self.bar.set_postfix(loss=f"{record['loss']:.4f}", active=record["n_active"], refresh=False)
        elif record["epoch"] % max(1, total // 10) == 0 or record["epoch"] == total:
            print(
                f"gfs: epoch {record['epoch']}/{total}  loss {record['loss']:.4f}  "
                f"task {record['task_loss']:.4f}  mean mask {record['mean_mask']:.3f}  "
                f"active {record['n_active']}",
                file=sys.stderr,
                flush=True,
            )
        return True

    def close(self):
        if self.bar is not None:
            self.bar.close()
