"""What the browser tests and the UI benchmark share: a free loopback port, and how to start
Debian's chromium here (Playwright never downloads a browser on these machines)."""

from __future__ import annotations

import socket

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags chromium keeps calling out, and a closed network
# refuses it many times a second.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
