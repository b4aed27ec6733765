"""Reads about people and organisations, scoped to what the actor may see."""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.accounts.models import ApiToken, Membership, Organisation, Role, User


def memberships_for(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organisation", "area", "user")
        .order_by("organisation__name", "area__name", "role")
    )


def organisations_managed_by(actor: Membership) -> QuerySet[Organisation]:
    """Administrators manage the organisations that work in their area."""
    if actor.role != Role.ADMINISTRATOR:
        return Organisation.objects.none()
    return Organisation.objects.filter(areas=actor.area_id).order_by("kind", "name")


def people_managed_by(actor: Membership) -> QuerySet[User]:
    if actor.role != Role.ADMINISTRATOR:
        return User.objects.none()
    return (
        User.objects.filter(memberships__area=actor.area_id, memberships__is_active=True)
        .distinct()
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(is_active=True).select_related("organisation", "area"),
                to_attr="active_memberships",
            ),
            Prefetch("totpdevice_set", queryset=TOTPDevice.objects.filter(confirmed=True), to_attr="authenticators"),
        )
        .order_by("full_name")
    )


def memberships_managed_by(actor: Membership) -> QuerySet[Membership]:
    """Roles an administrator may take away: active ones in their own borough."""
    if actor.role != Role.ADMINISTRATOR:
        return Membership.objects.none()
    return Membership.objects.filter(area_id=actor.area_id, is_active=True).select_related("user", "organisation")


def api_tokens_managed_by(actor: Membership) -> QuerySet[ApiToken]:
    """Tokens of systems acting in the administrator's borough, usable ones first, newest first."""
    if actor.role != Role.ADMINISTRATOR:
        return ApiToken.objects.none()
    return (
        ApiToken.objects.filter(membership__area_id=actor.area_id)
        .select_related("membership__organisation", "membership__area", "created_by", "revoked_by")
        .order_by(F("revoked_at").asc(nulls_first=True), "-created_at")
    )
