"""The log keeps tracebacks for server errors only."""

from __future__ import annotations

import logging
import sys

from joinedup.core.log_filters import RefusalsWithoutTraceback


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
