"""A trace as Markdown (for notes: one section per document, the change marked) and as CSV
(one row per document, for a spreadsheet), each row with its UN citation."""

from __future__ import annotations

import csv
import io
import re

from index.trace.diff import ADDED, REMOVED, Change
from index.trace.model import Trace, TraceRow

CSV_COLUMNS = ("date", "document", "title", "kind", "whose_words", "citation", "language",
               "text", "other_language_citation", "other_language_text", "similarity",
               "views_count", "views", "changed_since", "added", "removed")
SILENT = {"en": "silent on this theme", "zh": "未涉及这一主题"}
VIEWS = {"en": "Views submitted", "zh": "所载各方观点"}
CHANGED = {"en": "Changed since {label}", "zh": "与{label}相比的变化"}
# Document text stays text in any Markdown viewer: no HTML, link, image or emphasis from it.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_~\[\]<>#|])")


def plain(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def to_markdown(trace: Trace, views_listed: int = 20) -> str:
    lang = trace.lang
    title = "主题追踪" if lang == "zh" else "Theme traced"
    lines = [f"# {title}: {plain(trace.theme)}", ""]
    for row in trace.rows:
        lines += _row_markdown(row, lang, views_listed)
    return "\n".join(lines).rstrip() + "\n"


def _row_markdown(row: TraceRow, lang: str, views_listed: int) -> list[str]:
    date = row.date or "—"
    if row.paragraph is None:
        lines = [f"## {date} — {plain(row.document)}: {SILENT[lang]}", "",
                 f"*{plain(row.title(lang))}*", ""]
    else:
        lines = [f"## {date} — {plain(row.paragraph.label(lang))}", "",
                 f"*{plain(row.title(lang))} · {row.kind(lang)} · {row.whose(lang)}*", "",
                 *_quoted(row.paragraph.text), ""]
        if row.other is not None:
            lines += [f"{plain(row.other.label())}:", "", *_quoted(row.other.text), ""]
        if row.change is not None:
            since = plain(row.changed_since.label(lang)) if row.changed_since else ""
            lines += [f"{CHANGED[lang].format(label=since)}: {marked(row.change)}", ""]
    if row.views:
        listed = "; ".join(plain(f"{v.submitter} ({v.paragraph.label()})")
                           for v in row.views[:views_listed])
        more = len(row.views) - views_listed
        lines += [f"{VIEWS[lang]} ({len(row.views)}): {listed}" + (f"; +{more}" if more > 0
                                                                   else ""), ""]
    return lines


def marked(change: Change) -> str:
    """The newer text with additions in bold and removals struck through."""
    out = []
    for piece in change.pieces:
        text = plain(piece.text)
        if piece.op == ADDED and text.strip():
            out.append(f"**{text.strip()}** ")
        elif piece.op == REMOVED and text.strip():
            out.append(f"~~{text.strip()}~~ ")
        else:
            out.append(text)
    return "".join(out).replace("\n", " ").strip()


def _quoted(text: str) -> list[str]:
    return [f"> {plain(line)}" if line else ">" for line in text.splitlines()]


def to_csv(trace: Trace) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    lang = trace.lang
    for row in trace.rows:
        p, other, change = row.paragraph, row.other, row.change
        writer.writerow([
            row.date, row.document, row.title(lang), row.kind(lang),
            row.whose(lang) if p else "", p.label() if p else "", p.lang if p else "",
            p.text if p else "", other.label() if other else "", other.text if other else "",
            f"{row.similarity:.4f}" if p else "", len(row.views),
            "; ".join(f"{v.submitter}: {v.paragraph.label()}" for v in row.views),
            row.changed_since.label() if row.changed_since else "",
            " | ".join(change.words(ADDED)) if change else "",
            " | ".join(change.words(REMOVED)) if change else ""])
    return buffer.getvalue()
