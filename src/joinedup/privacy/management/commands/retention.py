from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize
from django.utils import timezone

from joinedup.accounts.models import Area
from joinedup.privacy.services import retention_apply, retention_due


class Command(BaseCommand):
    help = (
        "Apply each borough's retention rule: archive records whose last enrolment closed long enough ago, and "
        "erase archived records of children who have reached the rule's age. Run it nightly. "
        "`joinedup retention due` says what would happen without changing anything."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        for name, text in (("apply", "Archive and erase what is due."), ("due", "Say what is due; change nothing.")):
            action = actions.add_parser(name, help=text)
            action.add_argument("--area", help="Only this borough (its name); every borough if left out.")

    def handle(self, *args: Any, action: str, area: str | None = None, **options: Any) -> None:
        areas = Area.objects.order_by("name")
        if area is not None:
            areas = areas.filter(name=area)
            if not areas.exists():
                known = ", ".join(Area.objects.order_by("name").values_list("name", flat=True))
                raise CommandError(f"There is no borough called {area!r}. Boroughs: {known}.")
        today = timezone.localdate()
        for borough in areas:
            if action == "due":
                due = retention_due(borough, today=today)
                months = due.rule.archive_after_months
                self.stdout.write(
                    f"{borough.name}: {due.archive.count()} to archive, {due.erase.count()} to erase "
                    f"(archive after {months} month{pluralize(months)}, erase at {due.rule.erase_at_age})."
                )
            else:
                result = retention_apply(borough, today=today)
                self.stdout.write(
                    f"{borough.name}: archived {result.archived}, erased {result.erased} ({result.rows_erased} rows)."
                )
