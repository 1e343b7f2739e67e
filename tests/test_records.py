"""Lines printed outside the numbered paragraphs (index/ingest/records.py): a resolution's
adoption and plenary meeting lines, a report's rapporteur and date line, each a record of its
own cited as what it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.ingest.paragraphs import parse_file, parse_text
from test_identity import ZH_RESOLUTION

ROOT = Path(__file__).parents[1]


def records(parsed) -> dict[str, str]:
    return {p.number: p.text for p in parsed.paragraphs if p.kind == "record"}


def test_a_resolution_prints_its_adoption_and_its_meeting():
    parsed = parse_file(ROOT / "index" / "library" / "A_RES_79_239.en.txt")
    found = records(parsed)
    assert found["adoption"] == ("Resolution adopted by the General Assembly on 24 December 2024 "
                                 "[on the report of the First Committee (A/79/408, para. 114)]")
    assert found["meeting"] == "55th (resumed) plenary meeting 24 December 2024"
    assert found["date"] == "31 December 2024"
    adoption = next(p for p in parsed.paragraphs if p.number == "adoption")
    assert adoption.label() == "A/RES/79/239, adoption line"
    assert adoption.label("zh") == "A/RES/79/239 号文件通过日期行"
    assert adoption.id == "A/RES/79/239|en|records|adoption" and not adoption.counted


def test_a_committee_report_prints_its_rapporteur_on_one_line():
    found = records(parse_file(ROOT / "index" / "library" / "A_79_408.en.txt"))
    assert found["rapporteur"] == "Rapporteur: Mr. Pēteris Filipsons (Latvia)"


def test_a_chinese_resolution_prints_its_adoption_line():
    found = records(parse_text(ZH_RESOLUTION, source="77_62.zh.txt"))
    assert found["adoption"].startswith("2022 年 12 月 7 日")


@pytest.mark.parametrize("name", ["CCW_MSP_2019_9_annexIII.en.txt", "002_2e1ace435011158c.txt"])
def test_a_document_that_prints_none_has_none(name):
    assert records(parse_file(ROOT / "index" / "corpus" / name)) == {}


def test_records_are_no_submission():
    from index.models import split_reply
    assert split_reply("records") == ("records", "")
