"""Which membership a signed-in person is acting through."""

from __future__ import annotations

from joinedup.accounts.models import Membership
from joinedup.accounts.selectors import memberships_for
from joinedup.core.http import AuthedRequest

SESSION_KEY = "joinedup_membership_id"


def acting_membership(request: AuthedRequest) -> Membership | None:
    """The membership chosen in this session, or the person's first one.

    One query on every request: it also tells the header whether there are others to switch to.
    """
    memberships = list(memberships_for(request.user))
    request.membership_count = len(memberships)
    chosen_id = request.session.get(SESSION_KEY)
    membership = next((m for m in memberships if m.pk == chosen_id), memberships[0] if memberships else None)
    if membership is not None and membership.pk != chosen_id:
        request.session[SESSION_KEY] = membership.pk
    return membership


def acting_membership_choose(request: AuthedRequest, membership_id: int) -> Membership | None:
    membership = Membership.objects.filter(user=request.user, is_active=True, pk=membership_id).first()
    if membership is not None:
        request.session[SESSION_KEY] = membership.pk
    return membership
