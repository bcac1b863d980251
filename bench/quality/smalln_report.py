"""Tables and bar checks of the small-N benchmark (run_smalln.py), from its per-draw rows (dicts
from the run or from smalln_raw.csv: numbers may be strings). The cell helpers are
wide_report.py's.

Per family, N, D and selector: mean precision, recall and downstream balanced accuracy over the
draws with [min, max], the recall per kind of informative column, mean number kept, median wall
time. Then per family a summary over N in [150, 300] (all widths and draws pooled) and the bar of
issue 21 as check lines for every gfs selector: mean precision >= 0.9 and mean recall >=
max(ANOVA-F, RF) handed k.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fig3"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import gfs_harness as gh  # noqa: E402
import report  # noqa: E402
import wide_report as wr  # noqa: E402
from wide_report import _f, _mean, _mean_range, _ok, _vals  # noqa: E402

BAR_PRECISION = 0.9
SUMMARY_N = (150, 300)
FAMILIES = ("counts", "blocks", "nonlinear", "multiclass")
LABELS = {"all": "every column", "anova_f": "ANOVA-F top-k", "rf": "RF importance top-k",
          "l1": "L1-logistic (5-fold CV)", "boruta": "Boruta (confirmed)"}


def selector_order(rows):
    seen = []
    for r in rows:
        if r["selector"] not in seen:
            seen.append(r["selector"])
    base = [s for s in LABELS if s in seen]
    return base + [s for s in seen if s not in base]


def _kinds(group) -> str:
    """Mean recall per kind ('linear 1.00 square 0.50 ...') from the recall_kinds strings."""
    acc = {}
    for r in group:
        if r.get("status") != "ok" or not r.get("recall_kinds"):
            continue
        for part in str(r["recall_kinds"]).split(";"):
            name, _, value = part.partition("=")
            acc.setdefault(name, []).append(_f(value))
    return " ".join(f"{k} {np.mean(v):.2f}" for k, v in acc.items()) or "-"


def _cells(g, with_kinds):
    ok = [r for r in g if r.get("status") == "ok"]
    if not ok:
        first = g[0]
        return None, f"{first.get('status')}: {first.get('note', '')}"[:120]
    cells = [_mean_range(_vals(g, "precision")), _mean_range(_vals(g, "recall"))]
    if with_kinds:
        cells.append(_kinds(g))
    times = _vals(g, "wall_seconds")
    cells += [_mean_range(_vals(g, "n_selected"), 1), _mean_range(_vals(g, "balanced_accuracy"), 3),
              f"{np.median(times):.2f}" if len(times) else "-", f"{len(ok)}/{len(g)}"]
    return cells, ""


def family_table(family, rows, selectors):
    fam = [r for r in rows if r["family"] == family]
    with_kinds = family in ("nonlinear", "counts")
    groups = {(int(_f(k[0])), int(_f(k[1])), k[2]): v
              for k, v in report._group(fam, "n", "d", "selector").items()}
    header = ["N", "D", "selector", "precision", "recall"] + (["recall by kind"] if with_kinds
                                                              else [])
    header += ["kept", "balanced accuracy", "time (s, median)", "draws ok"]
    body = []
    for n, d in sorted({(k[0], k[1]) for k in groups}):
        for s in selectors:
            g = groups.get((n, d, s))
            if not g:
                continue
            cells, err = _cells(g, with_kinds)
            body.append([n, d, s] + (cells if cells else [err] + [""] * (len(header) - 5)
                                     + [f"0/{len(g)}"]))
    k = next((int(_f(r["k_true"])) for r in fam if r.get("k_true", "") not in ("", None)), None)
    title = f"\n### {family} (k = {k} informative columns)\n\n" if k else f"\n### {family}\n\n"
    return title + gh.markdown_table(header, body)


def _in_window(r):
    return SUMMARY_N[0] <= int(_f(r["n"])) <= SUMMARY_N[1]


def summary(rows, selectors, families):
    """Per family, N in [150, 300] pooled: the table and the bar's check lines/records."""
    window = [r for r in rows if _in_window(r)]
    header = ["family", "selector", "precision", "recall", "kept", "balanced accuracy",
              "time (s, median)", "draws ok"]
    body, lines, records = [], [], []
    for family in families:
        fam = [r for r in window if r["family"] == family]
        if not fam:
            continue
        sizes = sorted({(int(_f(r["n"])), int(_f(r["d"]))) for r in fam})
        by_sel = report._group(fam, "selector")
        for s in selectors:
            g = by_sel.get((s,))
            if g:
                cells, err = _cells(g, False)
                body.append([family, s] + (cells if cells else [err, "", "", "", "", f"0/{len(g)}"]))
        base = {o: _mean(by_sel.get((o,), []), "recall") for o in ("anova_f", "rf")}
        known = [v for v in base.values() if np.isfinite(v)]
        for s in [s for s in selectors if s.startswith("gfs")]:
            g = by_sel.get((s,))
            if not g:
                continue
            where = f"N x D {sizes}"
            if not _vals(g, "precision").size:
                lines.append(f"[check] {family} {s}: no successful run -> FAIL [{where}]")
                records.append({"family": family, "selector": s, "pass": False})
                continue
            p, r = _mean(g, "precision"), _mean(g, "recall")
            if not known:
                lines.append(f"[check] {family} {s}: precision {p:.2f} (no ANOVA-F / RF rows to "
                             f"compare recall with) [{where}]")
                continue
            best = max(known)
            ok_p, ok_r = p >= BAR_PRECISION, r >= best - 1e-12
            lines.append(f"[check] {family} {s}: precision {p:.2f} >= 0.9 {_ok(ok_p)}; recall "
                         f"{r:.2f} >= max(ANOVA-F {base['anova_f']:.2f}, RF {base['rf']:.2f}) = "
                         f"{best:.2f} {_ok(ok_r)} -> {'PASS' if ok_p and ok_r else 'FAIL'} "
                         f"[{where}]")
            records.append({"family": family, "selector": s, "precision": p, "recall": r,
                            "recall_to_beat": best, "pass": bool(ok_p and ok_r),
                            "sizes": sizes})
    return gh.markdown_table(header, body) if body else "(no rows with N in [150, 300])\n", \
        lines, records


def build(rows, notes=(), info=None) -> dict:
    selectors = selector_order(rows)
    families = [f for f in FAMILIES if any(r["family"] == f for r in rows)]
    draws = sorted({int(_f(r["draw"])) for r in rows})
    text = ["# Small-N benchmark (issue 21)\n\n"
            "Known informative columns among D columns, N training rows; precision and recall of "
            "the kept set against them: mean over the draws [min, max] (an empty selection has "
            "precision 0); kept: mean number of columns kept; balanced accuracy: a 300-tree "
            "random forest (random_state 0) trained on the N rows restricted to the kept columns, "
            "scored on 1 000 fresh rows of the same model (nothing kept: the majority class, "
            "1 / n_classes); `all` is the forest on every column. Time: median wall time of one "
            "selection (gfs: the whole `gfs select` process; others: the fit call). ANOVA-F and "
            "RF are handed the true k; L1, Boruta and gfs find the count themselves. "
            f"Draws: {len(draws)}. The machine is shared: timings are noisy, quality is not "
            "affected.\n"]
    if info and info.get("command"):
        text.append(f"\nCommand: `{info['command']}`"
                    + (f" (checkout {info['git_commit']})" if info.get("git_commit") else "")
                    + "\n")
    commands = wr.gfs_commands(rows)
    if commands:
        text.append("\ngfs selectors (SEED = --seed + draw): "
                    + "; ".join(f"`{name}`: `{cmd}`" for name, cmd in commands.items()) + "\n")
    for note in notes:
        text.append(f"\nNote: {note}\n")
    for family in families:
        text.append(family_table(family, rows, selectors))
    table, lines, records = summary(rows, selectors, families)
    text.append(f"\n### Summary over N in [{SUMMARY_N[0]}, {SUMMARY_N[1]}] and the bar of issue "
                "21\n\nPer family, every N in the window, every D and draw pooled. Bar: gfs mean "
                "precision >= 0.9 and mean recall >= max(ANOVA-F, RF), both handed k.\n\n"
                + table + "\n```\n" + ("\n".join(lines) or "(no gfs rows in the window)")
                + "\n```\n")
    if info:
        text.append("\n" + gh.machine_markdown(info)
                    + f"\nbenchmark seconds: {info.get('benchmark_seconds')}; 1-minute load at "
                      f"start / end: {info.get('loadavg_1min_at_start')} / "
                      f"{info.get('loadavg_1min_at_end')}\n")
    return {"markdown": "".join(text), "checks": records, "check_lines": lines}
