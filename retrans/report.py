"""The HTML review report: one self-contained file (inline CSS, JS and SVG; no network).

Each document is shown side by side (input | output) with its edits highlighted;
hovering an edit shows its score, runner-up candidate and evidence. Applied edits
and the suggestions below the margin are listed with accept/reject controls, and
"Save review" downloads ``review.jsonl``: every reviewed edit as its edit-log
object plus ``"review": "accepted" | "rejected"`` (read by ``retrans glossary learn``).
A summary plot (edits per entry, score distribution, metric deltas) is inline SVG.
"""

from __future__ import annotations

import html
import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .config import RankConfig
from .formats.text import write_text_atomic
from .records import VARIANT, Edit

REVIEW_FILE = "review.jsonl"
REVIEW_VALUES = ("accepted", "rejected")

Document = tuple[str, str, Any]  # (doc name, input text, pipeline.DocumentResult)

_esc = html.escape


def write_report(path: str | Path, documents: Sequence[Document], signature: Any,
                 metrics: Mapping[str, tuple[float, float]] | None = None, source: str | None = None) -> None:
    """Write the report for ``documents`` (``(doc_name, input_text, DocumentResult)``) atomically.

    ``signature`` is the run's :class:`~retrans.records.RunSignature`; ``metrics`` optionally maps
    a metric name to its ``(before, after)`` scores for the summary plot.
    """
    write_text_atomic(path, render_report(documents, signature, metrics, source))


def render_report(documents: Sequence[Document], signature: Any,
                  metrics: Mapping[str, tuple[float, float]] | None = None, source: str | None = None) -> str:
    """The report as one HTML string."""
    sig = signature.format() if hasattr(signature, "format") else str(signature)
    margins = _margins(sig)
    edits: list[Edit] = [e for _, _, r in documents for e in r.edits]
    applied = sum(e.applied for e in edits)
    body = [f"<header><h1>retrans review</h1><p class='sig'>signature: <code>{_esc(sig)}</code>"
            + (f" · from {_esc(source)}" if source else "") + "</p>"
            f"<p>{len(documents)} document(s) · <b>{applied}</b> edit(s) applied · "
            f"<b>{len(edits) - applied}</b> suggestion(s) below the margin</p></header>",
            _toolbar(), "<section class='summary'><h2>Summary</h2><div class='plots'>",
            svg_entries(edits), svg_scores(edits, margins)]
    if metrics:
        body.append(svg_metrics(metrics))
    body.append("</div></section>")
    index = 0
    for d, (name, text, result) in enumerate(documents):
        body.append(_document(d, name, text, result.edits, index, margins))
        index += len(result.edits)
    body.append(f"<footer>retrans · <code>{_esc(sig)}</code></footer>")
    payload = json.dumps([e.to_dict() for e in edits], ensure_ascii=False).replace("</", "<\\/")
    return (f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>retrans review</title><style>{_CSS}</style></head><body>{''.join(body)}"
            f"<script type='application/json' id='edits'>{payload}</script><script>{_JS}</script></body></html>\n")


def _margins(sig: str) -> tuple[float, float]:
    """The variant and mistranslation margins from a signature's ``margins:v/m``, else the defaults."""
    for part in sig.split("|"):
        if part.startswith("margins:"):
            try:
                v, m = part.split(":", 1)[1].split("/")
                return float(v), float(m)
            except ValueError:
                break
    c = RankConfig()
    return c.margin_variant, c.margin_mistranslation


def _toolbar() -> str:
    return ("<nav class='toolbar'><label><input type='checkbox' id='only-changed' checked> only lines with "
            "edits</label><button id='accept-applied' type='button'>Accept all unreviewed applied</button>"
            "<span id='progress'>0 reviewed</span><button id='save' type='button' class='primary'>"
            f"Save review ({REVIEW_FILE})</button></nav>")


def _fmt(x: float | None) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.1f}"


def _tip(e: Edit, margin: float) -> str:
    ev = ", ".join(f"{k} {v:+g}" for k, v in e.evidence.items())
    parts = [f"{e.entry} · {e.kind}", f"score {_fmt(e.score)} (margin {margin:g})",
             f"model Δ {_fmt(e.lm_delta)}"]
    if ev:
        parts.append(f"evidence: {ev}")
    parts.append(f"runner-up: {e.runner_up}" if e.runner_up else "no runner-up")
    parts.append("applied" if e.applied else "suggestion (below the margin; text kept)")
    return " | ".join(parts)


def _line_html(line: str, marks: list[tuple[int, Edit]], margins: tuple[float, float]) -> tuple[str, str]:
    """The input and output HTML of one line; ``marks`` are non-overlapping ``(index, edit)``."""
    src, out, pos = [], [], 0
    for i, e in sorted(marks, key=lambda m: m[1].start):
        margin = margins[0] if e.kind == VARIANT else margins[1]
        common = _esc(line[pos : e.start])
        src.append(common)
        out.append(common)
        tip = _esc(_tip(e, margin), quote=True)
        if e.applied:
            src.append(f"<del class='m' data-i='{i}' title='{tip}'>{_esc(e.original)}</del>")
            out.append(f"<ins class='m' data-i='{i}' title='{tip}'>{_esc(e.replacement)}</ins>")
        else:
            for part in (src, out):
                part.append(f"<mark class='m sugg' data-i='{i}' title='{tip}'>{_esc(e.original)}</mark>")
        pos = e.end
    src.append(_esc(line[pos:]))
    out.append(_esc(line[pos:]))
    return "".join(src), "".join(out)


def _document(d: int, name: str, text: str, edits: Sequence[Edit], first: int,
              margins: tuple[float, float]) -> str:
    indexed = list(enumerate(edits, first))
    by_line: dict[int, list[tuple[int, Edit]]] = {}
    for i, e in sorted(indexed, key=lambda m: (not m[1].applied, m[1].start)):
        taken = by_line.setdefault(e.line, [])
        free = all(e.end <= t.start or e.start >= t.end for _, t in taken)
        if e.applied or (free and e.end > e.start):  # an overlapped suggestion is listed, not marked
            taken.append((i, e))
    rows = []
    for n, line in enumerate(text.split("\n"), 1):
        marks = by_line.get(n, [])
        a, b = _line_html(line, marks, margins)
        cls = "changed" if marks else "plain"
        rows.append(f"<tr class='{cls}'><td class='ln'>{n}</td><td>{a}</td><td>{b}</td></tr>")
    applied = [(i, e) for i, e in indexed if e.applied]
    sugg = [(i, e) for i, e in indexed if not e.applied]
    n_applied = len(applied)
    return (f"<section class='doc' id='doc-{d}'><h2>{_esc(name)}</h2>"
            f"<p class='muted'>{n_applied} applied · {len(sugg)} suggestion(s) · hover an edit for its score "
            f"and runner-up</p><table class='side'><thead><tr><th>#</th><th>input</th><th>output</th></tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>"
            f"{_review_table('Applied edits', applied, margins)}"
            f"{_review_table('Suggestions below the margin (text kept)', sugg, margins)}</section>")


def _review_table(title: str, items: list[tuple[int, Edit]], margins: tuple[float, float]) -> str:
    if not items:
        return ""
    rows = []
    for i, e in items:
        margin = margins[0] if e.kind == VARIANT else margins[1]
        ev = " ".join(f"{k}&nbsp;{v:+g}" for k, v in e.evidence.items())
        width = max(2.0, min(100.0, 50 + 2 * (e.score - margin))) if not math.isnan(e.score) else 0
        cls = "pos" if e.score >= margin else "neg"
        rows.append(
            f"<tr data-i='{i}'><td>{e.line}</td><td><span class='orig'>{_esc(e.original)}</span> → "
            f"<span class='repl'>{_esc(e.replacement)}</span></td><td>{_esc(e.entry)}</td><td>{_esc(e.kind)}</td>"
            f"<td class='num'><span class='bar {cls}' style='width:{width:.0f}%'></span>{_fmt(e.score)}</td>"
            f"<td>{_esc(e.runner_up or '–')}</td><td class='muted'>Δlm&nbsp;{_fmt(e.lm_delta)} {ev}</td>"
            f"<td class='rv'><label><input type='radio' name='r{i}' value='accepted'> accept</label>"
            f"<label><input type='radio' name='r{i}' value='rejected'> reject</label></td></tr>")
    return (f"<h3>{_esc(title)}</h3><table class='edits'><thead><tr><th>line</th><th>edit</th><th>entry</th>"
            f"<th>kind</th><th>score</th><th>runner-up</th><th>detail</th><th>review</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


# ---------------------------------------------------------------------------- SVG plots

_W = 380


def _svg(title: str, height: int, inner: str) -> str:
    return (f"<figure><svg xmlns='http://www.w3.org/2000/svg' width='{_W}' height='{height}' "
            f"viewBox='0 0 {_W} {height}' role='img' aria-label='{_esc(title)}'>{inner}</svg>"
            f"<figcaption>{_esc(title)}</figcaption></figure>")


def svg_entries(edits: Sequence[Edit], top: int = 12) -> str:
    """Horizontal bars: applied edits and suggestions per glossary entry (the ``top`` busiest)."""
    app = Counter(e.entry for e in edits if e.applied)
    sug = Counter(e.entry for e in edits if not e.applied)
    entries = sorted(set(app) | set(sug), key=lambda k: (-(app[k] + sug[k]), k))[:top]
    if not entries:
        return _svg("edits per entry (none)", 40, "<text x='10' y='24' class='t'>no edits</text>")
    peak = max(app[k] + sug[k] for k in entries)
    left, bar_w, row = 150, _W - 190, 20
    parts = []
    for n, k in enumerate(entries):
        y = 10 + n * row
        wa, ws = bar_w * app[k] / peak, bar_w * sug[k] / peak
        parts.append(f"<text x='{left - 6}' y='{y + 13}' text-anchor='end' class='t'>{_esc(k[:22])}</text>"
                     f"<rect x='{left}' y='{y + 2}' width='{wa:.1f}' height='14' class='applied'/>"
                     f"<rect x='{left + wa:.1f}' y='{y + 2}' width='{ws:.1f}' height='14' class='sugg'/>"
                     f"<text x='{left + wa + ws + 4:.1f}' y='{y + 13}' class='t'>{app[k]}+{sug[k]}</text>")
    return _svg("edits per entry (applied + suggestions)", 20 + len(entries) * row, "".join(parts))


def svg_scores(edits: Sequence[Edit], margins: tuple[float, float], lo: float = -20.0, hi: float = 40.0,
               width: float = 2.5) -> str:
    """Histogram of decision scores (nats), applied vs suggestions, with the margins marked."""
    scores = [(e.score, e.applied) for e in edits if not math.isnan(e.score)]
    nbins = int((hi - lo) / width)
    counts = [[0, 0] for _ in range(nbins)]
    for s, applied in scores:
        b = min(nbins - 1, max(0, int((s - lo) // width)))
        counts[b][0 if applied else 1] += 1
    peak = max([a + b for a, b in counts] + [1])
    x0, plot_w, y0, plot_h = 30, _W - 40, 10, 120
    bw = plot_w / nbins
    parts = [f"<line x1='{x0}' y1='{y0 + plot_h}' x2='{x0 + plot_w}' y2='{y0 + plot_h}' class='axis'/>"]
    for n, (a, b) in enumerate(counts):
        x = x0 + n * bw
        ha, hb = plot_h * a / peak, plot_h * b / peak
        parts.append(f"<rect x='{x + 1:.1f}' y='{y0 + plot_h - ha:.1f}' width='{bw - 2:.1f}' height='{ha:.1f}' "
                     f"class='applied'/><rect x='{x + 1:.1f}' y='{y0 + plot_h - ha - hb:.1f}' "
                     f"width='{bw - 2:.1f}' height='{hb:.1f}' class='sugg'/>")
    for v in range(int(lo), int(hi) + 1, 10):
        x = x0 + (v - lo) / (hi - lo) * plot_w
        parts.append(f"<text x='{x:.1f}' y='{y0 + plot_h + 14}' text-anchor='middle' class='t'>{v}</text>")
    for m in sorted(set(margins)):
        x = x0 + (m - lo) / (hi - lo) * plot_w
        parts.append(f"<line x1='{x:.1f}' y1='{y0}' x2='{x:.1f}' y2='{y0 + plot_h}' class='margin'/>")
    parts.append(f"<text x='{x0}' y='{y0 + 8}' class='t'>max {peak}</text>")
    return _svg(f"score distribution (nats; {lo:g}…{hi:g}, ends clamped; dashed: margins)", y0 + plot_h + 22,
                "".join(parts))


def svg_metrics(metrics: Mapping[str, tuple[float, float]]) -> str:
    """Paired bars of each metric before and after the repair (TER: lower is better)."""
    names = list(metrics)
    peak = max([max(b, a) for b, a in metrics.values()] + [1.0])
    x0, plot_h, group = 30, 110, (_W - 40) / max(1, len(names))
    parts = []
    for n, name in enumerate(names):
        b, a = metrics[name]
        x = x0 + n * group
        for k, (v, cls) in enumerate(((b, "before"), (a, "applied"))):
            h = plot_h * v / peak
            parts.append(f"<rect x='{x + k * 28:.1f}' y='{10 + plot_h - h:.1f}' width='24' height='{h:.1f}' "
                         f"class='{cls}'/><text x='{x + k * 28 + 12:.1f}' y='{6 + plot_h - h:.1f}' "
                         f"text-anchor='middle' class='t'>{v:.1f}</text>")
        parts.append(f"<text x='{x + 26:.1f}' y='{plot_h + 26}' text-anchor='middle' class='t'>{_esc(name)} "
                     f"({a - b:+.2f})</text>")
    return _svg("metrics before (grey) and after (blue); TER lower is better", plot_h + 34, "".join(parts))


_CSS = """
:root{--fg:#1d2330;--muted:#6b7385;--line:#e3e6ec;--app:#2f6fdf;--sugg:#e3a21a;--del:#fde2e1;--ins:#dcf5e3}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);
margin:0;padding:0 24px 40px;background:#f7f8fa}header h1{margin:18px 0 4px;font-size:22px}
.sig code,footer code{font-size:12px;background:#eef0f4;padding:1px 5px;border-radius:4px}
.muted{color:var(--muted);font-size:12px}.toolbar{position:sticky;top:0;z-index:2;display:flex;gap:14px;
align-items:center;padding:8px 12px;margin:8px 0;background:#fff;border:1px solid var(--line);border-radius:8px;
box-shadow:0 1px 3px #0001}.toolbar button{font:inherit;padding:4px 10px;border:1px solid #c8ccd5;
border-radius:6px;background:#fff;cursor:pointer}.toolbar .primary{background:var(--app);color:#fff;
border-color:var(--app);margin-left:auto}section{background:#fff;border:1px solid var(--line);border-radius:8px;
padding:10px 16px;margin:14px 0}h2{font-size:16px;margin:6px 0}h3{font-size:14px;margin:14px 0 6px}
.plots{display:flex;flex-wrap:wrap;gap:18px}figure{margin:0}figcaption{font-size:12px;color:var(--muted)}
svg .t{font:11px system-ui,sans-serif;fill:#444}svg .applied{fill:var(--app)}svg .sugg{fill:var(--sugg)}
svg .before{fill:#b5bac5}svg .axis{stroke:#999}svg .margin{stroke:#d33;stroke-dasharray:4 3}
table{border-collapse:collapse;width:100%}table.side td{vertical-align:top;padding:3px 8px;
border-top:1px solid var(--line);width:48%}table.side td.ln{width:3%;color:var(--muted);text-align:right}
body.only-changed tr.plain{display:none}del.m{background:var(--del);text-decoration:line-through #c33}
ins.m{background:var(--ins);text-decoration:none;font-weight:600}mark.sugg{background:none;
border-bottom:2px dashed var(--sugg)}.m{cursor:help;border-radius:3px;padding:0 1px}.m.hl{outline:2px solid var(--app)}
table.edits th{text-align:left;font-size:12px;color:var(--muted);border-bottom:1px solid var(--line)}
table.edits td{padding:3px 6px;border-bottom:1px solid var(--line)}.orig{color:#a33}.repl{color:#176b33;font-weight:600}
td.num{position:relative;min-width:70px;text-align:right}.bar{position:absolute;left:0;top:30%;height:40%;opacity:.25}
.bar.pos{background:var(--app)}.bar.neg{background:var(--sugg)}tr.accepted{background:#eefaf1}
tr.rejected{background:#fdf0ef}td.rv label{margin-right:8px;white-space:nowrap}footer{color:var(--muted);font-size:12px}
"""

_JS = """
(function(){
const edits=JSON.parse(document.getElementById('edits').textContent);
const review={};
function lines(){const out=[];edits.forEach((e,i)=>{if(review[i]){const o=Object.assign({},e);
o.review=review[i];out.push(JSON.stringify(o));}});return out.length?out.join('\\n')+'\\n':'';}
window.retransReview=lines;
function progress(){document.getElementById('progress').textContent=Object.keys(review).length+' of '+
edits.length+' reviewed';document.body.dataset.review=lines();}
function set(i,v){review[i]=v;document.querySelectorAll('tr[data-i="'+i+'"]').forEach(r=>{
r.classList.remove('accepted','rejected');r.classList.add(v);});progress();}
document.querySelectorAll('td.rv input').forEach(inp=>inp.addEventListener('change',()=>
set(+inp.name.slice(1),inp.value)));
document.getElementById('accept-applied').addEventListener('click',()=>{edits.forEach((e,i)=>{
if(e.applied&&!review[i]){const r=document.querySelector('input[name="r'+i+'"][value="accepted"]');
if(r)r.checked=true;set(i,'accepted');}});});
document.getElementById('save').addEventListener('click',()=>{const blob=new Blob([lines()],
{type:'application/x-ndjson'});const a=document.createElement('a');a.href=URL.createObjectURL(blob);
a.download='review.jsonl';document.body.appendChild(a);a.click();setTimeout(()=>{URL.revokeObjectURL(a.href);
a.remove();},1000);});
const only=document.getElementById('only-changed');function toggle(){document.body.classList.toggle(
'only-changed',only.checked);}only.addEventListener('change',toggle);toggle();
document.querySelectorAll('[data-i]').forEach(el=>{const i=el.dataset.i;el.addEventListener('mouseenter',()=>
document.querySelectorAll('.m[data-i="'+i+'"]').forEach(m=>m.classList.add('hl')));el.addEventListener(
'mouseleave',()=>document.querySelectorAll('.m[data-i="'+i+'"]').forEach(m=>m.classList.remove('hl')));});
progress();
})();
"""
