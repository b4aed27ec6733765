"""Work in progress, and noticing when the process doing it has gone.

An import, a match or a background job is written as "running" before its work begins, and its
work is one transaction: a process killed mid-way (a restart, a deploy, running out of memory)
leaves nothing of that work, but would leave the row saying "running" for ever. So each such row
records the process doing it (``runner``: host, process id and the moment the process started,
which tells a reused process id apart), and ``interrupted_close`` marks as stopped every row whose
process on this host has gone. It runs when a job starts and when a page shows such rows.

A process on another host cannot be checked from here; its rows are left for that host to close.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING

from django.apps import apps

if TYPE_CHECKING:
    from collections.abc import Iterator

    from joinedup.core.models import RunByProcess

STOPPED = (
    "Stopped before it finished, because the process running it ended (the background worker or the server "
    "was stopped, restarted or ran out of memory). Nothing of it was kept; run it again."
)


def _started(pid: int) -> str | None:
    """When the process started (clock ticks since boot, from /proc), or None if there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return "?"
    # The command name (field 2) may hold spaces and brackets: the fields after it follow the last ")".
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] in {"Z", "X"}:
        return None  # a process that has ended and whose parent has not yet collected it
    return fields[19]


def _alive_without_proc(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def runner_here() -> str:
    """This process, as a runner: "host pid started"."""
    pid = os.getpid()
    return f"{socket.gethostname()} {pid} {_started(pid) or '?'}"


def runner_gone(runner: str) -> bool:
    """Whether the process a runner names has certainly ended (False when it runs on another host)."""
    try:
        host, pid_text, started = runner.rsplit(" ", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != socket.gethostname():
        return False
    if Path("/proc/self/stat").exists():
        now = _started(pid)
        return now is None or (started != "?" and now not in {started, "?"})
    return not _alive_without_proc(pid)


def _run_models() -> Iterator[type[RunByProcess]]:
    from joinedup.core.models import RunByProcess

    for model in apps.get_models():
        if issubclass(model, RunByProcess):
            yield model


def interrupted_close() -> int:
    """Mark as stopped the work of every process on this host that has ended; how many rows were."""
    closed = 0
    for model in _run_models():
        for row in model._default_manager.filter(**model.running()).exclude(runner=""):
            if runner_gone(row.runner) and row.interrupted_close():
                closed += 1
    return closed
