from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from joinedup.accounts.services import area_create


class Command(BaseCommand):
    help = "Add a borough (local authority): joinedup add-area Brent --ons-code E09000005"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", help="The borough's name, as people know it.")
        parser.add_argument("--ons-code", required=True, help="Its ONS code, a letter and eight digits.")

    def handle(self, *args: Any, name: str, ons_code: str, **options: Any) -> None:
        try:
            area = area_create(name=name, ons_code=ons_code)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Added {area} ({area.ons_code})."))
