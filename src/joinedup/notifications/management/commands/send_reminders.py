"""Send the day's reminders: shares about to expire, and partnership maps to confirm. Run it once a day (from
cron, say); running it again sends nothing twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from joinedup.joint.services import expiring_shares_remind
from joinedup.partnership.services import unconfirmed_remind


class Command(BaseCommand):
    help = "Remind people of plan shares about to expire, and managers of partnership map entries to confirm."

    def handle(self, *args: Any, **options: Any) -> None:
        shares = expiring_shares_remind()
        maps = unconfirmed_remind()
        self.stdout.write(
            f"Told {shares} people about shares ending within a week, and {maps} managers about their partnership map."
        )
