from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from joinedup.accounts.models import Area, Organisation
from joinedup.accounts.services import organisation_create


class Command(BaseCommand):
    help = (
        "Add an organisation working in one or more boroughs: joinedup add-organisation 'Link Programme' "
        "--kind programme --area Brent --area Westminster (schools also need --urn)"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--kind", required=True, choices=[kind.value for kind in Organisation.Kind])
        parser.add_argument("--area", action="append", required=True, help="A borough's name or ONS code; repeat.")
        parser.add_argument("--urn", help="For schools: the six-digit unique reference number.")
        parser.add_argument("--phase", choices=[phase.value for phase in Organisation.SchoolPhase], default="")

    def handle(self, *args: Any, name: str, kind: str, area: list[str], urn: str | None, phase: str, **_: Any) -> None:
        areas = []
        for given in area:
            found = (
                Area.objects.filter(name__iexact=given.strip()).first()
                or Area.objects.filter(ons_code=given.strip().upper()).first()
            )
            if found is None:
                raise CommandError(f"No borough is called {given!r}. Add it first with joinedup add-area.")
            areas.append(found)
        try:
            organisation = organisation_create(
                name=name, kind=Organisation.Kind(kind), areas=areas, urn=urn, school_phase=phase
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Added {organisation} ({organisation.get_kind_display()})."))
