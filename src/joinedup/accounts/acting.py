"""Which membership a signed-in person is acting through."""

from __future__ import annotations

from joinedup.accounts.models import Membership
from joinedup.core.http import AuthedRequest

SESSION_KEY = "joinedup_membership_id"


def acting_membership(request: AuthedRequest) -> Membership | None:
    """The membership chosen in this session, or the person's first one."""
    memberships = Membership.objects.filter(user=request.user, is_active=True).select_related(
        "organisation", "area", "user"
    )
    chosen_id = request.session.get(SESSION_KEY)
    membership = memberships.filter(pk=chosen_id).first() if chosen_id else None
    if membership is None:
        membership = memberships.order_by("organisation__name", "area__name", "role").first()
        if membership is not None:
            request.session[SESSION_KEY] = membership.pk
    return membership


def acting_membership_choose(request: AuthedRequest, membership_id: int) -> Membership | None:
    membership = Membership.objects.filter(user=request.user, is_active=True, pk=membership_id).first()
    if membership is not None:
        request.session[SESSION_KEY] = membership.pk
    return membership
