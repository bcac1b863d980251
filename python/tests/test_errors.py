"""Library errors become ValueError (bad setting, bad data) or RuntimeError, with its message."""
import numpy as np
import pytest
from conftest import make_informative
from sklearn.exceptions import NotFittedError

import gfs
from gfs import GFSSelector, _core


@pytest.fixture
def data():
    return make_informative(n=60, d=8)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"task": "clustering"}, r"setting 'task': 'clustering' is not valid \(expected one of classification, regression, survival\)"),
        ({"epochs": 0}, "setting 'epochs' must be at least 1"),
        ({"hidden_layer_sizes": (32, 0)}, "setting 'hidden' sizes must be in 1..4096"),
        ({"support": "best"}, "setting 'support': 'best' is not valid"),
        ({"penalty": "target"}, "setting 'target_features'"),
        ({"device": "tpu"}, "device 'tpu' is not valid"),
        ({"tau_decay": 1.5}, "setting 'tau_decay' must be in"),
        ({"batch_size": 0}, "setting 'batch_size' must be at least 1"),
    ],
)
def test_bad_settings_and_data_raise_value_error_with_the_librarys_message(data, params, message):
    X, y = data
    with pytest.raises(ValueError, match=message):
        GFSSelector(**{"epochs": 2, **params}).fit(X, y)


def test_bad_python_side_arguments(data):
    X, y = data
    with pytest.raises(ValueError, match="random_state"):
        GFSSelector(epochs=2, random_state=-1).fit(X, y)
    with pytest.raises(ValueError, match="n_jobs"):
        GFSSelector(epochs=2, n_jobs=0).fit(X, y)
    # Issue 22 item 5: n_jobs=100000 crashed the OpenMP runtime and with it the interpreter.
    with pytest.raises(ValueError, match="n_jobs must be at most 1024"):
        GFSSelector(epochs=2, n_jobs=100000).fit(X, y)
    with pytest.raises(ValueError, match="n_jobs"):
        GFSSelector(epochs=2, n_jobs=True).fit(X, y)
    with pytest.raises(ValueError, match="n_features_to_select"):
        GFSSelector(epochs=2, support="top-k", n_features_to_select=1.5).fit(X, y)


def test_bad_data(data):
    X, y = data
    bad = X.copy()
    bad[3, 2] = np.inf  # NaN is a missing value; an infinity is an error
    with pytest.raises(ValueError, match="(?i)infinity"):
        GFSSelector(epochs=2).fit(bad, y)
    gone = X.copy()
    gone[:, 4] = np.nan
    with pytest.raises(ValueError, match="column 4 has no observed value"):
        GFSSelector(epochs=2).fit(gone, y)
    with pytest.raises(ValueError, match="one class only"):
        GFSSelector(epochs=2).fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="Unknown label type"):
        GFSSelector(epochs=2).fit(X, X[:, 0])  # real targets need task="regression"
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        GFSSelector(epochs=2).fit(X, y[:-1])
    with pytest.raises(ValueError, match="y should be a 1d array"):
        GFSSelector(epochs=2).fit(X, np.c_[y, y])  # classification takes one label column
    with pytest.raises(ValueError, match="1 sample"):
        GFSSelector(epochs=2, batch_size=1).fit(X[:1], y[:1])
    # Fewer rows than batch_size is no longer an error (issue 21): each step takes every row.
    small = GFSSelector(epochs=2, batch_size=100, random_state=0).fit(X, y)
    assert small.n_features_in_ == X.shape[1]
    fitted = GFSSelector(epochs=2, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        fitted.transform(X[:, :5])


def test_device_unavailable_is_a_runtime_error(data):
    X, y = data
    # More GPUs than any machine has (or none at all in a CPU-only build): kDeviceUnavailable.
    with pytest.raises(RuntimeError, match="(?i)cuda") as info:
        GFSSelector(epochs=2, device="cuda:99").fit(X, y)
    assert not isinstance(info.value, ValueError)


def test_cuda_request_on_a_machine_without_one(data):
    if gfs.cuda_device_count() > 0:
        pytest.skip("a CUDA device is present")
    X, y = data
    with pytest.raises(RuntimeError):
        GFSSelector(epochs=2, device="cuda").fit(X, y)
    # "auto" falls back to the CPU and says why.
    selector = GFSSelector(epochs=2, device="auto", random_state=0).fit(X, y)
    assert selector.device_ == "cpu"


def test_unfitted(data):
    X, _ = data
    with pytest.raises(NotFittedError):
        GFSSelector().transform(X)
    with pytest.raises(NotFittedError):
        GFSSelector().get_support()


def test_a_failed_fit_keeps_no_stale_result(data):
    X, y = data
    selector = GFSSelector(epochs=2, random_state=0).fit(X, y)
    selector.set_params(epochs=0, random_state=5)
    with pytest.raises(ValueError):
        selector.fit(X, np.array(["a", "b"])[y])
    # The previous fit's attributes are still the previous fit's (the failed one changed nothing).
    assert len(selector.history_) == 2
    assert selector.seed_ == 0
    np.testing.assert_array_equal(selector.classes_, [0, 1])


def test_unstandardised_values_that_overflow_float_are_refused(data):
    """Issue 22 item 12: with standardize=False, values near 3.3e38 fitted with a loss of 2e36."""
    X, y = data
    big = X.copy()
    big[4, 3] = 3.3e38
    with pytest.raises(ValueError, match=r"column 3 holds 3\.3e\+38 at row 4.*standardize"):
        GFSSelector(epochs=2, standardize=False).fit(big, y)
    GFSSelector(epochs=2).fit(big, y)  # standardised: fine


@pytest.mark.parametrize(
    "params, message",
    [
        # Issue 22 item 11: each of these fitted with a setting other than the one written.
        ({"hidden_layer_sizes": "64"}, r"hidden_layer_sizes must be an int or a tuple of ints, got '64' \(str\)"),
        ({"hidden_layer_sizes": (32.9,)}, "hidden_layer_sizes must be an int or a tuple of ints"),
        ({"hidden_layer_sizes": (True, 8)}, "hidden_layer_sizes must be an int or a tuple of ints"),
        ({"verbose": "no"}, r"verbose must be a bool or a non-negative int, got 'no' \(str\)"),
        ({"shuffle": "false"}, r"shuffle must be a bool \(True or False\), got 'false'"),
        ({"standardize": 2}, "standardize must be a bool"),
        ({"exact": 0.5}, "exact must be a bool"),
        ({"epochs": 32.9}, r"epochs must be an int, got 32.9 \(float\)"),
        ({"epochs": 3.0}, "epochs must be an int"),
        ({"batch_size": True}, "batch_size must be an int"),
        ({"members": "8"}, "members must be an int"),
        ({"tau0": "2"}, "tau0 must be a real number"),
        ({"lr_task": False}, "lr_task must be a real number"),
        ({"penalty_weight": "auto"}, "penalty_weight must be a real number"),
        ({"support": 3}, "support must be a string"),
        ({"class_weight": {0: 1.0}}, "class_weight must be None"),
        ({"max_memory": 1.5}, "max_memory must be an int"),
    ],
)
def test_arguments_of_the_wrong_type_are_refused_by_name(data, params, message):
    X, y = data
    selector = GFSSelector(**{"epochs": 2, **params})
    with pytest.raises(ValueError, match=message):
        selector.fit(X, y)
    with pytest.raises(TypeError):  # scikit-learn's InvalidParameterError is both
        selector.fit(X, y)
    assert not hasattr(selector, "support_")


def test_integral_and_boolean_equivalents_are_accepted(data):
    """numpy ints, 0/1 for bools, ints for reals, a numpy array of sizes: what they say."""
    X, y = data
    items = dict(
        _core.config_items(
            GFSSelector(
                epochs=np.int64(3), shuffle=0, exact=np.bool_(True), tau0=2, hidden_layer_sizes=np.array([8, 4]),
                verbose=2, max_memory="1G",
            )._settings(n_features=8, seed=0)
        )
    )
    assert items["epochs"] == "3" and items["shuffle"] == "false" and items["exact"] == "true"
    assert items["tau0"] == "2" and items["hidden"] == "8,4" and items["verbose"] == "true"
    assert items["max_memory"] == str(1 << 30)
    GFSSelector(epochs=np.int32(2), hidden_layer_sizes=[8], random_state=0).fit(X, y)
