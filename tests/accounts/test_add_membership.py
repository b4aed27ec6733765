from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from joinedup.accounts.models import Membership, Role
from tests.conftest import World
from tests.factories import UserFactory


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
    client.force_login(person)
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
