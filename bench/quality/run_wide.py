#!/usr/bin/python3
"""Wide benchmark (issue 11): does a selector find the known informative columns when D = 10^3 ...
10^5 and N << D, including columns that act only through products (no marginal effect)?

    /usr/bin/python3 bench/quality/run_wide.py --quick [--gfs build/src/cli/gfs]
    /usr/bin/python3 bench/quality/run_wide.py            # N 200, 1000; D 1e3, 1e4; 3 draws
    /usr/bin/python3 bench/quality/run_wide.py --full     # adds D = 1e5

Data (wide_datasets.py): make_classification with 10 informative columns (permuted), product-only
columns plus linear ones (classification; regression with --families ...,products_reg), and an
XOR pair; every data set from a fixed seed, written once to a cache folder as .npy and read by
every selector. Selectors: ANOVA-F and random-forest importance handed the true k, L1-logistic
(C by 3-fold CV), the reference packages when importable, and gfs through its command line, one
selector per support rule (--gfs-rules) or per named argument list (--gfs-variant).

Outputs (bench/results/wide/ unless --out; wide_quick/ with --quick): wide_raw.csv (one row per
data set, draw and selector), wide.json (the rows with the selected columns, settings, machine),
wide_tables.md (precision / recall / kept / time per family, N, D and selector, and the bar of
issue 11 as check lines).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shlex
import subprocess
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
import wide_datasets as wd  # noqa: E402
import wide_report  # noqa: E402

BASE_SELECTORS = ("anova_f", "rf", "l1", "reference", "autonfs")
DEFAULT_CACHE = gh.REPO_ROOT / ".cache" / "wide"
FIELDS = ["family", "task", "n", "d", "draw", "data_seed", "selector", "status", "k_true",
          "n_selected", "hits", "precision", "recall", "recall_products", "recall_linear",
          "recall_square",
          "wall_seconds", "fit_seconds", "n_candidates", "candidates_informative",
          "loadavg_1min", "note", "command"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--gfs", default=None, help="path of the gfs binary (default build/src/cli/gfs)")
    p.add_argument("--quick", action="store_true",
                   help="one draw, N = 1000, D = 1000, families classification and products")
    p.add_argument("--full", action="store_true", help="adds D = 100000 to the widths")
    p.add_argument("--families", default=None,
                   help=f"comma list of {wd.FAMILIES} (default classification,products,xor; "
                        "quick: classification,products)")
    p.add_argument("--rows", default=None, help="comma list of N, run in this order (default 1000,200; quick 1000)")
    p.add_argument("--widths", default=None,
                   help="comma list of D (default 1000,10000; --full adds 100000; quick 1000)")
    p.add_argument("--draws", type=int, default=None, help="independent draws per size (3; quick 1)")
    p.add_argument("--selectors", default=None,
                   help=f"comma list of the non-gfs selectors {BASE_SELECTORS} (default all; the "
                        "reference packages only when importable); 'none' for gfs only")
    p.add_argument("--gfs-rules", default="validated,majority",
                   help="comma list of support rules, each run as `gfs select --support RULE` "
                        "(selector gfs_RULE); any name is passed on, so rules the CLI does not "
                        "know yet are tried and reported as errors; '' for none")
    p.add_argument("--gfs-variant", action="append", default=[], metavar="NAME=ARGS",
                   help="an extra gfs selector gfs_NAME run with the CLI arguments ARGS, e.g. "
                        "\"stab8=--support stability --set members=8\"; repeatable")
    p.add_argument("--gfs-args", default="",
                   help="CLI arguments added to every gfs run (e.g. \"--epochs 100\")")
    p.add_argument("--gfs-timeout", type=float, default=1800.0,
                   help="seconds before a gfs run is stopped and reported as a timeout (1800)")
    p.add_argument("--device", default="cpu",
                   help="gfs --device (cpu, the default; cuda on a GPU machine)")
    p.add_argument("--threads", type=int, default=2,
                   help="gfs --threads and the random forest's n_jobs (2)")
    p.add_argument("--ref-epochs", type=int, default=200, help="reference packages' epochs (200)")
    p.add_argument("--ref-batch-size", type=int, default=32,
                   help="reference packages' batch (32; their own batch 1 takes minutes per fit)")
    p.add_argument("--ref-threads", type=int, default=1, help="torch threads of the references")
    p.add_argument("--autonfs-path", default=None,
                   help="folder of `pip install --no-deps --target DIR autonfs==1.0.0`")
    p.add_argument("--seed", type=int, default=0,
                   help="base seed of the selectors (draw i uses seed + i); the data's seeds are "
                        "fixed by family, N, D and draw")
    p.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                   help=f"folder of the cached data sets ({DEFAULT_CACHE.relative_to(gh.REPO_ROOT)})")
    p.add_argument("--merge", type=Path, default=None,
                   help="a previous run's wide_raw.csv: its rows of selectors not run now join the "
                        "tables (to add a selector or a new gfs rule to a finished run)")
    p.add_argument("--report-only", type=Path, default=None, metavar="RAW_CSV",
                   help="rebuild the tables from a wide_raw.csv without running anything")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (bench/results/wide, or wide_quick with --quick)")
    args = p.parse_args(argv)
    args.out = args.out or gh.RESULTS_DIR / ("wide_quick" if args.quick else "wide")
    args.families = (args.families.split(",") if args.families else
                     list(wd.MAIN_FAMILIES if args.quick else ("classification", "products", "xor")))
    args.rows = [int(v) for v in args.rows.split(",")] if args.rows else (
        [1000] if args.quick else [1000, 200])   # run in this order: N = 1000 (the bar) first
    args.widths = [int(float(v)) for v in args.widths.split(",")] if args.widths else (
        [1000] if args.quick else [1000, 10000] + ([100000] if args.full else []))
    args.draws = args.draws or (1 if args.quick else 3)
    if args.selectors is None:
        args.selectors = list(BASE_SELECTORS)
    else:
        args.selectors = [s for s in args.selectors.split(",") if s and s != "none"]
    bad = [s for s in args.selectors if s not in BASE_SELECTORS]
    if bad:
        p.error(f"--selectors: unknown {bad}; choose from {list(BASE_SELECTORS)} (gfs rules go "
                "to --gfs-rules / --gfs-variant)")
    bad = [f for f in args.families if f not in wd.FAMILIES]
    if bad:
        p.error(f"--families: unknown {bad}; choose from {list(wd.FAMILIES)}")
    args.gfs_selectors = {}   # selector name -> CLI arguments
    for rule in [r.strip() for r in args.gfs_rules.split(",") if r.strip()]:
        args.gfs_selectors[f"gfs_{rule}"] = ["--support", rule]
    for spec in args.gfs_variant:
        name, sep, rest = spec.partition("=")
        if not sep or not name.strip():
            p.error(f"--gfs-variant '{spec}': expected NAME=ARGS")
        args.gfs_selectors[f"gfs_{name.strip()}"] = shlex.split(rest)
    args.gfs_common = shlex.split(args.gfs_args)
    return args


# ------------------------------------------------------------------------------------------------
# gfs through its command line, on the cached files
# ------------------------------------------------------------------------------------------------
def run_gfs(gfs: Path, data: wd.WideData, rule_args, args, seed: int, workdir: Path) -> dict:
    out_path = workdir / f"result_{data.key}_{os.getpid()}_{time.monotonic_ns()}.json"
    cmd = [str(gfs), "select", "--input", str(data.x_path), "--labels", str(data.y_path),
           "--output", str(out_path), "--task", data.task, "--device", args.device,
           "--threads", str(args.threads), "--seed", str(seed), "--quiet",
           *args.gfs_common, *rule_args]
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.gfs_timeout)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "wall": time.perf_counter() - start,
                "note": f"stopped after {args.gfs_timeout:.0f} s", "cmd": cmd}
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        lines = [ln.strip() for ln in proc.stderr.splitlines()
                 if ln.strip() and not ln.startswith("Run with --help")]
        msg = " / ".join(lines[-2:]) or "no message"
        return {"status": "error", "wall": wall, "note": f"exit {proc.returncode}: {msg}"[:300],
                "cmd": cmd}
    try:
        with open(out_path, encoding="utf-8") as fh:
            result = json.load(fh)
    finally:
        if out_path.exists():
            out_path.unlink()
    return {"status": "ok", "wall": wall, "selected": np.asarray(result["selected"], dtype=np.int64),
            "fit_seconds": float(result.get("fit_seconds", float("nan"))),
            "candidates": result.get("candidates"), "cmd": cmd}


# ------------------------------------------------------------------------------------------------
# Scoring against the known columns
# ------------------------------------------------------------------------------------------------
def scores(selected, data: wd.WideData) -> dict:
    chosen = set(int(v) for v in selected)
    truth = set(data.informative.tolist())
    hits = len(chosen & truth)
    out = {"k_true": len(truth), "n_selected": len(chosen), "hits": hits,
           # an empty selection finds nothing: precision 0 (so that it fails the bar)
           "precision": hits / len(chosen) if chosen else 0.0,
           "recall": hits / len(truth)}
    for name in ("products", "linear", "square"):
        cols = set(data.groups.get(name, []))
        if cols:
            out[f"recall_{name}"] = len(chosen & cols) / len(cols)
    return out


def _row(data, selector, **fields):
    row = {"family": data.family, "task": data.task, "n": data.n, "d": data.d, "draw": data.draw,
           "data_seed": data.seed, "selector": selector,
           "loadavg_1min": round(os.getloadavg()[0], 2)}
    row.update(fields)
    return row


def _print(data, r):
    if r["status"] == "ok":
        extra = "".join(f" {g[7:]} {r[g]:.2f}" for g in ("recall_products", "recall_linear", "recall_square")
                        if g in r)
        print(f"  {data.key:<34} {r['selector']:<16} kept {r['n_selected']:5d} "
              f"P {r['precision']:.2f} R {r['recall']:.2f}{extra} "
              f"({r['wall_seconds']:7.2f} s)", flush=True)
    else:
        print(f"  {data.key:<34} {r['selector']:<16} {r['status']}: {r.get('note', '')}",
              flush=True)


def run_one(data: wd.WideData, args, gfs, refs, workdir: Path):
    """Every selector on one data set; returns the rows (with the selected columns)."""
    X, y = data.load()
    seed = args.seed + data.draw
    ctx = sel.Context(task=data.task, k=data.k, seed=seed, workdir=workdir, threads=args.threads,
                      reference=refs.get("reference"), ref_epochs=args.ref_epochs,
                      ref_batch_size=args.ref_batch_size, autonfs=refs.get("autonfs"))
    rows = []

    def add(row):
        rows.append(row)
        _print(data, row)

    for name in args.selectors:
        if name in ("reference", "autonfs") and refs.get(name) is None:
            continue
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                chosen = sel.select(name, X, y, ctx)
        except Exception as exc:  # noqa: BLE001 - one failing selector must not stop the run
            add(_row(data, name, status="error", wall_seconds=time.perf_counter() - start,
                             note=f"{type(exc).__name__}: {exc}"[:300], selected=[]))
            continue
        wall = time.perf_counter() - start
        add(_row(data, name, status="ok", wall_seconds=wall, fit_seconds=chosen.seconds,
                         selected=chosen.support.tolist(), **scores(chosen.support, data)))
    for name, rule_args in args.gfs_selectors.items():
        res = run_gfs(gfs, data, rule_args, args, seed, workdir)
        if res["status"] != "ok":
            add(_row(data, name, status=res["status"], wall_seconds=res["wall"],
                             note=res["note"], selected=[], command=" ".join(res["cmd"][1:])))
            continue
        extra = {}
        if res["candidates"] is not None:
            cand = set(int(v) for v in res["candidates"])
            extra = {"n_candidates": len(cand),
                     "candidates_informative": len(cand & set(data.informative.tolist()))}
        add(_row(data, name, status="ok", wall_seconds=res["wall"],
                         fit_seconds=res["fit_seconds"], selected=res["selected"].tolist(),
                         command=" ".join(res["cmd"][1:]), **extra,
                         **scores(res["selected"], data)))
    return rows


# ------------------------------------------------------------------------------------------------
# Files
# ------------------------------------------------------------------------------------------------
def write_csv(path: Path, rows, fields=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields or FIELDS, restval="", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)


def read_csv(path: Path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def read_merge(args):
    if args.merge is None:
        return []
    mine = set(args.selectors) | set(args.gfs_selectors)
    keep = [r for r in read_csv(args.merge) if r["selector"] not in mine]
    print(f"[wide] merged {len(keep)} rows of {args.merge}", flush=True)
    return keep


def git_commit() -> str:
    """The checkout's commit (the gfs binary is assumed built from it), '+dirty' if changed."""
    try:
        head = subprocess.run(["git", "-C", str(gh.REPO_ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(gh.REPO_ROOT), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True,
                               timeout=10).stdout.strip()
        return head + ("+dirty" if dirty else "") if head else "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def command_line(argv) -> str:
    return "/usr/bin/python3 bench/quality/run_wide.py " + " ".join(shlex.quote(a) for a in argv)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if args.report_only is not None:
        rows = read_csv(args.report_only)
        args.gfs_selectors = {}  # the CSV, not this command line, says which were run
        info, notes = None, []
        saved = args.report_only.parent / "wide.json"
        if saved.exists():     # the run's machine, command and notes
            payload = json.loads(saved.read_text(encoding="utf-8"))
            info, notes = payload.get("machine"), payload.get("notes", [])
        md = wide_report.build(rows, args, notes=notes, info=info)
        gh.write_text(args.out / "wide_tables.md", md["markdown"])
        print(md["markdown"])
        return 0
    gfs = None
    if args.gfs_selectors:
        try:
            gfs = gh.find_gfs(args.gfs)
        except gh.HarnessError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    refs, notes = {}, []
    for name, kind in (("reference", "gfs_network"), ("autonfs", "autonfs")):
        if name in args.selectors:
            try:
                refs[name] = gh.load_reference(kind, autonfs_path=args.autonfs_path,
                                               threads=args.ref_threads)
            except Exception as exc:  # noqa: BLE001 - e.g. torch itself missing or broken
                print(f"[wide] {name}: {exc}; skipping it", file=sys.stderr)
                refs[name] = None
            if refs[name] is None:
                notes.append(f"{name} ({kind}) not importable: skipped")
    info = gh.machine_info(gfs)
    info["command"] = command_line(argv)
    info["git_commit"] = git_commit()
    merged = read_merge(args)
    rows, start = [], time.perf_counter()
    print(f"[wide] families {args.families}, N {args.rows}, D {args.widths}, {args.draws} draws; "
          f"selectors {[s for s in args.selectors if refs.get(s, True) is not None]} + "
          f"{list(args.gfs_selectors)}; cache {args.cache}", flush=True)
    with tempfile.TemporaryDirectory(prefix="gfs_wide_") as tmp:
        for n in args.rows:
            for family in args.families:
                for d in args.widths:
                    for draw in range(args.draws):
                        t0 = time.perf_counter()
                        data = wd.get(family, n, d, draw, args.cache)
                        gen = time.perf_counter() - t0
                        if gen > 1.0:
                            print(f"[wide] drew {data.key} in {gen:.1f} s", flush=True)
                        rows += run_one(data, args, gfs, refs, Path(tmp))
                        write_csv(args.out / "wide_raw.csv", merged + rows)
    info["benchmark_seconds"] = round(time.perf_counter() - start, 1)
    info["loadavg_1min_at_end"] = round(os.getloadavg()[0], 2)
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    table_rows = merged + [{k: ("" if v is None else v) for k, v in r.items()} for r in rows]
    md = wide_report.build(table_rows, args, notes=notes, info=info)
    gh.write_text(args.out / "wide_tables.md", md["markdown"])
    gh.write_json(args.out / "wide.json", {"settings": settings, "machine": info, "notes": notes,
                                           "checks": md["checks"], "rows": rows})
    print(md["markdown"])
    print(f"[wide] done in {info['benchmark_seconds']:.0f} s; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
