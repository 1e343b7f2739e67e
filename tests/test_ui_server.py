"""The served page: loopback by default, a login when one is configured (a real server)."""

import urllib.error
import urllib.request

import pytest

from assistant.settings import Settings
from assistant.ui.app import launch
from assistant.ui.handlers import Handlers
from eval.browser import free_port
from index.errors import ConfigError

pytestmark = pytest.mark.integration


def test_a_configured_login_guards_the_page_and_the_api(fake_retriever):
    port = free_port()
    handlers = Handlers(fake_retriever, None, Settings(llm="none", translate=False))
    app = launch(handlers, port=port, auth=("reader", "s3cret"), block=False)
    try:
        url = f"http://127.0.0.1:{port}/"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + "config", timeout=10)
        assert refused.value.code == 401
        from gradio_client import Client

        client = Client(url, auth=("reader", "s3cret"), verbose=False)
        result = client.predict("CCW/GGE.1/2023/2 para. 22 (c)", [], api_name="/chat")
        assert result["mode"] == "lookup"
    finally:
        app.close()


def test_the_page_listens_on_loopback_only_by_default(fake_retriever):
    port = free_port()
    handlers = Handlers(fake_retriever, None, Settings(llm="none", translate=False))
    app = launch(handlers, port=port, block=False)
    try:
        assert app.server_name == "127.0.0.1"
        urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=10)
    finally:
        app.close()


def test_login_needs_both_user_and_password():
    with pytest.raises(ConfigError, match="both"):
        Settings(ui_user="reader")


def test_a_wrong_password_is_refused_slowly_and_the_right_one_accepted(fake_retriever):
    import time
    import urllib.parse

    port = free_port()
    handlers = Handlers(fake_retriever, None, Settings(llm="none", translate=False))
    app = launch(handlers, port=port, auth=("reader", "s3cret"), block=False)

    def login(password: str) -> int:
        data = urllib.parse.urlencode({"username": "reader", "password": password}).encode()
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{port}/login", data=data,
                                          timeout=30).status
        except urllib.error.HTTPError as refused:
            return refused.code

    try:
        started = time.perf_counter()
        assert login("guess") == 400
        assert time.perf_counter() - started >= 0.9  # FAILURE_DELAY_S
        assert login("s3cret") == 200
    finally:
        app.close()
