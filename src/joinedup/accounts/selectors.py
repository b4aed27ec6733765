"""Reads about people and organisations, scoped to what the actor may see."""

from __future__ import annotations

from django.db.models import QuerySet

from joinedup.accounts.models import Membership, Organisation, Role, User


def memberships_for(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True, organisation__isnull=False)
        .select_related("organisation", "area")
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
        .prefetch_related("memberships__organisation", "memberships__area")
        .order_by("full_name")
    )
