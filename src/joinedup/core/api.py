from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination

router = Router(tags=["people"])

PAGE_MOST = 500


class Paged(LimitOffsetPagination):
    """``limit`` and ``offset`` for every list, bounded so the description says what is accepted and a
    number too big for the database is refused as invalid rather than failing."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=PAGE_MOST)
        offset: int = Field(0, ge=0, le=2**31 - 1)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=PAGE_MOST, **kwargs)


class MeOut(Schema):
    email: str
    full_name: str
    organisation: str
    area: str
    role: str


@router.get("/me", response=MeOut, summary="Who you are signed in as, and the role you are acting in")
def me(request: HttpRequest) -> MeOut:
    actor = request.auth  # type: ignore[attr-defined]
    return MeOut(
        email=actor.user.email,
        full_name=actor.user.full_name,
        organisation=actor.organisation.name,
        area=actor.area.name,
        role=actor.role,
    )
