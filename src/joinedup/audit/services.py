"""Writing to the audit log, and checking it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from joinedup.audit.chain import HASHED_FIELDS, VerifyReport, event_hash, verify_events
from joinedup.audit.models import AuditAction, AuditChainHead, AuditEvent
from joinedup.core.request_context import current_request_id

if TYPE_CHECKING:
    from joinedup.accounts.models import Membership, User


def audit_key() -> bytes:
    """The key the chain is signed with: ``AUDIT_HMAC_KEY``, or one derived from ``SECRET_KEY``."""
    configured = getattr(settings, "AUDIT_HMAC_KEY", "")
    if configured:
        return configured.encode("utf-8")
    return hashlib.sha256(b"joinedup-audit-chain:" + settings.SECRET_KEY.encode("utf-8")).digest()


def audit_record(
    *,
    action: AuditAction,
    actor: Membership | None = None,
    user: User | None = None,
    record_type: str = "",
    record_id: object = "",
    child_id: int | None = None,
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain.

    ``actor`` is the membership the person acted through; ``user`` alone is for
    events with no organisation yet, such as a failed sign-in.
    """
    if actor is not None:
        user = actor.user
    with transaction.atomic():
        # The head row is the lock that keeps the chain a single line when
        # several requests and the worker write at once.
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            occurred_at=timezone.now(),
            user=user,
            actor_email=user.email if user is not None else "",
            organisation_id=actor.organisation_id if actor is not None else None,
            area_id=actor.area_id if actor is not None else None,
            role=actor.role if actor is not None else "",
            action=action,
            record_type=record_type,
            record_id=str(record_id),
            child_id=child_id,
            purpose=purpose,
            request_id=current_request_id(),
            detail=detail or {},
            prev_hash=head.hash,
        )
        event.hash = event_hash(audit_key(), head.hash, _hashed_fields(event))
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)
    return event


def audit_record_many(
    *,
    action: AuditAction,
    actor: Membership | None = None,
    user: User | None = None,
    record_type: str,
    records: Sequence[tuple[object, int | None]],
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """Append one event per (record id, child id), all alike but for those: a list page naming many
    children, or a background job's work. One lock of the chain head and one insert, however many.
    ``actor`` and ``user`` as for ``audit_record``."""
    if not records:
        return []
    if actor is not None:
        user = actor.user
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        seq, previous = head.seq, head.hash
        now = timezone.now()
        events = []
        for record_id, child_id in records:
            seq += 1
            event = AuditEvent(
                seq=seq,
                occurred_at=now,
                user=user,
                actor_email=user.email if user is not None else "",
                organisation_id=actor.organisation_id if actor is not None else None,
                area_id=actor.area_id if actor is not None else None,
                role=actor.role if actor is not None else "",
                action=action,
                record_type=record_type,
                record_id=str(record_id),
                child_id=child_id,
                purpose=purpose,
                request_id=current_request_id(),
                detail=detail or {},
                prev_hash=previous,
            )
            event.hash = previous = event_hash(audit_key(), previous, _hashed_fields(event))
            events.append(event)
        AuditEvent.objects.bulk_create(events)
        AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=previous)
    return events


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in HASHED_FIELDS}


def audit_verify(*, progress: Callable[[int, int], None] | None = None) -> VerifyReport:
    """Re-compute the whole chain; ``progress(done, total)`` is called as it goes."""
    head = AuditChainHead.objects.get(pk=1)
    total = AuditEvent.objects.count()
    rows = AuditEvent.objects.order_by("seq").values(*HASHED_FIELDS, "prev_hash", "hash").iterator(chunk_size=2000)
    report_progress = (lambda done: progress(done, total)) if progress is not None else None
    return verify_events(audit_key(), rows, head_seq=head.seq, head_hash=head.hash, progress=report_progress)
