"""A document's identity card: what it is, who issued it, whose words it holds, and the names
people call it by in both languages. The kinds and bodies are data (identity.toml beside this
module); index/ingest/identity.py reads a card off a document's front matter.

Why: with eleven documents in the library, most retrieval misses were the wrong document
winning (a State's 2024 view for the expert group's 2023 conclusion, Russia's submission for
Belarus's letter). A question names documents the way people do ("the expert group's 2023
report", "白俄罗斯常驻代表的信"), and those names are on no paragraph: they are on the card.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from index.errors import ConfigError
from index.un.data_file import TEXT, TEXTS, check_fields, entries, entry_name, read_toml

IDENTITY_FILE = Path(__file__).with_name("identity.toml")
VOICES = ("agreed", "secretariat", "record", "view")
STATE_AUTHOR = "state"  # a [[kind]] whose author is the State the title names


@dataclass(frozen=True)
class Body:
    id: str
    en: tuple[str, ...]
    zh: tuple[str, ...]


@dataclass(frozen=True)
class Kind:
    id: str
    match: tuple[re.Pattern, ...]
    en: str
    zh: str
    author: str
    voice: str
    names: tuple[str, ...]
    words: tuple[str, ...]


@dataclass(frozen=True)
class IdentityTable:
    bodies: dict[str, Body]
    kinds: tuple[Kind, ...]


def load_identity(path: Path = IDENTITY_FILE) -> IdentityTable:
    """The kinds and bodies in ``path``; ConfigError naming the file and the entry for a
    missing or mistyped field, a bad pattern, an unknown author or voice."""
    data = read_toml(path, {"body", "kind"})
    bodies = {}
    for number, entry in enumerate(entries(data, "body", path), 1):
        where = entry_name(path, "body", number, entry, "id")
        check_fields(entry, where, {"id": TEXT, "en": TEXTS, "zh": TEXTS})
        bodies[entry["id"]] = Body(entry["id"], tuple(entry["en"]), tuple(entry["zh"]))
    kinds = []
    for number, entry in enumerate(entries(data, "kind", path), 1):
        where = entry_name(path, "kind", number, entry, "id")
        check_fields(entry, where, {"id": TEXT, "match": TEXTS, "en": TEXT, "zh": TEXT,
                                    "author": TEXT, "voice": TEXT, "names": TEXTS,
                                    "words": TEXTS})
        if entry["author"] != STATE_AUTHOR and entry["author"] not in bodies:
            raise ConfigError(f"{where}: author {entry['author']!r} is no [[body]] id")
        if entry["voice"] not in VOICES:
            raise ConfigError(f"{where}: voice must be one of {list(VOICES)}")
        try:
            patterns = tuple(re.compile(p, re.MULTILINE) for p in entry["match"])
        except re.error as exc:
            raise ConfigError(f"{where}: bad pattern ({exc})") from exc
        kinds.append(Kind(entry["id"], patterns, entry["en"], entry["zh"], entry["author"],
                          entry["voice"], tuple(entry["names"]), tuple(entry["words"])))
    return IdentityTable(bodies, tuple(kinds))


TABLE = load_identity()


@dataclass(frozen=True)
class IdentityCard:
    """Who issued a document, when, what it is and what people call it (or one part of it: a
    State's submission inside a report)."""

    symbol: str | None
    kind: str  # a [[kind]] id, or "document" when none matched
    kind_en: str
    kind_zh: str
    voice: str  # agreed, secretariat, record, view ("" when unknown)
    author_en: str = ""
    author_zh: str = ""
    recipient_en: str = ""
    recipient_zh: str = ""
    date: str = ""
    year: str = ""
    session: str = ""  # "79" for a General Assembly document of its seventy-ninth session
    number: str = ""  # a resolution's "79/239"
    title_en: str = ""
    title_zh: str = ""
    names_en: tuple[str, ...] = ()
    names_zh: tuple[str, ...] = ()
    bodies: tuple[str, ...] = field(default=())  # [[body]] ids it is by or about

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "IdentityCard | None":
        """The card stored with a record; None for a record stored before cards (or a broken
        one): the document is then scored on its paragraphs alone."""
        try:
            data = json.loads(text)
            return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
        except (TypeError, ValueError):
            return None

    def lines(self, lang: str = "en") -> list[str]:
        """The card as a person reads it (the Documents tab, `assistant docs`)."""
        zh = lang == "zh"
        rows = [("类型" if zh else "Kind", self.kind_zh if zh else self.kind_en),
                ("发文方" if zh else "By", self.author_zh if zh else self.author_en),
                ("收文方" if zh else "To", self.recipient_zh if zh else self.recipient_en),
                ("日期" if zh else "Date", self.date),
                ("标题" if zh else "Title", (self.title_zh or self.title_en) if zh
                 else (self.title_en or self.title_zh)),
                ("简称" if zh else "Also called",
                 "；".join(self.names_zh) if zh else "; ".join(self.names_en)),
                ("话语" if zh else "Whose words", voice_label(self.voice, lang))]
        return [f"{name}: {value}" for name, value in rows if value]


_VOICE_LABELS = {
    "agreed": ("agreed text", "议定案文"),
    "secretariat": ("the Secretary-General's or Secretariat's text", "秘书长或秘书处的案文"),
    "record": ("a record or compilation of others' texts", "记录或对他人案文的汇编"),
    "view": ("one State's or organization's view", "一国或一个组织的观点"),
}


def voice_label(voice: str, lang: str = "en") -> str:
    labels = _VOICE_LABELS.get(voice)
    return "" if labels is None else labels[lang == "zh"]


def body(body_id: str) -> Body | None:
    return TABLE.bodies.get(body_id)


def submission_card(card: IdentityCard | None, submitter: str, submitter_zh: str,
                    annex: str) -> IdentityCard:
    """The card of one submission inside a compiled report (a State's reply in an annex):
    who (the submitter), to whom (the report's author), when (the report's date)."""
    report = card.symbol if card and card.symbol else ""
    where = f"{report}, {annex}" if report else annex
    return IdentityCard(
        symbol=card.symbol if card else None, kind="submission",
        kind_en=f"views submitted by {submitter}", kind_zh=f"{submitter_zh or submitter}提交的意见",
        voice="view", author_en=submitter, author_zh=submitter_zh,
        recipient_en=card.author_en if card else "", recipient_zh=card.author_zh if card else "",
        date=card.date if card else "", year=card.year if card else "",
        title_en=f"{submitter}, in {where}", names_en=(f"{submitter}'s views",),
        names_zh=(f"{submitter_zh}的意见",) if submitter_zh else ())
