"""The gates to shared plans.

A shared plan is read by the one practitioner it names, through ``access_shared_plan``, while the share is in
force (``models.shares_in_force``): each read is audited as a view of the child for joint working. On our side
a share is reached through the child's record (``access_child``), by those who work the case. Both answer the
same ``Http404`` for a missing or a forbidden share.
"""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from joinedup.accounts.models import Membership, Role
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record, audit_record_many
from joinedup.cases.access import CASE_WORKERS, PURPOSES_BY_ROLE, Purpose, access_child
from joinedup.joint.models import JointAction, JointMeeting, PlanShare, shares_in_force
from joinedup.joint.services import sharing_basis
from joinedup.sharing.access import PARTNER_ROLES

NOT_FOUND = "No shared plan found."


def _pk(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise Http404(NOT_FOUND) from None


def shares_for_partner(actor: Membership) -> QuerySet[PlanShare]:
    """The plans shared with this practitioner, in force today, of children in their borough."""
    if not actor.is_active or actor.role not in PARTNER_ROLES:
        return PlanShare.objects.none()
    return shares_in_force(timezone.localdate()).filter(
        shared_with_id=actor.pk, partner_id=actor.organisation_id, child__area_id=actor.area_id
    )


def plans_shared_with(actor: Membership) -> list[PlanShare]:
    """The plans shared with this practitioner now, soonest to expire first; each child listed is audited."""
    shares = list(
        shares_for_partner(actor)
        .select_related("child__school", "child__link_worker", "created_by")
        .order_by("expires_on", "pk")
    )
    audit_record_many(
        action=AuditAction.VIEW,
        actor=actor,
        record_type="joint.plan_share",
        records=[(share.pk, share.child_id) for share in shares],
        purpose=Purpose.JOINT_WORKING,
        detail={"listed": True},
    )
    return shares


def share_ended_for(actor: Membership, share_id: object) -> PlanShare | None:
    """A share that named ``actor`` (in their organisation and borough) and is no longer in force, so they can
    be told it ended and why. It says nothing about the child: not audited."""
    try:
        pk = int(str(share_id))
    except ValueError:
        return None
    share = (
        PlanShare.objects.filter(
            pk=pk, shared_with_id=actor.pk, partner_id=actor.organisation_id, child__area_id=actor.area_id
        )
        .select_related("agreement__partner", "consent", "shared_with__user")
        .first()
    )
    return share if share is not None and share.refusal() else None


def access_shared_plan(actor: Membership | None, share_id: object) -> PlanShare:
    """The share, if it names ``actor`` and is in force; the read is audited as a view of the child."""
    if actor is None:
        raise Http404(NOT_FOUND)
    share = (
        shares_for_partner(actor)
        .select_related("child__programme_organisation", "child__link_worker", "agreement", "consent", "created_by")
        .filter(pk=_pk(share_id))
        .first()
    )
    if share is None:
        raise Http404(NOT_FOUND)
    audit_record(
        action=AuditAction.VIEW,
        actor=actor,
        record_type="joint.plan_share",
        record_id=share.pk,
        child_id=share.child_id,
        purpose=Purpose.JOINT_WORKING,
    )
    return share


def access_share_ours(actor: Membership | None, share_id: object) -> PlanShare:
    """A share of a child whose case ``actor`` works (Link Worker, team manager): the child comes through
    ``access_child``, which audits the view."""
    if actor is None or actor.role not in CASE_WORKERS:
        raise Http404(NOT_FOUND)
    share = (
        PlanShare.objects.select_related("shared_with__user", "partner", "agreement", "consent", "created_by")
        .filter(pk=_pk(share_id))
        .first()
    )
    if share is None:
        raise Http404(NOT_FOUND)
    share.child = access_child(actor, share.child_id)
    return share


# -- joint meetings --------------------------------------------------------------------------------------------


def attends(actor: Membership, meeting: JointMeeting, allowed: dict[int, bool] | None = None) -> bool:
    """Whether the actor attended the meeting and may still read its minutes: an active attendee in the child's
    borough, and, for a partner, under an agreement or consent still in force. ``allowed`` remembers that answer
    by child across several meetings (uses prefetched attendees when there are)."""
    child = meeting.child
    if not actor.is_active or child.archived_at is not None or child.area_id != actor.area_id:
        return False
    if actor.pk not in {member.pk for member in meeting.attendees.all()}:
        return False
    if actor.organisation_id == child.programme_organisation_id:
        return True
    allowed = {} if allowed is None else allowed
    if child.pk not in allowed:
        allowed[child.pk] = not sharing_basis(child, actor.organisation).refusal
    return allowed[child.pk]


def access_meeting(actor: Membership | None, meeting_id: object) -> tuple[JointMeeting, bool]:
    """The meeting, and whether the actor reads its minutes: those who attended do; those who work the case see
    that it happened, who came, what was decided and the actions. Audited as a view of the child."""
    if actor is None:
        raise Http404("No meeting found.")
    try:
        pk = int(str(meeting_id))
    except ValueError:
        raise Http404("No meeting found.") from None
    meeting = JointMeeting.objects.select_related("child__area", "child__programme_organisation").filter(pk=pk).first()
    if meeting is None:
        raise Http404("No meeting found.")
    if attends(actor, meeting):
        ours = actor.organisation_id == meeting.child.programme_organisation_id
        audit_record(
            action=AuditAction.VIEW,
            actor=actor,
            record_type="joint.meeting",
            record_id=meeting.pk,
            child_id=meeting.child_id,
            purpose=PURPOSES_BY_ROLE[Role(actor.role)][0] if ours else Purpose.JOINT_WORKING,
        )
        return meeting, True
    if actor.role in CASE_WORKERS:
        meeting.child = access_child(actor, meeting.child_id)
        return meeting, False
    raise Http404("No meeting found.")


def tasks_of(actor: Membership) -> list[JointAction]:
    """The joint actions the actor owns, open ones first, of meetings they may still see."""
    actions = (
        JointAction.objects.filter(owner=actor)
        .select_related("meeting__child__area", "meeting__child__programme_organisation")
        .prefetch_related("meeting__attendees")
        .order_by(F("done_on").asc(nulls_first=True), "due_on", "pk")
    )
    allowed: dict[int, bool] = {}  # one check of the basis per child, however many of its actions
    return [action for action in actions[:200] if attends(actor, action.meeting, allowed)]
