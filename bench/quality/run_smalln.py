#!/usr/bin/python3
r"""Small-N benchmark (issue 21): selection at the sample sizes of biology. Does a selector find
the known informative columns with N = 50 ... 300 rows and D = 10^3 ... 10^4 columns, and how
well does a random forest on the kept columns predict fresh rows?

    /usr/bin/python3 bench/quality/run_smalln.py --quick [--gfs build/src/cli/gfs]
    /usr/bin/python3 bench/quality/run_smalln.py            # N 50..300, D 1e3, 1e4; 3 draws
    /usr/bin/python3 bench/quality/run_smalln.py --selectors none \
        --gfs-variant "stab=--support stability" \
        --merge bench/results/smalln/smalln_raw.csv    # gfs only; the others' rows are reused
    /usr/bin/python3 bench/quality/run_smalln.py --boruta-path DIR ...   # boruta not installed:
        # pip install --no-deps --target DIR boruta==0.4.3
    /usr/bin/python3 bench/quality/run_smalln.py --report-only bench/results/smalln/smalln_raw.csv

Data (smalln_datasets.py): counts (zero-inflated negative binomial, fold changes between 2
classes), blocks (correlated blocks of 20 columns, logistic y), nonlinear (linear, square, step
and product columns, y the sign of their sum) and multiclass (3 classes, 3 shifted columns
each); each with 1 000 extra test rows from the same model, from a fixed seed, cached as .npy.
Selectors: all (every column: the downstream baseline), ANOVA-F and random-forest importance
handed the true k, L1-logistic (C by 5-fold CV, its own count), Boruta (package `boruta`, when
importable, its confirmed columns), and gfs through its command line: gfs_default (no extra
arguments) and one selector per --gfs-variant NAME=ARGS.

Per row: precision / recall of the kept set against the informative columns, the balanced
accuracy of a 300-tree RandomForestClassifier (random_state 0) trained on the N training rows
restricted to the kept columns and scored on the 1 000 test rows (nothing kept: the constant
training-majority prediction, i.e. 1 / n_classes), wall seconds of the selection and gfs's
fit_seconds.

Outputs (bench/results/smalln/ unless --out; smalln_quick/ with --quick): smalln_raw.csv (one row
per data set, draw and selector), smalln.json (rows with the selected columns, settings, machine,
command), smalln_tables.md (per family, N, D and selector; the summary over N in [150, 300] and
the bar of issue 21: gfs mean precision >= 0.9 and mean recall >= max(ANOVA-F, RF) handed k).
The machinery (cache layout, gfs runner, scoring, CSV, merge) is run_wide.py's.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "fig3"))
import fs_methods as sel  # noqa: E402
import gfs_harness as gh  # noqa: E402
import run_wide as rw  # noqa: E402
import smalln_datasets as sd  # noqa: E402
import smalln_report  # noqa: E402

BASE_SELECTORS = ("all", "anova_f", "rf", "l1", "boruta")
DEFAULT_CACHE = gh.REPO_ROOT / ".cache" / "smalln"
DOWNSTREAM_TREES = 300
FIELDS = ["family", "task", "n", "d", "draw", "data_seed", "selector", "status", "k_true",
          "n_selected", "hits", "precision", "recall", "recall_kinds", "balanced_accuracy",
          "wall_seconds", "fit_seconds", "n_candidates", "candidates_informative",
          "loadavg_1min", "note", "command"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--gfs", default=None, help="path of the gfs binary (default build/src/cli/gfs)")
    p.add_argument("--quick", action="store_true", help="N = 100, 200; D = 2000; one draw")
    p.add_argument("--families", default=None,
                   help=f"comma list of {sd.FAMILIES} (default all)")
    p.add_argument("--rows", default=None, help="comma list of N (default 50,100,200,300; quick 100,200)")
    p.add_argument("--widths", default=None, help="comma list of D (default 1000,10000; quick 2000)")
    p.add_argument("--draws", type=int, default=None, help="independent draws per size (3; quick 1)")
    p.add_argument("--selectors", default=None,
                   help=f"comma list of the non-gfs selectors {BASE_SELECTORS} (default all; boruta "
                        "only when importable); 'none' for gfs only")
    p.add_argument("--gfs-default", default="on", choices=("on", "off"),
                   help="run gfs_default, `gfs select` with no extra arguments (on)")
    p.add_argument("--gfs-variant", action="append", default=[], metavar="NAME=ARGS",
                   help="an extra gfs selector gfs_NAME run with the CLI arguments ARGS, e.g. "
                        "\"stab8=--support stability --set members=8\"; repeatable")
    p.add_argument("--gfs-args", default="",
                   help="CLI arguments added to every gfs run (e.g. \"--epochs 100\")")
    p.add_argument("--gfs-timeout", type=float, default=1800.0,
                   help="seconds before a gfs run is stopped and reported as a timeout (1800)")
    p.add_argument("--device", default="cpu", help="gfs --device (cpu; cuda on a GPU machine)")
    p.add_argument("--threads", type=int, default=2,
                   help="gfs --threads and the random forests' n_jobs (2)")
    p.add_argument("--l1-cv", type=int, default=5, help="folds of the L1 selector's choice of C (5)")
    p.add_argument("--boruta-path", default=None,
                   help="folder of `pip install --no-deps --target DIR boruta==0.4.3` when the "
                        "package is not installed")
    p.add_argument("--boruta-max-iter", type=int, default=None,
                   help="Boruta's max_iter (100; quick 30)")
    p.add_argument("--seed", type=int, default=0,
                   help="base seed of the selectors (draw i uses seed + i); the data's seeds are "
                        "fixed by family, N, D and draw")
    p.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                   help=f"folder of the cached data sets ({DEFAULT_CACHE.relative_to(gh.REPO_ROOT)})")
    p.add_argument("--merge", type=Path, default=None,
                   help="a previous run's smalln_raw.csv: its rows of selectors not run now join "
                        "the tables (e.g. a gfs-only rerun with --selectors none)")
    p.add_argument("--report-only", type=Path, default=None, metavar="RAW_CSV",
                   help="rebuild the tables from a smalln_raw.csv without running anything")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (bench/results/smalln, or smalln_quick with --quick)")
    args = p.parse_args(argv)
    args.out = args.out or gh.RESULTS_DIR / ("smalln_quick" if args.quick else "smalln")
    args.families = args.families.split(",") if args.families else list(sd.FAMILIES)
    args.rows = [int(v) for v in args.rows.split(",")] if args.rows else (
        [100, 200] if args.quick else [50, 100, 200, 300])
    args.widths = [int(float(v)) for v in args.widths.split(",")] if args.widths else (
        [2000] if args.quick else [1000, 10000])
    args.draws = args.draws or (1 if args.quick else 3)
    args.boruta_max_iter = args.boruta_max_iter or (30 if args.quick else 100)
    if args.selectors is None:
        args.selectors = list(BASE_SELECTORS)
    else:
        args.selectors = [s for s in args.selectors.split(",") if s and s != "none"]
    bad = [s for s in args.selectors if s not in BASE_SELECTORS]
    if bad:
        p.error(f"--selectors: unknown {bad}; choose from {list(BASE_SELECTORS)} (gfs selectors "
                "go to --gfs-variant)")
    bad = [f for f in args.families if f not in sd.FAMILIES]
    if bad:
        p.error(f"--families: unknown {bad}; choose from {list(sd.FAMILIES)}")
    args.gfs_selectors = {"gfs_default": []} if args.gfs_default == "on" else {}
    for spec in args.gfs_variant:
        name, sep, rest = spec.partition("=")
        if not sep or not name.strip():
            p.error(f"--gfs-variant '{spec}': expected NAME=ARGS")
        args.gfs_selectors[f"gfs_{name.strip()}"] = shlex.split(rest)
    args.gfs_common = shlex.split(args.gfs_args)
    return args


# ------------------------------------------------------------------------------------------------
# Selectors that run_wide / fs_methods do not have, and the downstream score
# ------------------------------------------------------------------------------------------------
def load_boruta(path):
    if path:
        sys.path.insert(0, str(path))
    try:
        from boruta import BorutaPy
        return BorutaPy
    except Exception as exc:  # noqa: BLE001 - ImportError, or an old boruta breaking on numpy
        print(f"[smalln] boruta not importable ({type(exc).__name__}: {exc}); skipping it",
              file=sys.stderr)
        return None


def boruta_select(BorutaPy, X, y, seed, threads, max_iter):
    """Boruta with its documented set-up (RF, max_depth 5, balanced classes, n_estimators auto);
    the confirmed columns (support_), not the tentative ones."""
    from sklearn.ensemble import RandomForestClassifier
    forest = RandomForestClassifier(n_jobs=threads, class_weight="balanced", max_depth=5,
                                    random_state=seed)
    model = BorutaPy(forest, n_estimators="auto", max_iter=max_iter, random_state=seed,
                     verbose=0).fit(X, y)
    return np.flatnonzero(model.support_)


def downstream_accuracy(X, y, Xt, yt, columns, threads) -> float:
    """Balanced accuracy on the test rows of a forest trained on the kept columns."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import balanced_accuracy_score
    columns = np.asarray(columns, dtype=np.int64)
    if columns.size == 0:     # nothing kept: the training majority class for every row
        return float(balanced_accuracy_score(yt, np.full_like(yt, np.bincount(y).argmax())))
    forest = RandomForestClassifier(n_estimators=DOWNSTREAM_TREES, random_state=0,
                                    n_jobs=threads).fit(X[:, columns], y)
    return float(balanced_accuracy_score(yt, forest.predict(Xt[:, columns])))


def kind_recalls(selected, data) -> str:
    chosen = set(int(v) for v in selected)
    return ";".join(f"{name}={len(chosen & set(cols)) / len(cols):.2f}"
                    for name, cols in data.groups.items() if cols)


def run_gfs_retry(gfs, data, rule_args, args, seed, workdir, tries=8):
    """run_wide.run_gfs, retried while the binary is being rebuilt (text file busy / missing)."""
    for attempt in range(tries):
        try:
            res = rw.run_gfs(gfs, data, rule_args, args, seed, workdir)
        except OSError as exc:   # ETXTBSY, or the binary briefly absent during a rebuild
            res = {"status": "error", "wall": 0.0, "note": f"{type(exc).__name__}: {exc}",
                   "cmd": [str(gfs)], "retry": True}
        else:
            res["retry"] = res["status"] == "error" and "busy" in res.get("note", "").lower()
        if not res["retry"] or attempt == tries - 1:
            return res
        print(f"  [smalln] gfs unavailable ({res['note'][:80]}); retrying in 20 s", flush=True)
        time.sleep(20)


# ------------------------------------------------------------------------------------------------
# One data set
# ------------------------------------------------------------------------------------------------
def _print(data, r):
    if r["status"] == "ok":
        print(f"  {data.key:<30} {r['selector']:<14} kept {r['n_selected']:5d} "
              f"P {r['precision']:.2f} R {r['recall']:.2f} acc {r['balanced_accuracy']:.3f} "
              f"({r['wall_seconds']:7.2f} s)", flush=True)
    else:
        print(f"  {data.key:<30} {r['selector']:<14} {r['status']}: {r.get('note', '')}",
              flush=True)


def run_one(data: sd.SmallNData, args, gfs, BorutaPy, workdir: Path):
    X, y = data.load()
    Xt, yt = data.load_test()
    seed = args.seed + data.draw
    ctx = sel.Context(task=data.task, k=data.k, seed=seed, workdir=workdir, threads=args.threads,
                      l1_cv=args.l1_cv)
    rows = []

    def add(name, selected, **fields):
        row = rw._row(data, name, status="ok", selected=np.asarray(selected).tolist(),
                      recall_kinds=kind_recalls(selected, data),
                      balanced_accuracy=downstream_accuracy(X, y, Xt, yt, selected, args.threads),
                      **fields, **rw.scores(selected, data))
        rows.append(row)
        _print(data, row)

    def fail(name, **fields):
        row = rw._row(data, name, selected=[], **fields)
        rows.append(row)
        _print(data, row)

    for name in args.selectors:
        if name == "all":
            add(name, np.arange(data.d), wall_seconds=0.0)
            continue
        if name == "boruta" and BorutaPy is None:
            continue
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if name == "boruta":
                    chosen = boruta_select(BorutaPy, X, y, seed, args.threads,
                                           args.boruta_max_iter)
                    fit = time.perf_counter() - start
                else:
                    selection = sel.select(name, X, y, ctx)
                    chosen, fit = selection.support, selection.seconds
        except Exception as exc:  # noqa: BLE001 - one failing selector must not stop the run
            fail(name, status="error", wall_seconds=time.perf_counter() - start,
                 note=f"{type(exc).__name__}: {exc}"[:300])
            continue
        add(name, chosen, wall_seconds=time.perf_counter() - start, fit_seconds=fit)
    for name, rule_args in args.gfs_selectors.items():
        res = run_gfs_retry(gfs, data, rule_args, args, seed, workdir)
        if res["status"] != "ok":
            fail(name, status=res["status"], wall_seconds=res["wall"], note=res["note"],
                 command=" ".join(res["cmd"][1:]))
            continue
        extra = {}
        if res.get("candidates") is not None:
            cand = set(int(v) for v in res["candidates"])
            extra = {"n_candidates": len(cand),
                     "candidates_informative": len(cand & set(data.informative.tolist()))}
        add(name, res["selected"], wall_seconds=res["wall"], fit_seconds=res["fit_seconds"],
            command=" ".join(res["cmd"][1:]), **extra)
    return rows


# ------------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------------
def command_line(argv) -> str:
    return "/usr/bin/python3 bench/quality/run_smalln.py " + " ".join(shlex.quote(a) for a in argv)


def _load_saved(folder: Path):
    saved = folder / "smalln.json"
    if not saved.exists():
        return None, []
    payload = json.loads(saved.read_text(encoding="utf-8"))
    return payload.get("machine"), payload.get("notes", [])


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if args.report_only is not None:
        rows = rw.read_csv(args.report_only)
        info, notes = _load_saved(args.report_only.parent)
        md = smalln_report.build(rows, notes=notes, info=info)
        gh.write_text(args.out / "smalln_tables.md", md["markdown"])
        print(md["markdown"])
        return 0
    gfs = None
    if args.gfs_selectors:
        try:
            gfs = gh.find_gfs(args.gfs)
        except gh.HarnessError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    notes = []
    BorutaPy = None
    if "boruta" in args.selectors:
        BorutaPy = load_boruta(args.boruta_path)
        if BorutaPy is None:
            notes.append("boruta not importable: skipped (pip install boruta==0.4.3, or "
                         "--boruta-path DIR)")
        else:
            notes.append(f"boruta {gh._dist_version('boruta', args.boruta_path)}: RF max_depth 5, "
                         f"class_weight balanced, n_estimators auto, max_iter "
                         f"{args.boruta_max_iter}; confirmed columns only")
    info = gh.machine_info(gfs)
    info["command"] = command_line(argv)
    info["git_commit"] = rw.git_commit()
    merged = rw.read_merge(args)
    if merged:   # the merged run's notes (e.g. Boruta's settings) still describe its rows
        notes += [n for n in _load_saved(args.merge.parent)[1] if n not in notes]
    rows, start = [], time.perf_counter()
    print(f"[smalln] families {args.families}, N {args.rows}, D {args.widths}, {args.draws} "
          f"draws; selectors {[s for s in args.selectors if s != 'boruta' or BorutaPy]} + "
          f"{list(args.gfs_selectors)}; cache {args.cache}", flush=True)
    with tempfile.TemporaryDirectory(prefix="gfs_smalln_") as tmp:
        for n in args.rows:
            for family in args.families:
                for d in args.widths:
                    for draw in range(args.draws):
                        t0 = time.perf_counter()
                        data = sd.get(family, n, d, draw, args.cache)
                        gen = time.perf_counter() - t0
                        if gen > 1.0:
                            print(f"[smalln] drew {data.key} in {gen:.1f} s", flush=True)
                        rows += run_one(data, args, gfs, BorutaPy, Path(tmp))
                        rw.write_csv(args.out / "smalln_raw.csv", merged + rows, FIELDS)
    info["benchmark_seconds"] = round(time.perf_counter() - start, 1)
    info["loadavg_1min_at_end"] = round(os.getloadavg()[0], 2)
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    table_rows = merged + [{k: ("" if v is None else v) for k, v in r.items()} for r in rows]
    md = smalln_report.build(table_rows, notes=notes, info=info)
    gh.write_text(args.out / "smalln_tables.md", md["markdown"])
    gh.write_json(args.out / "smalln.json", {"settings": settings, "machine": info,
                                             "notes": notes, "checks": md["checks"],
                                             "rows": rows})
    print(md["markdown"])
    print(f"[smalln] done in {info['benchmark_seconds']:.0f} s; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
