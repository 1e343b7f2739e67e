"""Run the local model as a standalone OpenAI-compatible server (for tests and other clients).

    python -m assistant.llm.serve --model qwen2.5-0.5b --port 8081
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from index.errors import AssistantError

from .local import LocalServer
from .weights import MODELS, prepare


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(MODELS), default="qwen2.5-0.5b")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int)
    args = parser.parse_args(argv)
    try:
        server = LocalServer(prepare(args.model), threads=args.threads, port=args.port)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"serving {args.model} at {server.base_url}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
