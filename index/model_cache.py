"""Where verified model weights are kept: ``ASSISTANT_MODEL_CACHE`` or ~/.cache/un-assistant
(the language model's GGUF and EmbeddingGemma's snapshot, each assembled once and checked)."""

from __future__ import annotations

import os
from pathlib import Path

MODEL_CACHE = Path(os.environ.get("ASSISTANT_MODEL_CACHE", Path.home() / ".cache" / "un-assistant"))
