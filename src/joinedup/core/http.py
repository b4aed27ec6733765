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


def is_verified(user: object) -> bool:
    """Whether the person has passed two-factor sign-in in this session (set by django-otp)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False
