"""Hashing and verifying the audit chain. Plain functions over plain values."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64

# The fields that the hash covers, in a fixed order. Adding a field here
# changes every hash, so a new field needs a new chain version.
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "user_id",
    "actor_email",
    "organisation_id",
    "area_id",
    "role",
    "action",
    "record_type",
    "record_id",
    "child_id",
    "purpose",
    "request_id",
    "detail",
)


def canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def event_hash(key: bytes, prev_hash: str, fields: dict[str, Any]) -> str:
    """HMAC-SHA256 over the previous hash and the event's fields, as canonical JSON."""
    payload = json.dumps(
        [prev_hash, [[name, canonical(fields[name])] for name in HASHED_FIELDS]],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class VerifyReport:
    checked: int
    ok: bool
    broken_seq: int | None = None
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"checked": self.checked, "ok": self.ok, "broken_seq": self.broken_seq, "reason": self.reason}


def verify_events(
    key: bytes,
    rows: Iterable[dict[str, Any]],
    *,
    head_seq: int,
    head_hash: str,
    progress: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Walk events in sequence order and report the first broken link.

    ``rows`` are dicts holding ``HASHED_FIELDS`` plus ``prev_hash`` and ``hash``.
    """
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for row in rows:
        seq = row["seq"]
        if seq != expected_seq:
            return VerifyReport(checked, False, expected_seq, f"event #{expected_seq} is missing (found #{seq} next)")
        if row["prev_hash"] != prev_hash:
            return VerifyReport(checked, False, seq, f"event #{seq} does not follow on from event #{seq - 1}")
        if event_hash(key, prev_hash, row) != row["hash"]:
            return VerifyReport(checked, False, seq, f"event #{seq} has been altered since it was written")
        prev_hash = row["hash"]
        expected_seq += 1
        checked += 1
        if progress is not None and checked % 1000 == 0:
            progress(checked)
    if progress is not None:
        progress(checked)
    if checked < head_seq:
        return VerifyReport(
            checked,
            False,
            checked + 1,
            f"the log ends at event #{checked} but {head_seq} events were written: events were removed from the end",
        )
    if checked > head_seq or prev_hash != head_hash:
        return VerifyReport(
            checked,
            False,
            head_seq + 1,
            f"events after #{head_seq} were written outside the app",
        )
    return VerifyReport(checked, True)
