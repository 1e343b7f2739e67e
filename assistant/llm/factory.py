"""One factory for the three ways to answer: local llama.cpp, a remote server, or none."""

from __future__ import annotations

import os

from langchain_core.language_models import BaseChatModel

from index.errors import ConfigError

from ..settings import LLM


def make_chat_model(settings) -> BaseChatModel | None:
    """A LangChain chat model for ``settings.llm``; None means extractive answers."""
    if settings.llm == LLM.NONE:
        return None
    from langchain_openai import ChatOpenAI

    common = dict(temperature=0, max_tokens=settings.max_answer_tokens,
                  timeout=settings.llm_timeout, max_retries=0, streaming=True)
    if settings.llm == LLM.LOCAL:
        from .local import local_server

        server = local_server(settings.local_model, model_path=settings.local_model_path)
        return ChatOpenAI(base_url=server.base_url, api_key="not-needed",
                          model=settings.local_model, **common)
    if settings.llm == LLM.OPENAI:
        if not settings.llm_base_url:
            raise ConfigError("llm 'openai' needs a base URL: set ASSISTANT_LLM_BASE_URL or "
                              "--llm-base-url")
        # Servers without authentication (llama.cpp, vLLM, Ollama) still need some key.
        key = settings.llm_api_key or os.environ.get("OPENAI_API_KEY") or "not-needed"
        return ChatOpenAI(base_url=settings.llm_base_url, api_key=key,
                          model=settings.llm_model or "default", **common)
    # Settings refuses any other value; a stand-in settings object might not.
    raise ConfigError(f"llm must be one of {', '.join(LLM)}; got '{settings.llm}'")
