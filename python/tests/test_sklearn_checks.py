"""scikit-learn's own estimator checks on GFSSelector (classification and regression).

The checks fit on 10-30 rows of random data, so the selectors here train a few epochs on small
batches; every setting still reaches the library through Config::set.
"""
from sklearn.utils.estimator_checks import parametrize_with_checks

from gfs import GFSSelector

FAST = dict(epochs=5, batch_size=4, n_draws=50, random_state=0, n_jobs=1)


@parametrize_with_checks(
    [
        GFSSelector(**FAST),
        GFSSelector(task="regression", **FAST),
    ]
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
