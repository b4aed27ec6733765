"""`joinedup link`: match plain and encoded lists from files, score the pairs, and refuse bad input.

Most tests call ``joinedup.linkage.cli.main`` in this process; those at the end run the installed
``joinedup`` command with no Django settings, secret or database in its environment."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest

from joinedup.linkage import paired_lists
from joinedup.linkage.cli import FEWEST_TO_LEARN_FROM, main

JOINEDUP = Path(sys.executable).parent / "joinedup"
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


def run(*args: str) -> Ran:
    out, err = StringIO(), StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return Ran(code, out.getvalue(), err.getvalue())


def done(*args: str) -> str:
    """What a command that must succeed printed on stdout."""
    ran = run(*args)
    assert ran.code == 0, ran.err
    return ran.out


def refused(*args: str, code: int = 1) -> str:
    """The one line saying why a refused command stopped: the last on stderr, after any progress."""
    ran = run(*args)
    assert ran.code == code, ran.out + ran.err
    assert ran.out == ""
    reason = ran.err.splitlines()[-1]
    assert reason.startswith("joinedup link"), ran.err
    return reason


def fingerprint(printed: str) -> str:
    return next(line for line in printed.splitlines() if "fingerprint" in line).split()[-1].rstrip(":.")


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    left, right, truth = paired_lists(2500, 2000, overlap=0.6, seed=3).write(tmp_path_factory.mktemp("lists"))
    return left, right, truth


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    left, right, truth = paired_lists(30, 30, overlap=0.6, seed=3).write(tmp_path_factory.mktemp("small"))
    return left, right, truth


def test_match_writes_pairs_with_their_reasons_and_the_model(lists: tuple[Path, Path, Path], tmp_path: Path) -> None:
    left, right, truth = lists
    out = tmp_path / "pairs.csv"
    ran = run("match", str(left), str(right), "--out", str(out), "--one-to-one", "--threshold", "0.9")

    assert ran.code == 0, ran.err
    assert "Pairs at or above 0.9:" in ran.out
    assert "left.csv: 2500 children." in ran.err
    assert "too little to learn from" not in ran.err
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:4] == ["left_id", "right_id", "match_probability", "match_weight"]
    assert {"forename", "surname", "dob", "postcode", "address"} <= set(rows[0])
    assert all(float(row["match_probability"]) >= 0.9 for row in rows)
    assert len({row["left_id"] for row in rows}) == len(rows) == len({row["right_id"] for row in rows})
    model = json.loads(out.with_suffix(".model.json").read_text(encoding="utf-8"))
    assert model["settings"]["threshold"] == 0.9
    assert model["splink_model"]["comparisons"]

    scored = done("evaluate", str(out), str(truth))
    assert float(scored.splitlines()[-1].removeprefix("F1: ")) >= 0.97


def test_encoded_lists_match_without_a_plain_value_leaving(lists: tuple[Path, Path, Path], tmp_path: Path) -> None:
    left, right, truth = lists
    key = tmp_path / "agreement.key"
    made = done("key-new", str(key))
    assert "fingerprint" in made
    assert "already" in refused("key-new", str(key))
    ours, theirs = tmp_path / "ours.parquet", tmp_path / "theirs.parquet"
    encoded_ours = done("encode", str(left), "--key-file", str(key), "--out", str(ours))
    encoded_theirs = done("encode", str(right), "--key-file", str(key), "--out", str(theirs))
    # Both parties can read the fingerprint out by phone and see they used the key that was made.
    assert fingerprint(made) == fingerprint(encoded_ours) == fingerprint(encoded_theirs)
    assert len(fingerprint(made)) == 16
    with left.open(encoding="utf-8") as handle:
        surnames = {row["surname"] for row in csv.DictReader(handle) if len(row["surname"]) > 6}
    encoded = ours.read_bytes().lower()
    assert [surname for surname in surnames if surname.lower().encode() in encoded] == []

    out = tmp_path / "pairs.csv"
    ran = run("match-encoded", str(ours), str(theirs), "--out", str(out), "--one-to-one")
    assert ran.code == 0, ran.err
    assert "too little to learn from" not in ran.err
    scored = done("evaluate", str(out), str(truth))
    assert float(scored.splitlines()[-1].removeprefix("F1: ")) >= 0.95


def test_lists_encoded_with_different_keys_are_refused(lists: tuple[Path, Path, Path], tmp_path: Path) -> None:
    left, right, _ = lists
    for name in ("one", "two"):
        done("key-new", str(tmp_path / f"{name}.key"))
    done("encode", str(left), "--key-file", str(tmp_path / "one.key"), "--out", str(tmp_path / "a.parquet"))
    done("encode", str(right), "--key-file", str(tmp_path / "two.key"), "--out", str(tmp_path / "b.parquet"))
    ran = run(
        "match-encoded", str(tmp_path / "a.parquet"), str(tmp_path / "b.parquet"), "--out", str(tmp_path / "p.csv")
    )
    assert ran.code == 1
    assert "key" in ran.err.splitlines()[-1]
    assert not (tmp_path / "p.csv").exists()


def test_bad_input_is_refused_with_a_clear_reason_and_writes_nothing(
    lists: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    left, _, _ = lists
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name\n1,Ann\n", encoding="utf-8")
    out = tmp_path / "pairs.csv"
    assert "has no ‘record_id’, ‘forenames’, ‘surname’ or ‘date_of_birth’ column" in refused(
        "match", str(left), str(bad), "--out", str(out)
    )
    assert "does not exist" in refused("match", str(left), str(tmp_path / "missing.csv"), "--out", str(out))
    assert "expected a probability between 0 and 1" in refused(
        "match", str(left), str(left), "--out", str(out), "--threshold", "2", code=2
    )
    assert "has no left_id or right_id column" in refused("evaluate", str(bad), str(bad))
    assert "the following arguments are required: --out" in refused("match", str(left), str(left), code=2)
    assert "invalid choice: 'matchh'" in refused("matchh", code=2)
    assert not out.exists()


def test_a_date_of_birth_that_is_not_a_date_suggests_reading_it_as_missing(tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("record_id,forenames,surname,date_of_birth\n1,Ann,Lee,31/02/2015\n", encoding="utf-8")

    message = refused("encode", str(odd), "--key-file", str(tmp_path / "k.key"), "--out", str(tmp_path / "o.parquet"))
    assert "no key file" in message
    done("key-new", str(tmp_path / "k.key"))
    message = refused("encode", str(odd), "--key-file", str(tmp_path / "k.key"), "--out", str(tmp_path / "o.parquet"))
    assert "--unreadable-dates missing" in message
    assert not (tmp_path / "o.parquet").exists()


def test_a_mapping_for_one_list_goes_with_left_or_right_mapping(small: tuple[Path, Path, Path], tmp_path: Path) -> None:
    left, right, _ = small
    # The partner calls its columns otherwise; ours uses the standard names.
    renamed = tmp_path / "theirs.csv"
    header, *rows = right.read_text(encoding="utf-8").splitlines()
    renamed.write_text("\n".join([header.replace('"forenames"', '"First names"'), *rows]) + "\n", encoding="utf-8")
    mapping = tmp_path / "theirs.toml"
    mapping.write_text('forenames = "First names"\n', encoding="utf-8")
    out = tmp_path / "pairs.csv"

    message = refused("match", str(left), str(renamed), "--mapping", str(mapping), "--out", str(out))
    assert "left.csv has no ‘First names’ column" in message
    assert "--mapping applies to both lists" in message
    assert "--right-mapping" in message
    assert not out.exists()

    done("match", str(left), str(renamed), "--right-mapping", str(mapping), "--out", str(out))
    assert out.exists()


def test_lists_too_short_to_learn_from_are_matched_with_a_warning(
    small: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    left, right, _ = small
    ran = run("match", str(left), str(right), "--out", str(tmp_path / "pairs.csv"))
    assert ran.code == 0, ran.err
    warning = ran.err.splitlines()[-1]
    assert warning.startswith(f"Warning: a list of fewer than {FEWEST_TO_LEARN_FROM} children")
    assert "left.csv: 30, right.csv: 30" in warning
    assert "have a person check every pair" in warning

    key = tmp_path / "k.key"
    done("key-new", str(key))
    for name, path in (("ours", left), ("theirs", right)):
        done("encode", str(path), "--key-file", str(key), "--out", str(tmp_path / f"{name}.parquet"))
    ran = run(
        "match-encoded",
        str(tmp_path / "ours.parquet"),
        str(tmp_path / "theirs.parquet"),
        "--out",
        str(tmp_path / "encoded.csv"),
    )
    assert ran.code == 0, ran.err
    assert "too little to learn from (ours.parquet: 30, theirs.parquet: 30)" in ran.err.splitlines()[-1]


def test_encode_refuses_an_out_that_is_not_parquet(small: tuple[Path, Path, Path], tmp_path: Path) -> None:
    left, _, _ = small
    key = tmp_path / "k.key"
    done("key-new", str(key))

    message = refused("encode", str(left), "--key-file", str(key), "--out", str(tmp_path / "y.csv"))
    assert "give --out a name ending in .parquet, such as y.parquet" in message
    assert not (tmp_path / "y.csv").exists()


def test_an_out_into_a_missing_folder_is_refused_and_no_folder_is_made(
    small: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    left, right, _ = small
    missing = tmp_path / "no" / "such"
    key = tmp_path / "k.key"
    done("key-new", str(key))
    done("encode", str(left), "--key-file", str(key), "--out", str(tmp_path / "ours.parquet"))

    for args in (
        ("match", str(left), str(right), "--out", str(missing / "pairs.csv")),
        ("encode", str(left), "--key-file", str(key), "--out", str(missing / "ours.parquet")),
        (
            "match-encoded",
            str(tmp_path / "ours.parquet"),
            str(tmp_path / "ours.parquet"),
            "--out",
            str(missing / "p.csv"),
        ),
        ("key-new", str(missing / "k.key")),
    ):
        assert f"there is no folder {missing}" in refused(*args)
    assert not (tmp_path / "no").exists()


def test_evaluate_refuses_a_truth_file_with_no_pairs(tmp_path: Path) -> None:
    pairs, truth = tmp_path / "pairs.csv", tmp_path / "truth.csv"
    pairs.write_text("left_id,right_id\nL1,R1\n", encoding="utf-8")
    truth.write_text("left_id,right_id\n", encoding="utf-8")

    assert "truth.csv holds no pairs: nothing to score against" in refused("evaluate", str(pairs), str(truth))


# --- the installed command, with no Django configuration ------------------------------------------


def joinedup(*args: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    unset = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    env = {name: value for name, value in os.environ.items() if name not in unset} | extra
    return subprocess.run([JOINEDUP, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def test_the_command_runs_with_no_settings_secret_or_database(small: tuple[Path, Path, Path], tmp_path: Path) -> None:
    left, right, truth = small
    for args in (("link", "--help"), ("help", "link")):
        helped = joinedup(*args, cwd=tmp_path)
        assert helped.returncode == 0, helped.stderr
        assert helped.stdout.startswith("usage: joinedup link [-h] ACTION ...")
        assert "match-encoded" in helped.stdout

    matched = joinedup("link", "match", str(left), str(right), "--out", "pairs.csv", "--one-to-one", cwd=tmp_path)
    assert matched.returncode == 0, matched.stderr
    assert "Wrote pairs.csv" in matched.stdout
    assert "E180" not in matched.stderr
    assert "too little to learn from" in matched.stderr
    scored = joinedup("link", "evaluate", "pairs.csv", str(truth), cwd=tmp_path)
    assert scored.returncode == 0, scored.stderr
    assert scored.stdout.splitlines()[-1].startswith("F1: ")


def test_the_command_refuses_on_one_line_without_a_traceback(tmp_path: Path) -> None:
    missing = joinedup("link", "match", "ours.csv", "theirs.csv", "--out", "pairs.csv", cwd=tmp_path)
    assert missing.returncode == 1
    assert missing.stderr == "joinedup link match: The list ours.csv does not exist. Check the path and try again.\n"

    wrong = joinedup("link", "match", "ours.csv", "theirs.csv", "--threshold", "2", cwd=tmp_path)
    assert wrong.returncode == 2
    assert len(wrong.stderr.splitlines()) == 1
    assert "Traceback" not in wrong.stderr


def test_the_command_loads_nothing_of_django(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from joinedup import cli\n"
        "try:\n"
        "    cli.main(['joinedup', 'link', '--help'])\n"
        "except SystemExit as stop:\n"
        "    assert stop.code == 0, stop.code\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'django'}))\n"
    )
    unset = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    env = {name: value for name, value in os.environ.items() if name not in unset}
    ran = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines()[-1] == "[]"


def test_the_general_help_lists_the_link_command(tmp_path: Path) -> None:
    listed = joinedup("help", cwd=ROOT, DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert listed.returncode == 0, listed.stderr
    assert "[linkage]\n    link" in listed.stdout
    names = joinedup("help", "--commands", cwd=ROOT, DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert "link" in names.stdout.splitlines()
