"""A local llama.cpp server (xllamacpp) that the product starts and stops itself.

xllamacpp runs llama.cpp's own OpenAI-compatible HTTP server inside this process, on a free
loopback port; the chain talks to it through ``ChatOpenAI`` exactly as it would to a remote
server, so streaming, timeouts and fallbacks have one code path. The model loads once per
process.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from index.errors import ModelError

from .weights import prepare, verify

_lock = threading.Lock()
_servers: dict[str, "LocalServer"] = {}
CONTEXT_TOKENS = 4096


class LocalServer:
    def __init__(self, model_path: Path, threads: int | None = None, port: int = 0):
        try:
            import xllamacpp
        except ImportError as exc:
            raise ModelError("xllamacpp is not installed: run `make setup`") from exc
        params = xllamacpp.CommonParams()
        params.model.path = str(model_path)
        params.n_ctx = CONTEXT_TOKENS
        threads = threads or max(1, os.cpu_count() or 1)
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.port = port  # 0: a free port chosen by the server
        params.verbosity = -1  # llama.cpp's own logging is not for our users
        try:
            self._server = xllamacpp.Server(params)
        except Exception as exc:  # the binding raises plain RuntimeErrors
            raise ModelError(f"cannot load the local model {model_path}: {exc}") from exc
        self.base_url = self._server.listening_address.rstrip("/") + "/v1"
        self.model_path = model_path

    def close(self) -> None:
        self._server = None  # the binding stops its main loop on destruction


def local_server(model_name: str, cache_dir: Path | None = None, model_path: Path | None = None
                 ) -> LocalServer:
    """The process-wide server for ``model_name`` (assembled and verified on first use)."""
    with _lock:
        server = _servers.get(model_name)
        if server is None:
            if model_path is not None:
                verify(Path(model_path), model_name)
                path = Path(model_path)
            else:
                path = prepare(model_name, cache_dir)
            server = _servers[model_name] = LocalServer(path)
        return server
