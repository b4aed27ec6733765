"""The pure cores stay pure: no Django import, their docstring examples hold, ``__all__`` is true."""

from __future__ import annotations

import ast
import doctest
import importlib
from pathlib import Path
from types import ModuleType

import pytest

import joinedup.geo
import joinedup.impact
import joinedup.linkage
import joinedup.rules

CORES: tuple[ModuleType, ...] = (joinedup.geo, joinedup.impact, joinedup.linkage, joinedup.rules)
MODULES = [(core.__name__, path) for core in CORES for path in sorted(Path(core.__file__ or "").parent.glob("*.py"))]


@pytest.mark.parametrize(("core", "path"), MODULES, ids=[f"{core}.{path.stem}" for core, path in MODULES])
def test_no_module_imports_django(core: str, path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert [name for name in imported if name.split(".")[0] == "django"] == []


@pytest.mark.parametrize(("core", "path"), MODULES, ids=[f"{core}.{path.stem}" for core, path in MODULES])
def test_docstring_examples_hold(core: str, path: Path) -> None:
    name = core if path.stem == "__init__" else f"{core}.{path.stem}"
    assert doctest.testmod(importlib.import_module(name)).failed == 0


@pytest.mark.parametrize("core", CORES, ids=[core.__name__ for core in CORES])
def test_all_names_the_public_surface(core: ModuleType) -> None:
    assert all(hasattr(core, name) for name in core.__all__)


def test_the_linkage_command_line_is_one_of_the_checked_modules() -> None:
    """`joinedup link` runs with no Django settings, secret or database only while its module stays pure."""
    assert ("joinedup.linkage", Path(joinedup.linkage.__file__ or "").parent / "cli.py") in MODULES
