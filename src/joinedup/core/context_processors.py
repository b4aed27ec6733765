from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from joinedup.core.navigation import sections_for


def layout(request: HttpRequest) -> dict[str, Any]:
    """The header's navigation and the organisation and borough the person is acting for."""
    actor = getattr(request, "actor", None)
    if actor is None:
        return {"actor": None, "nav_items": []}
    sections = sections_for(actor.role)
    # The section the page is in: the one whose address is the longest start of the page's
    # (/children/caseload/ is in Caseload, not in Children).
    here = max((section.href for section in sections if request.path.startswith(section.href)), key=len, default="")
    items = [{"text": section.title, "href": section.href, "current": section.href == here} for section in sections]
    return {
        "actor": actor,
        "nav_items": items,
        "has_other_memberships": getattr(request, "membership_count", 1) > 1,
    }
