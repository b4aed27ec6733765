"""Signing in and out, two-factor authentication, and account administration."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.accounts.models import (
    TWO_FACTOR_ROLES,
    ApiToken,
    Area,
    Membership,
    Organisation,
    Role,
    SingleSignOn,
    User,
)
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
        _account_change_record(user=user, change="unlocked", actor=actor)


def _account_change_record(*, user: User, change: str, actor: Membership | None = None) -> None:
    """Audit a change to someone's account: by an administrator (``actor``) or by the person themselves."""
    audit_record(
        action=AuditAction.CHANGE,
        actor=actor,
        user=user if actor is None else None,
        record_type="user",
        record_id=user.pk,
        detail={"change": change, "person": user.email},
    )


def _needs_two_factor() -> Q:
    """Active memberships whose holder must sign in with two factors: every role that can see a child's record
    or grant access to one (while ``JOINEDUP_TWO_FACTOR_BY_ROLE`` is on, as it is unless switched off for a
    demonstration), and every member of an organisation that requires it."""
    rule = Q(organisation__require_two_factor=True)
    if settings.JOINEDUP_TWO_FACTOR_BY_ROLE:
        rule |= Q(role__in=TWO_FACTOR_ROLES)
    return Q(is_active=True) & rule


def two_factor_required(user: User) -> bool:
    """True when any of the person's active memberships needs two-factor sign-in."""
    return Membership.objects.filter(_needs_two_factor(), user=user).exists()


@dataclass(frozen=True)
class TwoFactorState:
    has_device: bool
    required: bool


def two_factor_state(user: User) -> TwoFactorState:
    """Whether the person has an authenticator and whether they must have one, in one query
    (the sign-in middleware asks on every request until the second factor is done)."""
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            required=Exists(Membership.objects.filter(_needs_two_factor(), user=OuterRef("pk"))),
        )
        .values("has_device", "required")
        .get()
    )
    return TwoFactorState(has_device=row["has_device"], required=row["required"])


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
        _account_change_record(user=user, change="two-factor authentication set up")
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
        wait = "a moment"
        if why and why.get("locked_until"):
            seconds = max(1, int((why["locked_until"] - timezone.now()).total_seconds()) + 1)
            wait = f"{seconds} second{'s' if seconds != 1 else ''}"
        # django-otp waits longer after each wrong code in a row (1 s, 2 s, 4 s ...): a guesser is slowed,
        # a person who mistyped waits a moment.
        raise CodeThrottled(
            {
                "code": f"After a wrong code Joinedup waits before checking another. Wait {wait}, then enter the "
                "code your app shows now."
            }
        )
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


def single_sign_on_save(*, actor: Membership, sso: SingleSignOn) -> SingleSignOn:
    """Save an organisation's single sign-on settings; the audit says what changed, never the secret."""
    if actor.role != Role.ADMINISTRATOR:
        raise ValidationError("Only an administrator sets up single sign-on.")
    sso.updated_by = actor.user
    sso.full_clean()
    sso.save()
    audit_record(
        action=AuditAction.CHANGE,
        actor=actor,
        record_type="single_sign_on",
        record_id=sso.organisation_id,
        detail={
            "issuer": sso.issuer,
            "client_id": sso.client_id,
            "email_domains": sso.domains,
            "trust_multi_factor": sso.trust_multi_factor,
            "enabled": sso.enabled,
        },
    )
    return sso


def membership_grant(
    *, user: User, organisation: Organisation, area: Area, role: Role, actor: Membership | None = None
) -> Membership:
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
            actor=actor,
            user=user if actor is None else None,
            record_type="membership",
            record_id=membership.pk,
            detail={"person": user.email, "granted": role.value, "organisation": organisation.name, "area": area.name},
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


def password_link_days() -> int:
    """How long a password link works, from ``PASSWORD_RESET_TIMEOUT``, in whole days."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 3600))


def _password_link(user: User, *, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("accounts:password_set", kwargs={"uidb64": uid, "token": token})


def password_reset_request(*, email: str, base_url: str) -> None:
    """Email a link to choose a new password, if an active account has this address.

    Says nothing either way to the person asking, so the form cannot be used to find accounts.
    """
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return
    link = _password_link(user, base_url=base_url)
    send_mail(
        subject="Choose a new password for Joinedup",
        message=(
            f"Hello {user.full_name},\n\nSomeone asked to reset the password for your Joinedup account. "
            f"To choose a new password, open this link within {password_link_days()} days:\n\n{link}\n\n"
            "If it was not you, you can ignore this email: your password has not changed.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    _account_change_record(user=user, change="password reset link sent")


def password_set_user(*, uidb64: str, token: str) -> User | None:
    """The person a password link was made for, if the link is genuine and unused."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def password_set(*, user: User, password: str) -> None:
    """Set a new password (checked against the password rules) and lift any sign-in lock."""
    password_validation.validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.failed_sign_ins = 0
        user.locked_until = None
        user.save(update_fields=["password", "failed_sign_ins", "locked_until"])
        _account_change_record(user=user, change="password set")


def person_invite(
    *, actor: Membership, email: str, full_name: str, organisation: Organisation, role: Role, base_url: str
) -> Membership:
    """Give a person a role in the administrator's borough, creating their account if needed,
    and email them a link to choose their password."""
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            user = User(email=email.strip().lower(), full_name=full_name.strip())
            user.set_unusable_password()
            user.full_clean()
            user.save()
            audit_record(action=AuditAction.CREATE, actor=actor, record_type="user", record_id=user.pk)
        membership = membership_grant(user=user, organisation=organisation, area=actor.area, role=role, actor=actor)
    # Someone who has never chosen a password gets a link to do so; others just sign in.
    if user.has_usable_password():
        next_step = f"Sign in as usual at {base_url}\n"
    else:
        link = _password_link(user, base_url=base_url)
        next_step = f"Choose your password here within {password_link_days()} days:\n\n{link}\n"
    send_mail(
        subject=f"You have been added to Joinedup as {role.label}",
        message=(
            f"Hello {user.full_name},\n\n{actor.user.full_name} has added you to Joinedup as {role.label}, "
            f"{organisation.name}, {actor.area.name}.\n\n{next_step}"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    return membership


def membership_end(*, actor: Membership, membership: Membership) -> None:
    """Take a role away; the person loses what it gave them at their next request."""
    if membership.pk == actor.pk:
        raise ValidationError("You cannot remove the role you are working in. Ask another administrator.")
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(is_active=False)
        audit_record(
            action=AuditAction.CHANGE,
            actor=actor,
            record_type="membership",
            record_id=membership.pk,
            detail={
                "person": membership.user.email,
                "ended": membership.role,
                "organisation": membership.organisation.name,
            },
        )


def two_factor_reset(*, actor: Membership, user: User) -> None:
    """Remove a person's authenticator, for a lost phone; they set up a new one at their next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        _account_change_record(user=user, change="two-factor authentication reset", actor=actor)


# Systems do the work of partner organisations' practitioners; the work of Link Workers and
# their managers is done by people, so no token acts in those roles (decision 0013).
API_TOKEN_ROLES = frozenset({Role.DELIVERY_PRACTITIONER, Role.PARTNER_PROFESSIONAL})
# The kinds of organisation whose systems may act in each of those roles.
API_TOKEN_KINDS: dict[str, frozenset[str]] = {
    Role.DELIVERY_PRACTITIONER: frozenset({Organisation.Kind.DELIVERY_PARTNER}),
    Role.PARTNER_PROFESSIONAL: frozenset(
        {
            Organisation.Kind.EARLY_HELP,
            Organisation.Kind.SOCIAL_CARE,
            Organisation.Kind.HEALTH,
            Organisation.Kind.VOLUNTARY,
        }
    ),
}
# Recording every call would write to the database on every request; once a minute is enough
# to tell an administrator whether a token is still in use.
API_TOKEN_LAST_USED_EVERY = timedelta(minutes=1)
# Ours are "jdu_" and 43 characters; anything much longer is not one of our keys.
API_TOKEN_KEY_MAX_LENGTH = 100


def api_token_key_hash(key: str) -> str:
    """What is stored instead of the key: its SHA-256, in hex."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_token_issue(
    *, actor: Membership, organisation: Organisation, role: Role, name: str, expires_on: date | None = None
) -> tuple[ApiToken, str]:
    """Issue a token for a partner's system in the administrator's borough.

    Makes the system its own account (no password, an address that cannot receive mail) and a
    membership in ``organisation`` and ``role``, which the token acts through. Returns the token
    and the key; the key is not kept, so this is the only time anyone sees it.
    """
    name = name.strip()
    errors: dict[str, str] = {}
    if actor.role != Role.ADMINISTRATOR:
        raise ValidationError("Only an administrator can issue API tokens.")
    if not name:
        errors["name"] = "Enter the name of the system that will use the token"
    if role not in API_TOKEN_ROLES:
        allowed = " or ".join(sorted(Role(r).label for r in API_TOKEN_ROLES))
        errors["role"] = f"A token can only act as {allowed}. People do the work of other roles."
    if not organisation.areas.filter(pk=actor.area_id).exists():
        errors["organisation"] = (
            f"{organisation} does not work in {actor.area}. Choose an organisation in your borough."
        )
    elif role in API_TOKEN_KINDS and organisation.kind not in API_TOKEN_KINDS[role]:
        kinds = " or ".join(sorted(str(Organisation.Kind(kind).label).lower() for kind in API_TOKEN_KINDS[role]))
        errors["organisation"] = (
            f"{organisation} is a {organisation.get_kind_display().lower()}: a {Role(role).label.lower()} "
            f"works for a {kinds}."
        )
    if expires_on is not None and expires_on <= timezone.localdate():
        errors["expires_on"] = "The expiry date must be in the future"
    if errors:
        raise ValidationError(errors)

    key = ApiToken.KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        account = User(email=f"api-{secrets.token_hex(8)}@tokens.invalid", full_name=f"API: {name}"[:200])
        account.set_unusable_password()
        account.full_clean()
        account.save()
        audit_record(action=AuditAction.CREATE, actor=actor, record_type="user", record_id=account.pk)
        membership = membership_grant(user=account, organisation=organisation, area=actor.area, role=role, actor=actor)
        token = ApiToken(
            membership=membership,
            name=name,
            prefix=key[:8],
            key_hash=api_token_key_hash(key),
            created_by=actor.user,
            expires_on=expires_on,
        )
        token.full_clean()
        token.save()
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            record_type="api_token",
            record_id=token.pk,
            detail={
                "name": name,
                "prefix": token.prefix,
                "account": account.email,
                "organisation": organisation.name,
                "area": actor.area.name,
                "role": role.value,
                "expires_on": expires_on.isoformat() if expires_on else None,
            },
        )
    return token, key


def api_token_revoke(*, actor: Membership, token: ApiToken) -> ApiToken:
    """Stop a token working at once, and end the membership of its system account."""
    if actor.role != Role.ADMINISTRATOR or token.membership.area_id != actor.area_id:
        raise ValidationError("Only an administrator of the token's borough can revoke it.")
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            raise ValidationError(f"The token {locked} was already revoked.")
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor.user
        locked.save(update_fields=["revoked_at", "revoked_by"])
        Membership.objects.filter(pk=locked.membership_id).update(is_active=False)
        audit_record(
            action=AuditAction.CHANGE,
            actor=actor,
            record_type="api_token",
            record_id=locked.pk,
            detail={"change": "revoked", "name": locked.name, "prefix": locked.prefix},
        )
    return locked


def api_token_use(*, key: str) -> Membership | None:
    """The membership a presented key acts through, or None if the key is malformed, unknown,
    revoked or expired, or its system account's membership has ended.

    Looked up by the key's hash through a unique index, so no stored value is compared with
    the key itself. Notes the time of use, at most once a minute.
    """
    if not key.startswith(ApiToken.KEY_PREFIX) or len(key) > API_TOKEN_KEY_MAX_LENGTH:
        return None
    token = (
        ApiToken.objects.select_related("membership__user", "membership__organisation", "membership__area")
        .filter(key_hash=api_token_key_hash(key))
        .first()
    )
    if token is None:
        return None
    if not token.is_usable():
        return None
    membership = token.membership
    if not membership.is_active:
        return None
    if not membership.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= API_TOKEN_LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return membership
