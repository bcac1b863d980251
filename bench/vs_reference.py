#!/usr/bin/python3
"""gfs against the reference package (gfs-network 0.3.1) on the same data and settings: the
speed bar of issue 2.

    /usr/bin/python3 bench/vs_reference.py [--rows 1000] [--features 1000] [--epochs 20]
                                           [--repeats 3] [--gfs build/src/cli/gfs]

Both fit the same synthetic classification data with the reference's training settings:
batch 1, no shuffling, frozen embedding, `--epochs` epochs. gfs runs as
`gfs select --reference --epochs E --threads 2`, the reference on PyTorch CPU with
torch.set_num_threads(2). Timed: the reference's `fit` call; gfs's own fit_seconds (data in
memory) and the wall time of its whole process. Repeats are interleaved (the order alternates),
medians are reported. Results go to bench/results/vs_reference.{json,md}.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent / "fig3"))
import gfs_harness as gh  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--gfs", default=None, help="path of the gfs binary (default build/src/cli/gfs)")
    p.add_argument("--rows", type=int, default=1000, help="N (1000)")
    p.add_argument("--features", type=int, default=1000, help="D (1000)")
    p.add_argument("--informative", type=int, default=10)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--autonfs-path", default=None,
                   help="also time autonfs 1.0.0 from this --target directory")
    p.add_argument("--no-reference", action="store_true",
                   help="time gfs only (when the reference package is not installed)")
    p.add_argument("--out", type=Path, default=gh.RESULTS_DIR)
    return p.parse_args(argv)


def make_data(args):
    from sklearn.datasets import make_classification
    X, y = make_classification(n_samples=args.rows, n_features=args.features,
                               n_informative=min(args.informative, args.features),
                               n_redundant=0, random_state=args.seed)
    return X.astype(np.float32), y.astype(np.int64)


def time_contenders(args, gfs, refs, X, y, workdir):
    """Interleaved repeats; returns {name: [ {seconds, wall_seconds, n_selected}, ... ]}."""
    x_path, y_path = gh.save_npy_pair(Path(workdir), X, y)

    def run_gfs(repeat):
        r = gh.run_gfs_select(gfs, x_path, y_path, reference=True, epochs=args.epochs,
                              batch_size=1, threads=args.threads, seed=args.seed + repeat,
                              workdir=Path(workdir))
        return {"seconds": r.fit_seconds, "wall_seconds": r.wall_seconds,
                "n_selected": int(r.result["n_selected"]),
                "selected": r.result["selected"]}

    def run_ref(ref):
        def go(repeat):
            import torch
            torch.manual_seed(args.seed + repeat)
            start = time.perf_counter()
            scores = ref.fit(X, y, task="classification", epochs=args.epochs, batch_size=1)
            seconds = time.perf_counter() - start
            return {"seconds": seconds, "wall_seconds": seconds,
                    "n_selected": int((scores > 0).sum()),
                    "selected": np.flatnonzero(scores > 0).tolist()}
        return go

    contenders = {"gfs": run_gfs}
    for ref in refs:
        contenders[f"{ref.name} {ref.version}"] = run_ref(ref)
    runs = {name: [] for name in contenders}
    names = list(contenders)
    for repeat in range(args.repeats):
        order = names if repeat % 2 == 0 else names[::-1]
        for name in order:
            runs[name].append(contenders[name](repeat))
            print(f"  r{repeat} {name:<22} {runs[name][-1]['seconds']:8.3f} s "
                  f"({runs[name][-1]['n_selected']} selected)", flush=True)
    return runs


def summarise(args, runs):
    steps = args.rows * args.epochs  # batch 1: one step per row per epoch
    summary = {}
    for name, rs in runs.items():
        fit = float(np.median([r["seconds"] for r in rs]))
        wall = float(np.median([r["wall_seconds"] for r in rs]))
        summary[name] = {"fit_seconds_median": fit, "wall_seconds_median": wall,
                         "fit_seconds_all": [r["seconds"] for r in rs],
                         "ms_per_step_fit": 1e3 * fit / steps,
                         "ms_per_step_wall": 1e3 * wall / steps,
                         "n_selected": [r["n_selected"] for r in rs]}
    base = summary["gfs"]
    for name, s in summary.items():
        s["ratio_fit_vs_gfs"] = s["fit_seconds_median"] / base["fit_seconds_median"]
        s["ratio_wall_vs_gfs_wall"] = s["wall_seconds_median"] / base["wall_seconds_median"]
    return summary


def to_markdown(args, summary, info, notes):
    header = ["implementation", "fit median (s)", "ms / step (fit)", "process wall median (s)",
              "ms / step (wall)", "fit time / gfs fit", "selected per repeat"]
    rows = [[name, f"{s['fit_seconds_median']:.3f}", f"{s['ms_per_step_fit']:.4f}",
             f"{s['wall_seconds_median']:.3f}", f"{s['ms_per_step_wall']:.4f}",
             f"{s['ratio_fit_vs_gfs']:.2f}x", s["n_selected"]] for name, s in summary.items()]
    lines = ["# gfs against the reference package\n",
             f"Synthetic classification, N = {args.rows}, D = {args.features} "
             f"({args.informative} informative); batch 1, {args.epochs} epochs, no shuffling, "
             f"frozen embedding ({args.rows * args.epochs} steps); {args.threads} threads each; "
             f"median of {args.repeats} interleaved repeats. For the reference, wall = fit "
             "(in-process); gfs wall includes process start, .npy load and result.json.\n",
             gh.markdown_table(header, rows)]
    lines += [f"\nNote: {n}\n" for n in notes]
    lines.append("\n" + gh.machine_markdown(info))
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    try:
        gfs = gh.find_gfs(args.gfs)
    except gh.HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    refs, notes = [], []
    if not args.no_reference:
        ref = gh.load_reference("gfs_network", threads=args.threads)
        if ref is None:
            print("error: the reference package gfs-network is not importable; install it "
                  "(pip install --no-deps gfs-network==0.3.1, needs torch and tqdm) or pass "
                  "--no-reference", file=sys.stderr)
            return 2
        refs.append(ref)
        if args.autonfs_path:
            extra = gh.load_reference("autonfs", args.autonfs_path, threads=args.threads)
            if extra is not None:
                refs.append(extra)
                notes.append("autonfs 1.0.0 runs its training with torch.set_num_threads(1) "
                             "internally, whatever the caller sets.")
                if extra.note:
                    notes.append(f"autonfs: {extra.note}")
    info = gh.machine_info(gfs)
    X, y = make_data(args)
    print(f"[vs_reference] N={args.rows} D={args.features} epochs={args.epochs} "
          f"repeats={args.repeats}", flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix="gfs_vsref_") as tmp:
            runs = time_contenders(args, gfs, refs, X, y, tmp)
    except gh.HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    info["loadavg_1min_at_end"] = round(os.getloadavg()[0], 2)
    summary = summarise(args, runs)
    stem = f"vs_reference_N{args.rows}_D{args.features}_E{args.epochs}_T{args.threads}"
    gh.write_json(args.out / f"{stem}.json", {"settings": vars(args), "machine": info,
                                              "summary": summary, "runs": runs, "notes": notes})
    text = to_markdown(args, summary, info, notes)
    gh.write_text(args.out / f"{stem}.md", text)
    print(text)
    print(f"[vs_reference] wrote {args.out}/{stem}.json and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
