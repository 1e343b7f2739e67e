"""The page's login, slowed down against password guessing (Gradio-free).

Gradio checks a (user, password) pair as fast as it is sent: 100 wrong passwords took under a
second. Here every wrong attempt is answered only after FAILURE_DELAY_S (an ``await``, so the
server keeps serving meanwhile), and after MAX_FAILURES wrong attempts within WINDOW_S every
attempt is refused, unchecked, until LOCKOUT_S has passed since the last failure. The lock-out is
for the whole page, not per user name, because a guesser can vary the name for free.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import threading
import time
from collections import deque
from typing import Callable

FAILURE_DELAY_S = 1.0
MAX_FAILURES = 10
WINDOW_S = 60.0
LOCKOUT_S = 60.0

log = logging.getLogger(__name__)


class LoginGuard:
    """Checks the page's login; ``login`` is the ``auth`` callable for ``gr.Blocks.launch``."""

    def __init__(self, user: str, password: str, clock: Callable[[], float] = time.monotonic,
                 failure_delay_s: float = FAILURE_DELAY_S):
        if not user or not password:
            raise ValueError("a login needs both a user name and a password")
        self._user, self._password = user.encode(), password.encode()
        self._clock = clock
        self._failure_delay_s = failure_delay_s
        self._failures: deque[float] = deque()
        self._lock = threading.Lock()

    def locked(self) -> bool:
        """Too many wrong attempts lately: nothing is checked until the lock-out ends."""
        with self._lock:
            now = self._clock()
            while self._failures and now - self._failures[0] > max(WINDOW_S, LOCKOUT_S):
                self._failures.popleft()
            recent = [t for t in self._failures if now - t <= WINDOW_S]
            return (len(recent) >= MAX_FAILURES
                    and now - self._failures[-1] < LOCKOUT_S)

    def check(self, user: str, password: str) -> bool:
        """Whether the pair is right, recording a failure when it is not (no waiting)."""
        if self.locked():
            return False
        # compare_digest: the time taken says nothing about how much of the secret matched
        right = (hmac.compare_digest((user or "").encode(), self._user)
                 & hmac.compare_digest((password or "").encode(), self._password))
        if not right:
            with self._lock:
                self._failures.append(self._clock())
            log.warning("failed login for %r", user)
        return bool(right)

    async def login(self, user: str, password: str) -> bool:
        """True for the configured pair; False only after a delay. (A coroutine *function*:
        Gradio awaits ``auth`` only when ``inspect.iscoroutinefunction`` says so, and an
        object with an async ``__call__`` would hand it a coroutine, which is truthy.)"""
        if self.check(user, password):
            return True
        await asyncio.sleep(self._failure_delay_s)
        return False
