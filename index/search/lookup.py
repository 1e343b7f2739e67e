"""Direct look-up of a citation: "CCW/GGE.1/2023/2 para. 21 (c)", "第 21 段(c)", or a symbol.

A researcher verifying a citation gets the exact paragraph, or a NotFoundError that names the
nearest valid paragraphs — never a paraphrase or a neighbour passed off as the paragraph.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from index.errors import NotFoundError, QueryError
from index.language import detect_lang
from index.models import Paragraph, part_label, split_reply
from index.search.catalogue import Catalogue, document_order
from index.search.locators import Locator, names_a_paragraph, parse_locators
from index.search.query import Query
from index.un.states import named_submitters, names_in
from index.un.symbols import find_symbols, normalize

NEAREST = 5
MESSAGE_CHARS = 120  # a citation quoted in an error message is cut to this, so it stays one line


def named_paragraphs(query: Query, catalogue: Catalogue) -> list[Paragraph]:
    """Paragraphs that a locator in the query names exactly, the query's language first (a
    locator without a symbol was given the conversation's document by ``analyse``)."""
    # Kept by id: testing a list with `in` compared every field of every paragraph found
    # (28 s for "第 1 段" at 100,000 records, whose documents have 6,641 paragraphs 1).
    found: dict[str, Paragraph] = {}
    for loc in query.locators:
        loc = narrow_to_reply(catalogue, query.search_text, loc)
        for p in resolve(catalogue, loc):
            found.setdefault(p.id, p)
    return sorted(found.values(), key=lambda p: (p.lang != query.search_lang, document_order(p)))


def narrow_to_reply(catalogue: Catalogue, text: str, loc: Locator) -> Locator:
    """A State's reply named in the text ("annex I, Australia, para. 3") narrows the
    locator's part to that reply: locators know annexes, not the replies filed in them."""
    if not loc.symbol:
        return loc
    lowered = text.lower()
    submitters = named_submitters(text)  # "附件一(中国)" names China too
    named = {reply: _names_reply(lowered, reply, submitters)
             for reply in catalogue.reply_parts(loc.symbol)
             if loc.part in (None, split_reply(reply)[0])}
    named = {reply: score for reply, score in named.items() if score}
    if not named:
        return loc
    best = max(named, key=lambda reply: (named[reply], len(reply)))
    return Locator(loc.symbol, best, loc.number, loc.item)


def _names_reply(lowered: str, reply: str, submitters: list[str]) -> int:
    """How a citation names this reply or draft: 2 by its heading as printed, its Chinese
    label ("决议草案二十五") or its submitter's name in either language ("中国"); 1 as one
    of the States of a joint submission; 0 not at all."""
    heading = split_reply(reply)[1]
    if (re.search(r"\b" + re.escape(heading.lower()) + r"\b", lowered)
            or part_label(heading, "zh") in lowered or heading in submitters):
        return 2
    return 1 if submitters and names_in(heading, submitters) else 0


@dataclass
class _Addresses:
    """One generation's paragraph ids by locator without the counted mark ("3" for "#3" and
    "3"), by symbol and by item. At 100,000 records "para. 1" read the locator of every one
    of 131,000 records (0.3 s a question), and an item of a document the library lacks read
    every record. Ids: the paragraphs are read from the generation."""

    generation: object
    by_number: dict[str, list[str]]
    by_symbol: dict[str, list[str]]
    by_item: dict[str, list[str]]


_addresses: _Addresses | None = None


def _addresses_of(catalogue: Catalogue) -> _Addresses:
    global _addresses
    loaded = catalogue.current()
    cached = _addresses
    if cached is None or cached.generation is not loaded:
        by_number: dict[str, list[str]] = defaultdict(list)
        by_symbol: dict[str, list[str]] = defaultdict(list)
        by_item: dict[str, list[str]] = defaultdict(list)
        for pid, p in loaded.paragraphs.items():
            by_number[p.locator.lstrip("#")].append(pid)
            by_symbol[p.symbol or ""].append(pid)
            by_item[p.item or ""].append(pid)
        cached = _addresses = _Addresses(loaded, dict(by_number), dict(by_symbol),
                                         dict(by_item))
    return cached


def resolve(catalogue: Catalogue, loc: Locator) -> list[Paragraph]:
    """Every paragraph a locator matches (any language)."""
    out = []
    paragraphs = catalogue.paragraphs
    addresses = _addresses_of(catalogue)
    if loc.number is not None:
        ids = addresses.by_number.get(loc.number.lstrip("#"), ())
    elif loc.symbol:
        ids = addresses.by_symbol.get(loc.symbol, ())
    elif loc.item is not None:
        ids = addresses.by_item.get(loc.item, ())
    else:
        ids = paragraphs
    candidates = [paragraphs[pid] for pid in ids if pid in paragraphs]
    for p in candidates:
        if loc.symbol and p.symbol != loc.symbol:
            continue
        if loc.part and p.part != loc.part:
            continue
        if loc.number is not None:
            # "paragraph 3" of an unnumbered part means its third (counted) paragraph.
            counted = p.number is None and p.locator.lstrip("#") == loc.number.lstrip("#")
            if p.locator != loc.number and not counted:
                continue
        elif loc.item is not None:
            if p.item != loc.item:
                continue
        out.append(p)
    if loc.number is not None and not loc.number.startswith("#"):
        official = [p for p in out if p.number is not None]
        if official or (loc.part is None and loc.symbol is None):
            # A printed number wins over a counted position ("para. 2" of a resolution is
            # operative paragraph 2, not the second preambular one); with no document
            # named, counted positions in letters are never what was meant.
            out = official
    return sorted(out, key=document_order)


def look_up(catalogue: Catalogue, citation: str) -> list[Paragraph]:
    """The paragraphs a citation names (a whole document for a bare symbol or doc id).

    Raises:
        NotFoundError: the document or paragraph is not in the index (``nearest`` lists the
            nearest valid paragraphs of that document).
    """
    # Bidi marks and zero-width characters copied with a citation are not part of it.
    citation = normalize(citation or "").strip()
    if not citation:
        raise QueryError("the citation is empty: give a symbol, optionally with a paragraph")
    lang = detect_lang(citation)
    locators = parse_locators(citation)
    symbols = find_symbols(citation)
    specific = [loc for loc in locators if loc.number or loc.item or loc.part]
    if not specific and names_a_paragraph(citation):
        # A paragraph the grammar cannot read ("para. +5") is still not the whole document.
        document = Locator(symbols[0] if symbols else None, None, None, None)
        nearest = nearest_valid(catalogue, document)
        raise NotFoundError(f"no such paragraph: {_quoted(citation)}", nearest)
    if not specific:
        target = symbols[0] if symbols else citation
        paragraphs = catalogue.document(target)
        if not paragraphs:
            raise NotFoundError(f"no document '{target}' in the index", _known_documents(catalogue))
        return one_per_language_pair(paragraphs, lang)
    specific = [narrow_to_reply(catalogue, citation, loc) for loc in specific]
    found: list[Paragraph] = []
    for loc in specific:
        found.extend(p for p in resolve(catalogue, loc) if p not in found)
    if found:
        return one_per_language_pair(found, lang)
    loc = specific[0]
    raise NotFoundError(f"no such paragraph: {_quoted(citation)}", nearest_valid(catalogue, loc))


def _quoted(citation: str) -> str:
    """The citation on one line, cut short: "para. 9999…9999" must not flood the terminal."""
    one_line = " ".join(citation.split())
    if len(one_line) <= MESSAGE_CHARS:
        return one_line
    return one_line[:MESSAGE_CHARS - 1] + "…"


def one_per_language_pair(paragraphs: list[Paragraph], lang: str) -> list[Paragraph]:
    """One record per paragraph, in ``lang`` where it exists: callers show the other language
    version beside it (Catalogue.counterpart), so listing both would show everything twice."""
    chosen: dict[str, Paragraph] = {}
    for p in paragraphs:
        current = chosen.get(p.key)
        if current is None or (current.lang != lang and p.lang == lang):
            chosen[p.key] = p
    return sorted(chosen.values(), key=document_order)


def nearest_valid(catalogue: Catalogue, loc: Locator) -> list[Paragraph]:
    """Paragraphs of the same document and part that do exist, closest number first; for a
    missing subparagraph ("21(zz)") its paragraph and that paragraph's real subparagraphs."""
    parent = _parent_number(loc.number)
    # "annex I" also offers the States' replies filed in it
    pool = [p for p in catalogue.paragraphs.values()
            if (not loc.symbol or p.symbol == loc.symbol)
            and (not loc.part or loc.part in (p.part, split_reply(p.part)[0]))
            and (p.kind != "item" or (parent is not None and p.parent_locator == parent))]
    if not pool and loc.part:
        # No such part in the document ("footnote 9" of a report without footnotes): offer
        # the document's paragraphs rather than nothing.
        return nearest_valid(catalogue, Locator(loc.symbol, None, loc.number, loc.item))
    if not pool:
        return []
    wanted = _numeric(loc.number)
    lang_order = sorted({p.lang for p in pool})

    def distance(p: Paragraph) -> tuple:
        value = _numeric(p.locator)
        gap = abs(value - wanted) if value is not None and wanted is not None else 10**6
        return (gap, lang_order.index(p.lang), document_order(p))

    seen: set[str] = set()
    nearest = []
    for p in sorted(pool, key=distance):
        if p.key not in seen:
            seen.add(p.key)
            nearest.append(p)
        if len(nearest) == NEAREST:
            break
    return nearest


def _parent_number(number: str | None) -> str | None:
    """The paragraph whose subparagraphs are offered ("21(zz)" -> "21"); None without an item."""
    if not number or "(" not in number:
        return None
    return number.split("(")[0]


# Distances are capped here, so a huge number is simply "past the end" (and int() never sees
# thousands of digits, which Python refuses).
_FAR = 10**9


def _numeric(locator: str | None) -> int | None:
    """The leading paragraph number of a locator ("21(c)" -> 21, "#3" -> 3, "fn2" -> 2,
    "-1" -> -1); None when it has none."""
    match = re.search(r"(-?)([0-9]+)", (locator or "").split("(")[0].split("•")[0])
    if match is None:
        return None
    sign, digits = match.groups()
    digits = digits.lstrip("0") or "0"
    value = _FAR if len(digits) > len(str(_FAR)) else min(int(digits), _FAR)
    return -value if sign else value


def _known_documents(catalogue: Catalogue) -> list[Paragraph]:
    firsts: dict[str, Paragraph] = {}
    for p in sorted(catalogue.paragraphs.values(), key=document_order):
        firsts.setdefault(p.doc_id, p)
    return list(firsts.values())
