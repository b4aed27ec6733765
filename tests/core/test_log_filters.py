"""The log keeps tracebacks for server errors only."""

from __future__ import annotations

import io
import logging
import sys
from typing import Any

import pytest

from joinedup.accounts.models import Role
from joinedup.core.log_filters import RefusalsWithoutTraceback
from tests.conftest import World


def record(status: int) -> logging.LogRecord:
    try:
        raise PermissionError("refused")
    except PermissionError:
        info = sys.exc_info()
    made = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: /x", None, info)
    made.status_code = status
    return made


def test_a_refusal_is_one_line_and_a_server_error_keeps_its_traceback() -> None:
    refused, broken = record(403), record(500)
    assert RefusalsWithoutTraceback().filter(refused)
    assert RefusalsWithoutTraceback().filter(broken)
    assert refused.exc_info is None
    assert broken.exc_info is not None


@pytest.mark.django_db
def test_a_refused_page_reaches_the_log_once_as_one_line(world: World, settings: Any) -> None:
    settings.DEBUG = True  # as the demo runs: Django's own console handler is on while DEBUG is
    console = next(handler for handler in logging.getLogger().handlers if isinstance(handler, logging.StreamHandler))
    written = io.StringIO()
    before = console.setStream(written)
    try:
        assert logging.getLogger("django").handlers == []
        response = world.client_for(Role.COMMISSIONER).get("/audit/")
    finally:
        console.setStream(before)
    assert response.status_code == 403
    assert written.getvalue().count("Forbidden") == 1
    assert "Traceback" not in written.getvalue()
