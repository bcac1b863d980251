#!/usr/bin/env python3
"""GFSSelector in a scikit-learn Pipeline, its penalty weight chosen by GridSearchCV.

    pip install .            # at the repository root
    python3 examples/python/pipeline.py

The data are made here: 40 columns, of which only the first 5 decide the label. The grid search
picks the penalty weight by cross-validated accuracy of the logistic regression that follows the
selector; the refitted pipeline's selector should keep columns 0..4.
"""
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline

import gfs

rng = np.random.default_rng(7)
n, d, k = 1000, 40, 5
X = rng.normal(size=(n, d)).astype(np.float32)
weights = rng.uniform(1, 2, size=k) * rng.choice([-1, 1], size=k)
y = np.where(X[:, :k] @ weights + 0.3 * rng.normal(size=n) > 0, "yes", "no")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)

pipe = Pipeline(
    [
        ("select", gfs.GFSSelector(epochs=60, support="majority", random_state=0)),
        ("model", LogisticRegression()),
    ]
)
search = GridSearchCV(pipe, {"select__penalty_weight": [0.0, 0.1, 0.3, 0.6]}, cv=3)
search.fit(X_train, y_train)

for weight, score in zip(search.cv_results_["param_select__penalty_weight"], search.cv_results_["mean_test_score"]):
    print(f"penalty_weight {weight:<4}  cross-validated accuracy {score:.3f}")
selector = search.best_estimator_.named_steps["select"]
kept = selector.get_support(indices=True)
print(f"gfs {gfs.__version__} on {selector.device_}: best penalty_weight {search.best_params_['select__penalty_weight']}, "
      f"kept columns {kept.tolist()} (truth: {list(range(k))})")
print(f"test accuracy of the pipeline: {search.score(X_test, y_test):.3f}")
