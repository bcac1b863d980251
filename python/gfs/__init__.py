"""gfs: GFSNetwork feature selection (a Gumbel-Sigmoid mask trained with the task network) on the
C++17/CUDA core of libgfs, as a scikit-learn selector.

    >>> from gfs import GFSSelector
    >>> selector = GFSSelector(random_state=0).fit(X, y)
    >>> X_kept = selector.transform(X)

``gfs.plot`` draws the paper's Figures 2 and 4 from a fitted selector (needs matplotlib).
"""
from . import _core, plot
from ._selector import GFSSelector

__version__ = _core.version()
"""libgfs's version (``gfs_version()``); the package is versioned with the library."""

built_with_cuda = _core.built_with_cuda
cuda_device_count = _core.cuda_device_count

__all__ = ["GFSSelector", "__version__", "built_with_cuda", "cuda_device_count"]
