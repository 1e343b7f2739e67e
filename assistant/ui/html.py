"""HTML and Markdown for the UI, built from escaped text only.

Document text and model output are material, never markup: every string that comes from a
document, a question or the model passes through ``html.escape`` (and, inside chat messages and
the exported Markdown, Markdown escaping) before the few tags this module writes itself are
added. A ``<script>`` in a paragraph therefore shows as text and never runs, and a link in it
never becomes one. Only the [n] markers the code wrote become markers: one inside a quoted
document's words, or with a key nothing cites, is shown as the text it is.
"""

from __future__ import annotations

import html
import re
from typing import Callable, Iterator, NamedTuple

from index.un.glossary import TERMS
from index.models import Paragraph

from ..answer import Answer
from ..citation_guard import MARKER
from ..texts import ANSWER_PANEL, COUNTED_NOTE, EXPORT_QUOTED, GLOSSARY_COLUMNS, MARKER_TITLE

Counterpart = Callable[[Paragraph], "Paragraph | None"]

# Markdown would turn "*", "_", "[", "#", "===", "https:"… in a document into formatting or
# links: every ASCII punctuation mark is escaped with "\" (CommonMark allows it for all of
# them) except & ; < >, which html.escape turns into entities that show as themselves.
_MARKDOWN_SPECIAL = re.compile(r"([!-%'-/:=?@\[-`{-~])")

# The old name of texts.ANSWER_PANEL, which eval/browser.py imports from here.
TEXTS = ANSWER_PANEL


# The export stays readable as raw text (it is shown in a code box and downloaded), so it
# escapes only what makes HTML, links, images or formatting: the backslash itself, link and
# image brackets, emphasis and code marks, "@" (e-mail autolinks), and below, the colon of a
# URL scheme ("https:", "javascript:", "data:") and "www." (GFM autolinks).
_EXPORT_SPECIAL = re.compile(r"([\\`*_~\[\]@])")
_SCHEME_COLON = re.compile(r"(?<=[A-Za-z0-9+.\-]):(?=\S)")
_WWW = re.compile(r"(?i)(www)\.")


def escape_markdown(text: str) -> str:
    return html.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", text), quote=False)


def escape_export(text: str) -> str:
    """Text for the exported Markdown: shown as written by any Markdown viewer, never as HTML,
    a link or an image, and still plain to read in the raw file."""
    text = _EXPORT_SPECIAL.sub(r"\\\1", text)
    text = _WWW.sub(r"\1\\.", _SCHEME_COLON.sub(r"\\:", text))
    return html.escape(text, quote=False)


class _Piece(NamedTuple):
    """A stretch of an answer's text (``key`` None), or one citation marker: ``text`` is then
    the space the answer had before it."""

    text: str
    key: int | None = None


def answer_pieces(answer: Answer) -> Iterator[_Piece]:
    """The answer's text cut at its citation markers. A marker counts only when the code wrote
    it: outside the words quoted from documents, and naming keys the answer cites. A "[7]"
    planted in a quoted paragraph, or one no citation stands behind, stays text."""
    cited = {c.key for c in answer.citations}
    last = 0
    for match in MARKER.finditer(answer.text):
        keys = [int(k) for k in re.findall(r"\d+", match.group(1))]
        if answer.is_quoted(*match.span()) or not set(keys) <= cited:
            continue
        yield _Piece(answer.text[last:match.start()])
        space = match.group(0)[:1] if match.group(0)[:1].isspace() else ""
        for i, key in enumerate(keys):
            yield _Piece(space if i == 0 else "", key)
        last = match.end()
    yield _Piece(answer.text[last:])


def source_id(turn: int, key: int) -> str:
    """The element id of citation ``key`` of answer ``turn`` in the sources panel."""
    return f"src-{turn}-{key}"


def answer_message(answer: Answer, turn: int) -> str:
    """The chat message for a checked answer: escaped text with clickable [n] markers."""
    pieces = []
    for piece in answer_pieces(answer):
        if piece.key is None:
            pieces.append(escape_markdown(piece.text))
        else:
            # The chat's HTML sanitizer drops data-* attributes but keeps classes: the
            # marker names its paragraph's element id in a class the page's script reads.
            pieces.append(f' <span class="cite to-{source_id(turn, piece.key)}" '
                          f'title="{MARKER_TITLE}">[{piece.key}]</span>')
    body = "".join(pieces).replace("\n", "  \n")
    for c in answer.citations:
        # The words the answer rests on, under it (unless the answer is that quote already).
        if c.quote and c.quote not in answer.text:
            body += f"\n\n> “{escape_markdown(' '.join(c.quote.split()))}” — [{c.key}] " \
                    f"{escape_markdown(c.label)}"
    if answer.notice and answer.notice not in answer.text:
        body += f"\n\n*{escape_markdown(answer.notice)}*"
    return body


def draft_message(draft: str, lang: str) -> str:
    """The model's words as they stream, before the guard has checked them."""
    return f"{escape_markdown(draft)}\n\n*{ANSWER_PANEL[lang]['checking']}*"


def user_message(text: str) -> str:
    return escape_markdown(text)


def paragraph_block(p: Paragraph, lang: str, counterpart: Counterpart, *, element_id: str = "",
                    heading: str = "", highlight: bool = False, quote: str = "") -> str:
    """One paragraph with its label, section path and text, and beside it the same paragraph in
    the other language when the corpus holds it; ``quote`` (words of either version that an
    answer rests on) is marked where it stands."""
    other = counterpart(p)
    columns = [_column(p, quote)] + ([_column(other, quote)] if other is not None else [])
    section = (f'<div class="section">{html.escape(" › ".join(p.section))}</div>'
               if p.section else "")
    classes = "para highlight" if highlight else "para"
    ident = f' id="{html.escape(element_id)}"' if element_id else ""
    head = f'<div class="para-head">{html.escape(heading)}</div>' if heading else ""
    return (f'<div class="{classes}"{ident} data-paragraph="{html.escape(p.id)}">{head}{section}'
            f'<div class="columns">{"".join(columns)}</div></div>')


def _column(p: Paragraph, quote: str = "") -> str:
    """One language version, labelled in its language (a counted number explained on hover)."""
    note = f' title="{html.escape(COUNTED_NOTE.get(p.lang, COUNTED_NOTE["en"]))}"' * p.counted
    return (f'<div class="column" lang="{html.escape(p.lang)}"><div class="label"{note}>'
            f'{html.escape(p.label())}</div><div class="text">{_marked(p.text, quote)}</div></div>')


def _marked(text: str, quote: str) -> str:
    """Escaped ``text`` with the first occurrence of ``quote`` in a <mark>."""
    start = text.find(quote) if quote else -1
    if start < 0:
        return html.escape(text)
    end = start + len(quote)
    return (f"{html.escape(text[:start])}<mark class=\"quote\">{html.escape(text[start:end])}"
            f"</mark>{html.escape(text[end:])}")


def sources_panel(turns: list[tuple[int, Answer]], counterpart: Counterpart) -> str:
    """Every answer's cited paragraphs, newest answer first, each under an id its markers
    point at."""
    if not turns:
        return ""
    blocks = []
    for turn, answer in reversed(turns):
        words = ANSWER_PANEL[answer.lang]
        items = [paragraph_block(c.paragraph, answer.lang, counterpart,
                                 element_id=source_id(turn, c.key),
                                 heading=f"[{c.key}] {c.label}", quote=c.quote)
                 for c in answer.citations]
        body = "".join(items) or f'<p class="empty">{words["no_sources"]}</p>'
        body += f'<p class="counted-note">{html.escape(COUNTED_NOTE[answer.lang])}</p>' * any(
            c.paragraph.counted for c in answer.citations)
        blocks.append(f'<section class="turn"><h4>{words["sources"]} · '
                      f'{html.escape(_shorten(answer.question))}</h4>{body}</section>')
    return f'<div class="sources">{"".join(blocks)}</div>'


def document_view(paragraphs: list[Paragraph], lang: str, counterpart: Counterpart,
                  focus: Paragraph | None = None, around: int | None = None,
                  quote: str = "") -> str:
    """A document in reading order; ``focus`` highlighted (``quote`` marked in it), with
    ``around`` paragraphs on each side of it (the whole document when ``around`` is None)."""
    if not paragraphs:
        return ""
    shown = paragraphs
    if focus is not None and around is not None:
        index = next((i for i, p in enumerate(paragraphs) if p.id == focus.id), 0)
        shown = paragraphs[max(0, index - around): index + around + 1]
    first = paragraphs[0]
    title = html.escape(" · ".join(filter(None, [first.symbol, first.doc_title])))
    blocks = [paragraph_block(p, lang, counterpart, highlight=focus is not None and p.id == focus.id,
                              element_id="focus" if focus is not None and p.id == focus.id else "",
                              quote=quote if focus is not None and p.id == focus.id else "")
              for p in shown]
    return f'<div class="document"><h3>{title}</h3>{"".join(blocks)}</div>'


def verify_result(found: list[Paragraph], lang: str, counterpart: Counterpart) -> str:
    return "".join(paragraph_block(p, lang, counterpart, heading=p.label(lang)) for p in found)


def not_found(message: str, nearest: list[Paragraph], lang: str) -> str:
    words = ANSWER_PANEL[lang]
    items = "".join(f"<li>{html.escape(p.label(lang))}</li>" for p in nearest)
    listing = f'<p>{words["nearest"]}</p><ul>{items}</ul>' if items else ""
    return f'<div class="not-found"><p><strong>{html.escape(message)}</strong></p>{listing}</div>'


def glossary_markdown() -> str:
    rows = [f"| {GLOSSARY_COLUMNS['en']} | {GLOSSARY_COLUMNS['zh']} | |", "|---|---|---|"]
    for term in TERMS:
        abbreviations = [f for f in term.en[1:] if f.isupper()]
        english = term.preferred_en + (f" ({', '.join(abbreviations)})" if abbreviations else "")
        rows.append(f"| {escape_markdown(english)} | {escape_markdown(term.preferred_zh)} | "
                    f"{escape_markdown(term.explain_en)} {escape_markdown(term.explain_zh)} |")
    return "\n".join(rows)


def answer_markdown(answer: Answer) -> str:
    """An answer for export: the text, then each citation with the paragraph it cites. The
    question, the answer, labels and cited texts are all escaped (``escape_export``): the file
    reads as they were written and opens no link, image or HTML in any Markdown viewer."""
    question = " ".join(answer.question.split())  # one heading line, whatever was typed
    lines = [f"## {escape_export(question)}", "", _export_answer_text(answer), ""]
    if answer.notice and answer.notice not in answer.text:
        lines += [f"*{escape_export(answer.notice)}*", ""]
    if answer.citations:
        lines += [f"### {ANSWER_PANEL[answer.lang]['sources']}", ""]
        for c in answer.citations:
            lines += [f"[{c.key}] **{escape_export(c.label)}**", ""]
            if c.quote:
                lines += [EXPORT_QUOTED.format(quote=escape_export(" ".join(c.quote.split()))), ""]
            lines += [f"> {escape_export(line)}".rstrip()
                      for line in c.paragraph.text.splitlines()] + [""]
    return "\n".join(lines).rstrip() + "\n"


def _export_answer_text(answer: Answer) -> str:
    """The answer with its own markers kept as "[n]"; everything else escaped. A "(" or ":"
    right after a marker is escaped too, or "[1](javascript:…)" and "[1]: url" written by a
    model would make the marker a link or a link definition."""
    out, after_marker = [], False
    for piece in answer_pieces(answer):
        if piece.key is not None:
            out.append(f"{piece.text}[{piece.key}]")
        else:
            text = escape_export(piece.text)
            out.append("\\" + text if after_marker and text.startswith(("(", ":")) else text)
        after_marker = piece.key is not None
    return "".join(out)


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


CSS = """
.sources .para, .document .para { border-left: 3px solid #d0d7de; padding: 4px 10px; margin: 8px 0; }
.para.highlight, .para.flash { border-left-color: #0969da; background: #ddf4ff; }
mark.quote { background: #fff8c5; padding: 0 1px; }
.para .columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px; }
.para .label, .para-head { font-weight: 600; font-size: 0.9em; }
.para .section { color: #57606a; font-size: 0.85em; }
.para .text { white-space: pre-wrap; }
.cite { color: #0969da; cursor: pointer; font-weight: 600; }
.not-found { color: #9a6700; }
.library .series h4 { margin: 12px 0 4px; }
.library table.indexed-documents { width: 100%; border-collapse: collapse; font-size: 0.85em; }
.library th, .library td { padding: 2px 6px; vertical-align: top; text-align: left; width: 1%;
  white-space: nowrap; }
.library th:last-child, .library td:last-child { width: auto; white-space: normal; }
.library tr.open-document { cursor: pointer; }
.library tr.open-document:hover, .library tr.open-document:focus { background: #ddf4ff; }
.library td.name { color: #0969da; font-weight: 600; }
.library td.name .lang, .library .incomplete { color: #57606a; font-weight: 400; }
.library .incomplete { white-space: normal; color: #9a6700; }
"""

# One click on a [n] marker brings its paragraph into view in the sources panel.
HEAD = """
<script>
document.addEventListener("click", function (event) {
  const marker = event.target.closest(".cite");
  if (!marker) return;
  const name = [...marker.classList].find(function (c) { return c.startsWith("to-"); });
  const target = name && document.getElementById(name.slice(3));
  if (!target) return;
  target.scrollIntoView({behavior: "smooth", block: "center"});
  target.classList.add("flash");
  setTimeout(function () { target.classList.remove("flash"); }, 2000);
});
// A document opened at a cited paragraph scrolls to it; one opened whole, to its start.
new MutationObserver(function () {
  const focus = document.getElementById("focus");
  if (focus && !focus.dataset.shown) {
    focus.dataset.shown = "1";
    focus.scrollIntoView({block: "center"});
  }
  const opened = document.querySelector("#document-view .document");
  if (opened && !opened.dataset.shown) {
    opened.dataset.shown = "1";
    const start = opened.querySelector("h3");
    if (start && !opened.querySelector("#focus")) start.scrollIntoView({block: "nearest"});
  }
}).observe(document.documentElement, {childList: true, subtree: true});
</script>
"""
