"""``joinedup link``: match, encode and score person lists from files, on the command line.

Pure, like the rest of the core: argparse and ``joinedup.linkage``, no Django, no database and no
settings, so it runs as it is on a fresh install or on a partner's machine. ``joinedup.cli`` hands
``joinedup link ...`` here before anything of Django is loaded.

>>> main(["evaluate", "no-such-pairs.csv", "no-such-truth.csv"])  # says why on stderr
1
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser, ArgumentTypeError, Namespace
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final, NoReturn

from joinedup.linkage import (
    ENGINES,
    UNREADABLE_DATES,
    EncodingError,
    ListError,
    MatchResult,
    MatchSettings,
    PersonList,
    UnreadableDates,
    encode,
    encoded_read,
    encoded_write,
    evaluate,
    key_fingerprint,
    key_new,
    key_read,
    mapping_read,
    match,
    match_encoded,
    pairs_read,
    pairs_write,
    people_read,
)

__all__ = ["FEWEST_TO_LEARN_FROM", "main"]

#: A list shorter than this gives the model too little to learn from, so every pair needs a person.
#: The app holds back automatic confirmation by the same figure (its JOINEDUP_AUTO_CONFIRM_FEWEST
#: setting); the command line cannot read settings, so it is repeated here.
FEWEST_TO_LEARN_FROM: Final = 50

PROG: Final = "joinedup link"
DESCRIPTION: Final = (
    "Find the children two lists both hold. `joinedup link match OURS.csv THEIRS.csv --out pairs.csv` "
    "writes one row per pair with its match probability and how each field agreed; "
    "`joinedup link encode` and `joinedup link match-encoded` do the same without either side seeing the "
    "other's names (docs/linkage-privacy.md); `joinedup link evaluate pairs.csv truth.csv` scores pairs."
)

# Exit codes: 0 done, 1 the input or an output was refused, 2 the command line itself was wrong.
_REFUSED: Final = 1
_BAD_ARGUMENTS: Final = 2


class Refused(Exception):
    """Why a command cannot go on, for the person who ran it: printed on one line, never a traceback."""


class _Parser(ArgumentParser):
    """argparse, with a mistake in the command line told on one line rather than under the usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(_BAD_ARGUMENTS, f"{self.prog}: {message}. `{self.prog} --help` lists what it takes.\n")


def main(argv: list[str]) -> int:
    """Run ``joinedup link`` with ``argv`` (the words after ``link``) and return the exit code.

    Results go to stdout, progress and warnings to stderr; a refusal (a list that cannot be used, a
    wrong key, a file that cannot be written, a mistake in the arguments) is one line on stderr.

    Args:
        argv: such as ``["match", "ours.csv", "theirs.csv", "--out", "pairs.csv"]``.

    Returns:
        0 when done, 1 when the input or an output was refused, 2 when the arguments are wrong.
    """
    parser = parser_build()
    try:
        options = parser.parse_args(argv)
    except SystemExit as stop:  # --help (0) or a mistake in the arguments (2), already printed
        return stop.code if isinstance(stop.code, int) else _BAD_ARGUMENTS
    try:
        _ACTIONS[options.action](options)
    except Refused as refusal:
        print(f"{PROG} {options.action}: {refusal}", file=sys.stderr)
        return _REFUSED
    return 0


def parser_build() -> ArgumentParser:
    """The argument parser of ``joinedup link``, with one sub-command per action."""
    parser = _Parser(prog=PROG, description=DESCRIPTION)
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    plain = actions.add_parser("match", help="Match two person lists (CSV, XLSX or Parquet).")
    plain.add_argument("left", type=Path, metavar="LEFT", help="Our list.")
    plain.add_argument("right", type=Path, metavar="RIGHT", help="The partner's list.")
    plain.add_argument(
        "--mapping", type=Path, metavar="FILE", help="Column names (TOML or JSON) for both lists, named the same."
    )
    plain.add_argument("--left-mapping", type=Path, metavar="FILE", help="Column names for LEFT only.")
    plain.add_argument("--right-mapping", type=Path, metavar="FILE", help="Column names for RIGHT only.")
    _unreadable_dates_option(plain)
    _match_options(plain)

    key = actions.add_parser("key-new", help="Make a secret key for encoding, to share with the partner only.")
    key.add_argument("key_file", type=Path, metavar="KEY_FILE", help="Where to write the key (must not exist).")

    encoding = actions.add_parser("encode", help="Encode a person list for privacy-preserving matching.")
    encoding.add_argument("list", type=Path, metavar="IN", help="The list (CSV, XLSX or Parquet).")
    encoding.add_argument("--key-file", required=True, type=Path, metavar="KEY", help="The shared secret key.")
    encoding.add_argument(
        "--out", required=True, type=Path, metavar="ENC", help="Where to write the encoded list (.parquet)."
    )
    encoding.add_argument("--mapping", type=Path, metavar="FILE", help="Column names (TOML or JSON).")
    _unreadable_dates_option(encoding)

    encoded = actions.add_parser("match-encoded", help="Match two encoded lists made with the same key.")
    encoded.add_argument("left", type=Path, metavar="LEFT_ENC", help="Our encoded list.")
    encoded.add_argument("right", type=Path, metavar="RIGHT_ENC", help="The partner's encoded list.")
    _match_options(encoded)

    score = actions.add_parser("evaluate", help="Precision, recall and F1 of pairs against the true pairs.")
    score.add_argument("pairs", type=Path, metavar="PAIRS", help="Pairs found (CSV with left_id, right_id).")
    score.add_argument("truth", type=Path, metavar="TRUTH", help="The true pairs (CSV with left_id, right_id).")
    return parser


def _unreadable_dates_option(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--unreadable-dates",
        choices=UNREADABLE_DATES,
        default="refuse",
        help="A date of birth that is not a date: refuse the list (default) or read it as missing.",
    )


def _match_options(parser: ArgumentParser) -> None:
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help="Where to write the pairs (CSV).")
    parser.add_argument(
        "--threshold",
        type=_probability,
        default=MatchSettings().threshold,
        metavar="P",
        help=f"Report pairs with a match probability of at least P (default {MatchSettings().threshold}).",
    )
    parser.add_argument("--one-to-one", action="store_true", help="Pair each record with at most one other.")
    parser.add_argument(
        "--no-families",
        action="store_true",
        help="The lists hold no families together: report a pair that shares surname and home but not "
        "first name or date of birth (by default such a pair is a brother or sister, never reported).",
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="duckdb",
        help="duckdb (default: this machine) or spark (a cluster; install the spark extra).",
    )
    parser.add_argument("--spark-master", metavar="URL", help="The Spark master, such as spark://host:7077.")
    parser.add_argument("--threads", type=int, metavar="N", help="Threads to use (default: every core).")
    parser.add_argument("--memory-limit", metavar="SIZE", help="Memory to use at most, such as 3GB.")


# --- the actions ----------------------------------------------------------------------------------


def _match(options: Namespace) -> None:
    _folder_check(options.out)
    shared = _mapping(options.mapping)
    ours = _list(options.left, _mapping(options.left_mapping) or shared, options, shared=not options.left_mapping)
    theirs = _list(options.right, _mapping(options.right_mapping) or shared, options, shared=not options.right_mapping)
    try:
        result = match(ours, theirs, _settings(options), progress=_progress)
    except ValueError as error:  # the Spark engine without pyspark
        raise Refused(str(error)) from None
    _write(result, options.out)
    _few_warn([(options.left.name, ours.rows), (options.right.name, theirs.rows)])


def _key_new(options: Namespace) -> None:
    path: Path = options.key_file
    _folder_check(path)
    try:
        key_new(path)
        fingerprint = key_fingerprint(key_read(path))
    except EncodingError as error:
        raise Refused(str(error)) from None
    print(f"Wrote a new key to {path}.")
    print(f"Its fingerprint, to compare with the partner's: {fingerprint}")
    print("Send the key to the partner by a separate, secure route; never with a list.")


def _encode(options: Namespace) -> None:
    out: Path = options.out
    # Matching reads an encoded list as Parquet whatever its name: a .csv name would mislead whoever opens it.
    if out.suffix.lower() != ".parquet":
        raise Refused(
            f"An encoded list is written as Parquet: give --out a name ending in .parquet, such as "
            f"{out.with_suffix('.parquet').name}, not {out.name}."
        )
    _folder_check(out)
    try:
        key = key_read(options.key_file)
        fingerprint = key_fingerprint(key)
    except EncodingError as error:
        raise Refused(str(error)) from None
    people = _list(options.list, _mapping(options.mapping), options, shared=False)
    try:
        encoded_write(encode(people.table, key), out)
    except EncodingError as error:
        raise Refused(str(error)) from None
    except OSError as error:
        raise Refused(f"Cannot write {out}: {error.strerror}.") from None
    print(f"Wrote {out}: {people.rows} children, encoded; no name, date or address.")
    print(f"The key's fingerprint, to compare with the partner's: {fingerprint}")


def _match_encoded(options: Namespace) -> None:
    _folder_check(options.out)
    try:
        ours, theirs = encoded_read(options.left), encoded_read(options.right)
        result = match_encoded(ours, theirs, _settings(options), progress=_progress)
    except (EncodingError, ValueError) as error:  # ValueError: the Spark engine without pyspark
        raise Refused(str(error)) from None
    _write(result, options.out)
    _few_warn([(options.left.name, ours.num_rows), (options.right.name, theirs.num_rows)])


def _evaluate(options: Namespace) -> None:
    try:
        found, truth = pairs_read(options.pairs), pairs_read(options.truth)
    except ListError as error:
        raise Refused(str(error)) from None
    # With no true pairs every score is 0/0; printing 1.0 for it would pass any set of pairs.
    if not truth:
        raise Refused(
            f"{options.truth.name} holds no pairs: nothing to score against."
            " A truth file has one row per true pair under the columns left_id and right_id."
        )
    scores = evaluate(found, truth)
    print(f"True positives: {scores.true_positives}")
    print(f"False positives: {scores.false_positives}")
    print(f"False negatives: {scores.false_negatives}")
    print(f"Precision: {scores.precision:.4f}")
    print(f"Recall: {scores.recall:.4f}")
    print(f"F1: {scores.f1:.4f}")


_ACTIONS: Final = {
    "match": _match,
    "key-new": _key_new,
    "encode": _encode,
    "match-encoded": _match_encoded,
    "evaluate": _evaluate,
}


# --- helpers --------------------------------------------------------------------------------------


def _settings(options: Namespace) -> MatchSettings:
    return MatchSettings(
        threshold=options.threshold,
        one_to_one=options.one_to_one,
        families=not options.no_families,
        engine=options.engine,
        spark_master=options.spark_master,
        threads=options.threads,
        memory_limit=options.memory_limit,
    )


def _list(path: Path, mapping: Mapping[str, str | Sequence[str]], options: Namespace, *, shared: bool) -> PersonList:
    """The list at ``path``; ``shared`` when its mapping (if any) came from --mapping, given for both lists."""
    if not path.is_file():
        raise Refused(f"The list {path} does not exist. Check the path and try again.")
    try:
        people = people_read(path, mapping=mapping, unreadable_dates=options.unreadable_dates)
    except ListError as error:
        raise Refused(f"The list cannot be used: {error}{_hint(error, options, shared=shared)}") from None
    print(f"{path.name}: {people.rows} children.", file=sys.stderr)
    for note in people.notes:
        print(f"  {note}", file=sys.stderr)
    return people


def _hint(error: ListError, options: Namespace, *, shared: bool) -> str:
    """What to try next, for the mistakes people make most."""
    message = str(error)
    if isinstance(error, UnreadableDates):
        return " Or run again with --unreadable-dates missing to read such dates as missing."
    if "bf_" in message:
        return " This looks like an encoded list: match encoded lists with `joinedup link match-encoded`."
    if "which the column mapping gives" in message and shared and options.action == "match":
        return (
            " --mapping applies to both lists: when only one list's columns are named otherwise, give its"
            " mapping with --left-mapping or --right-mapping."
        )
    return ""


def _mapping(path: Path | None) -> dict[str, str | list[str]]:
    if path is None:
        return {}
    try:
        return mapping_read(path)
    except ListError as error:
        raise Refused(str(error)) from None


def _folder_check(path: Path) -> None:
    """Refuse an output whose folder does not exist, before any work: a typo should not make folders."""
    folder = path.parent
    if not folder.is_dir():
        raise Refused(f"Cannot write {path}: there is no folder {folder}. Check the path, or make the folder first.")


def _progress(step: str, share: float) -> None:
    print(f"[{share:4.0%}] {step}", file=sys.stderr)


def _write(result: MatchResult, out: Path) -> None:
    model_path = out.with_suffix(".model.json")
    try:
        pairs_write(out, result.pairs)
        model_path.write_text(
            json.dumps(
                {
                    "settings": json.loads(result.settings.to_json()),
                    "candidate_pairs": result.candidate_pairs,
                    "timings_seconds": result.timings,
                    "splink_model": result.model,
                },
                indent=2,
            ),
            encoding="utf-8",
        )
    except OSError as error:
        raise Refused(f"Cannot write {out}: {error.strerror}.") from None
    print(f"Candidate pairs compared: {result.candidate_pairs}")
    print(f"Pairs at or above {result.settings.threshold}: {result.pairs.num_rows}")
    print(f"Wrote {out} and the model and settings to {model_path}.")


def _few_warn(rows: Sequence[tuple[str, int]]) -> None:
    """Warn when a list is too short for the model's probabilities to be trusted on their own."""
    if min(count for _, count in rows) >= FEWEST_TO_LEARN_FROM:
        return
    counts = ", ".join(f"{name}: {count}" for name, count in rows)
    print(
        f"Warning: a list of fewer than {FEWEST_TO_LEARN_FROM} children gives the model too little to learn"
        f" from ({counts}): have a person check every pair before acting on it.",
        file=sys.stderr,
    )


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ArgumentTypeError(f"expected a probability between 0 and 1, such as 0.9, not ‘{text}’") from None
    if not 0 <= value <= 1:
        raise ArgumentTypeError(f"expected a probability between 0 and 1, such as 0.9, not {value}")
    return value
