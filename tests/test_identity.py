"""Identity cards: what a document is, who issued it, whose words it holds and what people call
it, detected from the text (index/ingest/identity.py) by the tables in index/un/identity.toml;
documents the code has never seen get theirs the same way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.errors import ConfigError, DocumentError
from index.ingest.corpus import BUNDLED, load_documents
from index.ingest.paragraphs import parse_file, parse_text
from index.un.identity import IdentityCard, load_identity

# A letter written for this test after the structure of UN letters to the Secretary-General
# (A/76/… annexes): the code has never seen it.
AUSTRIA_LETTER = """United Nations                                                      A/77/999
General Assembly                                                    Distr.: General
                                                                    14 March 2023
                                                                    Original: English
Seventy-seventh session
Agenda item 99
General and complete disarmament

            Letter dated 10 March 2023 from the Permanent Representative of Austria
            to the United Nations addressed to the Secretary-General

            I have the honour to transmit herewith the chair's summary of the Vienna
      conference on autonomous weapons systems, held on 29 and 30 April 2024.

            I should be grateful if the present letter could be circulated as a document
      of the General Assembly, under agenda item 99.
"""

# A Chinese General Assembly resolution, after the structure of A/RES/78/241's Chinese version.
ZH_RESOLUTION = """联合国                                                            A/RES/77/62
大会                                                              Distr.: General
                                                                  2022 年 12 月 15 日

第七十七届会议
议程项目 98

                        2022 年 12 月 7 日大会决议通过的决议

77/62. 不限成员名额工作组的报告

          大会，

          回顾其以往各项决议，

          1. 欢迎工作组的报告；

          2. 决定将题为“不限成员名额工作组的报告”的项目列入第七十八届会议临时议程。
"""


@pytest.fixture(scope="module")
def bundled_cards() -> dict[str, IdentityCard]:
    return {d.document.doc_id: d.card for d in load_documents(list(BUNDLED)).documents}


@pytest.mark.parametrize("doc_id, kind, voice, author, year", [
    ("ccw-gge-1-2023-2.en", "expert-group-report", "agreed", "Group of Governmental Experts",
     "2023"),
    ("ccw-gge-1-2023-2.zh", "expert-group-report", "agreed", "Group of Governmental Experts",
     "2023"),
    ("cd-letter-2017-09-08-belarus.zh", "letter", "view", "Belarus", "2017"),
    ("ccw-msp-2019-9.en", "guiding-principles", "agreed", "Group of Governmental Experts", "2019"),
    ("a-res-78-241.en", "resolution", "agreed", "General Assembly", "2023"),
    ("a-res-79-239.en", "resolution", "agreed", "General Assembly", "2024"),
    ("a-79-88.en", "secretary-general-report", "secretariat", "Secretary-General", "2024"),
    ("a-79-240.en", "secretary-general-report", "secretariat", "Secretary-General", "2024"),
    ("a-79-408.en", "committee-report", "record", "First Committee", "2024"),
    ("ccw-gge-1-2023-crp-1.en", "compilation", "record",
     "Chair of the Group of Governmental Experts", "2023"),
    ("new-agenda-for-peace-2023-en.en", "policy-brief", "secretariat", "Secretary-General",
     "2023"),
])
def test_every_bundled_document_gets_its_card_by_detection(bundled_cards, doc_id, kind, voice,
                                                           author, year):
    card = bundled_cards[doc_id]
    assert (card.kind, card.voice, card.author_en, card.year) == (kind, voice, author, year)


def test_the_names_people_use_are_on_the_cards(bundled_cards):
    letter = bundled_cards["cd-letter-2017-09-08-belarus.zh"]
    assert "the letter from Belarus" in letter.names_en
    assert "白俄罗斯常驻代表的信" in letter.names_zh
    assert letter.recipient_zh == "裁军谈判会议秘书长"
    assert "专家组2023年报告" in bundled_cards["ccw-gge-1-2023-2.zh"].names_zh
    assert "the Guiding Principles" in bundled_cards["ccw-msp-2019-9.en"].names_en
    assert "resolution 79/239" in bundled_cards["a-res-79-239.en"].names_en
    assert "第一委员会的报告" in bundled_cards["a-79-408.en"].names_zh
    # The bodies its title is about: the Advisory Board's report is the Secretary-General's.
    assert bundled_cards["a-79-240.en"].bodies == ("sg", "advisory-board")


def test_a_letter_never_seen_gets_its_card(tmp_path):
    path = tmp_path / "austria.txt"
    path.write_text(AUSTRIA_LETTER, encoding="utf-8")
    card = parse_file(path).card
    assert (card.kind, card.author_en, card.author_zh, card.year) == (
        "letter", "Austria", "奥地利", "2023")
    assert card.recipient_en == "Secretary-General"
    assert "the letter from Austria" in card.names_en and "奥地利的信" in card.names_zh


def test_a_chinese_resolution_never_seen_gets_its_card():
    card = parse_text(ZH_RESOLUTION, source="77_62.zh.txt").card
    assert (card.kind, card.voice, card.number, card.session) == (
        "resolution", "agreed", "77/62", "77")
    assert "第77/62号决议" in card.names_zh and "resolution 77/62" in card.names_en


def test_a_document_no_kind_describes_is_a_plain_document():
    card = parse_text("Notes from a seminar\n\nWe met in Geneva to talk about arms control.",
                      source="notes.txt").card
    assert (card.kind, card.voice, card.names_en) == ("document", "", ())


def test_a_metadata_file_adds_names(tmp_path):
    path = tmp_path / "austria.txt"
    path.write_text(AUSTRIA_LETTER, encoding="utf-8")
    path.with_name("austria.meta.json").write_text(
        json.dumps({"names": ["the Vienna letter", "维也纳来信"]}), encoding="utf-8")
    loaded = load_documents([path])
    card = loaded.documents[0].card
    assert "the Vienna letter" in card.names_en and "维也纳来信" in card.names_zh


def test_a_bad_names_entry_names_the_metadata_file(tmp_path):
    path = tmp_path / "austria.txt"
    path.write_text(AUSTRIA_LETTER, encoding="utf-8")
    path.with_name("austria.meta.json").write_text(json.dumps({"names": "one"}),
                                                   encoding="utf-8")
    loaded = load_documents([path])
    assert not loaded.documents and "austria.meta.json" in loaded.skipped[0]
    with pytest.raises(DocumentError, match="names"):
        from index.ingest.metadata import load_sidecar
        load_sidecar(path)


def test_a_card_survives_the_store_as_json(bundled_cards):
    card = bundled_cards["a-79-408.en"]
    assert IdentityCard.from_json(card.to_json()) == card
    assert IdentityCard.from_json("") is None and IdentityCard.from_json("{broken") is None


@pytest.mark.parametrize("change, message", [
    ('voice = "agreed"', 'voice = "loud"'),
    ('author = "ga"', 'author = "nobody"'),
    ("match = ['^Report of the First Committee$']", "match = ['(unclosed']"),
])
def test_a_mistake_in_the_table_names_the_file_and_the_entry(tmp_path, change, message):
    table = (Path(__file__).parents[1] / "index" / "un" / "identity.toml").read_text("utf-8")
    assert change in table
    bad = tmp_path / "identity.toml"
    bad.write_text(table.replace(change, message, 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"identity\.toml: \[\[kind\]\] \d+"):
        load_identity(bad)
