"""The request as our middleware leaves it, for type-checking views."""

from __future__ import annotations

from django.http import HttpRequest

from joinedup.accounts.models import Membership, User


class AuthedRequest(HttpRequest):
    """A request from a signed-in person. ``actor`` is the membership they act through."""

    user: User
    actor: Membership | None
    membership_count: int
    request_id: str


# Set on a session signed in through an organisation's single sign-on that used more than one factor,
# when the organisation is trusted to (``accounts.sso``).
SSO_MULTI_FACTOR_KEY = "joinedup_sso_multi_factor"


def is_verified(user: object) -> bool:
    """Whether the person has passed two-factor sign-in in this session (set by django-otp)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def second_factor_done(request: HttpRequest) -> bool:
    """Two factors in this session: the authenticator's code, or the organisation's own multi-factor sign-in."""
    return is_verified(request.user) or bool(request.session.get(SSO_MULTI_FACTOR_KEY))
