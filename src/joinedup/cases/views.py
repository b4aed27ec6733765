from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from joinedup.cases.access import CHILD_ROLES, access_child, children_visible_to
from joinedup.cases.selectors import child_list
from joinedup.core.access import actor_of, roles_required


@roles_required(*CHILD_ROLES)
def children(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(child_list(actor, search=search), 50).get_page(request.GET.get("page"))
    template = "cases/child_list.html#results" if request.headers.get("HX-Request") else "cases/child_list.html"
    return render(request, template, {"page": page, "search": search, "today": date.today()})


def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    child = access_child(getattr(request, "actor", None), pk)
    # Only the siblings this person may see themselves are listed.
    siblings = children_visible_to(request.actor).filter(family_id=child.family_id).exclude(pk=child.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "cases/child_detail.html",
        {"child": child, "members": child.family.members.all(), "siblings": siblings, "today": date.today()},
    )
