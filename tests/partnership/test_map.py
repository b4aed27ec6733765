"""The partnership map: who is who in a borough, each entry confirmed, managers reminded of those that are not."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management import call_command

from joinedup.accounts.models import Organisation, Role
from joinedup.notifications.models import Kind, Notification
from joinedup.partnership.models import Forum, PartnerContact, ReferralPathway
from joinedup.partnership.services import unconfirmed_remind
from tests.conftest import World
from tests.sharing.conftest import agreement_make

EARLY_HELP = "Brent Early Help"


def early_help(world: World) -> Organisation:
    return Organisation.objects.get(name=EARLY_HELP)


def test_a_manager_adds_entries_and_a_link_worker_reads_them(world: World) -> None:
    manager = world.client_for(Role.TEAM_MANAGER)
    response = manager.post(
        "/partnership/contact/new/",
        {
            "organisation": early_help(world).pk,
            "name": "Priya Shah",
            "role": "Early Help team manager",
            "email": "p@x.org",
        },
    )
    assert response.status_code == 302
    manager.post(
        "/partnership/forum/new/",
        {"name": "Early Help partnership board", "kind": "board", "purpose": "Oversees early help", "meets": "Monthly"},
    )
    manager.post(
        "/partnership/pathway/new/",
        {"name": "Early Help front door", "organisation": early_help(world).pk, "how_to_refer": "Online form"},
    )
    agreement_make(world, early_help(world), title="Early Help and Link Programme")
    page = world.client_for(Role.LINK_WORKER).get("/partnership/").text
    for shown in ("Priya Shah", "Early Help team manager", "Early Help partnership board", "Early Help front door"):
        assert shown in page
    assert "Early Help and Link Programme" in page
    assert "Add a contact" not in page
    contact = PartnerContact.objects.get()
    assert contact.last_confirmed_on == dt.date.today()
    assert contact.area == world.area


def test_bad_entries_are_refused_with_the_reason(world: World) -> None:
    manager = world.client_for(Role.TEAM_MANAGER)
    response = manager.post("/partnership/pathway/new/", {"name": "Front door", "url": "not a url"})
    assert response.status_code == 200
    assert "Enter a web address, like https://www.example.org/refer." in response.text
    assert "Choose who runs it." in response.text
    # An organisation that does not work in the borough is not offered.
    far = Organisation.objects.create(name="Far Early Help", kind=Organisation.Kind.EARLY_HELP)
    far.areas.add(world.other_area)
    refused = manager.post("/partnership/contact/new/", {"organisation": far.pk, "name": "X", "role": "Manager"})
    assert "Select a valid choice." in refused.text
    phone = manager.post(
        "/partnership/contact/new/",
        {"organisation": early_help(world).pk, "name": "X", "role": "Manager", "phone": "abc"},
    )
    assert "Enter a phone number, like 020 7946 0000." in phone.text
    assert not ReferralPathway.objects.exists()
    assert not PartnerContact.objects.exists()


def test_entries_not_confirmed_are_marked_and_managers_reminded_once_a_week(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    old = dt.date.today() - dt.timedelta(days=200)
    forum = Forum.objects.create(
        area=world.area,
        name="Early Help partnership board",
        kind="board",
        purpose="Oversight",
        last_confirmed_on=old,
        confirmed_by=world.members[Role.TEAM_MANAGER].user,
    )
    manager = world.client_for(Role.TEAM_MANAGER)
    assert "Needs confirming" in manager.get("/partnership/").text
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    reminders = Notification.objects.filter(kind=Kind.CONFIRM_DUE)
    assert list(reminders.values_list("user", flat=True)) == [world.members[Role.TEAM_MANAGER].user.pk]
    assert "1 entry has not been confirmed for 180 days or more" in reminders.get().body
    assert unconfirmed_remind() == 0
    manager.post(f"/partnership/forum/{forum.pk}/change/", {"change": "confirm"})
    forum.refresh_from_db()
    assert forum.last_confirmed_on == dt.date.today()
    assert "Needs confirming" not in manager.get("/partnership/").text
    # The time is the borough's to choose.
    refused = manager.post("/partnership/settings/", {"confirm_every_days": "3"})
    assert "Enter 7 days or more." in refused.text
    assert 'id="id_confirm_every_days" aria-describedby' in refused.text or "govuk-input--error" in refused.text


def test_other_boroughs_and_roles_are_refused(world: World) -> None:
    forum = Forum.objects.create(
        area=world.other_area,
        name="Westminster board",
        kind="board",
        purpose="Oversight",
        last_confirmed_on=dt.date.today(),
        confirmed_by=world.members[Role.TEAM_MANAGER].user,
    )
    manager = world.client_for(Role.TEAM_MANAGER)
    assert "Westminster board" not in manager.get("/partnership/").text
    assert manager.get(f"/partnership/forum/{forum.pk}/").status_code == 404
    assert manager.post(f"/partnership/forum/{forum.pk}/change/", {"change": "remove"}).status_code == 404
    assert Forum.objects.filter(pk=forum.pk).exists()
    for role in (Role.PARTNER_PROFESSIONAL, Role.COMMISSIONER, Role.SCHOOL_STAFF):
        assert world.client_for(role).get("/partnership/").status_code == 403
    assert world.client_for(Role.LINK_WORKER).get("/partnership/contact/new/").status_code == 403
