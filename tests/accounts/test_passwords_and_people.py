from __future__ import annotations

import re

from django.core import mail
from django.test import Client

from joinedup.accounts.models import Membership, Role, User
from joinedup.audit.models import AuditEvent
from tests.conftest import World
from tests.factories import TEST_PASSWORD, OrganisationFactory

NEW_PASSWORD = "plum ladder orbit 42"


def link_in(message: mail.EmailMessage) -> str:
    found = re.search(r"http://testserver(/accounts/password/set/[^/\s]+/[^/\s]+/)", str(message.body))
    assert found, message.body
    return found.group(1)


def test_forgotten_password_journey(world: World) -> None:
    client = Client()
    sent = client.post("/accounts/password/reset/", {"email": "LINK_WORKER@example.org"})
    assert "Check your email" in sent.text
    assert len(mail.outbox) == 1
    link = link_in(mail.outbox[0])

    page = client.get(link)
    assert "Choose a password" in page.text
    mismatch = client.post(link, {"new_password": NEW_PASSWORD, "confirm_password": "something else"})
    assert "The two passwords are not the same" in mismatch.text
    weak = client.post(link, {"new_password": "password", "confirm_password": "password"})
    assert "too common" in weak.text or "too short" in weak.text
    done = client.post(link, {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert done["Location"] == "/accounts/sign-in/"

    assert (
        client.post("/accounts/sign-in/", {"email": "link_worker@example.org", "password": NEW_PASSWORD}).status_code
        == 302
    )
    # The link works once.
    assert "expired or has already been used" in Client().get(link).text
    assert AuditEvent.objects.filter(detail__change="password set").count() == 1


def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(world: World) -> None:
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert "Check your email" in response.text
    assert mail.outbox == []


def test_setting_a_password_lifts_a_lock(world: World) -> None:
    user = User.objects.get(email="link_worker@example.org")
    for _ in range(5):
        Client().post("/accounts/sign-in/", {"email": user.email, "password": "wrong"})
    user.refresh_from_db()
    assert user.is_locked()
    Client().post("/accounts/password/reset/", {"email": user.email})
    link = link_in(mail.outbox[0])
    Client().post(link, {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    user.refresh_from_db()
    assert not user.is_locked()


def test_administrator_adds_a_person_who_then_chooses_a_password(world: World) -> None:
    admin = world.client_for(Role.ADMINISTRATOR)
    assert admin.get("/manage/people/add/").status_code == 200
    response = admin.post(
        "/manage/people/add/",
        {
            "full_name": "Nadia Hussain",
            "email": "nadia@example.org",
            "organisation": world.school.pk,
            "role": "school_staff",
        },
    )
    assert response["Location"] == "/manage/people/"
    person = User.objects.get(email="nadia@example.org")
    assert not person.has_usable_password()
    membership = Membership.objects.get(user=person)
    assert (membership.organisation, membership.area, membership.role) == (world.school, world.area, Role.SCHOOL_STAFF)
    link = link_in(mail.outbox[0])
    client = Client()
    client.post(link, {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert (
        client.post("/accounts/sign-in/", {"email": "nadia@example.org", "password": NEW_PASSWORD}).status_code == 302
    )
    # School staff see children's records, so the first thing they do is set up two-factor sign-in.
    assert client.get("/")["Location"] == "/accounts/two-factor/set-up/"
    assert "Set up two-factor authentication" in client.get("/accounts/two-factor/set-up/").text


def test_administrator_can_only_add_people_to_organisations_in_their_borough(world: World) -> None:
    far = OrganisationFactory.create(name="Far Charity", areas=[world.other_area])
    response = world.client_for(Role.ADMINISTRATOR).post(
        "/manage/people/add/",
        {"full_name": "Sam Lee", "email": "sam@example.org", "organisation": far.pk, "role": "link_worker"},
    )
    assert response.status_code == 200
    assert "Choose one of the organisations listed" in response.text
    assert not User.objects.filter(email="sam@example.org").exists()
    assert mail.outbox == []


def test_adding_an_existing_person_gives_them_another_role_without_a_new_account(world: World) -> None:
    existing = world.members[Role.LINK_WORKER].user
    world.client_for(Role.ADMINISTRATOR).post(
        "/manage/people/add/",
        {
            "full_name": "ignored",
            "email": existing.email.upper(),
            "organisation": world.programme.pk,
            "role": "data_lead",
        },
    )
    assert User.objects.filter(email=existing.email).count() == 1
    assert set(Membership.objects.filter(user=existing).values_list("role", flat=True)) == {"link_worker", "data_lead"}
    assert existing.check_password(TEST_PASSWORD)
    assert "Sign in as usual" in mail.outbox[0].body


def test_removing_a_role_takes_effect_at_the_next_request(world: World) -> None:
    link_worker = world.client_for(Role.LINK_WORKER)
    assert link_worker.get(f"/children/{world.children['own'].pk}/").status_code == 200
    membership = world.members[Role.LINK_WORKER]
    admin = world.client_for(Role.ADMINISTRATOR)
    assert admin.post(f"/manage/roles/{membership.pk}/end/").status_code == 302
    assert link_worker.get(f"/children/{world.children['own'].pk}/").status_code == 404
    assert "not a member of any organisation" in link_worker.get("/").text
    assert AuditEvent.objects.filter(record_type="membership", detail__ended="link_worker").exists()


def test_administrators_cannot_remove_the_role_they_are_working_in(world: World) -> None:
    own = world.members[Role.ADMINISTRATOR]
    response = world.client_for(Role.ADMINISTRATOR).post(f"/manage/roles/{own.pk}/end/", follow=True)
    assert "You cannot remove the role you are working in" in response.text
    own.refresh_from_db()
    assert own.is_active


def test_resetting_two_factor_removes_the_authenticator(world: World) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    person = world.members[Role.LINK_WORKER].user
    TOTPDevice.objects.create(user=person, name="Authenticator app", confirmed=True)
    admin = world.client_for(Role.ADMINISTRATOR)
    assert "Reset two-factor" in admin.get("/manage/people/").text
    asked = admin.get(f"/manage/people/{person.pk}/two-factor-reset/")
    assert f"Reset two-factor for {person.full_name}?" in asked.text
    assert TOTPDevice.objects.filter(user=person).exists()  # asking changes nothing
    assert admin.post(f"/manage/people/{person.pk}/two-factor-reset/").status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
