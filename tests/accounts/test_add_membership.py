from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from joinedup.accounts.models import Membership, Role
from tests.conftest import World
from tests.factories import UserFactory, verified_login


def test_grants_a_role_that_then_works_in_the_app(world: World) -> None:
    person = UserFactory.create(email="new.admin@example.org")
    call_command(
        "add_membership", "new.admin@example.org", organisation="link programme", area="Brent", role="administrator"
    )
    membership = Membership.objects.get(user=person)
    assert (membership.organisation, membership.area, membership.role) == (
        world.programme,
        world.area,
        Role.ADMINISTRATOR,
    )
    from django.test import Client

    client = Client()
    verified_login(client, person)
    assert client.get("/audit/").status_code == 200


@pytest.mark.parametrize(
    ("email", "organisation", "area", "message"),
    [
        ("nobody@example.org", "Link Programme", "Brent", "No account has the email address"),
        ("link_worker@example.org", "No Such Org", "Brent", "No organisation is called"),
        ("link_worker@example.org", "Link Programme", "Atlantis", "No borough is called 'Atlantis'"),
        ("link_worker@example.org", "Other Programme", "Westminster", "does not work in Westminster"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(
    world: World, email: str, organisation: str, area: str, message: str
) -> None:
    before = Membership.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("add_membership", email, organisation=organisation, area=area, role="team_manager")
    assert Membership.objects.count() == before


def test_a_fresh_deployment_can_be_set_up_from_the_command_line(db: None) -> None:
    call_command("add_area", "Brent", ons_code="e09000005")
    call_command("add_organisation", "Link Programme", kind="programme", area=["Brent"])
    call_command("add_organisation", "Harrow Road Primary", kind="school", area=["E09000005"], urn="912345")
    person = UserFactory.create(email="first.admin@example.org")
    call_command(
        "add_membership", "first.admin@example.org", organisation="Link Programme", area="Brent", role="administrator"
    )
    assert Membership.objects.get(user=person).role == Role.ADMINISTRATOR


@pytest.mark.parametrize(
    ("command", "args", "options", "message"),
    [
        ("add_area", ["Brent"], {"ons_code": "X1"}, "ONS code is a letter and eight digits"),
        ("add_organisation", ["A School"], {"kind": "school", "area": ["Brent"]}, "six-digit URN"),
        ("add_organisation", ["A School"], {"kind": "school", "area": ["Brent"], "urn": "12"}, "six digits"),
        ("add_organisation", ["Charity"], {"kind": "voluntary", "area": ["Brent"], "urn": "123456"}, "Only schools"),
        ("add_organisation", ["Charity"], {"kind": "voluntary", "area": ["Atlantis"]}, "No borough is called"),
    ],
)
def test_set_up_commands_explain_bad_input_and_change_nothing(
    db: None, command: str, args: list[str], options: dict[str, object], message: str
) -> None:
    from joinedup.accounts.models import Area, Organisation

    Area.objects.create(name="Brent", ons_code="E09000005")
    with pytest.raises(CommandError, match=message):
        call_command(command, *args, **options)
    assert Area.objects.count() == 1
    assert not Organisation.objects.exists()
