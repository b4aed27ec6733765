from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from joinedup.core.cli_progress import progress_bar
from joinedup.geodata.services import CodepointError, codepoint_load


class Command(BaseCommand):
    help = (
        "Postcode geography. `joinedup geodata load-codepoint PATH` loads Ordnance Survey Code-Point Open, "
        "so postcodes are placed exactly rather than at their district's centre."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = actions.add_parser(
            "load-codepoint",
            help="Load Code-Point Open: the zip as downloaded (codepo_gb.zip), its Data/CSV folder, or one CSV file.",
            description="Code-Point Open is free from the Ordnance Survey: download the CSV version from "
            "https://osdatahub.os.uk/downloads/open/CodePointOpen and give the zip as PATH.",
        )
        load.add_argument("path", type=Path, metavar="PATH", help="codepo_gb.zip, its Data/CSV folder, or one CSV")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "load-codepoint":
            try:
                with progress_bar("Loading postcodes", stream=sys.stderr, unit="rows") as update:
                    report = codepoint_load(path=options["path"], progress=update)
            except CodepointError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(self.style.SUCCESS(report.summary))
