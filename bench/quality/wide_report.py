"""Tables and bar checks of the wide benchmark (run_wide.py), from its per-draw rows (dicts from
the run or from wide_raw.csv: numbers may be strings).

Per family, N, D and selector: mean precision and recall over the draws with [min, max], the
product / linear recalls on the product families, mean number kept, median wall time. An empty
selection has precision 0. Then the bar of issue 11 as check lines for every gfs selector.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fig3"))
import gfs_harness as gh  # noqa: E402
import report  # noqa: E402  (the narrow benchmark's helpers: _group, _num)

BAR_PRECISION = 0.9
BAR_PRODUCT_RECALL = 0.9
LABELS = {"anova_f": "ANOVA-F top-k", "rf": "RF importance top-k", "l1": "L1-logistic (CV)",
          "reference": "gfs-network 0.3.1", "autonfs": "autonfs 1.0"}


def _f(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _vals(group, field):
    vals = np.array([_f(r.get(field)) for r in group if r.get("status") == "ok"])
    return vals[np.isfinite(vals)]


def _mean_range(vals, digits=2):
    if len(vals) == 0:
        return "-"
    cell = report._num(float(np.mean(vals)), digits)
    if len(vals) > 1 and np.ptp(vals) > 0:
        cell += f" [{report._num(float(np.min(vals)), digits)}, {report._num(float(np.max(vals)), digits)}]"
    return cell


def _mean(group, field):
    vals = _vals(group, field)
    return float(np.mean(vals)) if len(vals) else float("nan")


def _selector_order(rows):
    seen = []
    for r in rows:
        if r["selector"] not in seen:
            seen.append(r["selector"])
    base = [s for s in LABELS if s in seen]
    return base + [s for s in seen if s not in base]


def _sizes(rows):
    return sorted({(int(_f(r["n"])), int(_f(r["d"]))) for r in rows})


def family_table(family, rows, selectors):
    fam = [r for r in rows if r["family"] == family]
    products = any(r.get("recall_products", "") not in ("", None) for r in fam)
    square = any(r.get("recall_square", "") not in ("", None) for r in fam)
    groups = report._group(fam, "n", "d", "selector")
    groups = {(int(_f(k[0])), int(_f(k[1])), k[2]): v for k, v in groups.items()}
    header = ["N", "D", "selector", "precision", "recall"]
    if products:
        header += ["recall products", "recall linear"]
    if square:
        header += ["recall square"]
    header += ["kept", "time (s, median)", "draws ok"]
    body = []
    for n, d in _sizes(fam):
        for s in selectors:
            g = groups.get((n, d, s))
            if not g:
                continue
            ok = [r for r in g if r.get("status") == "ok"]
            if not ok:
                first = g[0]
                body.append([n, d, s, f"{first.get('status')}: {first.get('note', '')}"[:120]]
                            + [""] * (len(header) - 5) + [f"0/{len(g)}"])
                continue
            cells = [n, d, s, _mean_range(_vals(g, "precision")), _mean_range(_vals(g, "recall"))]
            if products:
                cells += [_mean_range(_vals(g, "recall_products")),
                          _mean_range(_vals(g, "recall_linear"))]
            if square:
                cells += [_mean_range(_vals(g, "recall_square"))]
            times = _vals(g, "wall_seconds")
            cells += [_mean_range(_vals(g, "n_selected"), 1),
                      f"{np.median(times):.2f}" if len(times) else "-", f"{len(ok)}/{len(g)}"]
            body.append(cells)
    k = next((int(_f(r["k_true"])) for r in fam if r.get("k_true", "") not in ("", None)), None)
    title = f"\n### {family} (k = {k} informative columns)\n\n" if k else f"\n### {family}\n\n"
    return title + gh.markdown_table(header, body)


def _ok(flag):
    return "ok" if flag else "FAIL"


def checks(rows):
    """The bar of issue 11 for every gfs selector: returns (lines, records)."""
    lines, records = [], []
    groups = report._group(rows, "family", "n", "d", "selector")
    groups = {(k[0], int(_f(k[1])), int(_f(k[2])), k[3]): v for k, v in groups.items()}
    gfs_selectors = [s for s in _selector_order(rows) if s.startswith("gfs")]
    for (family, n, d) in sorted({k[:3] for k in groups}):
        for s in gfs_selectors:
            g = groups.get((family, n, d, s))
            if not g:
                continue
            scope = "bar" if n == 1000 else "info: the bar is at N = 1000"
            if not _vals(g, "precision").size:
                lines.append(f"[check] {family} N={n} D={d} {s}: no successful run -> FAIL [{scope}]")
                records.append({"family": family, "n": n, "d": d, "selector": s, "pass": False,
                                "scope": scope})
                continue
            p, r = _mean(g, "precision"), _mean(g, "recall")
            if family == "classification":
                others = {o: _mean(groups.get((family, n, d, o), []), "recall")
                          for o in ("anova_f", "rf")}
                known = [v for v in others.values() if np.isfinite(v)]
                if not known:
                    lines.append(f"[check] {family} N={n} D={d} {s}: precision {p:.2f} "
                                 "(no ANOVA-F / RF rows to compare recall with)")
                    continue
                best = max(known)
                ok_p, ok_r = p >= BAR_PRECISION, r >= best - 1e-12
                lines.append(
                    f"[check] {family} N={n} D={d} {s}: gfs precision {p:.2f} >= 0.9 {_ok(ok_p)}; "
                    f"recall {r:.2f} >= max(ANOVA-F top-10 {others['anova_f']:.2f}, RF top-10 "
                    f"{others['rf']:.2f}) = {best:.2f} {_ok(ok_r)} -> "
                    f"{'PASS' if ok_p and ok_r else 'FAIL'} [{scope}]")
                records.append({"family": family, "n": n, "d": d, "selector": s, "precision": p,
                                "recall": r, "recall_to_beat": best, "pass": bool(ok_p and ok_r),
                                "scope": scope})
            elif family == "friedman":
                # No bar of its own: recall against the forest's (which finds every shape here),
                # the square column's recall, and the precision bar.
                rf = _mean(groups.get((family, n, d, "rf"), []), "recall")
                rs = _mean(g, "recall_square")
                ok_p = p >= BAR_PRECISION
                ok_r = not np.isfinite(rf) or r >= rf - 1e-12
                lines.append(
                    f"[check] {family} N={n} D={d} {s}: precision {p:.2f} >= 0.9 {_ok(ok_p)}; "
                    f"recall {r:.2f} >= RF top-5 {rf:.2f} {_ok(ok_r)}; square recall {rs:.2f} "
                    f"-> {'PASS' if ok_p and ok_r else 'FAIL'} [info]")
                records.append({"family": family, "n": n, "d": d, "selector": s, "precision": p,
                                "recall": r, "recall_square": rs, "pass": bool(ok_p and ok_r),
                                "scope": "info"})
            elif family in ("products", "products_reg", "xor"):
                rp = _mean(g, "recall_products")
                where = {1000: "bar", 2000: "stretch"}.get(d, "info: the bar is at D = 1000")
                if n != 1000:
                    where = "info: the bar is at N = 1000"
                ok_r, ok_p = rp >= BAR_PRODUCT_RECALL, p >= BAR_PRECISION
                lines.append(
                    f"[check] {family} N={n} D={d} {s}: "
                    f"{'XOR pair' if family == 'xor' else 'products'} recall {rp:.2f} >= 0.9 "
                    f"{_ok(ok_r)}, precision {p:.2f} >= 0.9 {_ok(ok_p)} -> "
                    f"{'PASS' if ok_r and ok_p else 'FAIL'} [{where}]")
                records.append({"family": family, "n": n, "d": d, "selector": s, "precision": p,
                                "recall_products": rp, "pass": bool(ok_r and ok_p),
                                "scope": where})
    return lines, records


def gfs_commands(rows) -> dict:
    """Each gfs selector's command line, with placeholders for the per-data-set values."""
    placeholders = {"--input": "X.npy", "--labels": "y.npy", "--output": "result.json",
                    "--seed": "SEED", "--task": "TASK"}
    out = {}
    for r in rows:
        name, cmd = str(r["selector"]), r.get("command") or ""
        if not name.startswith("gfs") or not cmd or name in out:
            continue
        tokens = cmd.split(" ")
        for i in range(len(tokens) - 1):
            if tokens[i] in placeholders:
                tokens[i + 1] = placeholders[tokens[i]]
        out[name] = "gfs " + " ".join(tokens)
    return out


def build(rows, args, notes=(), info=None) -> dict:
    selectors = _selector_order(rows)
    families = [f for f in ("classification", "products", "products_reg", "xor", "friedman")
                if any(r["family"] == f for r in rows)]
    draws = sorted({int(_f(r["draw"])) for r in rows})
    intro = ("# Wide benchmark (issue 11)\n\n"
             "Known informative columns among D columns, N rows; precision and recall of the kept "
             "set against them: mean over the draws [min, max] (an empty selection has precision "
             "0); kept: mean number of columns kept; time: median wall time of one selection (gfs: "
             "the whole `gfs select` process, loading included; others: the fit call). ANOVA-F "
             "and RF are handed the true k; L1 and gfs find the count themselves. "
             f"Draws: {len(draws)}. The machine is shared: timings are noisy, quality is not "
             "affected.\n")
    text = [intro]
    if info and info.get("command"):
        text.append(f"\nCommand: `{info['command']}`"
                    + (f" (checkout {info['git_commit']})" if info.get("git_commit") else "")
                    + "\n")
    commands = gfs_commands(rows)
    if commands:
        text.append("\ngfs selectors (SEED = --seed + draw): "
                    + "; ".join(f"`{name}`: `{cmd}`" for name, cmd in commands.items()) + "\n")
    for note in notes:
        text.append(f"\nNote: {note}\n")
    for family in families:
        text.append(family_table(family, rows, selectors))
    lines, records = checks(rows)
    text.append("\n### The bar of issue 11\n\n"
                "classification: gfs precision >= 0.9 and recall >= max(ANOVA-F top-10, RF "
                "top-10) at each width (N = 1000); products: recall of the product columns >= 0.9 "
                "and precision >= 0.9 at D = 1000 (D = 2000: the stretch). On means over the "
                "draws.\n\n```\n" + "\n".join(lines) + "\n```\n")
    if info:
        text.append("\n" + gh.machine_markdown(info)
                    + f"\nbenchmark seconds: {info.get('benchmark_seconds')}; 1-minute load at "
                      f"start / end: {info.get('loadavg_1min_at_start')} / "
                      f"{info.get('loadavg_1min_at_end')}\n")
    return {"markdown": "".join(text), "checks": records, "check_lines": lines}
