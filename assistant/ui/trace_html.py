"""The Trace tab's rows as HTML, built from escaped text only (as assistant/ui/html.py): one
row per document by date, its paragraph beside the other language version, what changed since
the row before marked, and the States' views folded under a count that opens them."""

from __future__ import annotations

import html

from index.trace.diff import ADDED, REMOVED, Change
from index.trace.model import Trace, TraceRow

from ..texts import TRACE_ROW
from .html import paragraph_block

CSS = """
.trace .row { border-left: 3px solid #d0d7de; padding: 4px 10px; margin: 10px 0; }
.trace .row.silent { color: #57606a; border-left-style: dashed; }
.trace .row-head { font-weight: 600; }
.trace .row-head .date { display: inline-block; min-width: 6.5em; }
.trace .meta { color: #57606a; font-size: 0.85em; }
.trace .open-row { cursor: pointer; }
.trace .open-row:hover { background: #ddf4ff; }
.trace .change { font-size: 0.9em; margin-top: 4px; }
.trace ins { background: #dafbe1; text-decoration: none; }
.trace del { background: #ffebe9; }
.trace details.views { font-size: 0.9em; }
"""

def trace_view(trace: Trace, counterpart) -> str:
    rows = "".join(_row(row, trace.lang, counterpart) for row in trace.rows)
    return f'<div class="trace" lang="{html.escape(trace.lang)}">{rows}</div>'


def _row(row: TraceRow, lang: str, counterpart) -> str:
    words = TRACE_ROW[lang]
    date = f'<span class="date">{html.escape(row.date or "—")}</span>'
    title = html.escape(row.title(lang))
    if row.paragraph is None:
        body = (f'<div class="row-head">{date} {html.escape(row.document)} · {title}</div>'
                f'<div class="meta">{words["silent"]}</div>')
        return f'<div class="row silent">{body}{_views(row, lang)}</div>'
    p = row.paragraph
    meta = " · ".join(filter(None, [title, row.kind(lang), row.whose(lang)]))
    head = (f'<div class="row-head open-row" tabindex="0" title="{words["open"]}" '
            f'data-open="{html.escape(p.id)}">{date} {html.escape(p.label(lang))}</div>'
            f'<div class="meta">{html.escape(meta)}</div>')
    change = _change(row, lang, words) if row.change is not None else ""
    return (f'<div class="row" data-document="{html.escape(row.document)}">{head}'
            f'{paragraph_block(p, lang, counterpart)}{change}{_views(row, lang)}'
            f'</div>')


def _change(row: TraceRow, lang: str, words: dict) -> str:
    change: Change = row.change
    since = html.escape(row.changed_since.label(lang)) if row.changed_since else ""
    pieces = []
    for piece in change.pieces:
        text = html.escape(piece.text)
        if piece.op == ADDED:
            pieces.append(f'<ins title="{words["added"]}">{text}</ins>')
        elif piece.op == REMOVED:
            pieces.append(f'<del title="{words["removed"]}">{text}</del>')
        else:
            pieces.append(text)
    return (f'<div class="change"><span class="meta">{words["changed"].format(label=since)} '
            f'({change.ratio:.0%}):</span> {"".join(pieces)}</div>')


def _views(row: TraceRow, lang: str) -> str:
    """The States' and organizations' views, one per submitter, folded under their count."""
    if not row.views:
        return ""
    items = "".join(
        f'<div class="open-row" tabindex="0" data-open="{html.escape(v.paragraph.id)}">'
        f'<strong>{html.escape(v.submitter)}</strong> · {html.escape(v.paragraph.label(lang))}'
        f'</div>' for v in row.views)
    names = ", ".join(v.submitter for v in row.views[:6]) + (", …" if len(row.views) > 6 else "")
    return (f'<details class="views"><summary>{TRACE_ROW[lang]["views"]}: {len(row.views)} '
            f'({html.escape(names)})</summary>{items}</details>')
