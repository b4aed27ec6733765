"""The hashing core on plain values, with property-based tests."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from joinedup.audit.chain import GENESIS_HASH, HASHED_FIELDS, event_hash, verify_events

KEY = b"k" * 32


def make_chain(details: list[str]) -> list[dict[str, object]]:
    rows = []
    prev = GENESIS_HASH
    for i, detail in enumerate(details, start=1):
        row: dict[str, object] = dict.fromkeys(HASHED_FIELDS, "")
        row.update(seq=i, occurred_at=datetime(2026, 1, 1, tzinfo=UTC), detail={"note": detail}, prev_hash=prev)
        row["hash"] = event_hash(KEY, prev, row)
        prev = str(row["hash"])
        rows.append(row)
    return rows


@given(st.lists(st.text(max_size=20), min_size=1, max_size=20), st.data())
def test_any_single_change_is_found_at_that_event(details: list[str], data: st.DataObject) -> None:
    rows = make_chain(details)
    assert verify_events(KEY, rows, head_seq=len(rows), head_hash=str(rows[-1]["hash"])).ok
    index = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
    rows[index]["detail"] = {"note": str(rows[index]["detail"]) + "!"}
    report = verify_events(KEY, rows, head_seq=len(rows), head_hash=str(rows[-1]["hash"]))
    assert not report.ok
    assert report.broken_seq == index + 1


def test_a_different_key_does_not_verify() -> None:
    rows = make_chain(["a", "b"])
    report = verify_events(b"other", rows, head_seq=2, head_hash=str(rows[-1]["hash"]))
    assert (report.ok, report.broken_seq) == (False, 1)


def test_hash_is_stable_across_timezones() -> None:
    from zoneinfo import ZoneInfo

    row: dict[str, object] = dict.fromkeys(HASHED_FIELDS, "")
    row["occurred_at"] = datetime(2026, 6, 1, 12, tzinfo=UTC)
    london = dict(row, occurred_at=datetime(2026, 6, 1, 13, tzinfo=ZoneInfo("Europe/London")))
    assert event_hash(KEY, GENESIS_HASH, row) == event_hash(KEY, GENESIS_HASH, london)
