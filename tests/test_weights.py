"""Local model weights: assembled from parts, SHA-256 verified, a mismatch refused."""

import hashlib
import sys
import types

import pytest

from assistant.llm import weights
from index.errors import ModelError


@pytest.fixture
def fake_model(tmp_path, monkeypatch):
    """A three-part 'model' published as importable part modules, like the registry's."""
    chunks = [b"GGUF" + bytes(range(50)), b"middle" * 100, b"end"]
    names = []
    for i, chunk in enumerate(chunks, 1):
        path = tmp_path / f"part{i}.bin"
        path.write_bytes(chunk)
        module = types.ModuleType(f"fake_part{i}")
        module.get_part_path = lambda p=path: str(p)
        monkeypatch.setitem(sys.modules, module.__name__, module)
        names.append(module.__name__)
    digest = hashlib.sha256(b"".join(chunks)).hexdigest()
    spec = weights.ModelSpec("fake", "fake.gguf", tuple(names), digest, 0, "fake-part1 … 3")
    monkeypatch.setitem(weights.MODELS, "fake", spec)
    return spec, tmp_path / "cache", chunks


def test_parts_are_joined_in_order_and_verified(fake_model):
    spec, cache, chunks = fake_model
    path = weights.prepare("fake", cache)
    assert path.read_bytes() == b"".join(chunks)
    weights.verify(path, "fake")  # no error
    assert weights.prepare("fake", cache) == path  # second start reuses the verified file


def test_a_mismatching_hash_is_refused(fake_model, monkeypatch):
    spec, cache, _ = fake_model
    monkeypatch.setitem(weights.MODELS, "fake", spec.__class__(**{**spec.__dict__,
                                                                   "sha256": "0" * 64}))
    with pytest.raises(ModelError, match="refusing"):
        weights.prepare("fake", cache)
    assert not (cache / "fake.gguf").exists()  # nothing half-written is left behind


def test_a_corrupted_cached_file_is_rebuilt(fake_model):
    spec, cache, chunks = fake_model
    path = weights.prepare("fake", cache)
    path.write_bytes(b"tampered")
    with pytest.raises(ModelError, match="does not match"):
        weights.verify(path, "fake")
    assert weights.prepare("fake", cache).read_bytes() == b"".join(chunks)


def test_missing_parts_and_unknown_models_say_how_to_fix(tmp_path):
    with pytest.raises(ModelError, match="make setup"):
        weights.part_paths(weights.ModelSpec("x", "x.gguf", ("no_such_part_module",), "0", 0, "x"))
    with pytest.raises(ModelError, match="unknown local model"):
        weights.prepare("gpt-5", tmp_path)
    with pytest.raises(ModelError, match="prepare-model"):
        weights.verify(tmp_path / "absent.gguf", "qwen2.5-0.5b")
