from __future__ import annotations

import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from joinedup.demo.generator import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = (
        "Prepare the database (migrate, load the demo boroughs once), then serve the app with a background "
        "worker beside it. Used by `make demo`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="Where to serve (default: %(default)s).")
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the demo data (default: %(default)s).")
        parser.add_argument("--no-serve", action="store_true", help="Prepare the database and stop.")

    def handle(self, *args: Any, addrport: str, seed: int, no_serve: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", seed=seed, stdout=self.stdout)
        self._print_logins(addrport)
        if no_serve:
            return
        worker = subprocess.Popen([sys.executable, "-m", "joinedup", "db_worker", "--no-reload", "--interval", "0.5"])
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)

    def _print_logins(self, addrport: str) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Joinedup is starting at http://{addrport}/"))
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for role, email in demo_logins():
            self.stdout.write(f"  {role:<32} {email}")
        if not settings.JOINEDUP_TWO_FACTOR_BY_ROLE:
            self.stdout.write(
                "Two-factor sign-in is switched off for this demonstration; a real deployment asks every role "
                "that can see a child's record for a code from an authenticator app."
            )
        self.stdout.write("Press Ctrl-C to stop.\n")
