from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["people"])


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
