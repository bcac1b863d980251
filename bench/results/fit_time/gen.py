import numpy as np
from sklearn.datasets import make_classification
X, y = make_classification(n_samples=1000, n_features=10000, n_informative=10, n_redundant=0, n_repeated=0, shuffle=True, random_state=12)
np.save("X.npy", X.astype(np.float32)); np.save("y.npy", y.astype(np.int64))
# informative columns: sklearn puts them first before shuffling; recover by regenerating unshuffled
X2, _ = make_classification(n_samples=1000, n_features=10000, n_informative=10, n_redundant=0, n_repeated=0, shuffle=False, random_state=12)
