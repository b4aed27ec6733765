from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from joinedup.accounts.models import Membership, Role
from joinedup.audit.models import AuditEvent


def audit_events_for(
    actor: Membership,
    *,
    child_id: int | None = None,
    user_email: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Events an administrator may search: those of people acting in the administrator's borough,
    and sign-in events of people who are members there."""
    if actor.role != Role.ADMINISTRATOR:
        return AuditEvent.objects.none()
    events = AuditEvent.objects.filter(area_id=actor.area_id) | AuditEvent.objects.filter(
        area__isnull=True, user__memberships__area_id=actor.area_id
    )
    events = events.distinct()
    if child_id is not None:
        events = events.filter(child_id=child_id)
    if user_email:
        events = events.filter(actor_email__iexact=user_email.strip())
    if date_from is not None:
        events = events.filter(occurred_at__gte=timezone.make_aware(datetime.combine(date_from, time.min)))
    if date_to is not None:
        events = events.filter(occurred_at__lte=timezone.make_aware(datetime.combine(date_to, time.max)))
    return events.select_related("organisation", "area", "user").order_by("-seq")
