"""The ``joinedup`` command as a person first meets it."""

from __future__ import annotations

import os
import subprocess
import sys


def test_a_command_run_without_its_settings_says_what_is_missing_in_one_line() -> None:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    done = subprocess.run(
        [sys.executable, "-m", "joinedup", "check"], env=environment, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "joinedup: SECRET_KEY is not set. Production mode (DEBUG off) will not start without one: "
        "set SECRET_KEY to a long random value, or set DEBUG=true on a development machine."
    ]
