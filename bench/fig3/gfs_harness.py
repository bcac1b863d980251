"""Shared plumbing of the Python benchmarks: drive the `gfs` command, the reference package, and
record the machine.

Used by bench/fig3/run_fig3.py, bench/quality/run_quality.py and bench/vs_reference.py. The gfs
library is only ever reached through its command-line tool (`gfs select`), the way a batch job
would use it: the data go to a temporary .npy file, the result comes back as result.json.
"""
from __future__ import annotations

import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_GFS = REPO_ROOT / "build" / "src" / "cli" / "gfs"
RESULTS_DIR = REPO_ROOT / "bench" / "results"


class HarnessError(RuntimeError):
    """A benchmark cannot go on (missing binary, failed fit); the message says what to do."""


class GfsTimeout(HarnessError):
    """A gfs run went past its time limit (the benchmark may skip that size and go on)."""


# ------------------------------------------------------------------------------------------------
# The gfs command
# ------------------------------------------------------------------------------------------------
def find_gfs(path: str | os.PathLike | None) -> Path:
    """Resolve the gfs binary or stop with a message that says how to get one."""
    candidate = Path(path) if path else DEFAULT_GFS
    if not candidate.is_absolute() and not candidate.exists():
        candidate = REPO_ROOT / candidate
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return candidate.resolve()
    on_path = shutil.which(str(path)) if path else None
    if on_path:
        return Path(on_path)
    raise HarnessError(
        f"gfs binary not found at '{candidate}'. Build it first "
        "(cmake -S . -B build -DGFS_CUDA=OFF && cmake --build build -j2) "
        "or pass --gfs PATH to the binary.")


def gfs_version(gfs: Path) -> str:
    """The binary's own version line, or 'unknown' if it has no --version."""
    try:
        out = subprocess.run([str(gfs), "--version"], capture_output=True, text=True, timeout=30)
        text = (out.stdout or out.stderr).strip().splitlines()
        return text[0] if out.returncode == 0 and text else "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def save_npy_pair(directory: Path, X: np.ndarray, y: np.ndarray, stem: str = "data"):
    """Write X (float32, C order) and the labels/targets next to each other; returns both paths.

    Classification labels are written as int64, regression targets as float32; both 1-D.
    """
    x_path = directory / f"{stem}_X.npy"
    y_path = directory / f"{stem}_y.npy"
    np.save(x_path, np.ascontiguousarray(X, dtype=np.float32))
    if np.issubdtype(np.asarray(y).dtype, np.integer):
        np.save(y_path, np.ascontiguousarray(y, dtype=np.int64))
    else:
        np.save(y_path, np.ascontiguousarray(y, dtype=np.float32))
    return x_path, y_path


@dataclass
class GfsRun:
    """One finished `gfs select`: its result.json and how long the process took."""
    result: dict
    wall_seconds: float
    command: list = field(default_factory=list)

    @property
    def fit_seconds(self) -> float:
        return float(self.result["fit_seconds"])

    @property
    def selected(self) -> np.ndarray:
        return np.asarray(self.result["selected"], dtype=np.int64)


def run_gfs_select(gfs: Path, x_path: Path, y_path: Path, *, task: str = "classification",
                   epochs: int | None = None, batch_size: int | None = None,
                   device: str = "cpu", seed: int = 0, threads: int | None = None,
                   reference: bool = False, support: str | None = None,
                   target_features: int | None = None, settings: dict | None = None,
                   timeout: float | None = None, workdir: Path | None = None) -> GfsRun:
    """Run `gfs select` on .npy inputs and return its parsed result.json.

    Raises HarnessError with the tool's stderr when it fails or runs past `timeout` seconds.
    """
    own_dir = None
    if workdir is None:
        own_dir = tempfile.TemporaryDirectory(prefix="gfs_run_")
        workdir = Path(own_dir.name)
    out_path = Path(workdir) / f"result_{os.getpid()}_{time.monotonic_ns()}.json"
    cmd = [str(gfs), "select", "--input", str(x_path), "--labels", str(y_path),
           "--output", str(out_path), "--task", task, "--device", device,
           "--seed", str(seed), "--quiet"]
    if reference:
        cmd.append("--reference")
    if epochs is not None:
        cmd += ["--epochs", str(epochs)]
    if batch_size is not None:
        cmd += ["--batch-size", str(batch_size)]
    if threads is not None:
        cmd += ["--threads", str(threads)]
    if support is not None:
        cmd += ["--support", support]
    if target_features is not None:
        cmd += ["--target-features", str(target_features)]
    for key, value in (settings or {}).items():
        cmd += ["--set", f"{key}={value}"]
    try:
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise HarnessError(f"gfs exited with {proc.returncode}: {' '.join(cmd)}\n"
                               f"{proc.stderr.strip()[-2000:]}")
        with open(out_path, encoding="utf-8") as fh:
            result = json.load(fh)
        return GfsRun(result=result, wall_seconds=wall, command=cmd)
    except subprocess.TimeoutExpired as exc:
        raise GfsTimeout(f"gfs ran past {timeout:.0f} s: {' '.join(cmd)}") from exc
    finally:
        if own_dir is not None:
            own_dir.cleanup()
        elif out_path.exists():
            out_path.unlink()


# ------------------------------------------------------------------------------------------------
# The reference package (gfs-network 0.3.1, module gfs_network; or autonfs 1.0.0)
# ------------------------------------------------------------------------------------------------
@dataclass
class Reference:
    """A loaded reference implementation: name, version and a fit function.

    fit(X, y, task, epochs, batch_size, balance) -> scores (np.ndarray [D], int); the support
    is scores > 0 (the package's own rule).
    """
    name: str
    version: str
    fit: object
    note: str = ""


def _torch_threads(threads: int | None):
    import torch
    if threads:
        torch.set_num_threads(threads)
    return torch


def load_reference(kind: str = "gfs_network", autonfs_path: str | None = None,
                   threads: int | None = 2) -> Reference | None:
    """Import the reference package; None (with the reason on stderr) when it is missing.

    kind: "gfs_network" (the published 0.3.1, class GFSNetwork) or "autonfs" (1.0.0, class
    AutoNFS, run with a fixed balance so it does not start its balance search).
    """
    try:
        torch = _torch_threads(threads)
        if kind == "gfs_network":
            from gfs_network.sklearn_interface import GFSNetwork
            version = _dist_version("gfs-network")

            def fit(X, y, task="classification", epochs=200, batch_size=1, balance=1.0):
                model = GFSNetwork(batch_size=batch_size, epochs=epochs, balance=balance,
                                   mode=task)
                model.fit(X, y)
                return np.asarray(model.scores_)
            return Reference("gfs-network", version, fit)
        if kind == "autonfs":
            if autonfs_path:
                sys.path.insert(0, str(autonfs_path))
            import autonfs.select_gumbel_features as sgf
            from autonfs.sklearn_interface import AutoNFS
            note = ""
            if not _fused_adam_works(torch):
                # autonfs 1.0.0 asks for fused Adam and only catches RuntimeError/ValueError;
                # older CPU builds of torch raise NotImplementedError instead. Plain Adam is the
                # same update rule.
                sgf._make_adam = lambda groups: torch.optim.Adam(groups)
                note = "fused Adam unavailable in this torch: patched to torch.optim.Adam"
            version = _dist_version("autonfs", autonfs_path)

            def fit(X, y, task="classification", epochs=200, batch_size=1, balance=1.0):
                model = AutoNFS(batch_size=batch_size, epochs=epochs, balance=balance, mode=task)
                model.fit(X, y)
                return np.asarray(model.scores_)
            return Reference("autonfs", version, fit, note)
        raise ValueError(f"unknown reference kind '{kind}' (use gfs_network or autonfs)")
    except ImportError as exc:
        print(f"[bench] reference '{kind}' not importable ({exc}); skipping it", file=sys.stderr)
        return None


def _fused_adam_works(torch) -> bool:
    p = torch.zeros(2, requires_grad=True)
    p.grad = torch.ones(2)
    try:
        torch.optim.Adam([p], fused=True).step()
        return True
    except Exception:  # noqa: BLE001 - any failure means "do not use fused"
        return False


def _dist_version(dist: str, path: str | None = None) -> str:
    try:
        from importlib import metadata
        if path:
            for found in metadata.distributions(path=[str(path)]):
                if found.metadata["Name"].lower() == dist.lower():
                    return found.version
        return metadata.version(dist)
    except Exception:  # noqa: BLE001
        return "unknown"


# ------------------------------------------------------------------------------------------------
# Machine and statistics
# ------------------------------------------------------------------------------------------------
def machine_info(gfs: Path | None = None) -> dict:
    """What a reader needs to compare timings: CPU model, cores, library versions, date."""
    info = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "host": platform.node(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "cpu_model": _lscpu_field("Model name") or platform.processor() or "unknown",
        "logical_cpus": os.cpu_count(),
        "affinity_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        # other work on the machine skews timings; the 1-minute load before the run says how much
        "loadavg_1min_at_start": round(os.getloadavg()[0], 2),
    }
    for module in ("sklearn", "torch", "scipy"):
        try:
            info[module] = __import__(module).__version__
        except ImportError:
            info[module] = None
    if gfs is not None:
        info["gfs_binary"] = str(gfs)
        info["gfs_version"] = gfs_version(gfs)
    return info


def _lscpu_field(name: str) -> str | None:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in out.splitlines():
        if line.startswith(name + ":"):
            return line.split(":", 1)[1].strip()
    return None


def fit_power_law(sizes, times, confidence: float = 0.95) -> dict:
    """Least-squares fit of log10 t = alpha * log10 D + c, with a t-distribution CI for alpha.

    Every (D, t) pair is one observation (all repeats), so the CI reflects the run-to-run
    spread as well as the curvature. Needs at least 3 points over 2 distinct sizes.
    """
    from scipy import stats
    x = np.log10(np.asarray(sizes, dtype=float))
    y = np.log10(np.asarray(times, dtype=float))
    n = len(x)
    if n < 3 or len(np.unique(x)) < 2:
        return {"alpha": float("nan"), "ci_low": float("nan"), "ci_high": float("nan"),
                "c": float("nan"), "n_points": n, "n_sizes": int(len(np.unique(x)))}
    xm = x.mean()
    sxx = float(((x - xm) ** 2).sum())
    alpha = float(((x - xm) * (y - y.mean())).sum() / sxx)
    c = float(y.mean() - alpha * xm)
    resid = y - (alpha * x + c)
    s2 = float((resid ** 2).sum() / (n - 2))
    se = (s2 / sxx) ** 0.5
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 2) * se)
    return {"alpha": alpha, "ci_low": alpha - half, "ci_high": alpha + half, "c": c,
            "se": se, "n_points": n, "n_sizes": int(len(np.unique(x)))}


def write_json(path: Path, payload) -> None:
    """Write whole-or-nothing: a temporary name, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, indent=2, default=_json_default)
        fh.write("\n")
    os.replace(tmp, path)


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _json_default(obj):
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating,)):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON serialisable: {type(obj)}")


def markdown_table(header, rows) -> str:
    """A GitHub markdown table from a header list and row lists (cells already formatted)."""
    lines = ["| " + " | ".join(str(h) for h in header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def machine_markdown(info: dict) -> str:
    keys = ["date", "cpu_model", "logical_cpus", "affinity_cpus", "loadavg_1min_at_start",
            "loadavg_1min_at_end", "platform", "python", "numpy",
            "sklearn", "torch", "gfs_version", "gfs_binary"]
    return markdown_table(["machine", "value"], [[k, info.get(k)] for k in keys if k in info])
