from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from joinedup.accounts.models import Area, Organisation, Role, User
from joinedup.accounts.services import membership_grant


class Command(BaseCommand):
    help = (
        "Give a person a role in an organisation in one borough, for example the first administrator after "
        "`joinedup createsuperuser`: joinedup add-membership admin@council.example --organisation 'Link Programme' "
        "--area Brent --role administrator"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("email", help="The person's sign-in email address.")
        parser.add_argument("--organisation", required=True, help="The organisation's name, exactly as shown.")
        parser.add_argument("--area", required=True, help="The borough's name or ONS code.")
        parser.add_argument("--role", required=True, choices=[role.value for role in Role], help="The role.")

    def handle(self, *args: Any, email: str, organisation: str, area: str, role: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(
                f"No account has the email address {email!r}. Create it first (joinedup createsuperuser)."
            )
        found_org = Organisation.objects.filter(name__iexact=organisation.strip()).first()
        if found_org is None:
            raise CommandError(f"No organisation is called {organisation!r}.")
        found_area = (
            Area.objects.filter(name__iexact=area.strip()).first() or Area.objects.filter(ons_code=area.strip()).first()
        )
        if found_area is None:
            names = ", ".join(Area.objects.values_list("name", flat=True)) or "none yet"
            raise CommandError(f"No borough is called {area!r}. Boroughs: {names}.")
        try:
            membership = membership_grant(user=user, organisation=found_org, area=found_area, role=Role(role))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"{user.email} is now {membership}."))
