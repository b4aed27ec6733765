"""The rules package stays a pure core: no Django, and its docstring examples hold."""

from __future__ import annotations

import ast
import doctest
import importlib
from pathlib import Path

import pytest

import joinedup.rules

RULES_DIR = Path(joinedup.rules.__file__).parent
MODULES = sorted(path.stem for path in RULES_DIR.glob("*.py"))


@pytest.mark.parametrize("module", MODULES)
def test_no_module_imports_django(module: str) -> None:
    tree = ast.parse((RULES_DIR / f"{module}.py").read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert [name for name in imported if name.split(".")[0] == "django"] == []


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_hold(module: str) -> None:
    name = "joinedup.rules" if module == "__init__" else f"joinedup.rules.{module}"
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0


def test_all_names_the_public_surface() -> None:
    assert all(hasattr(joinedup.rules, name) for name in joinedup.rules.__all__)
