#!/usr/bin/python3
"""Members trained together vs one fit vs M separate fits (same data, same settings, 2 threads)."""
import json, subprocess, sys, time
from pathlib import Path
import numpy as np
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "quality"))
import wide_datasets as wd
G = sys.argv[1]; D = int(sys.argv[2]); M = 8; EXTRA = sys.argv[3:]
data = wd.get("classification", 1000, D, 1, Path(__file__).resolve().parents[3] / ".cache" / "wide")
X = np.load(data.x_path); y = np.load(data.y_path)
tmp = Path(".members_time"); tmp.mkdir(exist_ok=True)
def run(args, x=data.x_path, yy=data.y_path):
    t = time.perf_counter()
    subprocess.run([G, "select", "-i", str(x), "--labels", str(yy), "-o", str(tmp / "r.json"), "--device", "cpu",
                    "--threads", "2", "--quiet", "--seed", "0", *EXTRA, *args], check=True)
    return time.perf_counter() - t
rng = np.random.default_rng(0); halves = []
for k in range(M // 2):
    p = rng.permutation(1000); halves += [p[:500], p[500:]]
for m in range(M):
    np.save(tmp / f"x{m}.npy", X[halves[m]]); np.save(tmp / f"y{m}.npy", y[halves[m]])
res = {"one": [], "separate": [], "together": []}
for rep in range(3):
    res["one"].append(run(["--support", "majority"]))
    res["separate"].append(sum(run(["--support", "majority"], tmp / f"x{m}.npy", tmp / f"y{m}.npy") for m in range(M)))
    res["together"].append(run(["--support", "stability", "--set", f"members={M}"]))
med = {k: float(np.median(v)) for k, v in res.items()}
print(json.dumps({"D": D, "N": 1000, "members": M, "median_seconds": med, "runs": res}, indent=1))
print(f"D={D} {EXTRA}: one fit {med['one']:.2f} s, {M} separate fits on halves {med['separate']:.2f} s, {M} members together {med['together']:.2f} s; together/separate {med['together']/med['separate']:.2f}, together/one {med['together']/med['one']:.2f}")
