"""`joinedup link`: match plain and encoded lists from files, score the pairs, and refuse bad input."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from joinedup.linkage import paired_lists


def run(*args: str) -> str:
    out = StringIO()
    call_command("link", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    left, right, truth = paired_lists(2500, 2000, overlap=0.6, seed=3).write(tmp_path_factory.mktemp("lists"))
    return left, right, truth


def test_match_writes_pairs_with_their_reasons_and_the_model(lists: tuple[Path, Path, Path], tmp_path: Path) -> None:
    left, right, truth = lists
    out = tmp_path / "pairs.csv"
    printed = run("match", str(left), str(right), "--out", str(out), "--one-to-one", "--threshold", "0.9")

    assert "Pairs at or above 0.9:" in printed
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:4] == ["left_id", "right_id", "match_probability", "match_weight"]
    assert {"forename", "surname", "dob", "postcode", "address"} <= set(rows[0])
    assert all(float(row["match_probability"]) >= 0.9 for row in rows)
    assert len({row["left_id"] for row in rows}) == len(rows) == len({row["right_id"] for row in rows})
    model = json.loads(out.with_suffix(".model.json").read_text(encoding="utf-8"))
    assert model["settings"]["threshold"] == 0.9
    assert model["splink_model"]["comparisons"]

    scored = run("evaluate", str(out), str(truth))
    assert float(scored.splitlines()[-1].removeprefix("F1: ")) >= 0.97


def test_encoded_lists_match_without_a_plain_value_leaving(lists: tuple[Path, Path, Path], tmp_path: Path) -> None:
    left, right, truth = lists
    key = tmp_path / "agreement.key"
    assert "fingerprint" in run("key-new", str(key))
    with pytest.raises(CommandError, match="already"):
        run("key-new", str(key))
    ours, theirs = tmp_path / "ours.parquet", tmp_path / "theirs.parquet"
    run("encode", str(left), "--key-file", str(key), "--out", str(ours))
    run("encode", str(right), "--key-file", str(key), "--out", str(theirs))
    with left.open(encoding="utf-8") as handle:
        surnames = {row["surname"] for row in csv.DictReader(handle) if len(row["surname"]) > 6}
    encoded = ours.read_bytes().lower()
    assert [surname for surname in surnames if surname.lower().encode() in encoded] == []

    out = tmp_path / "pairs.csv"
    run("match-encoded", str(ours), str(theirs), "--out", str(out), "--one-to-one")
    scored = run("evaluate", str(out), str(truth))
    assert float(scored.splitlines()[-1].removeprefix("F1: ")) >= 0.95


def test_lists_encoded_with_different_keys_are_refused(lists: tuple[Path, Path, Path], tmp_path: Path) -> None:
    left, right, _ = lists
    for name in ("one", "two"):
        run("key-new", str(tmp_path / f"{name}.key"))
    run("encode", str(left), "--key-file", str(tmp_path / "one.key"), "--out", str(tmp_path / "a.parquet"))
    run("encode", str(right), "--key-file", str(tmp_path / "two.key"), "--out", str(tmp_path / "b.parquet"))
    with pytest.raises(CommandError, match="key"):
        run("match-encoded", str(tmp_path / "a.parquet"), str(tmp_path / "b.parquet"), "--out", str(tmp_path / "p.csv"))
    assert not (tmp_path / "p.csv").exists()


def test_bad_input_is_refused_with_a_clear_reason_and_writes_nothing(
    lists: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    left, _, _ = lists
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name\n1,Ann\n", encoding="utf-8")
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError, match="has no ‘record_id’ or ‘forenames’ or ‘surname’ or ‘date_of_birth’"):
        run("match", str(left), str(bad), "--out", str(out))
    with pytest.raises(CommandError, match="does not exist"):
        run("match", str(left), str(tmp_path / "missing.csv"), "--out", str(out))
    with pytest.raises(CommandError, match="expected a probability between 0 and 1"):
        run("match", str(left), str(left), "--out", str(out), "--threshold", "2")
    with pytest.raises(CommandError, match="has no left_id or right_id column"):
        run("evaluate", str(bad), str(bad))
    assert not out.exists()
