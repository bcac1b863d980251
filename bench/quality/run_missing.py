#!/usr/bin/env python3
"""Missing values (issue 24): gfs on a wide benchmark table and on the same table with a share of the
cells of its informative columns missing at random (NaN in the .npy), selection against selection.

The bar: with 20 % of the informative columns' cells missing (N = 1000, D = 1000), gfs finds the
same informative columns as on the complete table. Reported per draw: the columns kept on each
table, the informative ones among them and the noise ones, and the fit times.

    /usr/bin/python3 bench/quality/run_missing.py --gfs build/src/cli/gfs
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fig3"))

import gfs_harness as gh  # noqa: E402
import run_wide as rw  # noqa: E402
import wide_datasets as wd  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--gfs", default=None, help="path of the gfs binary (default build/src/cli/gfs)")
    p.add_argument("--families", default="classification,products",
                   help=f"comma list of {wd.FAMILIES} (classification,products)")
    p.add_argument("--rows", type=int, default=1000)
    p.add_argument("--width", type=int, default=1000)
    p.add_argument("--draws", type=int, default=3)
    p.add_argument("--share", type=float, default=0.2, help="share of each informative column's cells made missing")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0, help="gfs --seed of draw i is seed + i")
    p.add_argument("--cache", type=Path, default=rw.DEFAULT_CACHE)
    p.add_argument("--out", type=Path, default=gh.RESULTS_DIR / "missing")
    return p.parse_args(argv)


def holed_copy(data: wd.WideData, share: float, folder: Path) -> Path:
    """The table with each cell of the informative columns missing with probability `share`; the
    mask's seed is the data set's own (the same holes on every machine)."""
    X, _ = data.load()
    X = np.array(X, dtype=np.float32)
    rng = np.random.default_rng(data.seed + 1)
    for c in data.informative:
        X[rng.random(X.shape[0]) < share, c] = np.nan
    path = folder / f"{data.key}_missing{share:g}_X.npy"
    np.save(path, X)
    return path


def main(argv=None):
    args = parse_args(argv)
    gfs = Path(args.gfs) if args.gfs else gh.REPO_ROOT / "build" / "src" / "cli" / "gfs"
    run_args = argparse.Namespace(device="cpu", threads=args.threads, gfs_common=[], gfs_timeout=1800.0)
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for family in args.families.split(","):
            for draw in range(args.draws):
                data = wd.get(family, args.rows, args.width, draw, args.cache)
                truth = set(int(v) for v in data.informative)
                holed = dataclasses.replace(data, x_path=holed_copy(data, args.share, work))
                rec = {"family": family, "n": args.rows, "d": args.width, "draw": draw,
                       "informative": sorted(truth)}
                for name, table in (("complete", data), ("missing", holed)):
                    res = rw.run_gfs(gfs, table, [], run_args, args.seed + draw, work)
                    if res["status"] != "ok":
                        rec[name] = {"status": res["status"], "note": res["note"]}
                        continue
                    kept = [int(v) for v in res["selected"]]
                    rec[name] = {"status": "ok", "selected": kept,
                                 "informative": sorted(set(kept) & truth),
                                 "noise": sorted(set(kept) - truth), "seconds": res["wall"]}
                    rec["command"] = "gfs " + " ".join(res["cmd"][1:])
                ok = all(rec.get(k, {}).get("status") == "ok" for k in ("complete", "missing"))
                rec["same_informative"] = ok and rec["complete"]["informative"] == rec["missing"]["informative"]
                records.append(rec)
                if ok:
                    c, m = rec["complete"], rec["missing"]
                    print(f"[missing] {data.key}: informative {len(c['informative'])}/{len(truth)} -> "
                          f"{len(m['informative'])}/{len(truth)} (same: {rec['same_informative']}), "
                          f"noise {len(c['noise'])} -> {len(m['noise'])}", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    lines = ["# Missing values (issue 24)", "",
             f"{int(args.share * 100)} % of each informative column's cells missing at random (NaN), "
             f"N = {args.rows}, D = {args.width}; gfs defaults on the complete table and on the holed one.", "",
             f"Command: `{rw.command_line(sys.argv)}` (checkout {rw.git_commit()})", "",
             "| data set | informative found, complete | with missing cells | same | noise kept, complete "
             "| with missing cells | time (s), complete / missing |", "|---|---|---|---|---|---|---|"]
    for r in records:
        c, m = r.get("complete", {}), r.get("missing", {})
        if c.get("status") != "ok" or m.get("status") != "ok":
            lines.append(f"| {r['family']} draw {r['draw']} | {c.get('note', '')} | {m.get('note', '')} | | | | |")
            continue
        k = len(r["informative"])
        lines.append(f"| {r['family']} draw {r['draw']} | {len(c['informative'])}/{k} | {len(m['informative'])}/{k} | "
                     f"{'yes' if r['same_informative'] else 'no'} | {len(c['noise'])} | {len(m['noise'])} | "
                     f"{c['seconds']:.2f} / {m['seconds']:.2f} |")
    (args.out / "missing.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (args.out / "missing.json").write_text(json.dumps(records, indent=1) + "\n", encoding="utf-8")
    print(f"[missing] wrote {args.out}")


if __name__ == "__main__":
    main()
