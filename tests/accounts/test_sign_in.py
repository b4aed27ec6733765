from __future__ import annotations

import hashlib
import hmac
import struct
import time
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.accounts.models import TWO_FACTOR_ROLES, Role, User
from joinedup.audit.models import AuditAction, AuditEvent
from tests.conftest import World
from tests.factories import TEST_PASSWORD, MembershipFactory


def totp_now(key_hex: str, offset: int = 0) -> str:
    counter = int(time.time()) // 30 + offset
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    start = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[start : start + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def sign_in(client: Client, email: str, password: str = TEST_PASSWORD) -> Any:
    return client.post("/accounts/sign-in/", {"email": email, "password": password})


def test_right_password_signs_in_and_is_audited(world: World) -> None:
    # A commissioner sees only counts, so a password is enough unless their organisation asks for more.
    client = Client()
    response = sign_in(client, "commissioner@example.org")
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert "Commissioner, Link Programme" in home.text
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN).count() == 1


@pytest.mark.parametrize("role", sorted(TWO_FACTOR_ROLES))
def test_every_role_that_can_see_a_child_must_set_up_two_factor(world: World, role: Role) -> None:
    client = Client()
    assert sign_in(client, f"{role}@example.org")["Location"] == "/accounts/two-factor/set-up/"
    # Until it is set up, nothing else is reachable: no page, no child, no API.
    assert client.get("/")["Location"] == "/accounts/two-factor/set-up/"
    assert client.get(f"/children/{world.children['own'].pk}/")["Location"] == "/accounts/two-factor/set-up/"
    assert client.get("/api/outcomes/measures").status_code == 401
    assert not AuditEvent.objects.filter(action=AuditAction.SIGN_IN).exists()


def test_the_roles_asked_for_two_factor_are_all_who_can_see_a_childs_record() -> None:
    from joinedup.cases.access import CHILD_ROLES
    from joinedup.sharing.access import PARTNER_ROLES

    assert CHILD_ROLES | PARTNER_ROLES | {Role.ADMINISTRATOR} == TWO_FACTOR_ROLES
    assert Role.COMMISSIONER not in TWO_FACTOR_ROLES


@override_settings(JOINEDUP_TWO_FACTOR_BY_ROLE=False)
def test_a_demonstration_may_switch_the_rule_off_and_the_deploy_check_says_so(world: World) -> None:
    from django.core.checks import run_checks

    assert sign_in(Client(), "link_worker@example.org")["Location"] == "/"
    warnings = run_checks(include_deployment_checks=True, tags=["security"])
    assert "joinedup.W001" in {warning.id for warning in warnings}


def test_the_deploy_check_is_quiet_when_the_rule_is_on() -> None:
    from django.core.checks import run_checks

    assert "joinedup.W001" not in {warning.id for warning in run_checks(include_deployment_checks=True)}


def test_wrong_password_gives_one_message_for_unknown_and_known_emails(world: World) -> None:
    known = sign_in(Client(), "link_worker@example.org", "wrong password")
    unknown = sign_in(Client(), "nobody@example.org", "wrong password")
    assert known.status_code == unknown.status_code == 200
    assert "The email address or password is not right" in known.text
    assert "The email address or password is not right" in unknown.text
    assert "There is a problem" in known.text


def test_repeated_failures_lock_the_account_and_an_admin_unlocks(world: World) -> None:
    email = "link_worker@example.org"
    for _ in range(settings.JOINEDUP_LOCKOUT_ATTEMPTS):
        sign_in(Client(), email, "wrong password")
    user = User.objects.get(email=email)
    assert user.is_locked()
    refused = sign_in(Client(), email)
    assert refused.status_code == 200
    assert "paused after too many failed attempts" in refused.text
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED).count() == 1

    admin = world.client_for(Role.ADMINISTRATOR)
    assert admin.post(f"/manage/people/{user.pk}/unlock/").status_code == 302
    assert sign_in(Client(), email).status_code == 302


def test_lock_expires_after_the_lockout_period(world: World) -> None:
    user = User.objects.get(email="link_worker@example.org")
    user.locked_until = timezone.now() - settings.JOINEDUP_LOCKOUT_PERIOD / 10
    user.save()
    assert sign_in(Client(), user.email).status_code == 302


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_stored_with_argon2(db: None) -> None:
    user = User.objects.create_user("new@example.org", TEST_PASSWORD, full_name="New Person")
    assert user.password.startswith("argon2$")
    assert user.check_password(TEST_PASSWORD)


def test_signed_out_people_are_sent_to_sign_in(db: None) -> None:
    response = Client().get("/children/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=/children/"


def test_next_is_followed_only_within_the_site(world: World) -> None:
    client = Client()
    inside = client.post(
        "/accounts/sign-in/?next=/directory/", {"email": "commissioner@example.org", "password": TEST_PASSWORD}
    )
    assert inside["Location"] == "/directory/"
    outside = Client().post(
        "/accounts/sign-in/?next=https://evil.example/",
        {"email": "commissioner@example.org", "password": TEST_PASSWORD},
    )
    assert outside["Location"] == "/"


def test_sign_out_ends_the_session(world: World) -> None:
    client = world.client_for(Role.LINK_WORKER)
    assert client.post("/accounts/sign-out/").status_code == 302
    assert client.get("/children/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT).count() == 1


def test_sessions_expire_after_inactivity() -> None:
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_organisation_requiring_two_factor_forces_set_up_then_asks_for_codes(world: World) -> None:
    world.programme.require_two_factor = True
    world.programme.save()
    client = Client()
    response = sign_in(client, "team_manager@example.org")
    assert response["Location"] == "/accounts/two-factor/set-up/"
    # Until the second factor is set up, every other page sends the person back.
    assert client.get("/children/")["Location"] == "/accounts/two-factor/set-up/"
    assert client.get("/api/me").status_code == 401

    setup = client.get("/accounts/two-factor/set-up/")
    assert "<svg" in setup.text
    device = TOTPDevice.objects.get(user__email="team_manager@example.org")
    wrong = client.post("/accounts/two-factor/set-up/", {"code": "000000"})
    assert "The code is not right, or has just been used" in wrong.text
    throttled = client.post("/accounts/two-factor/set-up/", {"code": totp_now(device.key)})
    assert "After a wrong code Joinedup waits before checking another. Wait" in throttled.text
    device.refresh_from_db()
    device.throttle_reset()
    done = client.post("/accounts/two-factor/set-up/", {"code": totp_now(device.key)})
    assert done.status_code == 302
    assert client.get("/children/").status_code == 200

    client.post("/accounts/sign-out/")
    assert sign_in(client, "team_manager@example.org")["Location"] == "/accounts/two-factor/"
    assert client.get("/children/")["Location"] == "/accounts/two-factor/"
    assert (
        "The code is not right, or has just been used" in client.post("/accounts/two-factor/", {"code": "123456"}).text
    )
    device.refresh_from_db()
    device.throttle_reset()
    ok = client.post("/accounts/two-factor/", {"code": totp_now(device.key, offset=1)})
    assert ok.status_code == 302
    assert client.get("/children/").status_code == 200


def test_people_without_two_factor_in_optional_organisations_go_straight_in(world: World) -> None:
    client = Client()
    assert sign_in(client, "commissioner@example.org")["Location"] == "/"


def test_admin_can_require_two_factor_for_an_organisation_in_their_borough(world: World) -> None:
    admin = world.client_for(Role.ADMINISTRATOR)
    response = admin.post(f"/manage/organisations/{world.school.pk}/two-factor/", {"require_two_factor": "yes"})
    assert response.status_code == 302
    world.school.refresh_from_db()
    assert world.school.require_two_factor
    assert AuditEvent.objects.filter(record_type="organisation", detail__require_two_factor=True).exists()


def test_choosing_another_membership_changes_the_actor(world: World) -> None:
    manager = world.members[Role.TEAM_MANAGER]
    second = MembershipFactory(
        user=manager.user, organisation=world.programme, area=world.other_area, role=Role.TEAM_MANAGER
    )
    client = world.client_for(Role.TEAM_MANAGER)
    assert client.post("/accounts/acting-as/", {"membership": second.pk}).status_code == 302
    assert "Westminster" in client.get("/").text
    # The child in the other borough is now visible, the first borough's is not.
    assert client.get(f"/children/{world.children['other_area'].pk}/").status_code == 200
    assert client.get(f"/children/{world.children['own'].pk}/").status_code == 404


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_choosing_a_membership_that_is_not_yours_is_refused(world: World, value: str) -> None:
    client = world.client_for(Role.TEAM_MANAGER)
    response = client.post("/accounts/acting-as/", {"membership": value})
    assert response.status_code == 200
    assert "Choose one of your roles" in response.text


def test_codes_refused_during_the_wait_do_not_count_towards_the_lock(world: World) -> None:
    world.programme.require_two_factor = True
    world.programme.save()
    client = Client()
    sign_in(client, "team_manager@example.org")
    client.get("/accounts/two-factor/set-up/")
    device = TOTPDevice.objects.get(user__email="team_manager@example.org")
    client.post("/accounts/two-factor/set-up/", {"code": totp_now(device.key)})
    client.post("/accounts/sign-out/")
    sign_in(client, "team_manager@example.org")
    client.post("/accounts/two-factor/", {"code": "000000"})  # one real wrong guess
    for _ in range(settings.JOINEDUP_LOCKOUT_ATTEMPTS + 2):
        response = client.post("/accounts/two-factor/", {"code": "111111"})
        assert "After a wrong code Joinedup waits before checking another. Wait" in response.text
    user = User.objects.get(email="team_manager@example.org")
    assert user.failed_sign_ins == 1
    assert not user.is_locked()


def test_an_idle_session_has_ended_by_the_next_request(world: World) -> None:
    from datetime import timedelta

    from django.contrib.sessions.models import Session

    client = world.client_for(Role.LINK_WORKER)
    assert client.get("/children/").status_code == 200
    # What 30 minutes without a request leaves behind: a session past its expiry.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/children/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


@override_settings(JOINEDUP_TWO_FACTOR_BY_ROLE=False)
def test_the_account_page_says_when_a_demonstration_does_not_ask_for_two_factor(world: World) -> None:
    client = Client()
    client.force_login(world.members[Role.LINK_WORKER].user)
    assert "this demonstration does not ask for it" in client.get(reverse("accounts:account")).text
