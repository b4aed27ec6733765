"""Reading a feed: an ORUK API, a JSON file, or a folder of HSDS CSV files, into ORUK 3.0 services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from joinedup.core.jobs import Progress
from joinedup.directory.oruk import Problem


class FeedUnusable(Exception):
    """The feed cannot be read at all (unreachable, not JSON, not ORUK). The message is for the person importing."""


@dataclass
class FeedContent:
    format: str
    services: list[dict[str, Any]] = field(default_factory=list)
    taxonomies: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def feed_read(source: str, *, progress: Progress | None = None) -> FeedContent:
    raise FeedUnusable("Reading feeds is being built.")
