"""Role checks for pages that are not about one record (lists, admin pages).

Records about a child go through ``joinedup.cases.access.access_child``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from joinedup.accounts.models import Membership, Role

View = TypeVar("View", bound=Callable[..., HttpResponse])


def actor_of(request: HttpRequest) -> Membership:
    """The membership the person is acting through; refuses people with none."""
    actor: Membership | None = getattr(request, "actor", None)
    if actor is None:
        raise PermissionDenied("You are not a member of any organisation yet. Ask your administrator.")
    return actor


def roles_required(*roles: Role) -> Callable[[View], View]:
    """Refuse the page unless the person acts in one of ``roles``."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            actor = actor_of(request)
            if actor.role not in roles:
                raise PermissionDenied("Your role does not give you access to this page.")
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator
