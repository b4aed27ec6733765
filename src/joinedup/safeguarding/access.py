"""The gates to safeguarding records.

A concern is seen by the managers of the team that raised it (the programme organisation in the borough; the
safeguarding leads are among them) and by the person who raised it, while their membership is active. Nobody
else reaches it here: a partner practitioner reads a child's concerns only inside a plan share that includes
them under a safeguarding basis (``joint``). A context holds information about other children, so only the
team's managers see it whole. Every read is audited against each child it is about; a missing or forbidden
record answers the same ``Http404``.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from joinedup.accounts.models import Membership, Role
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record_many
from joinedup.cases.access import Purpose
from joinedup.safeguarding.models import Concern, Context, Escalation

#: Those who may raise a concern: the people who work with children every day.
RAISERS = frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER})
#: Those who decide, escalate and oversee: the team's managers, its safeguarding leads among them.
MANAGERS = frozenset({Role.TEAM_MANAGER})


def _pk(value: object, missing: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise Http404(missing) from None


def is_manager_of(actor: Membership, *, area_id: int, organisation_id: int) -> bool:
    return (
        actor.is_active
        and actor.role in MANAGERS
        and actor.area_id == area_id
        and actor.organisation_id == organisation_id
    )


def concerns_visible_to(actor: Membership) -> QuerySet[Concern]:
    """The concerns the actor may read: their team's, for a manager; those they raised, for a Link Worker."""
    if not actor.is_active or actor.role not in RAISERS:
        return Concern.objects.none()
    team = Q(area_id=actor.area_id, organisation_id=actor.organisation_id)
    if actor.role in MANAGERS:
        return Concern.objects.filter(team)
    return Concern.objects.filter(team, raised_by_id=actor.pk)


def access_concern(actor: Membership | None, concern_id: object) -> Concern:
    """The concern, if the actor may read it; the read is audited against the child, or each child of its
    context."""
    missing = "No concern found."
    if actor is None:
        raise Http404(missing)
    concern = (
        concerns_visible_to(actor)
        .select_related("child__school", "child__family", "context", "raised_by__user", "area", "organisation")
        .filter(pk=_pk(concern_id, missing))
        .first()
    )
    if concern is None:
        raise Http404(missing)
    audit_record_many(
        action=AuditAction.VIEW,
        actor=actor,
        record_type="safeguarding.concern",
        records=[(concern.pk, child_id) for child_id in concern.child_ids()] or [(concern.pk, None)],
        purpose=Purpose.SAFEGUARDING,
    )
    return concern


def access_escalation(actor: Membership | None, escalation_id: object) -> Escalation:
    """A referral, for a manager of the team whose concern it is (read through ``access_concern``)."""
    missing = "No referral found."
    if actor is None or actor.role not in MANAGERS:
        raise Http404(missing)
    escalation = Escalation.objects.select_related("front_door").filter(pk=_pk(escalation_id, missing)).first()
    if escalation is None:
        raise Http404(missing)
    escalation.concern = access_concern(actor, escalation.concern_id)
    return escalation


def contexts_visible_to(actor: Membership) -> QuerySet[Context]:
    if not actor.is_active or actor.role not in MANAGERS:
        return Context.objects.none()
    return Context.objects.filter(area_id=actor.area_id, organisation_id=actor.organisation_id)


def access_context(actor: Membership | None, context_id: object) -> Context:
    """A context, whole, for the team's managers; the read is audited against each child linked to it."""
    missing = "No context found."
    if actor is None:
        raise Http404(missing)
    context = contexts_visible_to(actor).filter(pk=_pk(context_id, missing)).first()
    if context is None:
        raise Http404(missing)
    audit_record_many(
        action=AuditAction.VIEW,
        actor=actor,
        record_type="safeguarding.context",
        records=[(context.pk, pk) for pk in context.children.values_list("pk", flat=True)] or [(context.pk, None)],
        purpose=Purpose.SAFEGUARDING,
    )
    return context


def audit_concern_list(actor: Membership, concerns: list[Concern]) -> None:
    """A list of concerns shows who each is about: audit each child listed."""
    records = [(concern.pk, concern.child_id) for concern in concerns if concern.child_id]
    if records:
        audit_record_many(
            action=AuditAction.VIEW,
            actor=actor,
            record_type="safeguarding.concern",
            records=records,
            purpose=Purpose.SAFEGUARDING,
            detail={"listed": True},
        )
