"""The page's login: right pairs pass, wrong ones are slowed down and then locked out."""

import asyncio
import time

import pytest

from assistant.ui.login import LOCKOUT_S, MAX_FAILURES, LoginGuard


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_configured_pair_passes_and_others_do_not():
    guard = LoginGuard("reader", "s3cret", clock=Clock())
    assert guard.check("reader", "s3cret")
    assert not guard.check("reader", "wrong")
    assert not guard.check("", "")
    assert not guard.check("reader2", "s3cret")


def test_many_wrong_passwords_lock_the_login_even_for_the_right_one():
    clock = Clock()
    guard = LoginGuard("reader", "s3cret", clock=clock)
    for attempt in range(MAX_FAILURES):
        assert not guard.check("reader", f"guess{attempt}")
        clock.now += 0.01
    assert guard.locked()
    assert not guard.check("reader", "s3cret")  # refused unchecked while locked
    clock.now += LOCKOUT_S + 1
    assert not guard.locked()
    assert guard.check("reader", "s3cret")


def test_a_wrong_password_is_answered_only_after_a_delay():
    guard = LoginGuard("reader", "s3cret", failure_delay_s=0.3)
    started = time.perf_counter()
    assert asyncio.run(guard.login("reader", "wrong")) is False
    assert time.perf_counter() - started >= 0.3
    started = time.perf_counter()
    assert asyncio.run(guard.login("reader", "s3cret")) is True
    assert time.perf_counter() - started < 0.3


def test_a_login_needs_both_parts():
    with pytest.raises(ValueError):
        LoginGuard("reader", "")


def test_login_is_a_coroutine_function_as_gradio_requires():
    import inspect

    assert inspect.iscoroutinefunction(LoginGuard("reader", "s3cret").login)
