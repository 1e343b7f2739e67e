"""EmbeddingGemma's question side as an ONNX Runtime int8 model, exported once at install.

Why: over the eleven-document library a search spends most of its time embedding the question
(issue 20: p50 108-169 / p95 141-210 ms of a 174 / 221 ms search with PyTorch's dynamic int8
model). The same sentence-transformers pipeline exported with ``torch.onnx`` and quantized by
``onnxruntime.quantization.quantize_dynamic`` embeds a question in p50 64 / p95 90 ms on the
2-core machine (120 QA questions, same minutes as the torch figures) and lands closer to the
float model whose vectors ship with the corpus (cosine mean 0.982, min 0.973, against 0.956 /
0.935 for the torch int8 model). Paragraphs are still embedded by PyTorch: only questions are
embedded on the search path.

``prepare`` runs in ``assistant prepare-embedder`` (``make test``): ~150 s to export and ~30 s
to quantize, once; a stamp ties the file to the verified snapshot it came from, so a changed
snapshot is exported again and a half-written file is never used. ``make run`` does not wait
for it: the page exports in a child process once it answers (``export_in_child``), and
``GemmaEmbeddings`` takes the export up when its stamp appears.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

from index.errors import ModelError

from .gemma_weights import GEMMA, model_dir

EXPORTED = "question.int8.onnx"
FORMAT = 1  # bump when the export itself changes, so older files are exported again
STAMP = ".exported.json"
_OUTPUT = "embedding"
MAX_TOKENS = 2048  # the snapshot's max_seq_length; the export's dynamic length allows it


def folder_for(snapshot: Path) -> Path:
    """Where the export of ``snapshot`` lives: beside it, named after it."""
    return snapshot.parent / f"{snapshot.name}-onnx"


def installed(snapshot: Path | None = None) -> Path | None:
    """The exported question model of the verified snapshot, or None when it is missing,
    stale or half-written (``GemmaEmbeddings`` then embeds questions with PyTorch)."""
    try:
        snapshot = snapshot or model_dir(GEMMA)
    except ModelError:
        return None
    folder = folder_for(snapshot)
    try:
        stamp = json.loads((folder / STAMP).read_text())
    except (OSError, json.JSONDecodeError):
        return None
    return folder / EXPORTED if stamp == _fingerprint(snapshot, folder) else None


def prepare(snapshot: Path | None = None) -> Path:
    """The exported question model, exported now unless an up-to-date one is there."""
    snapshot = snapshot or model_dir(GEMMA)
    if (ready := installed(snapshot)) is not None:
        return ready
    folder = folder_for(snapshot)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
        export(snapshot, Path(tmp) / EXPORTED)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        shutil.move(str(Path(tmp) / EXPORTED), folder / EXPORTED)
    (folder / STAMP).write_text(json.dumps(_fingerprint(snapshot, folder)))
    return folder / EXPORTED


def export_in_child(snapshot: Path | None = None) -> Path:
    """``prepare`` in a child process at the lowest CPU priority: a page already answering
    keeps the cores it needs, and the export's 8 GB peak is returned when it ends. ModelError
    with the child's last line when it fails."""
    snapshot = snapshot or model_dir(GEMMA)
    # The priority is lowered once started: a preexec_fn is unsafe in a process with threads
    # (the page's), where the child can deadlock before it runs anything.
    child = subprocess.Popen([sys.executable, "-m", __name__, str(snapshot)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        os.setpriority(os.PRIO_PROCESS, child.pid, 19)
    except OSError:  # already gone: its exit status says why
        pass
    _, errors = child.communicate()
    if child.returncode != 0 or (ready := installed(snapshot)) is None:
        last = (errors.strip().splitlines() or ["no output"])[-1]
        raise ModelError(f"cannot export {snapshot.name}'s question model to ONNX: {last}")
    return ready


def export(snapshot: Path, out: Path) -> None:
    """The float model's whole pipeline (transformer, mean pooling, two dense layers,
    normalization) exported with torch.onnx's dynamo exporter (the TorchScript one fails on
    Gemma 3 with ``unordered_map::at``), then quantized to int8 weights."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(snapshot), device="cpu")

    class Pipeline(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            features = {"input_ids": input_ids, "attention_mask": attention_mask}
            return self.inner(features)["sentence_embedding"]

    sample = model.tokenizer(["task: search result | query: Does international law apply?"],
                             return_tensors="pt")
    length = torch.export.Dim("length", min=2, max=MAX_TOKENS)
    float_path = out.with_name("question.float.onnx")
    # torch's exporter warns about torchvision and its own deprecations: not the user's concern
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(Pipeline(model).eval(),
                              (sample["input_ids"], sample["attention_mask"]), str(float_path),
                              input_names=["input_ids", "attention_mask"],
                              output_names=[_OUTPUT], dynamic_shapes=({1: length}, {1: length}),
                              opset_version=18, dynamo=True, verbose=False)
        quantize_dynamic(str(float_path), str(out), weight_type=QuantType.QInt8)
    except Exception as exc:  # an exporter failure has many types; all mean "not exported"
        raise ModelError(f"cannot export {snapshot.name}'s question model to ONNX: {exc}") from exc
    finally:
        for leftover in out.parent.glob("question.float.onnx*"):
            leftover.unlink()
    _rename_colliding_output(out)


def _rename_colliding_output(path: Path) -> None:
    """The token-embedding weight is called "embedding" in the exported graph, as is the
    graph's output; once quantized, its DequantizeLinear node outputs that name too and ONNX
    Runtime refuses the model ("Duplicate definition of name"). The weight's copy is renamed."""
    import onnx

    model = onnx.load(str(path))
    renamed = "embedding_weight_dequantized"
    for node in model.graph.node:
        if node.op_type == "DequantizeLinear" and list(node.output) == [_OUTPUT]:
            node.output[0] = renamed
        elif _OUTPUT not in node.output:
            node.input[:] = [renamed if name == _OUTPUT else name for name in node.input]
    for info in [info for info in model.graph.value_info if info.name == _OUTPUT]:
        model.graph.value_info.remove(info)
    onnx.save(model, str(path))


def _fingerprint(snapshot: Path, folder: Path) -> dict:
    exported = folder / EXPORTED
    info = exported.stat() if exported.exists() else None
    try:
        verified = (snapshot / ".verified.json").read_bytes()
    except OSError:
        verified = b""
    return {"format": FORMAT, "snapshot": hashlib.sha256(verified).hexdigest(),
            "file": [info.st_size, info.st_mtime_ns] if info else None}


class OnnxQuestions:
    """Questions embedded by the exported model, tokenized by the snapshot's tokenizer with
    the model's query prompt; unit vectors as lists, as ``Embeddings.embed_query`` returns.
    One ONNX Runtime session is safe to run from several threads at once.

    The tokenizer is read with ``tokenizers`` itself (2 s), not transformers' AutoTokenizer
    (7.5 s with its import): the same ids, and the first question's wait ~10.6 -> ~4 s."""

    def __init__(self, snapshot: Path, exported: Path, prompt: str, threads: int | None = None):
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        try:
            self._session = onnxruntime.InferenceSession(str(exported), options,
                                                         providers=["CPUExecutionProvider"])
            self._tokenizer = Tokenizer.from_file(str(snapshot / "tokenizer.json"))
        except Exception as exc:  # onnxruntime and tokenizers raise their own untyped errors
            raise ModelError(f"cannot load the question model {exported}: {exc}: run "
                             f"`assistant prepare-embedder` again") from exc
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._prompt = prompt
        _one_blas_thread()

    def embed(self, text: str) -> list[float]:
        ids = np.array([self._tokenizer.encode(self._prompt + text).ids], dtype=np.int64)
        vector = self._session.run(None, {"input_ids": ids,
                                          "attention_mask": np.ones_like(ids)})[0][0]
        return (vector / (np.linalg.norm(vector) or 1.0)).tolist()


def _one_blas_thread() -> None:
    """numpy's OpenBLAS keeps its threads spinning for a while after each product (a search's
    cosines), and on 2 cores they took the cores from ONNX Runtime's threads: over the library,
    a question embedded inside back-to-back searches took p50 104 ms against 60 ms alone.
    With OpenBLAS on one thread, 60 ms inside searches too (search p50 121 -> 70 ms, p95 159 ->
    98 ms); the cost is the largest product, 80,590 vectors at 100,000 records: 11 -> 17 ms."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


if __name__ == "__main__":  # export_in_child's child
    import signal

    # The page stopped (Ctrl+C, or a stop of its process group): unwind, so that the
    # temporary folder of a half-made export (up to 1.2 GB) is removed, not left in the cache.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(1))
    try:
        print(prepare(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
    except ModelError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(1) from None
