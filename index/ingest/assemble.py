"""Assemble blocks into paragraphs: the state machine that knows where each block belongs.

Parts: the body, the preamble (after "The General Assembly,"), a letter's covering letter,
annexes; a State's (or organization's) reply compiled in a report is a part of its own
("annex I, China"), and so is each draft a committee's report recommends ("draft resolution
XXV"): both are numbered from 1 and end where the report's own structure resumes (its next
chapter, its next lettered section, or its next paragraph number). Also here: the section path
(chapter, lettered sections, a proposal's heading, titles), official numbers in sequence, and
lead-ins with their items.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from index.ingest.blocks import Block, zh_numeral_to_roman
from index.ingest.clean import ends_final, join_lines
from index.models import BODY, COVERING_LETTER, PREAMBLE, ROMAN, Document
from index.un.symbols import PRINTED_SYMBOL_RE as SYMBOL_RE  # as a document prints a symbol

MAX_HEADING_CHARS = 200
MAX_NUMBER_GAP = 10
MARGIN = 20  # columns right of a part's paragraph numbers where a "4." is no paragraph's
STARTS_BODY = ("heading", "annex", "submission", "draft", "numbered", "opener")


@dataclass
class Item:
    marker: str | None  # printed marker ("a", "1") or None for a bullet
    lines: list[str]
    lead: int = 0  # leading whitespace of its first line (Chinese unmarked lists)


@dataclass
class Para:
    part: str
    section: tuple[str, ...]
    ordinal: int
    number: str | None
    lines: list[str]
    lead: int = 0
    kind: str = "paragraph"
    items: list[Item] = field(default_factory=list)


@dataclass
class _Base:
    """What the part that replies and drafts are filed in had, kept while they run."""
    last_number: int | None = None
    section: list[str] = field(default_factory=list)
    subs: list[tuple[int, int]] = field(default_factory=list)


class Assembler:
    """A small state machine over blocks; the rules live in the ``_on_*`` methods."""

    def __init__(self, document: Document):
        self.lang = document.lang
        self.part = COVERING_LETTER if document.kind == "letter" else BODY
        self.section: list[str] = []
        self.subs: list[tuple[int, int]] = []  # (level, place in section) of sub-headings
        self.paras: list[Para] = []
        self.started = False
        self.ordinals: dict[str, int] = {}
        self.rows: dict[str, int] = {}
        self.last_number: int | None = None
        self.base_part = self.part  # the annex (or body) that replies and drafts are filed in
        self.base = _Base()
        self.chapter: str | None = None  # the last chapter numeral of the base part ("II")
        self.letter: str | None = None  # the base part's last lettered section ("B")
        self.opened = False  # a draft's "The General Assembly,": no title after it
        self.margins: dict[str, int] = {}  # where each part's first paragraph number stands
        self._closed = True

    # ---- helpers ------------------------------------------------------------------------
    @property
    def current(self) -> Para | None:
        if self.paras and self.paras[-1].part == self.part and not self._closed:
            return self.paras[-1]
        return None

    def _text(self, block: Block) -> str:
        return join_lines(block.lines, self.lang)

    def _new_para(self, number: str | None, lines: list[str], lead: int, kind="paragraph"):
        counter = self.rows if kind == "row" else self.ordinals
        counter[self.part] = counter.get(self.part, 0) + 1
        para = Para(self.part, tuple(self.section), counter[self.part], number, list(lines), lead,
                    kind)
        self.paras.append(para)
        self._closed = False
        return para

    def _part_has_paragraphs(self) -> bool:
        return any(p.part == self.part for p in self.paras)

    def _in_draft(self) -> bool:
        return self.part.rpartition(", ")[2].startswith("draft ")

    def _leave_base(self, part: str) -> None:
        """Start a reply or a draft filed in the base part: a part of its own, numbered from 1,
        under the base part's section."""
        if self.part == self.base_part:
            self.base = _Base(self.last_number, list(self.section), list(self.subs))
        prefix = "" if self.base_part == BODY else f"{self.base_part}, "
        self.part = prefix + part
        self.section, self.subs = list(self.base.section), list(self.base.subs)
        self.last_number = None
        self.opened = False
        self._closed = True

    def _back_to_base(self) -> None:
        self.part, self.last_number = self.base_part, self.base.last_number
        self.section, self.subs = list(self.base.section), list(self.base.subs)
        self._closed = True

    def _set_sub(self, level: int, text: str) -> None:
        """A sub-heading replaces the one of its level (and those below it) in the section."""
        cut = next((i for i, (lvl, _) in enumerate(self.subs) if lvl >= level), None)
        if cut is not None:
            del self.section[self.subs[cut][1]:]
            del self.subs[cut:]
        self.subs.append((level, len(self.section)))
        self.section.append(text)
        self._closed = True

    def _next_letter(self) -> str:
        return chr(ord(self.letter) + 1) if self.letter else "A"

    # ---- dispatch -----------------------------------------------------------------------
    def feed(self, block: Block) -> None:
        if not self.started:
            if block.kind in STARTS_BODY or (block.kind == "text"
                                             and ends_final(self._text(block))):
                self.started = True
            else:
                return  # front matter (title block, session, agenda): metadata, not paragraphs
        getattr(self, f"_on_{block.kind.replace('-', '_')}")(block)

    def _on_heading(self, block: Block) -> None:
        numeral = zh_numeral_to_roman(block.number or "")
        if numeral in ROMAN:
            if self.part != self.base_part and numeral == self._next_chapter():
                # the document's next chapter: the replies are over, its own numbering resumes
                self._back_to_base()
            if self.part == self.base_part:
                self.chapter, self.letter = numeral, None
        self.section, self.subs = [self._text(block)], []
        self._closed = True

    def _next_chapter(self) -> str | None:
        if self.chapter is None:
            return None
        position = ROMAN.index(self.chapter) + 1
        return ROMAN[position] if position < len(ROMAN) else None

    def _on_annex(self, block: Block) -> None:
        self.part = self.base_part = f"annex {block.number}"
        self.chapter = self.letter = None
        self.section, self.subs = [], []
        self.last_number = None
        self._closed = True

    def _on_subheading(self, block: Block) -> None:
        # "A. Draft resolutions", "B. Civil society", "Draft decisions": the base part's next
        # lettered section ends a reply or a draft; another letter is the reply's own heading.
        letter = block.number
        if self.part != self.base_part and (
                letter == self._next_letter() or (letter is None and self._in_draft())):
            self._back_to_base()
        if self.part == self.base_part and letter:
            self.letter = letter
        self._set_sub(1, self._text(block))

    def _on_minor_heading(self, block: Block) -> None:
        self._set_sub(2, self._text(block))  # "Draft resolution A/C.1/79/L.5"

    def _on_submission(self, block: Block) -> None:
        # A State's reply is a part of its own ("annex I, Argentina"): its paragraphs are cited
        # by its heading, and its numbering starts again.
        lettered = block.lines[0][:3]
        if lettered[:1].isupper() and lettered[1:] == ". ":  # "B. European Union"
            if self.part != self.base_part:
                self._back_to_base()
            self.letter = lettered[0]
        self._leave_base(block.number)

    def _on_draft(self, block: Block) -> None:
        # A draft resolution or decision the report recommends ("draft resolution XXV"): its
        # preambular and operative paragraphs are its own, cited by its number.
        self._leave_base(block.number)

    def _on_opener(self, block: Block) -> None:
        if not self._in_draft():  # a draft keeps its preamble: "draft resolution I, counted
            self.part = PREAMBLE  # para. 2"
        self.opened = True
        self._closed = True

    def _on_table_header(self, block: Block) -> None:
        self._closed = True

    def _on_row(self, block: Block) -> None:
        first, *rest = block.lines
        symbol = SYMBOL_RE.match(first).group(0)
        title = join_lines([first[len(symbol):].strip(), *rest], self.lang)
        self._new_para(None, [f"{symbol} — {title}"], block.lead, kind="row")
        self._closed = True

    def _on_numbered(self, block: Block) -> None:
        number = int(block.number)
        if not self._next_number(number) and self.part != self.base_part and (
                self.base.last_number is not None and number == self.base.last_number + 1):
            self._back_to_base()  # the report's own next paragraph: the draft or reply is over
        margin = self.margins.get(self.part)
        if not self._next_number(number) or (margin is not None and block.lead > margin + MARGIN):
            # Not the next paragraph number: a quoted "5." or a list inside the text (or a
            # table's cell, far right of where this part's paragraph numbers stand).
            self._on_text(Block("text", [f"{block.number}. {block.lines[0]}", *block.lines[1:]],
                                block.indent, block.text_col, lead=block.lead))
            return
        if self.part == PREAMBLE:
            self.part = BODY  # operative paragraphs follow the preamble
        self.last_number = number
        self.margins.setdefault(self.part, block.lead)
        self._new_para(str(number), block.lines, block.lead)

    def _next_number(self, number: int) -> bool:
        """Paragraph numbers run in sequence; a small forward gap (a number lost in extraction,
        an excerpt) is tolerated, so one missing paragraph does not un-number the rest."""
        if self.last_number is None:
            return number == 1
        return self.last_number < number <= self.last_number + MAX_NUMBER_GAP

    def _on_item(self, block: Block) -> None:
        para = self.current
        if para is None or para.kind == "row":
            para = self._new_para(None, [], block.lead)
        para.items.append(Item(block.number, list(block.lines), block.lead))

    def _on_bullet(self, block: Block) -> None:
        para = self.current
        if para is None or para.kind == "row":
            para = self._new_para(None, [], block.lead)
        para.items.append(Item(None, list(block.lines), block.lead))

    def _on_text(self, block: Block) -> None:
        para = self.current
        text = self._text(block)
        if para is not None and para.kind == "row":
            para.lines.extend(block.lines)
            return
        if para is not None and para.number is not None:
            # Inside a numbered paragraph every unnumbered block is part of it.
            target = para.items[-1].lines if para.items else para.lines
            target.extend(block.lines)
            return
        draft_title = self._in_draft() and not self.opened and not ends_final(text)
        if not self._part_has_paragraphs() and len(text) <= MAX_HEADING_CHARS and (
                text[-1:].isalnum() or draft_title):
            self.section.append(text)  # a title, dateline or table caption
            self._closed = True
            return
        if para is not None and self._continues_list(para, block):
            para.items.append(Item(None, list(block.lines), block.lead))
            return
        self._new_para(None, block.lines, block.lead)

    def _continues_list(self, para: Para, block: Block) -> bool:
        """Unmarked list items (lost bullet glyphs) after a lead-in that ends with a colon."""
        lead_text = join_lines(para.lines, self.lang)
        if not lead_text.endswith(("：", ":")):
            return False
        if not para.items:
            return True
        if any(item.marker is not None for item in para.items):
            return False
        last = join_lines(para.items[-1].lines, self.lang)
        if not ends_final(last):
            return True
        first = para.items[0]
        return block.lead == first.lead and first.lead != para.lead
