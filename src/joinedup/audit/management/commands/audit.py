from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from joinedup.audit.services import audit_verify
from joinedup.core.cli_progress import progress_bar


class Command(BaseCommand):
    help = (
        "Work with the audit log. `joinedup audit verify` re-computes the hash chain and reports the first broken link."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("verify", help="Re-compute the chain and report the first broken link.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "verify":
            with progress_bar("Checking audit events", stream=sys.stderr, unit="events") as update:
                report = audit_verify(progress=update)
            if not report.ok:
                raise CommandError(
                    f"The audit log is broken at event #{report.broken_seq}: {report.reason}. "
                    f"{report.checked} events before it check out."
                )
            self.stdout.write(self.style.SUCCESS(f"The audit log is intact: all {report.checked} events check out."))
