"""Send the day's reminders: shares about to expire, partnership maps to confirm, and overdue safeguarding steps.
Run it once a day (from cron, say); running it again sends nothing twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from joinedup.joint.services import expiring_shares_remind
from joinedup.partnership.services import unconfirmed_remind
from joinedup.safeguarding.services import overdue_remind


class Command(BaseCommand):
    help = (
        "Remind people of plan shares about to expire, managers of partnership map entries to confirm, and "
        "safeguarding leads of overdue decisions, referrals, chasers and outcomes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        shares = expiring_shares_remind()
        maps = unconfirmed_remind()
        safeguarding = overdue_remind()
        self.stdout.write(
            f"Told {shares} people about shares ending within a week, {maps} managers about their partnership map, "
            f"and sent {safeguarding} reminders of overdue safeguarding steps."
        )
