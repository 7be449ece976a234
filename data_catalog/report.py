"""The static HTML report of a build: ``OUT/report.html``, one self-contained file.

Everything is inlined (CSS, JS, plots as SVG from matplotlib), so the page opens offline
from a file:// URL with no server and no CDN. Content: an overview (totals, tokens per
domain, tokens and register-link share per manufacturer, drops per reason, a sortable
manufacturer table, all pairs), then one section per canonical manufacturer with its
numbers, a plot (tokens per domain, mapping coverage per pair, section status), sortable
pair/token/drop tables, and links from each pair to ``mappings/<pair_id>.md``.

The numbers come from ``data_catalog.inspect.inspect_build``; tables a build did not write
are named in a note. Same catalog in, same bytes out (SVG ids are salted with a fixed
string and carry no date).

Assets beside this module (package data): ``report_template.html`` (Jinja2), ``report.css``,
``report.js``. The page carries a small self-test (``report.js``) that runs only when the URL ends in
``#selftest``: it sorts a table, checks a manufacturer plot has a size, and writes the
result into ``<pre id="selftest-result">`` — the browser test reads it from the DOM.
"""

from __future__ import annotations

import io
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any, Sequence

from jinja2 import Environment, select_autoescape
from markupsafe import escape

from firmcorpus.core.io import atomic_write_text
from firmcorpus.core.names import safe_file_stem
from firmcorpus.data_catalog.catalog import resolve_out
from firmcorpus.data_catalog.inspect import inspect_build

CARDS = [("pairs", "pairs"), ("pages", "datasheet pages"), ("sections", "sections"), ("registers", "registers"),
         ("linked_share", "registers linked"), ("files", "files"), ("symbols", "symbols"), ("documents", "documents"),
         ("tokens", "tokens"), ("drops", "drops")]
MANUFACTURER_COLS = [("manufacturer", "manufacturer"), ("pairs", "pairs"), ("pages", "ds pages"),
                     ("sections", "sections"), ("registers", "registers"), ("registers_linked", "linked"),
                     ("linked_share", "linked %"), ("files", "files"), ("symbols", "symbols"),
                     ("documents", "documents"), ("tokens", "tokens"), ("drops", "drops")]
PAIR_COLS = [("pair_id", "pair"), ("manufacturer", "manufacturer"), ("category", "category"),
             ("component", "component"), ("pages", "ds pages"), ("sections", "sections"),
             ("registers", "registers"), ("registers_linked", "linked"), ("linked_share", "linked %"),
             ("status_implemented", "impl."), ("status_partial", "partial"), ("status_not_implemented", "not impl."),
             ("files", "files"), ("symbols", "symbols"), ("code_registers", "register defs"),
             ("documents", "documents"), ("tokens", "tokens"), ("drops", "drops"), ("check_verdict", "pair check"),
             ("check_score", "check score")]
TOKEN_COLS = [("domain", "domain"), ("split", "split"), ("documents", "documents"), ("tokens", "tokens"),
              ("bytes", "bytes")]
DROP_COLS = [("stage", "stage"), ("reason", "reason"), ("count", "count")]
STAGE_COLS = [("stage", "stage"), ("seconds", "seconds"), ("docs_in", "documents in"), ("docs_out", "documents out")]
PERCENT_KEYS = ("linked_share", "check_score")
SPLIT_COLORS = {"train": "#2f5fb3", "heldout": "#e08a2c"}
STATUS_COLORS = {"implemented": "#1a7f37", "partial": "#d4a72c", "not_implemented": "#b3261e"}


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def fmt(v: Any, key: str = "") -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return f"{v:.1%}" if key in PERCENT_KEYS else f"{v:,.3g}"
    if isinstance(v, int):
        if key == "tokens" and v >= 10_000:
            return f"{v / 1e6:.2f}M" if v >= 1_000_000 else f"{v / 1e3:.1f}k"
        return f"{v:,}"
    return str(v)


def anchor(name: str) -> str:
    return "m-" + (re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "unknown")


def render_table(table_id: str, rows: Sequence[dict[str, Any]], cols: Sequence[tuple[str, str]],
                 mapping_dir: Path | None = None) -> str:
    """A sortable table; numeric cells carry ``data-sort`` so sorting is by value, not by text."""

    if not rows:
        return '<p class="muted">(no rows)</p>'
    def numeric(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    # numeric columns: every value a number (or missing), at least one number
    num = {k for k, _ in cols if any(numeric(r.get(k)) for r in rows)
           and all(r.get(k) is None or numeric(r.get(k)) for r in rows)}
    out = [f'<table class="sortable" id="{escape(table_id)}"><thead><tr>']
    out += [f'<th class="num">{escape(h)}</th>' if k in num else f"<th>{escape(h)}</th>" for k, h in cols]
    out.append("</tr></thead><tbody>")
    for r in rows:
        out.append("<tr>")
        for k, _ in cols:
            v = r.get(k)
            text = escape(fmt(v, k))
            if k in num:
                # a column is numeric when any row is; a string among numbers sorts as missing
                sort = f"{float(v):.6g}" if isinstance(v, (int, float)) and not isinstance(v, bool) else ""
                out.append(f'<td class="num" data-sort="{sort}">{text}</td>')
            elif k == "pair_id" and v and mapping_dir is not None and (mapping_dir / f"{safe_file_stem(v)}.md").is_file():
                out.append(f'<td><a class="mapping" href="mappings/{escape(safe_file_stem(v))}.md" '
                           f'title="mapping document">{text}</a></td>')
            elif k == "check_verdict" and v:
                out.append(f'<td class="verdict-{escape(v)}">{text}</td>')
            else:
                out.append(f"<td>{text}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


# --------------------------------------------------------------------------- plots


def _svg(fig) -> str:
    buf = io.StringIO()
    # no bbox_inches="tight": callers already ran tight_layout, and a second layout pass doubles the cost
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]  # drop the XML prolog and doctype: inline SVG in HTML


def _setup_matplotlib() -> None:
    import matplotlib

    matplotlib.use("Agg", force=True)
    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "firmcorpus-report", "font.size": 9,
                                "axes.spines.top": False, "axes.spines.right": False})


def _compact_ticks(ax) -> None:
    """Few x ticks, written 250k / 1.2M rather than 250000 or an offset exponent."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    def short(v: float, _pos=None) -> str:
        for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
            if abs(v) >= div:
                return f"{v / div:g}{suffix}"
        return f"{v:g}"

    ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.xaxis.set_major_formatter(FuncFormatter(short))


def _domain_bars(ax, tokens_by_domain: list[dict[str, Any]], title: str) -> None:
    domains = sorted({r["domain"] for r in tokens_by_domain})
    if not domains:
        ax.text(0.5, 0.5, "no documents", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    use = "tokens" if any(r.get("tokens") for r in tokens_by_domain) else "bytes"
    left = [0.0] * len(domains)
    splits = sorted({r["split"] for r in tokens_by_domain}, key=lambda s: (s != "train", s))
    for split in splits:
        vals = [sum(r[use] or 0 for r in tokens_by_domain if r["domain"] == d and r["split"] == split)
                for d in domains]
        ax.barh(domains, vals, left=left, color=SPLIT_COLORS.get(split, "#888888"), label=split)
        left = [a + b for a, b in zip(left, vals)]
    ax.set_title(title)
    ax.set_xlabel(use)
    _compact_ticks(ax)
    ax.invert_yaxis()
    ax.legend(frameon=False, fontsize=8)


MAX_PLOT_PAIRS = 40


def _coverage_bars(ax, pair_rows: list[dict[str, Any]]) -> None:
    rows = list(pair_rows)
    if not any(r.get(f"status_{st}") for r in rows for st in STATUS_COLORS):
        ax.text(0.5, 0.5, "no mapped sections (no datasheet, or no mapping)", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
        return
    title = "mapping coverage per pair (sections by status)"
    if len(rows) > MAX_PLOT_PAIRS:  # the least-linked pairs: the ones a reader looks for
        rows = sorted(rows, key=lambda r: (r.get("linked_share") is not None, r.get("linked_share") or 0.0,
                                           r["pair_id"]))[:MAX_PLOT_PAIRS]
        title += f", {MAX_PLOT_PAIRS} least linked of {len(pair_rows)}"
    names = [r["pair_id"] if len(r["pair_id"]) <= 28 else r["pair_id"][:26] + "…" for r in rows]
    left = [0.0] * len(rows)
    any_status = False
    for status, color in STATUS_COLORS.items():
        vals = [float(r.get(f"status_{status}") or 0) for r in rows]
        any_status |= any(vals)
        ax.barh(names, vals, left=left, color=color, label=status.replace("_", " "))
        left = [a + b for a, b in zip(left, vals)]
    shares = [r.get("linked_share") for r in rows]
    for y, (x, s) in enumerate(zip(left, shares)):
        ax.text(x, y, f"  {s:.0%} linked" if s is not None else "  no registers", va="center", fontsize=7)
    ax.set_title(title)
    ax.set_xlabel("sections")
    ax.invert_yaxis()
    ax.set_xlim(0, max(left) * 1.3 or 1)  # room for the "n% linked" labels
    if any_status:
        ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3)


def manufacturer_plot(m: dict[str, Any]) -> str:
    import matplotlib.pyplot as plt

    n = max(1, min(MAX_PLOT_PAIRS, len(m["pair_rows"])))
    height = max(2.4, min(12.0, 0.9 + 0.28 * n))
    fig, axes = plt.subplots(1, 2, figsize=(11, height), gridspec_kw={"width_ratios": [1, 1.3]})
    _domain_bars(axes[0], m["tokens_by_domain"], "tokens per domain")
    _coverage_bars(axes[1], m["pair_rows"])
    fig.tight_layout()
    return _svg(fig)


def overview_plots(result: dict[str, Any]) -> list[dict[str, str]]:
    import matplotlib.pyplot as plt

    plots = []
    fig, ax = plt.subplots(figsize=(4.6, 3.2))
    _domain_bars(ax, result["tokens_by_domain"], "tokens per domain (kept documents)")
    fig.tight_layout()
    plots.append({"id": "plot-domains", "svg": _svg(fig)})

    ms = result["manufacturers"][:25]
    if ms:
        fig, ax = plt.subplots(figsize=(4.6, max(2.4, 0.8 + 0.22 * len(ms))))
        names = [m["manufacturer"] for m in ms]
        what = "tokens" if any(m["tokens"] for m in ms) else "bytes" if any(m["bytes"] for m in ms) else "pairs"
        ax.barh(names, [m[what] for m in ms], color="#2f5fb3")
        ax.set_title(f"{what} per manufacturer" + (" (top 25)" if len(result["manufacturers"]) > 25 else ""))
        _compact_ticks(ax)
        ax.invert_yaxis()
        fig.tight_layout()
        plots.append({"id": "plot-manufacturers", "svg": _svg(fig)})
        shares = [(m["manufacturer"], m["linked_share"]) for m in ms if m["linked_share"] is not None]
        if shares:
            fig, ax = plt.subplots(figsize=(4.6, max(2.4, 0.8 + 0.22 * len(shares))))
            ax.barh([s[0] for s in shares], [s[1] for s in shares], color="#1a7f37")
            ax.set_xlim(0, 1)
            ax.set_title("share of registers linked to code")
            ax.invert_yaxis()
            fig.tight_layout()
            plots.append({"id": "plot-linked", "svg": _svg(fig)})

    cats: dict[str, int] = {}
    for m in result["manufacturers"]:
        for p in m["pair_rows"]:
            cats[p.get("category") or "(none)"] = cats.get(p.get("category") or "(none)", 0) + 1
    if cats:
        order = sorted(cats, key=lambda c: (-cats[c], c))
        fig, ax = plt.subplots(figsize=(4.6, max(2.4, 0.8 + 0.22 * len(order))))
        ax.barh(order, [cats[c] for c in order], color="#6b4fa3")
        ax.set_title("pairs per category")
        ax.invert_yaxis()
        fig.tight_layout()
        plots.append({"id": "plot-categories", "svg": _svg(fig)})

    drops = result["drops_by_reason"][:20]
    if drops:
        fig, ax = plt.subplots(figsize=(4.6, max(2.4, 0.8 + 0.22 * len(drops))))
        ax.barh([f"{d['stage']}: {d['reason']}" for d in drops], [d["count"] for d in drops], color="#b3261e")
        ax.set_title("drops per reason")
        ax.invert_yaxis()
        fig.tight_layout()
        plots.append({"id": "plot-drops", "svg": _svg(fig)})
    return plots


# --------------------------------------------------------------------------- page


def build_html(out_dir: str | os.PathLike, result: dict[str, Any] | None = None) -> str:
    _setup_matplotlib()
    result = result or inspect_build(out_dir)
    out = Path(result["out"])
    mapping_dir = out / "mappings"
    manufacturers = []
    for m in result["manufacturers"]:
        manufacturers.append({**m, "anchor": anchor(m["manufacturer"]), "plot": manufacturer_plot(m)})
    all_pairs = [p for m in result["manufacturers"] for p in m["pair_rows"]]
    all_pairs.sort(key=lambda p: p["pair_id"])
    summary = result.get("build_summary") or {}
    # scalars of the build summary as key/value rows; per-stage numbers as their own table
    summary_rows = [{"key": k, "value": v} for k, v in summary.items()
                    if v is None or isinstance(v, (str, int, float, bool))]
    stages = summary.get("stages") if isinstance(summary.get("stages"), dict) else {}
    stage_rows = [{"stage": name, "seconds": (st or {}).get("seconds"), "docs_in": (st or {}).get("docs_in"),
                   "docs_out": (st or {}).get("docs_out")} for name, st in stages.items()]

    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True,
                      lstrip_blocks=True)
    tmpl = env.from_string(_asset("report_template.html"))
    return tmpl.render(
        title=out.name, out=str(out), totals=result["totals"], cards=CARDS, fmt=fmt,
        missing_tables=result["missing_tables"], build_summary=summary, summary_rows=summary_rows,
        stage_rows=stage_rows, stage_cols=STAGE_COLS,
        overview_plots=overview_plots(result), manufacturers=manufacturers,
        manufacturer_rows=result["manufacturers"], manufacturer_cols=MANUFACTURER_COLS,
        pair_rows=all_pairs, pair_cols=PAIR_COLS, tokens_by_domain=result["tokens_by_domain"], token_cols=TOKEN_COLS,
        drops_by_reason=result["drops_by_reason"], drop_cols=DROP_COLS,
        table=lambda tid, rows, cols: render_table(tid, rows, cols, mapping_dir),
        css=_asset("report.css"), js=_asset("report.js"),
    )


def write_report(out_dir: str | os.PathLike, path: str | os.PathLike | None = None) -> Path:
    """Write ``OUT/report.html`` (or ``path``) and return its path."""

    out, _ = resolve_out(out_dir)
    html = build_html(out)
    dest = Path(path) if path is not None else out / "report.html"
    atomic_write_text(dest, html)
    return dest
