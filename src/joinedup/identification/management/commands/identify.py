from __future__ import annotations

import csv
import sys
import tomllib
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from joinedup.core.cli_progress import progress_bar
from joinedup.rules import RulesError, RuleSet, gc_paused, identify, rules_from_toml
from joinedup.rules.reading import ReadingError, mapping_from_file, read_pupils, write_cohort

SHOW_PROBLEMS = 20


class Command(BaseCommand):
    help = (
        "Suggest children for the programme from a school's return. `joinedup identify run --school-data FILE "
        "--out cohort.csv` applies the published rules and writes one row per pupil with the reasons."
    )
    # Reads and writes files only: works on a fresh install before any migration.
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        run = actions.add_parser("run", help="Apply the rules to a school data CSV and write the cohort CSV.")
        run.add_argument("--school-data", required=True, type=Path, metavar="FILE", help="The school's return (CSV).")
        run.add_argument("--survey", type=Path, metavar="FILE", help="The wellbeing survey (CSV), joined by UPN.")
        run.add_argument("--rules", type=Path, metavar="FILE", help="A rule set (TOML); the defaults if left out.")
        run.add_argument("--mapping", type=Path, metavar="FILE", help="Column names (TOML or JSON) where they differ.")
        run.add_argument("--out", required=True, type=Path, metavar="FILE", help="Where to write the cohort CSV.")
        run.add_argument("--accept-valid-rows", action="store_true", help="Go on without the rows that have problems.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "run":
            self._run(**options)

    def _run(
        self,
        *,
        school_data: Path,
        survey: Path | None,
        rules: Path | None,
        mapping: Path | None,
        out: Path,
        accept_valid_rows: bool,
        **options: Any,
    ) -> None:
        for label, path in (("school data", school_data), ("survey", survey), ("rules", rules), ("mapping", mapping)):
            if path is not None and not path.is_file():
                raise CommandError(f"The {label} file {path} does not exist. Check the path and try again.")
        rule_set = RuleSet()
        if rules is not None:
            try:
                rule_set = rules_from_toml(rules.read_text(encoding="utf-8"))
            except (RulesError, tomllib.TOMLDecodeError) as error:
                raise CommandError(f"The rules in {rules} cannot be used: {error}") from None
        columns: dict[str, str] = {}
        if mapping is not None:
            try:
                columns = mapping_from_file(mapping)
            except ReadingError as error:
                raise CommandError(f"The column mapping cannot be used: {error}") from None

        with gc_paused():
            self._screen(school_data, survey, columns, rule_set, out, accept_valid_rows)

    def _screen(
        self,
        school_data: Path,
        survey: Path | None,
        columns: dict[str, str],
        rule_set: RuleSet,
        out: Path,
        accept_valid_rows: bool,
    ) -> None:
        try:
            with progress_bar("Reading pupils", stream=sys.stderr) as update:
                data = read_pupils(school_data, survey, columns, progress=update)
        except (ReadingError, UnicodeDecodeError, csv.Error) as error:
            raise CommandError(f"The data cannot be read: {error}") from None
        problems = data.problems
        if problems and not accept_valid_rows:
            listed = "\n".join(f"  {problem}" for problem in problems[:SHOW_PROBLEMS])
            more = f"\n  … and {len(problems) - SHOW_PROBLEMS} more." if len(problems) > SHOW_PROBLEMS else ""
            raise CommandError(
                f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the data; nothing was written:\n"
                f"{listed}{more}\n"
                "Correct the file, or run again with --accept-valid-rows to screen only the rows without problems."
            )

        results = identify(data.pupils, rule_set)
        try:
            write_cohort(out, results)
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror}.") from None

        proposed = sum(result.proposed for result in results)
        social_care = sum(result.route == "social_care" for result in results)
        self.stdout.write(f"Rules: {rule_set.area}, version {rule_set.version}.")
        self.stdout.write(f"Pupils screened: {len(results)}")
        self.stdout.write(f"Proposed for the programme: {proposed}")
        self.stdout.write(f"On the social care list: {social_care}")
        self.stdout.write(f"Rows with problems (left out): {len({(p.file, p.row) for p in problems})}")
        self.stdout.write(self.style.SUCCESS(f"Wrote {out}."))
