#!/usr/bin/env python3
"""Communication model of a feature-parallel fit on an InfiniBand cluster, P = 8 ... 512 ranks.

Per training step every rank takes part in two collectives (src/mpi/mpi_ranks.cpp):
  forward   MPI_Allgatherv of the chunk partials: C slots of (1 + B*H1) floats (sum of m_j, z0 [B, H1])
  backward  MPI_Allgatherv of the embedding-gradient partials: C slots of d_e floats
and per epoch one MPI_Allgatherv of the logits (D floats) and, with checkpoints, one 4-byte allreduce.
Every rank then adds all C chunks in chunk order, so the result is bit-identical for every P. An
Allgatherv of n bytes in total costs about  ceil(log2 P) * alpha + (P - 1) / P * n / beta
(recursive doubling / ring). The alternative, MPI_Allreduce of the summed [B, H1] (2 log2 P alpha +
2 (P-1)/P * n / beta on n = 4 (1 + B H1) bytes), moves C times fewer bytes but sums in rank order:
not bit-identical across P. Compute per step is  t_col * B * D / P  with t_col (seconds per row and
column of a step) measured on this machine at P = 1 (results/scaling.csv, strong, 1 rank).

    comm_model.py [scaling.csv] [-o results/comm_model]   -> .csv and .svg (a plot; no matplotlib needed)
"""
import argparse
import csv
import math
import os

D, N, B, H1, DE = 10**6, 10**5, 32, 32, 32
ALPHA = 1.5e-6      # s, MPI small-message latency on InfiniBand HDR (about 1-2 us)
BETA = 12.5e9       # B/s, HDR100 per-link bandwidth (HDR200: 25e9)
CHUNKS_NOW = 64     # train::ColumnChunks caps the fit at 64 chunks: at most 64 ranks today


def allgather(p, nbytes):
    return math.ceil(math.log2(p)) * ALPHA + (p - 1) / p * nbytes / BETA


def allreduce(p, nbytes):
    return 2 * math.ceil(math.log2(p)) * ALPHA + 2 * (p - 1) / p * nbytes / BETA


def t_col_from(path):
    """Seconds per (row x column) of a step, from the strong-scaling run at P = 1."""
    with open(path) as f:
        for r in csv.DictReader(f):
            if r["mode"] == "strong" and r["ranks"] == "1":
                rows, cols, epochs = int(r["rows"]), int(r["columns"]), int(r["epochs"])
                steps = epochs * math.ceil(rows / 32)
                return float(r["fit_seconds"]) / (steps * 32 * cols)
    raise SystemExit("no strong, 1-rank row in " + path)


def model(p, t_col, chunks):
    steps_per_epoch = math.ceil(N / B)
    fwd = allgather(p, 4 * chunks * (1 + B * H1))
    bwd = allgather(p, 4 * chunks * DE)
    per_epoch = allgather(p, 4 * D) / steps_per_epoch  # logits, spread over the epoch's steps
    compute = t_col * B * D / p
    alt = allreduce(p, 4 * (1 + B * H1)) + allreduce(p, 4 * DE)
    return {"ranks": p, "chunks": chunks, "compute_s": compute, "comm_s": fwd + bwd + per_epoch,
            "latency_s": 2 * math.ceil(math.log2(p)) * ALPHA,
            "bytes_per_step": 4 * chunks * (1 + B * H1 + DE),
            "step_s": compute + fwd + bwd + per_epoch, "allreduce_comm_s": alt,
            "epoch_s": steps_per_epoch * (compute + fwd + bwd + per_epoch)}


def svg(rows, path):
    w, h, m = 640, 400, 60
    ps = [r["ranks"] for r in rows]
    ys = [v for r in rows for v in (r["compute_s"], r["comm_s"], r["allreduce_comm_s"])]
    lx0, lx1 = math.log2(min(ps)), math.log2(max(ps))
    ly0, ly1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))

    def xy(p, v):
        return (m + (math.log2(p) - lx0) / (lx1 - lx0) * (w - 2 * m),
                h - m - (math.log10(v) - ly0) / (ly1 - ly0) * (h - 2 * m))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{w / 2}" y="20" text-anchor="middle">Per-step time, D = 10^6, N = 10^5, B = 32, InfiniBand '
           f'(alpha {ALPHA * 1e6:g} us, {BETA / 1e9:g} GB/s)</text>']
    for p in ps:
        x, _ = xy(p, 10 ** ly0)
        out.append(f'<line x1="{x}" y1="{m}" x2="{x}" y2="{h - m}" stroke="#ddd"/>')
        out.append(f'<text x="{x}" y="{h - m + 16}" text-anchor="middle">{p}</text>')
    for e in range(ly0, ly1 + 1):
        _, y = xy(ps[0], 10 ** e)
        out.append(f'<line x1="{m}" y1="{y}" x2="{w - m}" y2="{y}" stroke="#ddd"/>')
        out.append(f'<text x="{m - 6}" y="{y + 4}" text-anchor="end">1e{e}</text>')
    out.append(f'<text x="{w / 2}" y="{h - 18}" text-anchor="middle">MPI ranks P</text>')
    out.append(f'<text x="16" y="{h / 2}" transform="rotate(-90 16 {h / 2})" text-anchor="middle">seconds per step</text>')
    series = [("compute_s", "#1f77b4", "compute (measured t_col x B D / P)"),
              ("comm_s", "#d62728", "allgather of chunk partials (bit-identical)"),
              ("allreduce_comm_s", "#2ca02c", "allreduce alternative (not bit-identical)")]
    for i, (key, color, label) in enumerate(series):
        pts = " ".join("%.1f,%.1f" % xy(r["ranks"], r[key]) for r in rows)
        out.append(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2"/>')
        out.append(f'<text x="{m + 10}" y="{m + 16 * i + 10}" fill="{color}">{label}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scaling", nargs="?", default=os.path.join(here, "results", "scaling.csv"))
    ap.add_argument("-o", "--out", default=os.path.join(here, "results", "comm_model"))
    a = ap.parse_args()
    t_col = t_col_from(a.scaling)
    # One chunk per rank at least: the model lets the chunk count grow to P (ColumnChunks would need
    # a larger cap than today's 64 beyond P = 64; the bytes per step grow with it).
    rows = [model(p, t_col, max(CHUNKS_NOW, p)) for p in (8, 16, 32, 64, 128, 256, 512)]
    with open(a.out + ".csv", "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=list(rows[0]))
        wr.writeheader()
        for r in rows:
            wr.writerow({k: ("%.4g" % v if isinstance(v, float) else v) for k, v in r.items()})
    svg(rows, a.out + ".svg")
    print(f"t_col = {t_col:.3g} s per row x column (measured, P = 1)")
    print("P      chunks  compute/step  comm/step   comm share  epoch (s)  allreduce alt.")
    for r in rows:
        share = r["comm_s"] / r["step_s"]
        print(f'{r["ranks"]:<6} {r["chunks"]:<7} {r["compute_s"]:.3e}     {r["comm_s"]:.3e}   {share:6.1%}     '
              f'{r["epoch_s"]:8.2f}   {r["allreduce_comm_s"]:.3e}')
    print("wrote", a.out + ".csv", a.out + ".svg")


if __name__ == "__main__":
    main()
