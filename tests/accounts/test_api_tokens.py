"""API tokens: a partner organisation's own system calls the API as its own membership."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from joinedup.accounts.models import ApiToken, Membership, Organisation, Role, User
from joinedup.accounts.services import api_token_issue, api_token_revoke
from joinedup.audit.models import AuditEvent
from tests.conftest import World
from tests.factories import MembershipFactory, verified_login

SYSTEM = "Kinship Mentoring case system"


def issue(world: World, **overrides: object) -> tuple[ApiToken, str]:
    """A token for the borough's delivery partner, issued by the borough's administrator."""
    arguments: dict[str, object] = {
        "actor": world.members[Role.ADMINISTRATOR],
        "organisation": world.members[Role.DELIVERY_PRACTITIONER].organisation,
        "role": Role.DELIVERY_PRACTITIONER,
        "name": SYSTEM,
    }
    arguments.update(overrides)
    return api_token_issue(**arguments)  # type: ignore[arg-type]


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_token_reaches_the_api_with_no_session(world: World) -> None:
    token, key = issue(world)
    client = Client()
    me = client.get("/api/me", headers=bearer(key))
    assert me.status_code == 200
    assert me.json()["role"] == Role.DELIVERY_PRACTITIONER
    assert me.json()["organisation"] == "Counselling Partner"
    assert me.json()["area"] == "Brent"
    assert me.json()["full_name"] == f"API: {SYSTEM}"
    assert me.json()["email"].endswith("@tokens.invalid")
    children = client.get("/api/children", headers=bearer(key))
    assert children.status_code == 200
    assert "sessionid" not in client.cookies
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_token_acts_through_its_own_system_account(world: World) -> None:
    token, _ = issue(world)
    account = token.membership.user
    assert account.email.startswith("api-")
    assert account.email.endswith("@tokens.invalid")
    assert not account.has_usable_password()
    assert token.membership.organisation == world.members[Role.DELIVERY_PRACTITIONER].organisation
    assert token.membership.area == world.area
    assert token.membership.role == Role.DELIVERY_PRACTITIONER
    assert token.created_by == world.members[Role.ADMINISTRATOR].user


@pytest.mark.parametrize("scope", ["own", "other_org", "other_area"])
def test_a_delivery_partner_token_sees_no_child_record(world: World, scope: str) -> None:
    _, key = issue(world)
    child = world.children[scope]
    assert Client().get(f"/api/children/{child.pk}", headers=bearer(key)).status_code == 404
    assert Client().get(f"/api/children/{child.pk}/contacts", headers=bearer(key)).status_code == 404
    assert Client().get("/api/children", headers=bearer(key)).json()["count"] == 0
    assert not AuditEvent.objects.filter(record_type="child").exists()


def test_a_post_with_a_token_needs_no_csrf_token_but_a_session_still_does(world: World) -> None:
    _, key = issue(world)
    child = world.children["own"]
    body = json.dumps({"kind": "phone", "happened_on": "2026-11-20"})
    url = f"/api/children/{child.pk}/contacts"
    with_token = Client(enforce_csrf_checks=True).post(url, body, content_type="application/json", headers=bearer(key))
    # Refused by the access gate (a delivery partner sees no child), not by a CSRF check.
    assert with_token.status_code == 404
    session = Client(enforce_csrf_checks=True)
    verified_login(session, world.members[Role.LINK_WORKER].user)
    without_csrf = session.post(url, body, content_type="application/json")
    assert without_csrf.status_code == 403
    assert without_csrf.json() == {"detail": "CSRF check Failed"}


def test_a_bad_token_is_not_saved_by_a_session_riding_along(world: World) -> None:
    client = world.client_for(Role.LINK_WORKER)
    assert client.get("/api/me").status_code == 200
    assert client.get("/api/me", headers=bearer("jdu_not-a-real-key")).status_code == 401


def revoked(world: World) -> str:
    token, key = issue(world)
    api_token_revoke(actor=world.members[Role.ADMINISTRATOR], token=token)
    return key


def expired(world: World) -> str:
    token, key = issue(world)
    ApiToken.objects.filter(pk=token.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    return key


def membership_ended(world: World) -> str:
    token, key = issue(world)
    Membership.objects.filter(pk=token.membership_id).update(is_active=False)
    return key


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(lambda world: f"Bearer {revoked(world)}", id="revoked"),
        pytest.param(lambda world: f"Bearer {expired(world)}", id="expired"),
        pytest.param(lambda world: f"Bearer {membership_ended(world)}", id="account-ended"),
        pytest.param(lambda world: "Bearer jdu_" + "A" * 43, id="unknown"),
        pytest.param(lambda world: f"Bearer {issue(world)[1][:-1]}", id="truncated"),
        pytest.param(lambda world: "Bearer " + issue(world)[0].key_hash, id="the-stored-hash"),
        pytest.param(lambda world: "Bearer", id="no-key"),
        pytest.param(lambda world: "Bearer ", id="empty-key"),
        pytest.param(lambda world: "Bearer not-one-of-ours", id="malformed"),
        pytest.param(lambda world: "Bearer jdu_" + "A" * 500, id="too-long"),
        pytest.param(lambda world: f"Token {issue(world)[1]}", id="wrong-scheme"),
    ],
)
def test_a_refused_token_gets_401(world: World, header: object) -> None:
    value = header(world)  # type: ignore[operator]
    for url in ("/api/me", "/api/children", f"/api/children/{world.children['own'].pk}"):
        response = Client().get(url, headers={"Authorization": value})
        assert response.status_code == 401, url


def test_a_token_expires_at_the_end_of_its_last_day(world: World) -> None:
    _, key = issue(world, expires_on=timezone.localdate() + timedelta(days=1))
    ApiToken.objects.update(expires_on=timezone.localdate())
    assert Client().get("/api/me", headers=bearer(key)).status_code == 200


def test_last_used_is_written_at_most_once_a_minute(world: World) -> None:
    token, key = issue(world)
    Client().get("/api/me", headers=bearer(key))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    Client().get("/api/me", headers=bearer(key))
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    Client().get("/api/me", headers=bearer(key))
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.last_used_at > first - timedelta(minutes=2)


def test_the_key_is_never_stored_in_plain_text(world: World) -> None:
    token, key = issue(world)
    assert key.startswith("jdu_")
    assert len(key) == 4 + 43
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    stored = [str(value) for value in ApiToken.objects.values().get().values()]
    assert not any(key in value for value in stored)
    assert not any(key in json.dumps(event.detail) for event in AuditEvent.objects.all())


def test_issuing_and_revoking_are_audited(world: World) -> None:
    admin = world.members[Role.ADMINISTRATOR]
    token, _ = issue(world)
    issued = AuditEvent.objects.get(record_type="api_token", action="create")
    assert issued.actor_email == admin.user.email
    assert issued.record_id == str(token.pk)
    assert issued.detail["name"] == SYSTEM
    assert issued.detail["role"] == Role.DELIVERY_PRACTITIONER
    assert issued.detail["prefix"] == token.prefix
    api_token_revoke(actor=admin, token=token)
    revoked_event = AuditEvent.objects.get(record_type="api_token", action="change")
    assert revoked_event.actor_email == admin.user.email
    assert revoked_event.detail["change"] == "revoked"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by == admin.user
    assert not token.membership.is_active
    with pytest.raises(ValidationError, match="already revoked"):
        api_token_revoke(actor=admin, token=token)
    assert AuditEvent.objects.filter(record_type="api_token").count() == 2


def test_what_a_token_reads_is_audited_as_its_system_account(world: World) -> None:
    token, key = issue(world)
    # No token can be issued in a role that sees children; the role is changed here only to show
    # that the gate and the audit log treat the system as itself, like any member in that role.
    Membership.objects.filter(pk=token.membership_id).update(role=Role.TEAM_MANAGER, organisation=world.programme)
    child = world.children["own"]
    assert Client().get(f"/api/children/{child.pk}", headers=bearer(key)).status_code == 200
    event = AuditEvent.objects.get(record_type="child", child_id=child.pk)
    assert event.user == token.membership.user
    assert event.actor_email == token.membership.user.email
    assert event.organisation == world.programme
    assert event.role == Role.TEAM_MANAGER
    assert Client().get(f"/api/children/{world.children['other_area'].pk}", headers=bearer(key)).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"role": Role.LINK_WORKER}, "role"),
        ({"role": Role.TEAM_MANAGER}, "role"),
        ({"role": Role.ADMINISTRATOR}, "role"),
        ({"name": "   "}, "name"),
        ({"expires_on": timezone.localdate() - timedelta(days=1)}, "expires_on"),
    ],
)
def test_issuing_refuses_what_a_system_may_not_be_and_leaves_nothing_behind(
    world: World, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        issue(world, **overrides)
    assert field in refused.value.message_dict
    assert not ApiToken.objects.exists()
    assert not User.objects.filter(email__endswith="@tokens.invalid").exists()
    assert not AuditEvent.objects.filter(record_type__in=["api_token", "user", "membership"]).exists()


def test_issuing_refuses_an_organisation_outside_the_borough(world: World) -> None:
    far = world.children["other_area"].school
    assert isinstance(far, Organisation)
    with pytest.raises(ValidationError) as refused:
        issue(world, organisation=far)
    assert "does not work in Brent" in refused.value.message_dict["organisation"][0]
    assert not ApiToken.objects.exists()


def test_an_administrator_issues_a_token_and_sees_the_key_once(world: World) -> None:
    client = world.client_for(Role.ADMINISTRATOR)
    partner = world.members[Role.DELIVERY_PRACTITIONER].organisation
    assert "API tokens for partner systems" in client.get("/manage/people/").text
    form = client.get("/manage/api-tokens/add/")
    assert form.status_code == 200
    assert "Link Worker" not in form.text.split('name="role"')[1].split("</select>")[0]
    issued = client.post(
        "/manage/api-tokens/add/",
        {"name": SYSTEM, "organisation": partner.pk, "role": Role.DELIVERY_PRACTITIONER, "expires_on": ""},
    )
    assert issued.status_code == 200
    assert "Copy the key now" in issued.text
    assert "no-store" in issued["Cache-Control"]
    token = ApiToken.objects.get()
    key = issued.text.split('id="api-key" type="text" value="')[1].split('"')[0]
    assert key.startswith(token.prefix)
    assert Client().get("/api/me", headers=bearer(key)).status_code == 200

    listed = client.get("/manage/api-tokens/")
    assert SYSTEM in listed.text
    assert token.prefix in listed.text
    assert key not in listed.text


def test_a_token_acts_only_in_a_role_its_kind_of_organisation_has(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        issue(world, organisation=world.school, role=Role.DELIVERY_PRACTITIONER)
    assert refused.value.message_dict["organisation"] == [
        "Harrow Road Primary is a school: a delivery partner practitioner works for a delivery partner."
    ]
    assert not ApiToken.objects.exists()


def test_the_form_shows_why_a_token_cannot_be_issued(world: World) -> None:
    client = world.client_for(Role.ADMINISTRATOR)
    partner = world.members[Role.DELIVERY_PRACTITIONER].organisation
    refused = client.post(
        "/manage/api-tokens/add/",
        {"name": "", "organisation": partner.pk, "role": Role.LINK_WORKER, "expires_on": "1/1/2020"},
    )
    assert refused.status_code == 200
    assert "There is a problem" in refused.text
    assert "Enter the name of the system" in refused.text
    assert "Choose one of the roles listed" in refused.text
    past = client.post(
        "/manage/api-tokens/add/",
        {"name": SYSTEM, "organisation": partner.pk, "role": Role.DELIVERY_PRACTITIONER, "expires_on": "1/1/2020"},
    )
    assert "The expiry date must be in the future" in past.text
    assert not ApiToken.objects.exists()


def test_an_administrator_revokes_a_token_after_confirming(world: World) -> None:
    token, key = issue(world)
    client = world.client_for(Role.ADMINISTRATOR)
    confirm = client.get(f"/manage/api-tokens/{token.pk}/revoke/")
    assert confirm.status_code == 200
    assert "next call will be refused" in confirm.text
    assert ApiToken.objects.get().revoked_at is None
    done = client.post(f"/manage/api-tokens/{token.pk}/revoke/")
    assert done.status_code == 302
    assert done["Location"] == "/manage/api-tokens/"
    assert ApiToken.objects.get().revoked_at is not None
    assert Client().get("/api/me", headers=bearer(key)).status_code == 401
    assert "Revoked" in client.get("/manage/api-tokens/").text


def test_an_administrator_of_another_borough_cannot_see_or_revoke_the_token(world: World) -> None:
    token, key = issue(world)
    far_admin = MembershipFactory.create(organisation=world.programme, area=world.other_area, role=Role.ADMINISTRATOR)
    client = Client()
    verified_login(client, far_admin.user)
    listed = client.get("/manage/api-tokens/")
    assert listed.status_code == 200
    assert SYSTEM not in listed.text
    assert client.get(f"/manage/api-tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/manage/api-tokens/{token.pk}/revoke/").status_code == 404
    with pytest.raises(ValidationError):
        api_token_revoke(actor=far_admin, token=token)
    assert ApiToken.objects.get().revoked_at is None
    assert Client().get("/api/me", headers=bearer(key)).status_code == 200


@pytest.mark.parametrize("role", [role for role in Role if role != Role.ADMINISTRATOR])
def test_other_roles_are_refused_the_token_pages(world: World, role: Role) -> None:
    token, _ = issue(world)
    client = world.client_for(role)
    assert client.get("/manage/api-tokens/").status_code == 403
    assert client.get("/manage/api-tokens/add/").status_code == 403
    assert client.post("/manage/api-tokens/add/", {"name": "Sneaky"}).status_code == 403
    assert client.post(f"/manage/api-tokens/{token.pk}/revoke/").status_code == 403
    assert ApiToken.objects.get().revoked_at is None
    with pytest.raises(ValidationError):
        api_token_issue(
            actor=world.members[role],
            organisation=world.members[Role.DELIVERY_PRACTITIONER].organisation,
            role=Role.DELIVERY_PRACTITIONER,
            name=SYSTEM,
        )
