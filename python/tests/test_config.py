"""Every gfs::Config setting is a constructor argument, reaches Config::set, and defaults alike."""
import inspect

import pytest

from gfs import GFSSelector, _core
from gfs._selector import CONFIG_KEYS

#: A value other than the default for every constructor argument, and the text Config::items()
#: must then show for its key. A new argument needs a line here (test_every_argument_is_exercised).
NON_DEFAULT = {
    "task": ("regression", "regression"),
    "n_features_to_select": (4, "4"),
    "penalty_weight": (0.75, "0.75"),
    "penalty": ("target", "target"),
    "penalty_warmup": (0.25, "0.25"),
    "penalty_scale": ("mean", "mean"),
    "penalty_ramp": (0.5, "0.5"),
    "support": ("top-k", "top-k"),
    "validation_z": (2.5, "2.5"),
    "pair_screen": ("off", "off"),
    "column_screen": (False, "false"),
    "fallback_candidates": (3, "3"),
    "must_keep": ([7, 2], "7,2"),
    "must_drop": (5, "5"),
    "feature_cost": ({3: 2.5}, "1,1,1,2.5,1,1,1,1,1,1"),
    "members": (4, "4"),
    "stability_threshold": (0.75, "0.75"),
    "epochs": (17, "17"),
    "batch_size": (5, "5"),
    "hidden_layer_sizes": ((16, 8, 4), "16,8,4"),
    "embedding_dim": (12, "12"),
    "train_embedding": (False, "false"),
    "shuffle": (False, "false"),
    "standardize": (False, "false"),
    "standardize_targets": (False, "false"),
    "tau0": (1.5, "1.5"),
    "tau_decay": (0.9, "0.9"),
    "lr_mask": (0.01, "0.01"),
    "lr_task": (0.002, "0.002"),
    "beta_1": (0.8, "0.8"),
    "beta_2": (0.99, "0.99"),
    "epsilon": (1e-6, "1e-06"),
    "class_weight": ("balanced", "balanced"),
    "ties": ("efron", "efron"),
    "n_draws": (33, "33"),
    "exact": (True, "true"),
    "tol": (0.001, "0.001"),
    "n_iter_no_change": (4, "4"),
    "active_eps": (0.05, "0.05"),
    "active_delta": (0.02, "0.02"),
    "active_recheck": (3, "3"),
    "prescreen": (500, "500"),
    "record_probabilities": (True, "true"),
    "device": ("cpu", "cpu"),
    "n_jobs": (3, "3"),
    "max_memory": (1 << 30, "1073741824"),
    "random_state": (12345, "12345"),
    "verbose": (True, "true"),
}


def library_defaults():
    return dict(_core.config_items())


def test_every_config_key_has_an_argument():
    keys = set(library_defaults())
    reached = set(CONFIG_KEYS.values())
    assert keys - reached == set(), "Config settings without a GFSSelector argument"
    assert reached - keys == set(), "arguments mapped to keys that Config does not have"
    params = set(inspect.signature(GFSSelector.__init__).parameters) - {"self"}
    assert params == set(CONFIG_KEYS), "every constructor argument maps to exactly one Config key"
    assert set(GFSSelector().get_params()) == params


def test_every_argument_is_exercised():
    assert set(NON_DEFAULT) == set(CONFIG_KEYS)


@pytest.mark.parametrize("name", sorted(NON_DEFAULT))
def test_each_argument_reaches_its_setting(name):
    value, text = NON_DEFAULT[name]
    key = CONFIG_KEYS[name]
    selector = GFSSelector(**{name: value})
    seed = value if name == "random_state" else 0
    items = dict(_core.config_items(selector._settings(n_features=10, seed=seed)))
    assert items[key] == text
    assert library_defaults()[key] != text, f"{name}: pick a value that differs from the default"
    # ... and no other setting moved.
    changed = {k for k, v in items.items() if library_defaults()[k] != v}
    assert changed == {key}


def test_defaults_are_the_librarys():
    assert dict(_core.config_items(GFSSelector()._settings(n_features=10, seed=0))) == library_defaults()


def test_special_values():
    def items(**params):
        return dict(_core.config_items(GFSSelector(**params)._settings(n_features=40, seed=0)))

    assert items(penalty_weight=None)["lambda"] == "auto"
    assert items(penalty_weight=0)["lambda"] == "0"
    assert items(n_features_to_select=0.1)["target_features"] == "4"  # a fraction of the 40 columns
    assert items(n_jobs=-1)["threads"] == "0"  # all cores
    assert int(items(n_jobs=-2)["threads"]) >= 1
    assert items(hidden_layer_sizes=64)["hidden"] == "64"
    assert items(class_weight="reference")["class_weights"] == "reference"
    assert items(device="cuda:1")["device"] == "cuda:1"


def test_reference_preset():
    """GFSSelector.reference() has Config::reference()'s settings (gfs-network 0.3.1's)."""
    selector = GFSSelector.reference(random_state=0)
    assert selector.batch_size == 1 and selector.class_weight == "reference" and selector.support == "any"
    items = dict(_core.config_items(selector._settings(n_features=10, seed=0)))
    assert items == dict(_core.reference_items())
    assert GFSSelector.reference(epochs=3).epochs == 3


def test_n_jobs_follows_joblib_and_the_librarys_bound():
    """Issue 22 item 5: -1 all cores, -2 all but one, ... (at least one); at most _core.max_threads."""
    def threads(n_jobs):
        return dict(_core.config_items(GFSSelector(n_jobs=n_jobs)._settings(n_features=10, seed=0)))["threads"]

    assert _core.max_threads == 1024
    assert threads(None) == "0" and threads(-1) == "0"
    assert threads(1024) == "1024"
    assert threads(-10**6) == "1"
    with pytest.raises(ValueError, match="at most 1024"):
        threads(1025)
