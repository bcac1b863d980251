"""Data with known informative columns, made by the tests themselves."""
import numpy as np
import pytest


def make_informative(n=400, d=20, k=5, seed=0):
    """X [n, d] float32 standard normal; y = [sum_j<k w_j x_j > 0] with |w_j| in [1, 2]: only the
    first k columns carry signal."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    w = rng.uniform(1, 2, size=k) * rng.choice([-1, 1], size=k)
    y = (X[:, :k] @ w > 0).astype(np.int64)
    return X, y


@pytest.fixture
def informative():
    return make_informative()


#: Small, fast fits (a fraction of a second on 2 cores) that still find the 5 informative columns.
FAST = dict(epochs=40, random_state=0, n_jobs=1)
