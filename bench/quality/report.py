"""Tables of the quality benchmark, from the per-fold rows of run_quality.py: mean metric per
data set with median ranks (as the paper's Tables 1-4), features kept, precision / recall of the
known informative features, and selection times."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fig3"))
import gfs_harness as gh  # noqa: E402


def _mean(rows, field):
    vals = [float(r[field]) for r in rows if r.get(field, "") != "" and np.isfinite(float(r[field]))]
    return float(np.mean(vals)) if vals else float("nan")


def _group(rows, *keys):
    out = {}
    for r in rows:
        out.setdefault(tuple(r[k] for k in keys), []).append(r)
    return out


def _fmt(value, metric):
    if not np.isfinite(value):
        return "-"
    return f"{value:.3f}" if metric == "accuracy" else f"{value:.4g}"


def metric_tables(rows, args):
    """One table per (model, variant); returns markdown and the rank summary."""
    from scipy.stats import rankdata
    means = {k: _mean(v, "value") for k, v in
             _group(rows, "dataset", "variant", "selector", "model").items()}
    metric_of = {r["dataset"]: r["metric"] for r in rows}
    selectors = [s for s in args.selectors if any(r["selector"] == s for r in rows)]
    text, summary = [], {}
    for model in args.models:
        all_ranks = {s: [] for s in selectors}
        for variant in args.variants:
            columns = [d for d in args.datasets if (d, variant, selectors[0], model) in means]
            if not columns:
                continue
            ranks = {s: [] for s in selectors}
            for d in columns:
                vals = np.array([means[(d, variant, s, model)] for s in selectors])
                signed = -vals if metric_of[d] == "accuracy" else vals
                for s, rank in zip(selectors, rankdata(np.nan_to_num(signed, nan=np.inf))):
                    ranks[s].append(float(rank))
                    all_ranks[s].append(float(rank))
            header = ["selector"] + [f"{d} ({'acc' if metric_of[d] == 'accuracy' else 'MSE'})"
                                     for d in columns] + ["median rank"]
            body = [[s] + [_fmt(means[(d, variant, s, model)], metric_of[d]) for d in columns]
                    + [f"{np.median(ranks[s]):.1f}"] for s in selectors]
            text.append(f"\n### {model.upper()} downstream, {variant} features\n\n")
            text.append(gh.markdown_table(header, body))
            summary[f"{model}/{variant}"] = {s: float(np.median(ranks[s])) for s in selectors}
        summary[f"{model}/all"] = {s: float(np.median(r)) for s, r in all_ranks.items() if r}
    overall = [[s] + [f"{summary[f'{m}/all'].get(s, float('nan')):.1f}" for m in args.models]
               for s in selectors]
    text.insert(0, "\n### Median rank over every data set and variant\n\n"
                + gh.markdown_table(["selector"] + [f"{m.upper()}" for m in args.models], overall))
    return "".join(text), summary


def _kept_cell(group):
    if not group:
        return "-"
    kept, real = _mean(group, "n_selected"), _mean(group, "frac_real")
    return f"{kept:.1f} ({100 * real:.0f} % real)" if np.isfinite(real) else f"{kept:.1f}"


def _num(value, digits=2):
    return f"{value:.{digits}f}" if np.isfinite(value) else "-"


def kept_table(rows, args):
    """Mean number of kept features (and the share of them that are real) per data set."""
    sel_rows = [r for r in rows if r["model"] == args.models[0]]
    groups = _group(sel_rows, "dataset", "variant", "selector")
    keys = [(d, v) for d in args.datasets for v in args.variants
            if any(g[:2] == (d, v) for g in groups)]
    header = ["data set / variant", "D"] + [s for s in args.selectors
                                            if any(g[2] == s for g in groups)]
    body = []
    for d, v in keys:
        one = next(g for g in groups if g[:2] == (d, v))
        cells = [f"{d} / {v}", groups[one][0]["n_features"]]
        for s in header[2:]:
            g = groups.get((d, v, s), [])
            cells.append(_kept_cell(g))
        body.append(cells)
    return ("\n### Features kept (mean over folds; share of them that are real features)\n\n"
            + gh.markdown_table(header, body))


def informative_table(rows, args):
    """Precision / recall of the known informative features on the synthetic data sets."""
    sel_rows = [r for r in rows if r["model"] == args.models[0] and r.get("precision", "") != ""]
    if not sel_rows:
        return "", {}
    groups = _group(sel_rows, "dataset", "variant", "selector")
    order = {name: i for i, name in enumerate(list(args.datasets) + list(args.variants) + list(args.selectors))}
    body, summary = [], {}
    for (d, v, s), g in sorted(groups.items(), key=lambda kv: tuple(order.get(x, 99) for x in kv[0])):
        p, r = _mean(g, "precision"), _mean(g, "recall")
        ps, rs = _mean(g, "precision_signal"), _mean(g, "recall_signal")
        summary[f"{d}/{v}/{s}"] = {"precision": p, "recall": r, "precision_signal": ps,
                                   "recall_signal": rs}
        body.append([f"{d} / {v}", s, _num(p), _num(r), _num(ps), _num(rs),
                     _num(_mean(g, "n_selected"), 1)])
    return ("\n### Informative features found (synthetic sets)\n\n"
            "Truth: the generator's informative columns (precision, recall), and those of them that "
            "carry signal in this draw by an oracle test independent of the selectors "
            "(noisy_datasets.signal_columns; precision / recall 'signal').\n\n"
            + gh.markdown_table(["data set / variant", "selector", "precision", "recall",
                                 "precision (signal)", "recall (signal)", "kept"], body)), summary


def time_table(rows, args):
    sel_rows = [r for r in rows if r["model"] == args.models[0]]
    body = []
    for s in args.selectors:
        t = [float(r["select_seconds"]) for r in sel_rows if r["selector"] == s]
        if t:
            body.append([s, f"{np.median(t):.3f}", f"{np.max(t):.3f}", len(t)])
    return ("\n### Selection time per fold (s; gfs: its fit_seconds)\n\n"
            + gh.markdown_table(["selector", "median", "max", "fits"], body))


def figures_text(fig_summary):
    if not fig_summary:
        return ""
    lines = ["\n### Figures\n"]
    f2 = fig_summary.get("figure2", {})
    if f2.get("drawn"):
        lines.append(f"- fig2_probabilities.png: p_j over {f2['epochs']} epochs "
                     f"(from {f2['source']}), {f2['n_selected']} of {f2['D']} selected, "
                     f"{f2['selected_real']} real"
                     + (f", {f2['selected_informative']} of {f2['n_informative']} informative"
                        if "n_informative" in f2 else "") + ".")
    elif f2:
        lines.append(f"- Figure 2 not drawn: {f2.get('reason')}")
    f4 = fig_summary.get("figure4", {})
    if f4:
        lines.append(f"- fig4_digits.png: {f4['n_selected']} pixels selected; mean entropy of the "
                     f"selected pixels {f4['mean_entropy_selected_bits']:.2f} bits, of all pixels "
                     f"{f4['mean_entropy_all_bits']:.2f} bits.")
    return "\n".join(lines) + "\n"


def build(rows, args, fig_summary) -> dict:
    metric_md, ranks = metric_tables(rows, args)
    info_md, info_summary = informative_table(rows, args)
    intro = (f"# Noisy-feature benchmark\n\n{args.folds}-fold CV; selectors see the training fold "
             f"only; top-k selectors keep k = {args.k} "
             f"({'the number of real features' if args.k == 'real' else 'fixed'}); "
             f"gfs epochs: {args.gfs_epochs or 'CLI default'}; reference: "
             f"{args.ref_epochs} epochs, batch {args.ref_batch_size}. Accuracy: higher is better; "
             "MSE (original target scale): lower is better. Rank 1 = best.\n")
    md = (intro + metric_md + kept_table(rows, args) + info_md + time_table(rows, args)
          + figures_text(fig_summary))
    return {"markdown": md, "summary": {"median_ranks": ranks, "informative": info_summary}}
