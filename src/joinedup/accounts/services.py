"""Signing in and out, two-factor authentication, and account administration."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.accounts.models import Area, Membership, Organisation, Role, User
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    error: str = ""


GENERIC_SIGN_IN_ERROR = "The email address or password is not right. Check them and try again."


def sign_in_check(*, request: HttpRequest | None, email: str, password: str) -> SignInResult:
    """Check an email and password, counting failures and locking the account after too many."""
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is not None and user.is_locked():
        local_until = timezone.localtime(user.locked_until)
        when = (
            f"{local_until:%H:%M}" if local_until.date() == timezone.localdate() else f"{local_until:%H:%M on %-d %B}"
        )
        return SignInResult(
            None,
            f"Sign-in to this account is paused after too many failed attempts. Try again after "
            f"{when} (UK time), or ask your administrator to unlock it.",
        )
    authenticated = authenticate(request, username=email, password=password)
    if authenticated is None:
        if user is not None:
            _sign_in_failure_record(user=user)
        return SignInResult(None, GENERIC_SIGN_IN_ERROR)
    assert isinstance(authenticated, User)
    if authenticated.failed_sign_ins or authenticated.locked_until:
        User.objects.filter(pk=authenticated.pk).update(failed_sign_ins=0, locked_until=None)
    return SignInResult(authenticated)


def _sign_in_failure_record(*, user: User) -> None:
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.failed_sign_ins += 1
        if locked.failed_sign_ins >= settings.JOINEDUP_LOCKOUT_ATTEMPTS:
            locked.locked_until = timezone.now() + settings.JOINEDUP_LOCKOUT_PERIOD
            locked.failed_sign_ins = 0
            audit_record(action=AuditAction.LOCKED, user=locked, record_type="user", record_id=locked.pk)
        else:
            audit_record(action=AuditAction.SIGN_IN_FAILED, user=locked, record_type="user", record_id=locked.pk)
        locked.save(update_fields=["failed_sign_ins", "locked_until"])


def user_unlock(*, actor: Membership, user: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_sign_ins=0, locked_until=None)
        audit_record(
            action=AuditAction.CHANGE, actor=actor, record_type="user", record_id=user.pk, detail={"change": "unlocked"}
        )


def two_factor_required(user: User) -> bool:
    """True when any organisation the person is an active member of requires two-factor sign-in."""
    return Membership.objects.filter(user=user, is_active=True, organisation__require_two_factor=True).exists()


def two_factor_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_setup_start(*, user: User) -> TOTPDevice:
    """The person's unconfirmed authenticator, created on first use; its key is shown once as a QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def two_factor_setup_confirm(*, user: User, code: str) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationError({"code": "Start setting up two-factor authentication again."})
    _code_verify(device, code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            action=AuditAction.CHANGE,
            user=user,
            record_type="user",
            record_id=user.pk,
            detail={"change": "two-factor authentication set up"},
        )
    return device


def two_factor_code_check(*, user: User, code: str) -> TOTPDevice:
    device = two_factor_device(user)
    if device is None:
        raise ValidationError({"code": "Two-factor authentication is not set up for this account."})
    try:
        _code_verify(device, code)
    except CodeThrottled:
        raise  # a refusal during the wait is not another guess, so it does not count towards the lock
    except ValidationError:
        _sign_in_failure_record(user=user)
        raise
    return device


class CodeThrottled(ValidationError):
    """A code refused only because django-otp's wait after a wrong code has not passed."""


def _code_verify(device: TOTPDevice, code: str) -> None:
    """Check a code, honouring django-otp's growing wait after each wrong one."""
    allowed, why = device.verify_is_allowed()
    if not allowed:
        wait = ""
        if why and why.get("locked_until"):
            seconds = max(1, int((why["locked_until"] - timezone.now()).total_seconds()) + 1)
            wait = f" Wait {seconds} second{'s' if seconds != 1 else ''} and try again."
        raise CodeThrottled({"code": f"Too many wrong codes in a row.{wait}"})
    if not device.verify_token(_clean_code(code)):
        raise ValidationError(
            {"code": "The code is not right, or has just been used. Enter the next 6-digit code your app shows."}
        )


def _clean_code(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def organisation_two_factor_set(*, actor: Membership, organisation: Organisation, required: bool) -> None:
    with transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(require_two_factor=required)
        audit_record(
            action=AuditAction.CHANGE,
            actor=actor,
            record_type="organisation",
            record_id=organisation.pk,
            detail={"require_two_factor": required},
        )


def membership_grant(*, user: User, organisation: Organisation, area: Area, role: Role) -> Membership:
    """Give a person a role in an organisation in one borough (or re-activate it)."""
    with transaction.atomic():
        membership = Membership.objects.filter(user=user, organisation=organisation, area=area, role=role).first()
        if membership is None:
            membership = Membership(user=user, organisation=organisation, area=area, role=role)
        membership.is_active = True
        membership.full_clean()
        membership.save()
        audit_record(
            action=AuditAction.CHANGE,
            user=user,
            record_type="membership",
            record_id=membership.pk,
            detail={"granted": role.value, "organisation": organisation.name, "area": area.name},
        )
    return membership


def area_create(*, name: str, ons_code: str) -> Area:
    with transaction.atomic():
        area = Area(name=name.strip(), ons_code=ons_code.strip().upper())
        area.full_clean()
        area.save()
        audit_record(action=AuditAction.CREATE, record_type="area", record_id=area.pk, detail={"name": area.name})
    return area


def organisation_create(
    *, name: str, kind: Organisation.Kind, areas: list[Area], urn: str | None = None, school_phase: str = ""
) -> Organisation:
    if not areas:
        raise ValidationError({"areas": "Name at least one borough the organisation works in."})
    with transaction.atomic():
        organisation = Organisation(name=name.strip(), kind=kind, urn=urn or None, school_phase=school_phase)
        organisation.full_clean()
        organisation.save()
        organisation.areas.set(areas)
        audit_record(
            action=AuditAction.CREATE,
            record_type="organisation",
            record_id=organisation.pk,
            detail={"name": organisation.name, "kind": kind.value, "areas": [a.name for a in areas]},
        )
    return organisation
