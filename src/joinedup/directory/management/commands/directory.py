from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from joinedup.accounts.models import Area
from joinedup.core.cli_progress import progress_bar
from joinedup.directory.services import ImportRejected, directory_import

# Enough problems to see what is wrong; the import history page lists them all.
SHOWN_PROBLEMS = 50


class Command(BaseCommand):
    help = (
        "The service directory. `joinedup directory import-oruk SOURCE --area AREA` imports an ORUK feed "
        "into a borough's directory: all of it, or nothing if any record has a problem."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        imports = actions.add_parser(
            "import-oruk",
            help="Import an ORUK feed: an API's base URL, a JSON file, or a folder (or zip) of HSDS CSV files.",
        )
        imports.add_argument(
            "source",
            metavar="SOURCE",
            help="https://… (an ORUK 3.0 or 1.0 API's base URL), a .json file, or a folder or .zip of HSDS CSV files",
        )
        imports.add_argument("--area", required=True, help="The borough whose directory it is: its name or ONS code.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "import-oruk":
            self.import_oruk(options["source"], area_given=options["area"])

    def import_oruk(self, source: str, *, area_given: str) -> None:
        area = _area(area_given)
        # A file is the same feed wherever the command is run from, so it is recorded by its full path.
        if "://" not in source and Path(source).exists():
            source = str(Path(source).resolve())
        try:
            with progress_bar(f"Importing into {area.name}", stream=sys.stderr, unit="records") as update:
                report = directory_import(source=source, area=area, progress=update)
        except ImportRejected as rejected:
            for problem in rejected.problems[:SHOWN_PROBLEMS]:
                self.stderr.write(f"  {problem}")
            hidden = len(rejected.problems) - SHOWN_PROBLEMS
            if hidden > 0:
                self.stderr.write(f"  …and {hidden:,} more on the import history page.")
            raise CommandError(str(rejected)) from rejected
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        self.stdout.write(self.style.SUCCESS(report.summary()))


def _area(given: str) -> Area:
    area = Area.objects.filter(Q(name__iexact=given.strip()) | Q(ons_code__iexact=given.strip())).first()
    if area is not None:
        return area
    known = ", ".join(f"{area.name} ({area.ons_code})" for area in Area.objects.order_by("name"))
    if not known:
        raise CommandError("There are no boroughs yet. Add one with joinedup add-area.")
    raise CommandError(f"No borough is called or coded {given!r}. The boroughs are: {known}.")
