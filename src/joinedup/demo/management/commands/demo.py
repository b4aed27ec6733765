from __future__ import annotations

import socket
import subprocess
import sys
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from joinedup.demo.generator import DEMO_PASSWORD, demo_logins


def _port_check(addrport: str) -> None:
    """Refuse to start when the address is taken: the server would stop at once and leave the worker behind."""
    host, _, port = addrport.rpartition(":")
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        # As the server will: a port a stopped demo left waiting to close is free, one in use is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]") or "127.0.0.1", int(port)))
        except OSError:
            raise CommandError(
                f"Something is already using {addrport} (another Joinedup demo?). Stop it, or serve on another "
                f"port: make demo PORT={int(port) + 1}"
            ) from None
        except ValueError:
            raise CommandError(f"{addrport} is not an address and port, like 127.0.0.1:8000.") from None


class _Worker:
    """The background worker beside the demo's server, started again if it stops (it is killed, say)."""

    def __init__(self, stdout: OutputWrapper) -> None:
        self._stdout = stdout
        self._stopping = threading.Event()
        self._process = self._start()
        threading.Thread(target=self._watch, daemon=True).start()

    def _start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "joinedup", "db_worker", "--no-reload", "--interval", "0.5"])

    def _watch(self) -> None:
        while not self._stopping.wait(1.0):
            if self._process.poll() is not None and not self._stopping.is_set():
                self._stdout.write("The background worker stopped; starting it again.")
                self._process = self._start()

    def stop(self) -> None:
        self._stopping.set()
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()


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
        if not no_serve:
            _port_check(addrport)  # before anything else: a taken port is found in a second, not after the set-up
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", seed=seed, stdout=self.stdout)
        self._print_logins(addrport)
        if no_serve:
            return
        worker = _Worker(self.stdout)
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.stop()

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
