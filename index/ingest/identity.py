"""Reading a document's identity card (index.un.identity) off its front matter: the kind from
the first [[kind]] whose pattern matches the title or the first lines, the author and the
recipient from the title, the year from the date or the symbol, and the names people use from
the kind's templates. Nothing here knows a shipped file: a user's document gets its card the
same way, and ``NAME.meta.json`` may add names ("names": [...]).
"""

from __future__ import annotations

import re

from index.models import Document
from index.un.identity import STATE_AUTHOR, TABLE, IdentityCard, Kind
from index.un.states import SUBMITTERS, named_submitters

FRONT_LINES = 20  # the first non-empty lines: the title block and the bylines under it
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_GA_SESSION = re.compile(r"^A/(?:RES/)?(\d{2,3})/")
_RESOLUTION_NUMBER = re.compile(r"^A/RES/(\d{2,3}/\d{1,4})$")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# A letter's addressee: "… to the United Nations addressed to the Secretary-General", "… to the
# Secretary-General of the Conference …", "…致裁军谈判会议秘书长的信".
_TO_EN = re.compile(r"\b(?:addressed to|to) the (?!United Nations addressed)(.+?)$")
_TO_ZH = re.compile(r"致(.+?)的信$")


def detect_card(text: str, document: Document, names: list[str] | None = None) -> IdentityCard:
    """The identity card of ``document`` (parsed from ``text``); ``names`` from its metadata
    file are added to the detected ones."""
    front = "\n".join([document.title] + [line.strip() for line in text.splitlines()
                                          if line.strip()][:FRONT_LINES])
    kind = next((k for k in TABLE.kinds if any(p.search(front) for p in k.match)), None)
    year = _year(document)
    number = _match(_RESOLUTION_NUMBER, document.symbol)
    state_en, state_zh = _letter_author(document.title) if kind and kind.author == STATE_AUTHOR \
        else ("", "")
    author = TABLE.bodies.get(kind.author) if kind else None
    recipient_en, recipient_zh = _recipient(document.title)
    values = {"year": year, "number": number, "state": state_en, "state_zh": state_zh,
              "title": document.title if document.lang == "en" else ""}
    templates = _filled(kind.names if kind else (), values)
    extra = list(names or [])
    en_names = [n for n in templates + extra if n.isascii()]
    zh_names = [n for n in templates + extra if not n.isascii()]
    # Its author first, then the bodies its title is about (not those it is addressed to).
    about = _TO_EN.sub("", _TO_ZH.sub("", document.title))
    bodies = ([author.id] if author else []) + _bodies_named(about)
    # The other language's title is not printed: it stays empty rather than guessed.
    title_en = document.title if document.lang == "en" else ""
    title_zh = document.title if document.lang == "zh" else ""
    return IdentityCard(
        symbol=document.symbol, kind=kind.id if kind else "document",
        kind_en=kind.en if kind else "document", kind_zh=kind.zh if kind else "文件",
        voice=kind.voice if kind else "",
        author_en=state_en or (author.en[0] if author else ""),
        author_zh=state_zh or (author.zh[0] if author else ""),
        recipient_en=recipient_en, recipient_zh=recipient_zh,
        date=document.date or "", year=year,
        session=_match(_GA_SESSION, document.symbol), number=number,
        title_en=title_en, title_zh=title_zh,
        names_en=tuple(dict.fromkeys(en_names)), names_zh=tuple(dict.fromkeys(zh_names)),
        bodies=tuple(dict.fromkeys(bodies)))


def kind_of(card_kind: str) -> Kind | None:
    return next((k for k in TABLE.kinds if k.id == card_kind), None)


def _year(document: Document) -> str:
    """The year of its date; else the one its symbol carries (CCW/MSP/2019/9)."""
    for source in (document.date, document.symbol):
        found = _YEAR.search(source or "")
        if found:
            return found.group(1)
    return ""


def _match(pattern: re.Pattern, value: str | None) -> str:
    found = pattern.search(value or "")
    return found.group(1) if found else ""


def _filled(templates, values: dict[str, str]) -> list[str]:
    """The templates whose placeholders all have a value, filled."""
    out = []
    for template in templates:
        wanted = _PLACEHOLDER.findall(template)
        if all(values.get(name) for name in wanted):
            out.append(template.format(**{name: values[name] for name in wanted}))
    return out


def _letter_author(title: str) -> tuple[str, str]:
    """The State a letter's title names first (its sender: "Letter dated … from the Permanent
    Representative of Belarus …", "…白俄罗斯共和国常驻代表…"), in English and Chinese."""
    named = named_submitters(title.split(" to the ")[0].split("致")[0])
    if not named:
        return "", ""
    submitter = next(s for s in SUBMITTERS if s.en == named[0])
    zh = next((name for name in submitter.names if not name.isascii()), "")
    return submitter.en, zh


def _recipient(title: str) -> tuple[str, str]:
    """(English, Chinese) of whom a letter is addressed to, from its title."""
    found = _TO_EN.search(title) or _TO_ZH.search(title)
    if not found:
        return "", ""
    addressee = found.group(1)
    bodies = _bodies_named(addressee)
    en = ", ".join(TABLE.bodies[b].en[0] for b in bodies)
    zh = "".join(TABLE.bodies[b].zh[0] for b in reversed(bodies))
    return (addressee, zh) if addressee.isascii() else (en, addressee)


def _bodies_named(text: str) -> list[str]:
    """The bodies whose formal English name or a Chinese name of three or more characters
    stands in ``text`` (short forms such as "CD" or "大会" are too ambiguous in a title)."""
    lowered = text.casefold()
    found = []
    for body in TABLE.bodies.values():
        if body.en[0].casefold() in lowered or any(len(z) >= 3 and z in text for z in body.zh):
            found.append(body.id)
    return found
