from __future__ import annotations

import json
from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from joinedup.linkage import (
    ENGINES,
    UNREADABLE_DATES,
    EncodingError,
    ListError,
    MatchResult,
    MatchSettings,
    PersonList,
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


class Command(BaseCommand):
    help = (
        "Find the children two lists both hold. `joinedup link match OURS.csv THEIRS.csv --out pairs.csv` "
        "writes one row per pair with its match probability and how each field agreed; "
        "`joinedup link encode` and `joinedup link match-encoded` do the same without either side seeing the "
        "other's names (docs/linkage-privacy.md); `joinedup link evaluate pairs.csv truth.csv` scores pairs."
    )
    # Reads and writes files only: works on a fresh install before any migration.
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        plain = actions.add_parser("match", help="Match two person lists (CSV, XLSX or Parquet).")
        plain.add_argument("left", type=Path, metavar="LEFT", help="Our list.")
        plain.add_argument("right", type=Path, metavar="RIGHT", help="The partner's list.")
        plain.add_argument("--mapping", type=Path, metavar="FILE", help="Column names (TOML or JSON) for both lists.")
        plain.add_argument("--left-mapping", type=Path, metavar="FILE", help="Column names for LEFT only.")
        plain.add_argument("--right-mapping", type=Path, metavar="FILE", help="Column names for RIGHT only.")
        plain.add_argument(
            "--unreadable-dates",
            choices=UNREADABLE_DATES,
            default="refuse",
            help="A date of birth that is not a date: refuse the list (default) or read it as missing.",
        )
        self._match_options(plain)

        key = actions.add_parser("key-new", help="Make a secret key for encoding, to share with the partner only.")
        key.add_argument("key_file", type=Path, metavar="KEY_FILE", help="Where to write the key (must not exist).")

        encoding = actions.add_parser("encode", help="Encode a person list for privacy-preserving matching.")
        encoding.add_argument("list", type=Path, metavar="IN", help="The list (CSV, XLSX or Parquet).")
        encoding.add_argument("--key-file", required=True, type=Path, metavar="KEY", help="The shared secret key.")
        encoding.add_argument("--out", required=True, type=Path, metavar="ENC", help="Where to write the encoded list.")
        encoding.add_argument("--mapping", type=Path, metavar="FILE", help="Column names (TOML or JSON).")
        encoding.add_argument(
            "--unreadable-dates",
            choices=UNREADABLE_DATES,
            default="refuse",
            help="A date of birth that is not a date: refuse the list (default) or read it as missing.",
        )

        encoded = actions.add_parser("match-encoded", help="Match two encoded lists made with the same key.")
        encoded.add_argument("left", type=Path, metavar="LEFT_ENC", help="Our encoded list.")
        encoded.add_argument("right", type=Path, metavar="RIGHT_ENC", help="The partner's encoded list.")
        self._match_options(encoded)

        score = actions.add_parser("evaluate", help="Precision, recall and F1 of pairs against the true pairs.")
        score.add_argument("pairs", type=Path, metavar="PAIRS", help="Pairs found (CSV with left_id, right_id).")
        score.add_argument("truth", type=Path, metavar="TRUTH", help="The true pairs (CSV with left_id, right_id).")

    def _match_options(self, parser: ArgumentParser) -> None:
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

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "match":
            self._match(**options)
        elif action == "key-new":
            self._key_new(options["key_file"])
        elif action == "encode":
            self._encode(**options)
        elif action == "match-encoded":
            self._match_encoded(**options)
        elif action == "evaluate":
            self._evaluate(options["pairs"], options["truth"])

    def _match(
        self,
        *,
        left: Path,
        right: Path,
        mapping: Path | None,
        left_mapping: Path | None,
        right_mapping: Path | None,
        unreadable_dates: str,
        **options: Any,
    ) -> None:
        shared = _mapping(mapping)
        ours = self._list(left, _mapping(left_mapping) or shared, unreadable_dates)
        theirs = self._list(right, _mapping(right_mapping) or shared, unreadable_dates)
        try:
            result = match(ours, theirs, self._settings(options), progress=self._progress)
        except ValueError as error:  # the Spark engine without pyspark
            raise CommandError(str(error)) from None
        self._write(result, options["out"])

    def _key_new(self, path: Path) -> None:
        try:
            key_new(path)
        except EncodingError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Wrote a new key to {path}."))
        self.stdout.write(f"Its fingerprint, to compare with the partner's: {key_fingerprint(key_read(path))}")
        self.stdout.write("Send the key to the partner by a separate, secure route; never with a list.")

    def _encode(
        self, *, list: Path, key_file: Path, out: Path, mapping: Path | None, unreadable_dates: str, **options: Any
    ) -> None:
        try:
            key = key_read(key_file)
        except EncodingError as error:
            raise CommandError(str(error)) from None
        people = self._list(list, _mapping(mapping), unreadable_dates)
        try:
            encoded_write(encode(people.table, key), out)
        except EncodingError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror}.") from None
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {out}: {people.rows} children, encoded; no name, date or address.")
        )

    def _match_encoded(self, *, left: Path, right: Path, **options: Any) -> None:
        try:
            ours, theirs = encoded_read(left), encoded_read(right)
            result = match_encoded(ours, theirs, self._settings(options), progress=self._progress)
        except EncodingError as error:
            raise CommandError(str(error)) from None
        self._write(result, options["out"])

    def _settings(self, options: dict[str, Any]) -> MatchSettings:
        return MatchSettings(
            threshold=options["threshold"],
            one_to_one=options["one_to_one"],
            families=not options["no_families"],
            engine=options["engine"],
            spark_master=options["spark_master"],
            threads=options["threads"],
            memory_limit=options["memory_limit"],
        )

    def _list(self, path: Path, mapping: Mapping[str, str | Sequence[str]], unreadable_dates: str) -> PersonList:
        if not path.is_file():
            raise CommandError(f"The list {path} does not exist. Check the path and try again.")
        try:
            people = people_read(path, mapping=mapping, unreadable_dates=unreadable_dates)
        except ListError as error:
            hint = ""
            if "of birth" in str(error) and "not a date" in str(error) and unreadable_dates == "refuse":
                hint = " Or run again with --unreadable-dates missing to read such dates as missing."
            elif "bf_" in str(error):
                hint = " This looks like an encoded list: match encoded lists with `joinedup link match-encoded`."
            raise CommandError(f"The list cannot be used: {error}{hint}") from None
        self.stderr.write(f"{path.name}: {people.rows} children.")
        for note in people.notes:
            self.stderr.write(f"  {note}")
        return people

    def _progress(self, step: str, share: float) -> None:
        self.stderr.write(f"[{share:4.0%}] {step}")

    def _write(self, result: MatchResult, out: Path) -> None:
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
            raise CommandError(f"Cannot write {out}: {error.strerror}.") from None
        self.stdout.write(f"Candidate pairs compared: {result.candidate_pairs}")
        self.stdout.write(f"Pairs at or above {result.settings.threshold}: {result.pairs.num_rows}")
        self.stdout.write(self.style.SUCCESS(f"Wrote {out} and the model and settings to {model_path}."))

    def _evaluate(self, pairs: Path, truth: Path) -> None:
        try:
            scores = evaluate(pairs_read(pairs), pairs_read(truth))
        except ListError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"True positives: {scores.true_positives}")
        self.stdout.write(f"False positives: {scores.false_positives}")
        self.stdout.write(f"False negatives: {scores.false_negatives}")
        self.stdout.write(f"Precision: {scores.precision:.4f}")
        self.stdout.write(f"Recall: {scores.recall:.4f}")
        self.stdout.write(f"F1: {scores.f1:.4f}")


def _mapping(path: Path | None) -> dict[str, str | list[str]]:
    if path is None:
        return {}
    try:
        return mapping_read(path)
    except ListError as error:
        raise CommandError(str(error)) from None


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ArgumentTypeError(f"expected a probability between 0 and 1, such as 0.9, not ‘{text}’") from None
    if not 0 <= value <= 1:
        raise ArgumentTypeError(f"expected a probability between 0 and 1, such as 0.9, not {value}")
    return value
