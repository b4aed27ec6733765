"""Joint working on pages of the cases app: who can see the child's plan now, and the family's story."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count, Q

from joinedup.cases.models import FamilyStory
from joinedup.joint.models import JointMeeting
from joinedup.joint.selectors import ShareRow, family_story, shares_of_child

register = template.Library()


@register.simple_tag
def plan_shares_now(child: Any) -> list[ShareRow]:
    """The shares of the child's plan in force now. Only on pages already behind ``access_child``."""
    return [row for row in shares_of_child(child) if row.in_force]


@register.simple_tag
def family_story_of(child: Any) -> FamilyStory | None:
    """The child's family's story. Only on pages for those who work the case."""
    return family_story(child)


@register.simple_tag
def meetings_of(child: Any) -> list[JointMeeting]:
    """The child's joint meetings, newest first, each with how many of its actions are open."""
    open_actions = Count("actions", filter=Q(actions__done_on__isnull=True))
    return list(JointMeeting.objects.filter(child=child).annotate(open_actions=open_actions))
