"""Opening Chroma: an embedded store (PersistentClient) or a Chroma server (HttpClient)."""

from __future__ import annotations

from pathlib import Path

from langchain_core.embeddings import Embeddings

from index.errors import ConfigError, StoreError


class ChromaEmbeddingFunction:
    """Chroma must never pick its default (downloading) embedding function: we always pass
    vectors ourselves, and this object only satisfies the collection API."""

    def __init__(self, embedder: Embeddings | None = None):
        self._embedder = embedder

    def __call__(self, input):  # noqa: A002 - Chroma's protocol names it "input"
        if self._embedder is None:
            raise StoreError("no embedder configured for this store")
        return self._embedder.embed_documents(list(input))

    @staticmethod
    def name() -> str:
        return "un-assistant"

    def get_config(self) -> dict:
        return {}

    @staticmethod
    def build_from_config(config):
        return ChromaEmbeddingFunction()

    def is_legacy(self) -> bool:
        return False

    @staticmethod
    def default_space() -> str:
        return "cosine"

    @staticmethod
    def supported_spaces() -> list[str]:
        return ["cosine", "l2", "ip"]


def _chroma_settings():
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False, allow_reset=False)


def open_client(path: str | Path | None = None, host: str | None = None, port: int | None = None,
                create: bool = False):
    """An embedded client for ``path`` or an HTTP client for ``host:port``."""
    import chromadb

    if host:
        if not port or port <= 0:
            raise ConfigError(f"port must be > 0, got {port}")
        try:
            client = chromadb.HttpClient(host=host, port=port, settings=_chroma_settings())
            client.heartbeat()
        except Exception as exc:  # the client raises a zoo of transport errors
            raise StoreError(f"cannot reach the Chroma server at {host}:{port} ({exc})") from exc
        return client
    if path is None:
        raise ConfigError("give a store directory or a Chroma server host")
    path = Path(path)
    if not create:
        if not path.exists():
            raise StoreError(
                f"no index at {path}: build one with `assistant index --store {path}`"
            )
        if not (path / "chroma.sqlite3").exists():
            raise StoreError(
                f"{path} is not a Chroma store: build one with `assistant index --store {path}`"
            )
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())


def reopen_embedded(client):
    """A new client for an embedded client's directory that reads the store from disk again.

    Chroma shares one system per directory inside a process, so a plain second
    ``PersistentClient`` would return the same outdated in-memory index: drop it from the
    shared cache first. The old client keeps working for queries already running with it.
    """
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient

    identifier = client._identifier
    SharedSystemClient._identifier_to_system.pop(identifier, None)
    SharedSystemClient._identifier_to_refcount.pop(identifier, None)
    return chromadb.PersistentClient(path=identifier, settings=_chroma_settings())


def is_embedded(client) -> bool:
    """An embedded (in-process) client, whose vector index can be outdated by another process;
    a server's never is."""
    from chromadb.api.shared_system_client import SharedSystemClient

    settings = getattr(client, "_system", None) and client._system.settings
    return bool(settings and settings.is_persistent) and isinstance(client, SharedSystemClient)
