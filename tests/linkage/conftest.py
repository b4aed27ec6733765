"""The linkage core and its command read and write files only: no test here touches the database, so
the second pass of the suite on PostgreSQL (``make test`` in CI) skips them rather than repeat them."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    skip = pytest.mark.skip(reason="no database involved: run once, on the SQLite pass")
    for item in items:
        if "tests/linkage/" in item.nodeid:
            item.add_marker(skip)
