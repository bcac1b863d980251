# The bar of issue 12: a default `gfs select` fit vs a 100-tree random forest (n_jobs=2) on the same data, one run.
import json, subprocess, sys, time
import numpy as np
from sklearn.ensemble import RandomForestClassifier
gfs = sys.argv[1]; reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
X = np.load("X.npy"); y = np.load("y.npy"); inf = set(np.load("informative.npy").tolist())
rows = []
for r in range(reps):
    for name, extra in [("default", []), ("rf", None), ("exact", ["--set", "exact=true"])]:
        t0 = time.perf_counter()
        if extra is None:
            RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=r).fit(X, y)
            sel = None
        else:
            subprocess.run([gfs, "select", "--input", "X.npy", "--labels", "y.npy", "--output", f"{name}.json",
                            "--threads", "2", "--quiet"] + extra, check=True)
            res = json.load(open(f"{name}.json")); sel = res["selected"]
        dt = time.perf_counter() - t0
        row = {"rep": r, "method": name, "seconds": round(dt, 2)}
        if sel is not None:
            row.update(fit_seconds=round(res["fit_seconds"], 2),  # the fit alone: no process start, no .npy read
                       selected=sel, informative_found=len(set(sel) & inf), noise=len(set(sel) - inf),
                       stopped_epoch=res.get("stopped_epoch"), stop_reason=res.get("stop_reason"))
        print(json.dumps(row), flush=True); rows.append(row)
for m in ["default", "rf", "exact"]:
    mine = [r for r in rows if r["method"] == m]
    print(m, "median s", float(np.median([r["seconds"] for r in mine])),
          *(["fit alone", float(np.median([r["fit_seconds"] for r in mine]))] if "fit_seconds" in mine[0] else []))
