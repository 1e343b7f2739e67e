"""Settings: defaults < ASSISTANT_* environment < explicit overrides; bad values named."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings
from index.errors import ConfigError


def test_defaults_apply_when_nothing_is_set():
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.k > 0 and settings.chroma_host is None


def test_from_env_reads_os_environ_by_default(isolated_env):
    # The autouse fixture pointed ASSISTANT_STORE into this test's tmp_path.
    assert Settings.from_env().store == isolated_env


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("ASSISTANT_K", "7")
    monkeypatch.setenv("ASSISTANT_STORE", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("ASSISTANT_CHROMA_HOST", "chroma.internal")
    monkeypatch.setenv("ASSISTANT_CHROMA_PORT", "8123")
    settings = Settings.from_env()
    assert settings.k == 7 and isinstance(settings.k, int)
    assert settings.store == tmp_path / "elsewhere" and isinstance(settings.store, Path)
    assert settings.chroma_host == "chroma.internal"
    assert settings.chroma_port == 8123


def test_explicit_overrides_win_over_environment(tmp_path):
    environ = {"ASSISTANT_K": "7", "ASSISTANT_STORE": str(tmp_path / "env"),
               "ASSISTANT_CHROMA_HOST": "env-host"}
    settings = Settings.from_env(environ, k=3, store=str(tmp_path / "flag"),
                                 chroma_host="flag-host")
    assert (settings.k, settings.store, settings.chroma_host) == (3, tmp_path / "flag", "flag-host")


def test_none_overrides_leave_the_environment_in_place():
    # The CLI passes None for every flag the user did not give.
    settings = Settings.from_env({"ASSISTANT_K": "9"}, k=None, store=None, chroma_host=None)
    assert settings.k == 9 and settings.store == Settings().store


def test_empty_variable_means_unset():
    assert Settings.from_env({"ASSISTANT_K": "", "ASSISTANT_CHROMA_HOST": ""}) == Settings()


def test_variables_without_the_prefix_are_ignored():
    assert Settings.from_env({"K": "9", "STORE": "/x", "assistant_k": "9"}) == Settings()


@pytest.mark.parametrize("name", ["ASSISTANT_K", "ASSISTANT_CHROMA_PORT"])
def test_non_integer_variable_is_named(name):
    with pytest.raises(ConfigError) as info:
        Settings.from_env({name: "abc"})
    assert name in str(info.value) and "'abc'" in str(info.value)


@pytest.mark.parametrize("make", [
    lambda: Settings(k=0),
    lambda: Settings.from_env({}, k=0),
    lambda: Settings.from_env({"ASSISTANT_K": "0"}),
])
def test_zero_k_is_rejected(make):
    with pytest.raises(ConfigError, match=r"^k must be > 0, got 0$"):
        make()


def test_negative_k_is_rejected_with_its_value():
    with pytest.raises(ConfigError, match=r"k must be > 0, got -2"):
        Settings.from_env({"ASSISTANT_K": "-2"})


def test_bad_port_is_rejected():
    with pytest.raises(ConfigError, match="chroma_port must be > 0, got 0"):
        Settings(chroma_port=0)


def test_unknown_embedder_is_named():
    with pytest.raises(ConfigError, match="'openai'"):
        Settings.from_env({"ASSISTANT_EMBEDDER": "openai"})


def test_embedder_settings_from_environment():
    settings = Settings.from_env({"ASSISTANT_EMBEDDER": "sentence-transformers",
                                  "ASSISTANT_EMBEDDER_MODEL": "/models/bge-m3"})
    assert (settings.embedder, settings.embedder_model) == ("sentence-transformers",
                                                            "/models/bge-m3")


def test_with_changes_only_given_values():
    base = Settings.from_env({"ASSISTANT_K": "4"})
    changed = base.with_(k=8, chroma_host=None)
    assert changed.k == 8 and changed.chroma_host is None and base.k == 4
    with pytest.raises(ConfigError, match="got 0"):
        base.with_(k=0)
