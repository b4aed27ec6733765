"""Keeping the partnership map: entries saved and confirmed, and managers reminded of those not confirmed."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import Area, Membership, Role
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.notifications.models import Kind
from joinedup.notifications.services import notify
from joinedup.partnership.models import Confirmed, MapSettings
from joinedup.partnership.selectors import partnership_map
from joinedup.sharing.models import DataSharingAgreement


def entry_save(*, actor: Membership, entry: Confirmed, created: bool) -> Confirmed:
    """Save an entry of the actor's borough's map: saving it confirms it today."""
    entry.area_id = actor.area_id
    entry.last_confirmed_on = timezone.localdate()
    entry.confirmed_by = actor.user
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        _record(actor, entry, AuditAction.CREATE if created else AuditAction.CHANGE)
    return entry


def entry_confirm(*, actor: Membership, entry: Confirmed | DataSharingAgreement) -> None:
    """Someone checked the entry and it still holds."""
    with transaction.atomic():
        if isinstance(entry, DataSharingAgreement):
            entry.last_confirmed_on = timezone.localdate()
            entry.save(update_fields=["last_confirmed_on"])
        else:
            entry.last_confirmed_on = timezone.localdate()
            entry.confirmed_by = actor.user
            entry.save(update_fields=["last_confirmed_on", "confirmed_by"])
        _record(actor, entry, AuditAction.CHANGE, confirmed=True)


def entry_remove(*, actor: Membership, entry: Model) -> None:
    with transaction.atomic():
        _record(actor, entry, AuditAction.CHANGE, removed=True)
        entry.delete()


def _record(actor: Membership, entry: Model, action: AuditAction, **detail: object) -> None:
    audit_record(
        action=action,
        actor=actor,
        record_type=f"partnership.{entry._meta.model_name}",
        record_id=entry.pk,
        detail={key: value for key, value in detail.items() if value} or None,
    )


def settings_save(*, actor: Membership, confirm_every_days: int) -> MapSettings:
    found = MapSettings.for_area(actor.area_id)
    found.confirm_every_days = confirm_every_days
    found.full_clean()
    found.save()
    return found


def unconfirmed_remind(*, on: date | None = None) -> int:
    """Tell each team manager of a borough how many of its map's entries need confirming, once a week at most.
    Returns how many were told."""
    on = on or timezone.localdate()
    told = 0
    for area in Area.objects.all():
        due = partnership_map(area, None, on).due
        if not due:
            continue
        managers = Membership.objects.filter(
            area=area, role=Role.TEAM_MANAGER, is_active=True, user__is_active=True
        ).select_related("user")
        for user in {membership.user for membership in managers}:
            if notify(
                user=user,
                kind=Kind.CONFIRM_DUE,
                key=f"confirm_due:{area.pk}:{on:%G-W%V}",
                subject=f"The partnership map for {area.name} needs checking",
                body=f"{due} entr{'y has' if due == 1 else 'ies have'} not been confirmed for "
                f"{MapSettings.for_area(area.pk).confirm_every_days} days or more. Check they still hold.",
                link=reverse("partnership:map"),
            ):
                told += 1
    return told
