#!/usr/bin/python3
"""Figure 3 of the paper: fit time against the number of features D, for gfs and the classic
selectors, with a power-law exponent alpha (t ~ c * D^alpha) and its 95 % CI per method.

    /usr/bin/python3 bench/fig3/run_fig3.py [--quick] [--gpu] [--gfs build/src/cli/gfs]

Every method sees the same synthetic classification data (N rows, D features, 10 informative,
rows and columns permuted, the informative columns' positions known) held in memory; what is
timed is the whole fit a user waits for: the scikit-learn fit call, the reference package's fit
call, and gfs's own `fit_seconds` (data already in memory). The wall time of the whole gfs process
(start, .npy load, fit, result.json) is recorded beside it. Runs are interleaved: for each D, each
repeat runs every method once, in a fresh random order.

gfs runs in three ways: `gfs_cpu_b1` / `gfs_cpu_b<large>` time the training alone as the paper
does (--epochs of training, support "majority"); `gfs_default` is `gfs select` with every default
(active set, convergence stopping at the 200-epoch cap, pair screen, held-out test), and
`gfs_exact` the same with exact=true (every column trained every epoch, no stopping). Each run
records the recall of the informative columns: of the selected set (gfs) or of the top 10 by
score (the classic selectors), and gfs's precision.

Outputs (bench/results/fig3/ unless --out): fig3_raw.csv, fig3_alpha.md, fig3.json, fig3.png.
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gfs_harness as gh  # noqa: E402
import fig3_plot  # noqa: E402

N_INFORMATIVE = 10   # informative features of the synthetic data (capped at D // 2)
K_SELECT = 10        # features kept by the top-k selectors (ANOVA, RFE); cost barely depends on it


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--gfs", default=None, help="path of the gfs binary (default build/src/cli/gfs)")
    p.add_argument("--quick", action="store_true",
                   help="D = 1e2, 1e3, 1e4; 3 repeats; 2 epochs; 20 s cap (about 2-3 min on 2 cores)")
    p.add_argument("--gpu", action="store_true",
                   help="add gfs on CUDA and extend the grid to D = 1e6")
    p.add_argument("--rows", type=int, default=1000, help="N, rows of the synthetic data")
    p.add_argument("--sizes", type=str, default=None,
                   help="comma-separated D values (overrides the log grid)")
    p.add_argument("--repeats", type=int, default=None, help="runs per method and size (5)")
    p.add_argument("--epochs", type=int, default=None,
                   help="epochs of gfs and of the reference (10; 2 with --quick)")
    p.add_argument("--large-batch", type=int, default=256, help="the large gfs batch size")
    p.add_argument("--cap", type=float, default=None,
                   help="per-run time cap in s (120; 20 with --quick): a size whose predicted "
                        "time exceeds it is skipped, and so is every larger size")
    p.add_argument("--threads", type=int, default=2,
                   help="threads for gfs (--threads) and torch (set_num_threads) (2)")
    p.add_argument("--rf-jobs", type=int, default=2, help="n_jobs of the random forest (2)")
    p.add_argument("--methods", type=str, default=None,
                   help="comma-separated subset of method keys (see --list)")
    p.add_argument("--list", action="store_true", help="list the method keys and exit")
    p.add_argument("--no-reference", action="store_true", help="leave the reference package out")
    p.add_argument("--reference-kind", default="gfs_network", choices=["gfs_network", "autonfs"])
    p.add_argument("--autonfs-path", default=None, help="a --target dir holding autonfs")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--sklearn-float32", action="store_true",
                   help="give the classic selectors the float32 table gfs reads instead of float64 "
                        "(needed for D = 1e6 on 24 GB)")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (bench/results/fig3, or fig3_quick with --quick)")
    args = p.parse_args(argv)
    args.out = args.out or gh.RESULTS_DIR / ("fig3_quick" if args.quick else "fig3")
    quick = args.quick
    if args.sizes:
        args.sizes = [int(float(s)) for s in args.sizes.split(",")]
    else:
        top = 6 if args.gpu else (4 if quick else 5)
        step = 1.0 if quick else 0.5
        args.sizes = [int(round(10 ** e)) for e in np.arange(2, top + 1e-9, step)]
    args.repeats = args.repeats or (3 if quick else 5)
    args.epochs = args.epochs or (2 if quick else 10)
    args.cap = args.cap or (20.0 if quick else 120.0)
    return args


# ------------------------------------------------------------------------------------------------
# Methods: each returns (seconds timed, extra fields for the CSV)
# ------------------------------------------------------------------------------------------------
def make_methods(args, gfs, reference):
    """The method table: key -> (label, family, callable(data) -> (seconds, extra))."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_selection import RFE, SelectKBest, f_classif, mutual_info_classif
    from sklearn.svm import LinearSVC

    warnings.filterwarnings("ignore", category=ConvergenceWarning)

    def gfs_outcome(d, r):
        selected = r.result.get("selected", [])
        return r.fit_seconds, {"wall_seconds": r.wall_seconds,
                               "n_selected": r.result.get("n_selected"),
                               "device": r.result.get("device"),
                               "recall": d.recall(selected),
                               "precision": d.precision(selected)}

    def gfs_method(batch, device):
        def run(d):
            # The paper's Figure 3 times the training; the held-out test of the default support
            # rule adds two small fits on the candidates only (README "Scaling").
            r = gh.run_gfs_select(gfs, d.x_path, d.y_path, epochs=args.epochs, batch_size=batch,
                                  device=device, seed=d.repeat, threads=args.threads,
                                  support="majority",
                                  timeout=max(3 * args.cap, 60), workdir=d.workdir)
            return gfs_outcome(d, r)
        return run

    def gfs_whole(device, settings):
        def run(d):  # every default but the device: what a user's `gfs select` costs
            r = gh.run_gfs_select(gfs, d.x_path, d.y_path, device=device, seed=d.repeat,
                                  threads=args.threads, settings=settings,
                                  timeout=max(3 * args.cap, 60), workdir=d.workdir)
            return gfs_outcome(d, r)
        return run

    def top_k(scores):
        return np.argsort(-np.nan_to_num(np.asarray(scores, dtype=float), nan=-np.inf),
                      kind="stable")[:K_SELECT]

    def scored(d, fn):
        start = time.perf_counter()
        scores = fn()
        return time.perf_counter() - start, {"recall": d.recall(top_k(scores))}

    methods = {
        "gfs_cpu_b1": ("gfs CPU, batch 1", "gfs", gfs_method(1, "cpu")),
        f"gfs_cpu_b{args.large_batch}": (f"gfs CPU, batch {args.large_batch}", "gfs",
                                         gfs_method(args.large_batch, "cpu")),
        "gfs_default": ("gfs CPU, defaults (whole select)", "gfs", gfs_whole("cpu", None)),
        "gfs_exact": ("gfs CPU, exact=true (whole select)", "gfs",
                      gfs_whole("cpu", {"exact": "true"})),
    }
    if args.gpu:
        methods["gfs_cuda_b1"] = ("gfs CUDA, batch 1", "gfs", gfs_method(1, "cuda"))
        methods[f"gfs_cuda_b{args.large_batch}"] = (f"gfs CUDA, batch {args.large_batch}", "gfs",
                                                    gfs_method(args.large_batch, "cuda"))
        methods["gfs_cuda_default"] = ("gfs CUDA, defaults (whole select)", "gfs",
                                       gfs_whole("cuda", None))
    methods.update({
        "anova_f": ("ANOVA F (SelectKBest)", "sklearn",
                    lambda d: scored(d, lambda: SelectKBest(f_classif, k=min(K_SELECT, d.D))
                                     .fit(d.X, d.y).scores_)),
        "mutual_info": ("mutual information", "sklearn",
                        lambda d: scored(d, lambda: mutual_info_classif(d.X, d.y,
                                                                        random_state=d.repeat))),
        "rf_importance": ("random-forest importance", "sklearn",
                          lambda d: scored(d, lambda: RandomForestClassifier(
                              n_estimators=100, n_jobs=args.rf_jobs,
                              random_state=d.repeat).fit(d.X, d.y).feature_importances_)),
        "rfe_linearsvc": ("RFE + LinearSVC (step 0.1)", "sklearn",
                          lambda d: scored(d, lambda: -RFE(LinearSVC(random_state=d.repeat),
                                                           n_features_to_select=min(K_SELECT, d.D),
                                                           step=0.1).fit(d.X, d.y).ranking_)),
    })
    if reference is not None:
        def run_reference(d):
            start = time.perf_counter()
            scores = reference.fit(d.X32, d.y, task="classification", epochs=args.epochs,
                                   batch_size=1)
            return time.perf_counter() - start, {"n_selected": int((scores > 0).sum())}
        methods["reference_b1"] = (f"reference {reference.name} {reference.version}, batch 1",
                                   "reference", run_reference)
    if args.methods:
        wanted = args.methods.split(",")
        unknown = [m for m in wanted if m not in methods]
        if unknown:
            raise gh.HarnessError(f"unknown method(s) {unknown}; known: {sorted(methods)}")
        methods = {k: v for k, v in methods.items() if k in wanted}
    return methods


class SizeData:
    """The data of one size D, in memory (float64 for scikit-learn, float32 for torch) and on disk."""

    def __init__(self, n_rows, D, seed, workdir: Path, sklearn_float32=False):
        from sklearn.datasets import make_classification
        self.D = D
        k = min(N_INFORMATIVE, max(2, D // 2))
        X, y = make_classification(
            n_samples=n_rows, n_features=D, n_informative=k,
            n_redundant=0, n_repeated=0, shuffle=False, random_state=seed + D)
        # shuffle=False puts the informative columns first: permute rows and columns ourselves
        # and remember where the informative ones went.
        rng = np.random.default_rng(seed + D)
        rows, cols = rng.permutation(n_rows), rng.permutation(D)  # new column j = old cols[j]
        self.informative = set(np.flatnonzero(cols < k).tolist())
        if sklearn_float32:
            # One float32 table for every method (D = 10^6 x N = 1000 is 4 GB; the float64
            # copies would need 24 GB): the same numbers, rounded once, as gfs reads.
            X = X.astype(np.float32)
            self.X32 = np.ascontiguousarray(X[rows][:, cols])
            del X
            self.X, self.y = self.X32, y[rows]
        else:
            self.X, self.y = X[rows][:, cols], y[rows]
            self.X32 = self.X.astype(np.float32)
        self.workdir = workdir
        self.x_path, self.y_path = gh.save_npy_pair(workdir, self.X32, self.y, stem=f"d{D}")
        self.repeat = 0

    def recall(self, chosen):
        return len(self.informative & {int(j) for j in chosen}) / len(self.informative)

    def precision(self, chosen):
        chosen = {int(j) for j in chosen}
        return len(self.informative & chosen) / len(chosen) if chosen else 0.0

    def drop_files(self):
        for path in (self.x_path, self.y_path):
            path.unlink(missing_ok=True)


# ------------------------------------------------------------------------------------------------
# The grid
# ------------------------------------------------------------------------------------------------
def predicted_seconds(history, D):
    """Extrapolate a method's next time from its last sizes (local log-log slope, at least 1)."""
    if not history:
        return 0.0
    (d1, t1) = history[-1]
    slope = 1.0
    if len(history) >= 2:
        (d0, t0) = history[-2]
        if t0 > 0 and t1 > 0 and d1 != d0:
            slope = max(1.0, np.log(t1 / t0) / np.log(d1 / d0))
    return t1 * (D / d1) ** slope


def run_grid(args, methods, on_size_done=None):
    rows, skipped, history = [], [], {k: [] for k in methods}
    stopped = {}
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory(prefix="gfs_fig3_") as tmp:
        for D in args.sizes:
            active = []
            for key in methods:
                if key in stopped:
                    skipped.append({"method": key, "D": D, "reason": stopped[key]})
                    continue
                guess = predicted_seconds(history[key], D)
                if guess > args.cap:
                    stopped[key] = (f"predicted {guess:.0f} s per run at D={D} exceeds the "
                                    f"{args.cap:.0f} s cap")
                    skipped.append({"method": key, "D": D, "reason": stopped[key]})
                    continue
                active.append(key)
            if not active:
                continue
            t_gen = time.perf_counter()
            data = SizeData(args.rows, D, args.seed, Path(tmp), args.sklearn_float32)
            print(f"[fig3] D={D}: data ready in {time.perf_counter() - t_gen:.1f} s; "
                  f"methods {', '.join(active)}", flush=True)
            times = {k: [] for k in active}
            for repeat in range(args.repeats):
                data.repeat = repeat
                for key in rng.permutation(active):
                    label, family, fn = methods[key]
                    if key in stopped:
                        continue
                    try:
                        seconds, extra = fn(data)
                    except gh.GfsTimeout as exc:
                        stopped[key] = str(exc)
                        skipped.append({"method": key, "D": D, "reason": str(exc)})
                        continue
                    times[key].append(seconds)
                    rows.append({"method": key, "label": label, "family": family, "D": D,
                                 "N": args.rows, "repeat": repeat, "seconds": seconds,
                                 "wall_seconds": extra.get("wall_seconds", seconds),
                                 "n_selected": extra.get("n_selected", ""),
                                 "device": extra.get("device", "cpu"),
                                 "epochs": args.epochs if family != "sklearn" else "",
                                 "recall": extra.get("recall", ""),
                                 "precision": extra.get("precision", "")})
                    print(f"  r{repeat} {key:<18} {seconds:9.3f} s", flush=True)
            for key in active:
                if not times[key]:
                    continue
                med = float(np.median(times[key]))
                history[key].append((D, med))
                if med > args.cap:  # the median: one run slowed by other load should not stop it
                    stopped[key] = f"median run at D={D} took {med:.0f} s > cap"
            data.drop_files()
            write_csv(args.out / "fig3_raw.csv", rows)
            if on_size_done is not None:
                on_size_done(rows, skipped)
    return rows, skipped


def write_csv(path: Path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = ["method", "label", "family", "D", "N", "repeat", "seconds", "wall_seconds",
              "n_selected", "device", "epochs", "recall", "precision"]
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)


def alpha_table(rows, methods):
    """Per method: alpha with its CI from fit times; gfs also from process wall times."""
    fits = []
    for key, (label, family, _) in methods.items():
        mine = [r for r in rows if r["method"] == key]
        if not mine:
            continue
        variants = [("fit", "seconds")] + ([("process wall", "wall_seconds")]
                                           if family == "gfs" else [])
        for what, column in variants:
            sizes = [r["D"] for r in mine]
            fit = gh.fit_power_law(sizes, [r[column] for r in mine])
            med = {D: float(np.median([r[column] for r in mine if r["D"] == D]))
                   for D in sorted(set(sizes))}
            fits.append({"method": key, "label": label, "timed": what, **fit,
                         "D_min": min(med), "D_max": max(med),
                         "median_s_at_D_min": med[min(med)], "median_s_at_D_max": med[max(med)]})
    return fits


def quality_markdown(rows, methods):
    """Per method and D: the median fit time and the mean recall (precision for gfs) over repeats."""
    sizes = sorted({r["D"] for r in rows})
    header = ["method"] + [f"D = {D:g}" for D in sizes]
    body = []
    for key, (label, family, _) in methods.items():
        cells = []
        for D in sizes:
            mine = [r for r in rows if r["method"] == key and r["D"] == D]
            if not mine:
                cells.append("-")
                continue
            t = float(np.median([r["seconds"] for r in mine]))
            rec = [r["recall"] for r in mine if r.get("recall") != ""]
            pre = [r["precision"] for r in mine if r.get("precision") != ""]
            cell = f"{t:.3g} s"
            if rec:
                cell += f", R {np.mean(rec):.2f}"
            if pre:
                cell += f", P {np.mean(pre):.2f}"
            cells.append(cell)
        body.append([label] + cells)
    return ("\n## Time and quality per D\n\nMedian fit time; R: mean recall of the informative "
            "columns (gfs: of the selected set; the others: of their top 10), P: gfs's mean "
            "precision.\n\n" + gh.markdown_table(header, body))


def alpha_markdown(args, fits, skipped, info):
    header = ["method", "timed", "alpha", "95 % CI", "sizes", "D range",
              "median t at D min (s)", "median t at D max (s)"]
    body = [[f["label"], f["timed"], f"{f['alpha']:.3f}",
             f"[{f['ci_low']:.3f}, {f['ci_high']:.3f}]", f["n_sizes"],
             f"{f['D_min']:g} - {f['D_max']:g}", f"{f['median_s_at_D_min']:.4g}",
             f"{f['median_s_at_D_max']:.4g}"] for f in fits]
    text = ["# Figure 3: fit time against D\n",
            f"N = {args.rows} rows, D in {args.sizes}, {args.repeats} repeats per size, "
            f"interleaved; gfs and the reference: {args.epochs} epochs "
            f"(batch 1 and {args.large_batch}); gfs / torch threads = {args.threads}, random "
            f"forest n_jobs = {args.rf_jobs}; per-run cap "
            f"{args.cap:.0f} s. Fit of log10 t = alpha log10 D + c over every run, "
            "95 % CI from the t distribution.\n",
            gh.markdown_table(header, body)]
    if skipped:
        text.append("\nSkipped (over the time cap):\n")
        text.append(gh.markdown_table(["method", "D", "reason"],
                                      [[s["method"], s["D"], s["reason"]] for s in skipped]))
    text.append("\n" + gh.machine_markdown(info))
    return "\n".join(text)


def main(argv=None):
    args = parse_args(argv)
    try:
        gfs = Path(args.gfs or "gfs") if args.list else gh.find_gfs(args.gfs)
        reference = None if args.no_reference else gh.load_reference(
            args.reference_kind, args.autonfs_path, threads=args.threads)
        methods = make_methods(args, gfs, reference)
    except gh.HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.list:
        print("\n".join(f"{k}: {v[0]}" for k, v in methods.items()))
        return 0
    info = gh.machine_info(gfs)
    start = time.perf_counter()

    def write_outputs(rows, skipped, finished=False):
        """Rewritten after every size, so an interrupted run still leaves its table and plot."""
        fits = alpha_table(rows, methods)
        info["benchmark_seconds"] = round(time.perf_counter() - start, 1)
        info["loadavg_1min_at_end"] = round(os.getloadavg()[0], 2)
        info["finished"] = finished
        gh.write_text(args.out / "fig3_alpha.md",
                      alpha_markdown(args, fits, skipped, info) + quality_markdown(rows, methods))
        gh.write_json(args.out / "fig3.json", {
            "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
            "machine": info, "alpha": fits, "skipped": skipped,
            "reference_note": reference.note if reference else None})
        fig3_plot.draw(rows, fits, methods, args.out / "fig3.png",
                       title=f"N = {args.rows}, {args.epochs} epochs for gfs / reference")

    try:
        rows, skipped = run_grid(args, methods, on_size_done=write_outputs)
    except gh.HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    write_outputs(rows, skipped, finished=True)
    print(f"[fig3] done in {info['benchmark_seconds']:.0f} s; wrote {args.out}/fig3_raw.csv, "
          "fig3_alpha.md, fig3.json, fig3.png")
    print(open(args.out / "fig3_alpha.md", encoding="utf-8").read())
    return 0


if __name__ == "__main__":
    sys.exit(main())
