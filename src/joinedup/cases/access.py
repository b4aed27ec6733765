"""The one gate to a child's record.

Every page, API route, export and command that shows a child to a person calls
``access_child``. It applies the rules below, writes the audit event, and
answers the same ``Http404`` whether the child is missing or forbidden, so the
answer never tells anyone that a child exists.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from joinedup.accounts.models import Membership, Role
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.cases.models import Child, Referral


class Purpose(models.TextChoices):
    """Why a person is looking at a child's record; written on every audit event."""

    CASE_WORK = "case_work", "Working with the child and family"
    OVERSIGHT = "oversight", "Management oversight"
    SCHOOL_REVIEW = "school_review", "School review"
    DATA_MANAGEMENT = "data_management", "Data management"
    DELIVERY = "delivery", "Delivering a service the child was referred to"
    JOINT_WORKING = "shared_case", "Working with a child shared under a data-sharing agreement"
    SAFEGUARDING = "safeguarding", "Safeguarding: a concern about the child"


# The purposes each role may give, the usual one first. A role missing here
# sees no child records.
PURPOSES_BY_ROLE: dict[Role, tuple[Purpose, ...]] = {
    Role.LINK_WORKER: (Purpose.CASE_WORK,),
    Role.TEAM_MANAGER: (Purpose.OVERSIGHT, Purpose.CASE_WORK),
    Role.DATA_LEAD: (Purpose.DATA_MANAGEMENT,),
    Role.SCHOOL_STAFF: (Purpose.SCHOOL_REVIEW,),
}

# Roles that can see some children's records at all.
CHILD_ROLES = frozenset(PURPOSES_BY_ROLE)
# Those who work a case: they record consent, contacts, the plan and referrals, enrol, transfer, and
# alone read the case notes (of contacts and reviews) and the referrals. Others who may see the child
# (school staff, data leads) see that things happened, not what was said.
CASE_WORKERS = frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER})


def visible_children_filter(actor: Membership) -> Q:
    """The rule, as one filter: which children this membership may see.

    Each condition is on its own line so the policy can be read and reviewed.
    """
    nothing = Q(pk__in=[])
    if not actor.is_active:
        return nothing
    same_area = Q(area_id=actor.area_id)
    not_archived = Q(archived_at__isnull=True)
    if actor.role == Role.LINK_WORKER:
        # A Link Worker sees the children assigned to them, in their own programme and borough.
        return (
            same_area
            & not_archived
            & Q(programme_organisation_id=actor.organisation_id)
            & Q(link_worker_id=actor.user_id)
        )
    if actor.role in (Role.TEAM_MANAGER, Role.DATA_LEAD):
        # Managers and data leads see every child of their programme in their borough.
        return same_area & not_archived & Q(programme_organisation_id=actor.organisation_id)
    if actor.role == Role.SCHOOL_STAFF:
        # School staff see the children on the programme at their own school.
        return same_area & not_archived & Q(school_id=actor.organisation_id)
    # Delivery partners and partner professionals see children only once a
    # referral or a shared case gives them a reason; commissioners and
    # administrators never see a child's record.
    return nothing


def children_visible_to(actor: Membership) -> QuerySet[Child]:
    return Child.objects.filter(visible_children_filter(actor))


def access_child(actor: Membership | None, child_id: object, *, purpose: str | None = None) -> Child:
    """Return the child if ``actor`` may see it for ``purpose``, recording the view.

    Raises ``Http404`` alike for a missing child, a forbidden one, or a purpose
    the role may not give.
    """
    if actor is None:
        raise Http404("No child found.")
    allowed = PURPOSES_BY_ROLE.get(Role(actor.role), ())
    purpose = purpose or (allowed[0] if allowed else "")
    if purpose not in allowed:
        raise Http404("No child found.")
    try:
        pk = int(str(child_id))
    except ValueError:
        raise Http404("No child found.") from None
    child = (
        children_visible_to(actor)
        .select_related("family", "school", "area", "programme_organisation", "link_worker")
        .filter(pk=pk)
        .first()
    )
    if child is None:
        raise Http404("No child found.")
    audit_record(
        action=AuditAction.VIEW,
        actor=actor,
        record_type="child",
        record_id=child.pk,
        child_id=child.pk,
        purpose=purpose,
    )
    return child


def referrals_for_partner(actor: Membership) -> QuerySet[Referral]:
    """The referrals a delivery partner's practitioner may see: sent to their organisation, in their borough.

    Drafts are the programme's own; nothing else about the child is reachable from here.
    """
    if not actor.is_active or actor.role != Role.DELIVERY_PRACTITIONER:
        return Referral.objects.none()
    return Referral.objects.filter(
        partner_organisation_id=actor.organisation_id,
        enrolment__child__area_id=actor.area_id,
        enrolment__child__archived_at__isnull=True,
    ).exclude(status=Referral.Status.DRAFT)


def referrals_visible_to(actor: Membership) -> QuerySet[Referral]:
    """Referrals of the children the actor works with (Link Worker, team manager), or, for a delivery
    partner, those sent to them. Referrals are for those who make and answer them: no one else sees them."""
    if actor.role == Role.DELIVERY_PRACTITIONER:
        return referrals_for_partner(actor)
    if actor.role not in CASE_WORKERS:
        return Referral.objects.none()
    return Referral.objects.filter(enrolment__child__in=children_visible_to(actor))


def access_referral(actor: Membership | None, referral_id: object) -> Referral:
    """Return the referral if ``actor`` may see it, recording the view of the child it is about.

    The same ``Http404`` for a missing or a forbidden referral, as ``access_child``.
    """
    if actor is None:
        raise Http404("No referral found.")
    try:
        pk = int(str(referral_id))
    except ValueError:
        raise Http404("No referral found.") from None
    referral = (
        referrals_visible_to(actor)
        .select_related("enrolment__child__school", "service", "partner_organisation", "goal")
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise Http404("No referral found.")
    allowed = PURPOSES_BY_ROLE.get(Role(actor.role), (Purpose.DELIVERY,))
    audit_record(
        action=AuditAction.VIEW,
        actor=actor,
        record_type="referral",
        record_id=referral.pk,
        child_id=referral.enrolment.child_id,
        purpose=allowed[0],
    )
    return referral
