"""Safeguarding on the child's record: the concerns the viewer may read, and a way to raise one."""

from __future__ import annotations

from typing import Any

from django import template

from joinedup.safeguarding.access import audit_concern_list
from joinedup.safeguarding.selectors import Item, concerns_of_child

register = template.Library()


@register.simple_tag(takes_context=True)
def concerns_about(context: dict[str, Any], child: Any) -> list[Item]:
    """The concerns about the child the person may read (their own, or their team's for a manager), each listed
    audited as a safeguarding read. Only on pages already behind ``access_child``."""
    actor = context["request"].actor
    items = concerns_of_child(actor, child)
    audit_concern_list(actor, [item.concern for item in items])
    return items
