"""`joinedup demo` (what `make demo` runs): it will not start on a taken port, and its worker keeps running."""

from __future__ import annotations

import io
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.core.management import CommandError
from django.core.management.base import OutputWrapper

from joinedup.demo.management.commands.demo import _port_check, _Worker


def test_a_taken_port_is_refused_before_anything_starts_and_says_what_to_do() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=rf"Something is already using 127\.0\.0\.1:{port}.*make demo PORT="):
            _port_check(f"127.0.0.1:{port}")
    _port_check(f"127.0.0.1:{port}")  # free again
    with pytest.raises(CommandError, match="is not an address and port"):
        _port_check("127.0.0.1:http")


class _Sleeper(_Worker):
    """The demo's worker watcher, watching a process that only waits."""

    def _start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def test_a_worker_that_is_killed_is_started_again_and_stopped_with_the_demo() -> None:
    said = io.StringIO()
    worker = _Sleeper(OutputWrapper(said))
    first = worker._process
    first.send_signal(signal.SIGKILL)
    deadline = time.monotonic() + 10
    while worker._process is first and time.monotonic() < deadline:
        time.sleep(0.1)
    assert worker._process is not first
    assert "The background worker stopped; starting it again." in said.getvalue()
    second = worker._process
    worker.stop()
    assert second.poll() is not None
    time.sleep(1.5)
    assert worker._process is second  # stopping the demo does not start another
