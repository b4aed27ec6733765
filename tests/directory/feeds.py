"""Feeds for the directory tests: the standard's own example, made valid, and small variations."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import joinedup.directory

ORUK = Path(joinedup.directory.__file__).parent / "standard"
CSV_EXAMPLES = Path(__file__).parent / "data" / "hsds-csv"


def example_service() -> dict[str, Any]:
    """The ORUK 3.0 example service, with a London location (the example's coordinates are out of range)."""
    service: dict[str, Any] = json.loads((ORUK / "examples" / "service_full.json").read_text())
    location = service["service_at_locations"][0]["location"]
    location["latitude"], location["longitude"] = 51.5362, -0.2034
    return service


def variant(service: dict[str, Any], number: int, **changes: Any) -> dict[str, Any]:
    """A copy of ``service`` with its own ids (every id gets a numbered suffix) and the given fields changed."""
    text = json.dumps(service)
    for old in set(_ids(service)):
        text = text.replace(old, old[:-4] + f"{number:04d}")
    result: dict[str, Any] = json.loads(text)
    result.update(copy.deepcopy(changes))
    return result


def _ids(data: Any) -> list[str]:
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if (key == "id" or key.endswith("_id")) and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_ids(value))
    elif isinstance(data, list):
        for item in data:
            found.extend(_ids(item))
    return found
