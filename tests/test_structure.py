"""The layout's rules, checked on the source: no import cycles, short modules, no private
names used across modules, a docstring for every package."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assistant", "index", "eval", "prompts")
MAX_LINES = 300
PRIVATE_PATCH = re.compile(r"""["'](?:assistant|index|eval|prompts)(?:\.\w+)*\._\w+["']""")


def source_files(*tops: str) -> list[Path]:
    return sorted(p for top in tops for p in (ROOT / top).rglob("*.py")
                  if "__pycache__" not in p.parts)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in source_files(*PACKAGES)}


def imported_modules(path: Path) -> set[str]:
    """The project modules a file imports, at any depth of the file (a lazy import inside a
    function still ties the two modules together)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                # "from index.search import query" imports the module index.search.query
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {m for m in found if m in MODULES and m != name}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_module_imports_itself_through_others():
    graph = {name: imported_modules(path) for name, path in MODULES.items()}
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("path", source_files(*PACKAGES, "tests"),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_is_short(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines"


def test_no_private_name_is_imported_or_patched_across_modules():
    offences = []
    for path in source_files(*PACKAGES, "tests"):
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                offences += [f"{path.name}: from {node.module} import {a.name}"
                             for a in node.names if _private(a.name)]
            if isinstance(node, ast.ImportFrom) and node.level:
                offences += [f"{path.name}: from {'.' * node.level}{node.module or ''} import "
                             f"{a.name}" for a in node.names if _private(a.name)]
        offences += [f"{path.name}: patches {m}" for m in PRIVATE_PATCH.findall(text)]
    assert offences == []


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@pytest.mark.parametrize("package", sorted({module_name(p) for p in source_files(*PACKAGES)
                                             if p.name == "__init__.py"}))
def test_every_package_says_what_it_holds(package):
    tree = ast.parse(MODULES[package].read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{package}/__init__.py has no docstring"
