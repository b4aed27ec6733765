"""A progress bar for long commands, fed by the same callbacks the worker uses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm

from joinedup.core.jobs import Progress


@contextmanager
def progress_bar(description: str, *, stream: TextIO, unit: str = "rows") -> Iterator[Progress]:
    # delay: quick runs print no bar at all, and a slow one starts once its total is known.
    bar = tqdm(desc=description, unit=unit, file=stream, dynamic_ncols=True, mininterval=0.2, delay=0.5)

    def update(done: int, total: int | None) -> None:
        if total is not None and bar.total != total:
            # No refresh here: that would print at once, before the delay, and a quick run would be
            # left showing its first state; tqdm draws the new total with the next update.
            bar.total = total
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        bar.close()
