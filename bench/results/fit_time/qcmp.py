# default (active set + stopping) vs exact on the quality benchmark's --quick run: same rows?
import csv, sys, statistics
def load(p):
    return {(r["dataset"], r["variant"], r["fold"], r["selector"], r["model"]): r for r in csv.DictReader(open(p))}
a, b = load(sys.argv[1]), load(sys.argv[2])
same_sel = sum(a[k]["n_selected"] == b[k]["n_selected"] for k in a if k in b)
same_val = sum(a[k]["value"] == b[k]["value"] for k in a if k in b)
print(f"rows {len(a)} / {len(b)}; same n_selected {same_sel}; same downstream score {same_val}")
for sel in ["gfs_auto", "gfs_topk"]:
    for model in ["mlp", "rf"]:
        va = [float(r["value"]) for k, r in a.items() if k[3] == sel and k[4] == model]
        vb = [float(r["value"]) for k, r in b.items() if k[3] == sel and k[4] == model]
        print(f"{sel:9s} {model}: mean score default {statistics.mean(va):.4f} exact {statistics.mean(vb):.4f}")
for k in a:
    if k in b and a[k]["n_selected"] != b[k]["n_selected"] and k[4] == "mlp":
        print("differs:", k[:4], "default kept", a[k]["n_selected"], "exact kept", b[k]["n_selected"])
