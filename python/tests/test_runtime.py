"""Behaviour around a fit: the GIL is released, Ctrl-C stops training, progress output."""
import os
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest
from conftest import make_informative

from gfs import GFSSelector, _core


def test_the_gil_is_released_during_fit():
    """A Python thread keeps running while another thread fits (few, long epochs: with the GIL held
    it could run only between epochs)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20000, 100)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    done = threading.Event()
    errors = []

    def fit():
        try:
            # On the CPU: a GPU could finish the three epochs before the main thread ticks 30 times.
            GFSSelector(epochs=3, support="majority", device="cpu", n_jobs=1, random_state=0).fit(X, y)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            done.set()

    worker = threading.Thread(target=fit)
    ticks = 0
    start = time.perf_counter()
    worker.start()
    while not done.is_set():
        time.sleep(0.001)
        ticks += 1
    worker.join()
    elapsed = time.perf_counter() - start
    assert not errors
    assert ticks >= 30, f"the main thread ran {ticks} times during a {elapsed:.2f} s fit"


def _core_fit(progress, epochs=20):
    X, y = make_informative(n=100, d=6)
    settings = GFSSelector(epochs=epochs, support="majority", random_state=0)._settings(6, 0)
    return _core.fit(settings, X, y.astype(np.float32), 1, progress)


def test_progress_returning_false_stops_training():
    seen = []

    def progress(record, total):
        seen.append((record["epoch"], total))
        return record["epoch"] < 3

    result = _core_fit(progress)
    assert seen == [(1, 20), (2, 20), (3, 20)]
    assert list(result["history"]["epoch"]) == [1, 2, 3]


def test_an_exception_in_progress_stops_training_and_propagates():
    seen = []

    def progress(record, total):
        seen.append(record["epoch"])
        if record["epoch"] == 4:
            raise ZeroDivisionError("from the callback")

    with pytest.raises(ZeroDivisionError, match="from the callback"):
        _core_fit(progress)
    assert seen == [1, 2, 3, 4]


CTRL_C = textwrap.dedent(
    """
    import os, signal, sys, threading, time
    import numpy as np
    from gfs import GFSSelector

    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 50)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    selector = GFSSelector(epochs=10**7, tau_decay=1.0, support="majority", n_jobs=1, random_state=0)
    threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()
    start = time.perf_counter()
    try:
        selector.fit(X, y)
    except KeyboardInterrupt:
        print(f"interrupted after {time.perf_counter() - start:.1f} s; fitted: {hasattr(selector, 'support_')}")
        # The process is still usable: a short fit runs to the end.
        print("refit", GFSSelector(epochs=5, random_state=0).fit(X, y).n_features_in_)
        sys.exit(0)
    print("the fit was not interrupted")
    sys.exit(1)
    """
)


def test_ctrl_c_stops_training_and_raises_keyboard_interrupt():
    child = subprocess.run(
        [sys.executable, "-c", CTRL_C],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "OMP_WAIT_POLICY": "passive"},
    )
    assert child.returncode == 0, child.stdout + child.stderr
    assert "interrupted after" in child.stdout and "fitted: False" in child.stdout
    assert "refit 50" in child.stdout


def test_verbose_shows_a_tqdm_bar(capsys):
    pytest.importorskip("tqdm")
    X, y = make_informative(n=100, d=6)
    GFSSelector(epochs=10, verbose=True, random_state=0).fit(X, y)
    err = capsys.readouterr().err
    assert "gfs fit" in err and "10/10" in err


def test_verbose_without_tqdm_prints_lines(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # import fails as if tqdm were absent
    X, y = make_informative(n=100, d=6)
    GFSSelector(epochs=20, verbose=1, random_state=0).fit(X, y)
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("gfs: epoch")]
    assert len(lines) == 10
    assert lines[-1].startswith("gfs: epoch 20/20  loss ")


def test_quiet_by_default(capfd):
    X, y = make_informative(n=100, d=6)
    GFSSelector(epochs=5, random_state=0).fit(X, y)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
