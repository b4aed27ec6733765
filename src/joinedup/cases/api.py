from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from joinedup.cases.access import access_child
from joinedup.cases.models import Child
from joinedup.cases.selectors import child_list

router = Router(tags=["children"])


class ChildSummaryOut(Schema):
    id: int
    display_name: str
    school: str = Field(alias="school.name")
    year_of_birth: int

    @staticmethod
    def resolve_year_of_birth(child: Child) -> int:
        return child.date_of_birth.year


class ChildOut(Schema):
    id: int
    forenames: str
    surname: str
    preferred_name: str
    date_of_birth: date
    sex: str
    school_urn: str | None = Field(alias="school.urn")
    school: str = Field(alias="school.name")
    home_postcode: str
    area: str = Field(alias="area.name")
    link_worker: str | None

    @staticmethod
    def resolve_link_worker(child: Child) -> str | None:
        return child.link_worker.full_name if child.link_worker else None


@router.get("", response=list[ChildSummaryOut], summary="Children you may see")
@paginate(LimitOffsetPagination)
def children(request: HttpRequest, q: str = "") -> QuerySet[Child]:
    return child_list(request.auth, search=q[:100])  # type: ignore[attr-defined]


@router.get("/{child_id}", response=ChildOut, summary="One child's record (audited)")
def child(request: HttpRequest, child_id: int) -> Child:
    return access_child(request.auth, child_id)  # type: ignore[attr-defined]
