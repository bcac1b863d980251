#!/usr/bin/env python3
"""Small N (issue 21): where gfs's defaults lose the informative columns, stage by stage.

For each small-N data set (smalln_datasets.py, the same cache as run_smalln.py): how many of the
informative columns the column screen entered (and how many entries were noise), how many the
held-out test's candidates held, how many `selected` kept, and which screen entries the held-out
test removed (with their screen z and adjusted p). Extra `gfs select` settings can be passed after
`--`, to see what a setting changes.

  python3 bench/quality/smalln_where_lost.py --gfs build/src/cli/gfs --families counts,blocks \\
      --rows 200,300 --widths 1000,10000 --draws 2 [-- --set validation_z=0]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import smalln_datasets  # noqa: E402


def main():
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[: argv.index("--")] if "--" in argv else argv
    ap = argparse.ArgumentParser()
    ap.add_argument("--gfs", default="build/src/cli/gfs")
    ap.add_argument("--families", default="counts,blocks")
    ap.add_argument("--rows", default="200,300")
    ap.add_argument("--widths", default="1000,10000")
    ap.add_argument("--draws", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0, help="gfs's seed is this + the draw (as run_smalln.py)")
    ap.add_argument("--cache", default=".cache/smalln")
    ap.add_argument("--out", default=None, help="also write every row here as JSON")
    a = ap.parse_args(argv)
    rows = []
    for family in a.families.split(","):
        totals = dict(truth=0, screen_hits=0, screen_noise=0, candidate_hits=0, kept_hits=0, kept_noise=0)
        for n in (int(v) for v in a.rows.split(",")):
            for d in (int(v) for v in a.widths.split(",")):
                for draw in range(a.draws):
                    ds = smalln_datasets.get(family, n, d, draw, Path(a.cache))
                    truth = {int(j) for j in ds.informative}
                    with tempfile.TemporaryDirectory() as tmp:
                        out = os.path.join(tmp, "r.json")
                        subprocess.run([a.gfs, "select", "-i", str(ds.x_path), "--labels", str(ds.y_path), "-o", out,
                                        "--quiet", "--seed", str(a.seed + draw)] + extra, check=True)
                        r = json.load(open(out))
                    screen = r["column_screen"]["columns"]
                    entered = {c["feature"] for c in screen}
                    lost = [(c["feature"], round(c["z"], 2), float(f"{c['p']:.2g}")) for c in screen
                            if c["feature"] in truth and c["feature"] not in r["selected"]]
                    row = dict(family=family, n=n, d=d, draw=draw, truth=len(truth),
                               screen_hits=len(entered & truth), screen_noise=len(entered - truth),
                               candidate_hits=len(set(r["candidates"]) & truth),
                               kept_hits=len(set(r["selected"]) & truth), kept_noise=len(set(r["selected"]) - truth),
                               screen_entries_removed=lost)
                    rows.append(row)
                    for k in totals:
                        totals[k] += row[k]
                    print(json.dumps(row), flush=True)
        t = totals
        print(f"# {family}: screen {t['screen_hits']}/{t['truth']} informative (+{t['screen_noise']} noise), "
              f"candidates {t['candidate_hits']}/{t['truth']}, kept {t['kept_hits']}/{t['truth']} "
              f"(+{t['kept_noise']} noise)", flush=True)
    if a.out:
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        json.dump(rows, open(a.out, "w"), indent=1)


if __name__ == "__main__":
    main()
