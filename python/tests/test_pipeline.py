"""GFSSelector inside scikit-learn's Pipeline and GridSearchCV."""
import numpy as np
from conftest import make_informative
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from gfs import GFSSelector

INFORMATIVE = [0, 1, 2, 3, 4]


def test_grid_search_over_the_penalty_weight():
    X, y = make_informative(n=300)
    pipe = Pipeline(
        [
            ("select", GFSSelector(epochs=30, support="majority", random_state=0, n_jobs=1)),
            ("model", LogisticRegression()),
        ]
    )
    grid = {"select__penalty_weight": [0.0, 0.3]}
    search = GridSearchCV(pipe, grid, cv=3).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all() and scores.min() > 0.9, scores
    best = search.best_estimator_.named_steps["select"]
    assert set(INFORMATIVE) <= set(best.get_support(indices=True))
    assert best.penalty_weight_ == search.best_params_["select__penalty_weight"]
    # The grid matters: without the penalty the majority set keeps noise columns, with it only the
    # informative ones.
    loose = clone(pipe).set_params(select__penalty_weight=0.0).fit(X, y).named_steps["select"]
    tight = clone(pipe).set_params(select__penalty_weight=0.3).fit(X, y).named_steps["select"]
    assert list(tight.get_support(indices=True)) == INFORMATIVE
    assert set(loose.get_support(indices=True)) > set(INFORMATIVE)
    assert search.predict(X[:10]).shape == (10,)
