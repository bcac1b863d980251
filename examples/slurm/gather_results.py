#!/usr/bin/env python3
"""Merge the result JSONs of `gfs select` (e.g. from a Slurm job array) into one CSV table.

    python3 gather_results.py results/ -o summary.csv
    python3 gather_results.py results/*.json > summary.csv

One row per result file: the input, the shape, the selected features, the final loss, the fit time
and the main settings. Standard library only, so it runs on any login node.
"""
import argparse
import csv
import json
import os
import sys

COLUMNS = [
    "result", "input", "format", "rows", "n_features", "n_selected", "selected", "selected_names",
    "device", "fit_seconds", "epochs", "batch_size", "lambda", "penalty", "target_features",
    "support", "seed", "final_loss", "final_task_loss", "final_tau", "final_n_active", "version",
]


def result_files(paths):
    """The .json files named, and those directly inside the directories named, sorted."""
    found = []
    for p in paths:
        if os.path.isdir(p):
            found += [os.path.join(p, f) for f in os.listdir(p) if f.endswith(".json")]
        else:
            found.append(p)
    return sorted(found)


def row_of(path, doc):
    """One CSV row from one result document."""
    cfg = doc.get("config", {})
    inp = doc.get("input", {})
    last = (doc.get("history") or [{}])[-1]
    names = doc.get("selected_names")
    return {
        "result": path,
        "input": inp.get("path", ""),
        "format": inp.get("format", ""),
        "rows": inp.get("rows", ""),
        "n_features": doc["n_features"],
        "n_selected": doc.get("n_selected", len(doc["selected"])),
        "selected": " ".join(str(i) for i in doc["selected"]),
        "selected_names": " ".join(names) if names else "",
        "device": doc.get("device", ""),
        "fit_seconds": doc.get("fit_seconds", ""),
        "epochs": cfg.get("epochs", ""),
        "batch_size": cfg.get("batch_size", ""),
        "lambda": cfg.get("lambda", ""),
        "penalty": cfg.get("penalty", ""),
        "target_features": cfg.get("target_features", ""),
        "support": cfg.get("support", ""),
        "seed": cfg.get("seed", ""),
        "final_loss": last.get("loss", ""),
        "final_task_loss": last.get("task_loss", ""),
        "final_tau": last.get("tau", ""),
        "final_n_active": last.get("n_active", ""),
        "version": doc.get("version", ""),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", help="result .json files or directories holding them")
    ap.add_argument("-o", "--output", help="CSV file to write (default: standard output)")
    args = ap.parse_args()

    rows, bad = [], 0
    for path in result_files(args.paths):
        try:
            with open(path, encoding="utf-8") as f:
                rows.append(row_of(path, json.load(f)))
        except (OSError, ValueError, KeyError, TypeError) as e:
            print(f"gather_results: skipping {path}: {e}", file=sys.stderr)
            bad += 1
    if not rows:
        print("gather_results: no usable result files", file=sys.stderr)
        return 2

    out = open(args.output, "w", newline="", encoding="utf-8") if args.output else sys.stdout
    try:
        w = csv.DictWriter(out, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    finally:
        if args.output:
            out.close()
    print(f"gather_results: {len(rows)} results" + (f", {bad} skipped" if bad else ""), file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
