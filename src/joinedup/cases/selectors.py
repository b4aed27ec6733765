from __future__ import annotations

from django.db.models import Q, QuerySet

from joinedup.accounts.models import Membership
from joinedup.cases.access import children_visible_to
from joinedup.cases.models import Child


def child_list(actor: Membership, *, search: str = "") -> QuerySet[Child]:
    """The children this membership may see, for a list page. Names only: no record is opened."""
    children = children_visible_to(actor).select_related("school", "link_worker")
    for word in search.split():
        children = children.filter(
            Q(forenames__icontains=word) | Q(surname__icontains=word) | Q(preferred_name__icontains=word)
        )
    return children.order_by("surname", "forenames", "pk")
