"""Feeds for the directory tests: the standard's own example, made valid, and small variations."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import joinedup.directory
from joinedup.directory.models import Service
from joinedup.directory.oruk_selectors import services_nested, services_to_oruk

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


def exported(service_id: str) -> dict[str, Any]:
    """The service as our ORUK API publishes it."""
    return services_to_oruk(services_nested(Service.objects.filter(id=service_id)))[0]


def contains(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Every field of ``expected`` is in ``actual`` with the same value (lists in the same order)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object"]
        return [
            problem
            for key, value in expected.items()
            for problem in (
                contains(value, actual[key], f"{path}.{key}") if key in actual else [f"{path}.{key}: missing"]
            )
        ]
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {len(expected)} items"]
        return [p for index, item in enumerate(expected) for p in contains(item, actual[index], f"{path}[{index}]")]
    return [] if expected == actual else [f"{path}: {expected!r} became {actual!r}"]
