"""Rule sets to and from JSON-able dicts and TOML, with errors that name the key at fault."""

from __future__ import annotations

import dataclasses
import json
import math
import tomllib
from collections.abc import Callable, Mapping
from typing import Any

from joinedup.rules.model import (
    LEVELS,
    AttainmentRule,
    AttendanceRule,
    BehaviourRule,
    DisadvantageRule,
    RuleSet,
    SdqRule,
)

__all__ = ["RulesError", "rules_from_dict", "rules_from_toml", "rules_to_dict", "rules_to_toml"]

JsonScalar = str | int | float | bool
JsonValue = JsonScalar | list[str] | dict[str, "JsonValue"]


class RulesError(ValueError):
    """A rule set could not be read; the message names the key and what was expected."""


SECTIONS: dict[str, type[Any]] = {
    "economic_disadvantage": DisadvantageRule,
    "attendance": AttendanceRule,
    "reading": AttainmentRule,
    "writing": AttainmentRule,
    "maths": AttainmentRule,
    "english": AttainmentRule,
    "emotional_wellbeing": SdqRule,
    "peer_relationships": SdqRule,
    "behaviour": BehaviourRule,
}
SCALARS = ("area", "version", "minimum_domains", "social_care_statuses")


def _fail(key: str, expected: str, found: object) -> RulesError:
    return RulesError(f"{key}: expected {expected}, found {found!r}")


def _bool(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _fail(key, "true or false", value)
    return value


def _int_between(low: int, high: int) -> Callable[[str, object], int]:
    def check(key: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _fail(key, f"a whole number from {low} to {high}", value)
        return value

    return check


def _number(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(key, "a number", value)
    return float(value)


def _percent(key: str, value: object) -> float:
    number = _number(key, value)
    if not 0 <= number <= 100:
        raise _fail(key, "a percentage from 0 to 100", value)
    return number


def _level(key: str, value: object) -> str:
    if value not in LEVELS:
        raise _fail(key, "one of " + ", ".join(f"'{level}'" for level in LEVELS), value)
    return str(value)


def _text(key: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(key, "some text", value)
    return value


def _texts(key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise _fail(key, 'a list of text, like ["CP", "LAC"]', value)
    return tuple(value)


_sdq = _int_between(0, 10)
CHECKS: dict[str, Callable[[str, object], object]] = {
    "area": _text,
    "version": _text,
    "minimum_domains": _int_between(1, 9),
    "social_care_statuses": _texts,
    "enabled": _bool,
    "fsm": _bool,
    "pupil_premium": _bool,
    "below": _percent,
    "below_level": _level,
    "below_score": _number,
    "score_floor": _number,
    "teacher": _sdq,
    "parent": _sdq,
    "pupil": _sdq,
    "exclusions_at_least": _int_between(1, 1000),
}


def rules_to_dict(rules: RuleSet) -> dict[str, JsonValue]:
    """The rule set as a dict of JSON-able values (lists, not tuples).

    Args:
        rules: the rule set to write out.

    >>> rules_to_dict(RuleSet())["attendance"]
    {'enabled': True, 'below': 90.0}
    """
    out: dict[str, JsonValue] = {
        "area": rules.area,
        "version": rules.version,
        "minimum_domains": rules.minimum_domains,
        "social_care_statuses": list(rules.social_care_statuses),
    }
    for name in SECTIONS:
        section = getattr(rules, name)
        out[name] = {f.name: getattr(section, f.name) for f in dataclasses.fields(section)}
    return out


def rules_from_dict(data: Mapping[str, object]) -> RuleSet:
    """Read a rule set from a dict such as :func:`rules_to_dict` writes; missing keys take defaults.

    Args:
        data: top-level keys ``area``, ``version``, ``minimum_domains``,
            ``social_care_statuses`` and one mapping per domain.

    Raises:
        RulesError: naming the key and what was expected.

    >>> rules_from_dict({"minimum_domains": 4, "attendance": {"below": 85}}).attendance.below
    85.0
    >>> rules_from_dict({"attendance": {"below": "ninety"}})
    Traceback (most recent call last):
    ...
    joinedup.rules.serialise.RulesError: attendance.below: expected a number, found 'ninety'
    """
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key in SCALARS:
            kwargs[key] = CHECKS[key](key, value)
        elif key in SECTIONS:
            kwargs[key] = _section(key, SECTIONS[key], value)
        else:
            raise RulesError(f"{key}: unknown key; expected one of {', '.join((*SCALARS, *SECTIONS))}")
    return RuleSet(**kwargs)


def _section(name: str, cls: type[Any], value: object) -> object:
    if not isinstance(value, Mapping):
        raise _fail(name, "a table of settings", value)
    allowed = [f.name for f in dataclasses.fields(cls)]
    kwargs: dict[str, object] = {}
    for key, item in value.items():
        if key not in allowed:
            raise RulesError(f"{name}.{key}: unknown key; expected one of {', '.join(allowed)}")
        kwargs[key] = CHECKS[key](f"{name}.{key}", item)
    return cls(**kwargs)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # A JSON string is a TOML basic string once DEL, which TOML forbids raw, is escaped;
        # ensure_ascii=False keeps characters beyond U+FFFF whole (TOML rejects surrogate escapes).
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")  # pragma: no cover - rules_to_dict only makes the above


def rules_to_toml(rules: RuleSet) -> str:
    """The rule set as a TOML document that :func:`rules_from_toml` reads back unchanged.

    Args:
        rules: the rule set to write out.

    >>> print(rules_to_toml(RuleSet(area="Brent")).splitlines()[0])
    area = "Brent"
    """
    data = rules_to_dict(rules)
    lines = [f"{key} = {_toml_value(data[key])}" for key in SCALARS]
    for name in SECTIONS:
        section = data[name]
        assert isinstance(section, dict)
        lines += ["", f"[{name}]", *(f"{key} = {_toml_value(value)}" for key, value in section.items())]
    return "\n".join(lines) + "\n"


def rules_from_toml(text: str) -> RuleSet:
    """Read a rule set from TOML; missing keys take the published defaults.

    Args:
        text: a TOML document like the one :func:`rules_to_toml` writes.

    Raises:
        RulesError: for TOML that does not parse, or a key with the wrong kind of value.

    >>> rules_from_toml('minimum_domains = 4\\n[behaviour]\\nenabled = true').behaviour.enabled
    True
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesError(f"the rules are not valid TOML: {error}") from error
    return rules_from_dict(data)
