"""Writes for joint working: sharing a plan and revoking it, the partner's plan summary, and comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import Membership, Organisation
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.cases.access import CASE_WORKERS, Purpose
from joinedup.cases.consent import consent_check
from joinedup.cases.models import Child, Consent, FamilyStory
from joinedup.joint.duplication import Finding
from joinedup.joint.models import (
    Appointment,
    FindingResolution,
    JointAction,
    JointMeeting,
    PartnerAction,
    PartnerGoal,
    PartnerPlan,
    PartnerService,
    PlanShare,
    ShareComment,
    consent_in_force_filter,
    shares_in_force,
)
from joinedup.notifications.models import Kind
from joinedup.notifications.services import notify
from joinedup.sharing.access import PARTNER_ROLES
from joinedup.sharing.models import DataSharingAgreement, LawfulBasis, active_agreement_filter


def _audit(
    actor: Membership,
    action: AuditAction,
    record_type: str,
    record_id: object,
    child_id: int,
    detail: dict[str, Any] | None = None,
) -> None:
    """One audit event of joint working, against the child it is about."""
    audit_record(
        action=action,
        actor=actor,
        record_type=f"joint.{record_type}",
        record_id=record_id,
        child_id=child_id,
        purpose=Purpose.JOINT_WORKING,
        detail=detail,
    )


@dataclass(frozen=True)
class Basis:
    """What allows sharing a child's plan with an organisation: an agreement in force, or the family's consent;
    ``refusal`` says why neither does."""

    agreement: DataSharingAgreement | None
    consent: Consent | None
    refusal: str

    @property
    def ends_on(self) -> date | None:
        """The last day the basis is in force, when it has one."""
        if self.agreement is not None:
            return self.agreement.expires_on
        if self.consent is not None:
            return self.consent.expires_on
        return None

    @property
    def label(self) -> str:
        if self.agreement is not None:
            return f"agreement “{self.agreement.title}”"
        if self.consent is not None:
            return f"family’s consent of {self.consent.given_on:%-d %B %Y}"
        return "no agreement or consent"


def _agreement_in_force(
    child: Child, organisation: Organisation, on: date, **more: object
) -> DataSharingAgreement | None:
    """The agreement in force on ``on`` between the child's programme and ``organisation`` in the child's borough
    (narrowed by ``more``), the longest-lasting first."""
    return (
        DataSharingAgreement.objects.filter(
            active_agreement_filter(on),
            area_id=child.area_id,
            organisation_id=child.programme_organisation_id,
            partner_id=organisation.pk,
            **more,
        )
        .order_by("-expires_on", "-pk")
        .first()
    )


def sharing_basis(child: Child, organisation: Organisation, *, on: date | None = None) -> Basis:
    """The agreement in force between the child's programme and ``organisation`` in the child's borough, or
    else the family's consent to sharing with that organisation; or why there is neither."""
    on = on or timezone.localdate()
    agreement = _agreement_in_force(child, organisation, on)
    if agreement is not None:
        return Basis(agreement, None, "")
    check = consent_check(child, Consent.Purpose.SHARING, organisation_id=organisation.pk, on=on)
    if check.ok:
        return Basis(None, check.record, "")
    return Basis(
        None,
        None,
        f"There is no data-sharing agreement in force with {organisation.name} in {child.area.name}. {check.missing}",
    )


def safeguarding_basis(child: Child, organisation: Organisation, *, on: date | None = None) -> Basis:
    """What allows sharing safeguarding concerns with ``organisation``: an agreement in force under the duty to
    safeguard (Children Act 2004, section 11), or a recorded decision to share with it to protect the child (a
    sharing record on the safeguarding basis, with who decided and why); or why there is neither."""
    on = on or timezone.localdate()
    agreement = _agreement_in_force(child, organisation, on, lawful_basis=LawfulBasis.CHILDREN_ACT_S11)
    if agreement is not None:
        return Basis(agreement, None, "")
    decision = (
        Consent.objects.filter(
            consent_in_force_filter(on),
            child=child,
            purpose=Consent.Purpose.SHARING,
            basis=Consent.Basis.SAFEGUARDING,
            organisation_id=organisation.pk,
        )
        .order_by("-given_on", "-pk")
        .first()
    )
    if decision is not None:
        return Basis(None, decision, "")
    return Basis(
        None,
        None,
        f"Safeguarding concerns are shared only on a safeguarding basis: an agreement with {organisation.name} under "
        "section 11 of the Children Act 2004, or a recorded decision to share with them to protect the child "
        "(record it under Consent as sharing, on the basis “Safeguarding”, with the reason). Untick the concerns to "
        "share the rest.",
    )


def _basis_until(
    child: Child, organisation: Organisation, expires_on: date, *, refused_field: str, concerns: bool = False
) -> Basis:
    """What allows sharing with ``organisation`` today (a safeguarding basis, when ``concerns`` are shared), if it
    lasts until ``expires_on``; refused, with why, on the form field ``refused_field`` (or on the date, when it ends
    sooner)."""
    basis = safeguarding_basis(child, organisation) if concerns else sharing_basis(child, organisation)
    if basis.refusal:
        raise ValidationError({refused_field: basis.refusal})
    if basis.ends_on is not None and expires_on > basis.ends_on:
        raise ValidationError(
            {"expires_on": f"The {basis.label} ends on {basis.ends_on:%-d %B %Y}: end the share by then."}
        )
    return basis


def share_candidates(child: Child) -> list[Membership]:
    """The partner practitioners a child's plan could be shared with: active people of other organisations
    working in the child's borough, in a partner role."""
    return list(
        Membership.objects.filter(area_id=child.area_id, role__in=PARTNER_ROLES, is_active=True, user__is_active=True)
        .exclude(organisation_id=child.programme_organisation_id)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")
    )


def plan_share_create(
    *,
    actor: Membership,
    child: Child,
    shared_with: Membership,
    parts: list[str],
    purpose: str,
    expires_on: date,
) -> PlanShare:
    """Share chosen parts of the child's plan with one partner practitioner; refused, with the reason, when
    nothing allows it."""
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if shared_with not in share_candidates(child):
        errors["shared_with"] = "Choose a practitioner of a partner organisation who works in the child’s borough."
    if not parts or not set(parts) <= set(PlanShare.Part.values):
        errors["parts"] = "Choose what to share."
    if PlanShare.Part.STORY in parts:
        story = FamilyStory.objects.filter(family_id=child.family_id).first()
        if story is None:
            errors["parts"] = "The family’s story has not been written down yet: untick it, or record it first."
        elif not story.share_agreed:
            errors["parts"] = "The family has not agreed to their story being shared: untick it."
    if not purpose.strip():
        errors["purpose"] = "Say what the share is for."
    if expires_on < today:
        errors["expires_on"] = "The share must end today or later."
    if errors:
        raise ValidationError(errors)
    concerns = PlanShare.Part.CONCERNS in parts
    basis = _basis_until(
        child,
        shared_with.organisation,
        expires_on,
        refused_field="parts" if concerns else "shared_with",
        concerns=concerns,
    )
    current = shares_in_force(today).filter(child=child, shared_with=shared_with).first()
    if current is not None:
        raise ValidationError(
            {
                "shared_with": f"{shared_with.user.full_name} can already see this plan until "
                f"{current.expires_on:%-d %B %Y}. Revoke that share first to share different parts."
            }
        )
    with transaction.atomic():
        share = PlanShare.objects.create(
            child=child,
            shared_with=shared_with,
            partner=shared_with.organisation,
            parts=[value for value in PlanShare.Part.values if value in parts],
            purpose=purpose.strip(),
            expires_on=expires_on,
            agreement=basis.agreement,
            consent=basis.consent,
            created_by=actor.user,
            modified_by=actor.user,
        )
        _audit(
            actor,
            AuditAction.SHARE,
            "plan_share",
            share.pk,
            child.pk,
            detail={"with": shared_with.pk, "organisation": shared_with.organisation_id, "parts": share.parts},
        )
        notify(
            user=shared_with.user,
            kind=Kind.PLAN_SHARED,
            key=f"plan_shared:{share.pk}",
            subject="A child’s plan has been shared with you in Joinedup",
            body=f"{actor.user.full_name} of {actor.organisation.name} shared a child’s plan with you, "
            f"until {share.expires_on:%-d %B %Y}. Sign in to Joinedup to read it.",
            link=reverse("joint:shared_plan", args=[share.pk]),
        )
    return share


def plan_share_revoke(*, actor: Membership, share: PlanShare, reason: str) -> PlanShare:
    """End the share now: the practitioner's next request finds nothing."""
    if share.revoked_at is not None:
        raise ValidationError("This share was already revoked.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the share is being revoked."})
    with transaction.atomic():
        share.revoked_at = timezone.now()
        share.revoked_by = actor.user
        share.revoked_reason = reason.strip()
        share.modified_by = actor.user
        share.save(update_fields=["revoked_at", "revoked_by", "revoked_reason", "modified_by", "modified_at"])
        _audit(
            actor, AuditAction.CHANGE, "plan_share", share.pk, share.child_id, detail={"revoked": share.revoked_reason}
        )
        notify(
            user=share.shared_with.user,
            kind=Kind.SHARE_ENDED,
            key=f"share_ended:{share.pk}",
            subject="A child’s plan is no longer shared with you in Joinedup",
            body=f"{actor.user.full_name} of {actor.organisation.name} ended a share of a child’s plan with you. "
            "You can no longer open it.",
            link=reverse("joint:shared_plan", args=[share.pk]),
        )
    return share


def plan_share_extend(*, actor: Membership, share: PlanShare, expires_on: date) -> PlanShare:
    """Change the share's last day, within what still allows it."""
    if share.revoked_at is not None:
        raise ValidationError("This share was revoked: share the plan again instead.")
    today = timezone.localdate()
    if expires_on < today:
        raise ValidationError({"expires_on": "The share must end today or later."})
    basis = _basis_until(
        share.child,
        share.partner,
        expires_on,
        refused_field="expires_on",
        concerns=share.shares(PlanShare.Part.CONCERNS),
    )
    with transaction.atomic():
        before = share.expires_on
        share.expires_on = expires_on
        share.agreement = basis.agreement
        share.consent = basis.consent
        share.modified_by = actor.user
        share.save(update_fields=["expires_on", "agreement", "consent", "modified_by", "modified_at"])
        _audit(
            actor,
            AuditAction.CHANGE,
            "plan_share",
            share.pk,
            share.child_id,
            detail={"expires_on": [before.isoformat(), expires_on.isoformat()]},
        )
    return share


def share_seen(share: PlanShare, version: int) -> None:
    """The practitioner has seen the plan at ``version``."""
    if version != share.seen_version:
        PlanShare.objects.filter(pk=share.pk).update(seen_version=version)


def comment_add(*, actor: Membership, share: PlanShare, text: str) -> ShareComment:
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write your comment."})
    if len(text) > 2000:
        raise ValidationError({"text": "Keep a comment to 2,000 characters or fewer."})
    with transaction.atomic():
        comment = ShareComment.objects.create(
            share=share, author=actor.user, organisation_id=actor.organisation_id, text=text
        )
        _audit(actor, AuditAction.CREATE, "share_comment", comment.pk, share.child_id)
        _comment_notify(actor, share, comment)
    return comment


def _comment_notify(actor: Membership, share: PlanShare, comment: ShareComment) -> None:
    """Tell the other side: the practitioner when one of ours comments; the Link Worker and whoever shared the
    plan when the practitioner does."""
    if actor.organisation_id == share.partner_id:
        people = {user for user in (share.child.link_worker, share.created_by) if user is not None}
        link = reverse("joint:share", args=[share.pk])
    else:
        people = {share.shared_with.user}
        link = reverse("joint:shared_plan", args=[share.pk])
    for user in people - {actor.user}:
        notify(
            user=user,
            kind=Kind.COMMENT,
            key=f"comment:{comment.pk}",
            subject="A new comment on a shared plan in Joinedup",
            body=f"{actor.user.full_name} of {actor.organisation.name} commented on a child’s shared plan.",
            link=link + "#comments",
        )


# -- the partner's plan summary ------------------------------------------------------------------------------

PARTNER_ITEMS: dict[str, type[PartnerGoal] | type[PartnerAction] | type[PartnerService]] = {
    "goal": PartnerGoal,
    "action": PartnerAction,
    "service": PartnerService,
}


def partner_plan_of(share: PlanShare) -> PartnerPlan | None:
    return PartnerPlan.objects.filter(child_id=share.child_id, organisation_id=share.partner_id).first()


def _partner_plan(actor: Membership, share: PlanShare) -> PartnerPlan:
    plan, _ = PartnerPlan.objects.get_or_create(
        child_id=share.child_id,
        organisation_id=share.partner_id,
        defaults={"area_id": actor.area_id, "created_by": actor.user, "modified_by": actor.user},
    )
    return plan


def _touched(actor: Membership, plan: PartnerPlan, share: PlanShare, what: str) -> None:
    plan.modified_by = actor.user
    plan.save(update_fields=["modified_by", "modified_at"])
    _audit(actor, AuditAction.CHANGE, "partner_plan", plan.pk, share.child_id, detail={"changed": what})


def partner_item_add(*, actor: Membership, share: PlanShare, kind: str, values: dict[str, Any]) -> object:
    """Add a goal, action or service to the partner's plan summary (started on the first one)."""
    model = PARTNER_ITEMS.get(kind)
    if model is None:
        raise ValidationError("Choose a goal, an action or a service to add.")
    with transaction.atomic():
        plan = _partner_plan(actor, share)
        item = model(plan=plan, **values)
        item.full_clean()
        item.save()
        _touched(actor, plan, share, f"{kind} added")
    return item


def partner_item_remove(*, actor: Membership, share: PlanShare, kind: str, item_id: int) -> None:
    model = PARTNER_ITEMS.get(kind)
    plan = partner_plan_of(share)
    if model is None or plan is None or not model.objects.filter(plan=plan, pk=item_id).exists():
        raise ValidationError("That is not in your organisation’s plan for this child.")
    with transaction.atomic():
        model.objects.filter(plan=plan, pk=item_id).delete()
        _touched(actor, plan, share, f"{kind} removed")


def partner_action_done(*, actor: Membership, share: PlanShare, action_id: int, on: date | None = None) -> None:
    plan = partner_plan_of(share)
    updated = 0
    with transaction.atomic():
        if plan is not None:
            updated = PartnerAction.objects.filter(Q(plan=plan) & Q(pk=action_id) & Q(done_on__isnull=True)).update(
                done_on=on or timezone.localdate()
            )
        if not updated:
            raise ValidationError("That action is not open in your organisation’s plan for this child.")
        _touched(actor, plan, share, "action done")  # type: ignore[arg-type]


def partner_review_set(*, actor: Membership, share: PlanShare, next_review_on: date | None) -> PartnerPlan:
    with transaction.atomic():
        plan = _partner_plan(actor, share)
        plan.next_review_on = next_review_on
        plan.save(update_fields=["next_review_on"])
        _touched(actor, plan, share, "next review")
    return plan


# -- appointments and agreed resolutions -----------------------------------------------------------------------


def appointment_add(
    *,
    actor: Membership,
    child: Child,
    starts_at: datetime,
    minutes: int,
    what: str,
    place: str = "",
) -> Appointment:
    """An appointment with the family by the actor's organisation (ours, or a partner's in their summary): to come,
    so that the two organisations can see where they clash; what already happened is a contact."""
    if timezone.localdate(starts_at) < timezone.localdate():
        raise ValidationError({"on": "An appointment is today or later: record one that has happened as a contact."})
    appointment = Appointment(
        child=child,
        organisation_id=actor.organisation_id,
        starts_at=starts_at,
        minutes=minutes,
        what=what.strip(),
        place=place.strip(),
        created_by=actor.user,
        modified_by=actor.user,
    )
    appointment.full_clean()
    with transaction.atomic():
        appointment.save()
        _audit(actor, AuditAction.CREATE, "appointment", appointment.pk, child.pk)
    return appointment


def appointment_remove(*, actor: Membership, child: Child, appointment_id: int) -> None:
    """Remove one of the actor's organisation's appointments for the child."""
    with transaction.atomic():
        deleted, _ = Appointment.objects.filter(
            pk=appointment_id, child=child, organisation_id=actor.organisation_id
        ).delete()
        if not deleted:
            raise ValidationError("That appointment is not one of your organisation’s for this child.")
        _audit(actor, AuditAction.CHANGE, "appointment", appointment_id, child.pk, detail={"removed": True})


def finding_resolve(
    *, actor: Membership, child: Child, partner_id: int, finding: Finding, resolution: str
) -> FindingResolution:
    """Record what the two organisations agreed about a finding (a later record replaces it)."""
    resolution = resolution.strip()
    if not resolution:
        raise ValidationError({"resolution": "Say what was agreed."})
    if len(resolution) > 1000:
        raise ValidationError({"resolution": "Keep it to 1,000 characters or fewer."})
    with transaction.atomic():
        record, _ = FindingResolution.objects.update_or_create(
            child=child,
            partner_id=partner_id,
            key=finding.key,
            defaults={
                "kind": finding.kind.value,
                "resolution": resolution,
                "agreed_by": actor.user,
                "agreed_by_organisation_id": actor.organisation_id,
                "agreed_at": timezone.now(),
            },
        )
        _audit(actor, AuditAction.CHANGE, "finding_resolution", record.pk, child.pk, detail={"key": finding.key})
    return record


# -- joint meetings ----------------------------------------------------------------------------------------------


def meeting_candidates(child: Child) -> list[Membership]:
    """Who can be recorded as attending a meeting about the child: the programme's case workers in the child's
    borough, and partner practitioners there (sharing with them needs an agreement or consent)."""
    ours = Membership.objects.filter(
        organisation_id=child.programme_organisation_id,
        area_id=child.area_id,
        role__in=CASE_WORKERS,
        is_active=True,
        user__is_active=True,
    ).select_related("user", "organisation")
    return [*ours.order_by("user__full_name"), *share_candidates(child)]


def _attendee_refusal(child: Child, member: Membership, on: date) -> str:
    if member.organisation_id == child.programme_organisation_id:
        return ""
    return sharing_basis(child, member.organisation, on=on).refusal


def meeting_save(
    *,
    actor: Membership,
    child: Child,
    meeting: JointMeeting | None = None,
    held_on: date,
    kind: str,
    place: str,
    attendees: list[Membership],
    others_present: str,
    decisions: str,
    minutes: str,
) -> JointMeeting:
    """Record a joint meeting (or change one): the minutes go to those who attended, and to no one else."""
    today = timezone.localdate()
    errors: dict[str, str] = {}
    candidates = {member.pk for member in meeting_candidates(child)}
    outside = [member for member in attendees if member.pk not in candidates]
    if outside:
        errors["attendees"] = f"{outside[0].user.full_name} does not work with children in {child.area.name}."
    for member in attendees:
        refusal = _attendee_refusal(child, member, today)
        if refusal and "attendees" not in errors:
            errors["attendees"] = f"The minutes cannot go to {member.user.full_name}. {refusal}"
    if actor.pk not in {member.pk for member in attendees} and meeting is None:
        errors["attendees"] = "Include yourself: the meeting is recorded by someone who was there."
    if not kind.strip():
        errors["kind"] = "Say what kind of meeting it was."
    if held_on > today + timedelta(days=365):
        errors["held_on"] = "The meeting must be within the next year."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        created = meeting is None
        meeting = meeting or JointMeeting(child=child, created_by=actor.user)
        meeting.held_on = held_on
        meeting.kind = kind.strip()
        meeting.place = place.strip()
        meeting.others_present = others_present.strip()
        meeting.decisions = decisions.strip()
        meeting.minutes = minutes.strip()
        meeting.modified_by = actor.user
        meeting.save()
        meeting.attendees.set(attendees)
        _audit(
            actor,
            AuditAction.CREATE if created else AuditAction.CHANGE,
            "meeting",
            meeting.pk,
            child.pk,
            detail={"attendees": sorted(member.pk for member in attendees)},
        )
    return meeting


def meeting_action_add(
    *,
    actor: Membership,
    meeting: JointMeeting,
    action: str,
    owner: Membership | None,
    owner_name: str,
    due_on: date,
) -> JointAction:
    """An action agreed at the meeting, owned by someone who attended (or someone else, by name)."""
    errors: dict[str, str] = {}
    if not action.strip():
        errors["action"] = "Say what the action is."
    if owner is None and not owner_name.strip():
        errors["owner"] = "Choose who does it, or give their name."
    if due_on < meeting.held_on:
        errors["due_on"] = f"The action must be due on or after the meeting ({meeting.held_on:%-d %B %Y})."
    if owner is not None and not meeting.attendees.filter(pk=owner.pk).exists():
        errors["owner"] = "The owner must be someone who attended, or give the name of someone else."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        made = JointAction.objects.create(
            meeting=meeting,
            action=action.strip(),
            owner=owner,
            owner_name="" if owner is not None else owner_name.strip(),
            due_on=due_on,
            created_by=actor.user,
            modified_by=actor.user,
        )
        _audit(actor, AuditAction.CREATE, "action", made.pk, meeting.child_id)
        if owner is not None and owner.pk != actor.pk:
            notify(
                user=owner.user,
                kind=Kind.ACTION_ASSIGNED,
                key=f"action_assigned:{made.pk}",
                subject="An action from a joint meeting is yours",
                body=f"{actor.user.full_name} recorded an action for you from the meeting on "
                f"{meeting.held_on:%-d %B %Y}, due by {due_on:%-d %B %Y}.",
                link=reverse("joint:tasks"),
            )
    return made


def meeting_action_remove(*, actor: Membership, action: JointAction) -> None:
    with transaction.atomic():
        _audit(
            actor, AuditAction.CHANGE, "action", action.pk, action.meeting.child_id, detail={"removed": action.action}
        )
        action.delete()


def meeting_action_done(*, actor: Membership, action: JointAction, on: date | None = None) -> JointAction:
    if action.done_on is not None:
        raise ValidationError("This action is already done.")
    with transaction.atomic():
        action.done_on = on or timezone.localdate()
        action.modified_by = actor.user
        action.save(update_fields=["done_on", "modified_by", "modified_at"])
        _audit(
            actor,
            AuditAction.CHANGE,
            "action",
            action.pk,
            action.meeting.child_id,
            detail={"done_on": action.done_on.isoformat()},
        )
    return action


# -- reminders ----------------------------------------------------------------------------------------------------

#: How many days before a share ends both sides are told.
EXPIRY_WARNING_DAYS = 7


def expiring_shares_remind(*, on: date | None = None) -> int:
    """Tell the practitioner and whoever shared each plan whose share ends within a week. Safe to run again: each
    person hears once per share and end date. Returns how many were told."""
    on = on or timezone.localdate()
    shares = (
        shares_in_force(on)
        .filter(expires_on__lte=on + timedelta(days=EXPIRY_WARNING_DAYS))
        .select_related("shared_with__user", "created_by", "partner")
    )
    told = 0
    for share in shares:
        ending = f"{share.expires_on:%-d %B %Y}"
        audiences = [
            (share.shared_with.user, reverse("joint:shared_plan", args=[share.pk]), "A child’s plan shared with you"),
        ]
        if share.created_by is not None:
            audiences.append(
                (
                    share.created_by,
                    reverse("joint:share", args=[share.pk]),
                    f"A child’s plan you shared with {share.shared_with.user.full_name} ({share.partner})",
                )
            )
        for user, link, what in audiences:
            if notify(
                user=user,
                kind=Kind.SHARE_EXPIRING,
                key=f"share_expiring:{share.pk}:{share.expires_on.isoformat()}",
                subject="A shared plan is about to expire in Joinedup",
                body=f"{what} can be read until {ending}. Share it again before then if the work goes on.",
                link=link,
            ):
                told += 1
    return told
