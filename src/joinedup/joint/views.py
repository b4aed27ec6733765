"""Joint-working pages: sharing a child's plan and revoking it, the partner's read-only view with their own
plan summary beside it, comments between them, and the family's story.

Our side starts from the child (``access_child``) and is for those who work the case; the partner's side starts
from ``access_shared_plan``, which lets in only the practitioner a share names, while it is in force.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.accounts.models import Membership, Role
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record_many
from joinedup.cases.access import CASE_WORKERS, PURPOSES_BY_ROLE, Purpose, access_child
from joinedup.cases.models import Child
from joinedup.cases.services import family_story_set
from joinedup.core.access import actor_of, roles_required
from joinedup.core.forms import GovukForm, form_saved
from joinedup.joint.access import access_meeting, access_share_ours, access_shared_plan, share_ended_for, tasks_of
from joinedup.joint.comparison import case_findings
from joinedup.joint.forms import (
    PARTNER_FORMS,
    AppointmentForm,
    CommentForm,
    ExtendForm,
    FamilyStoryForm,
    MeetingActionForm,
    MeetingForm,
    PartnerReviewForm,
    ResolutionForm,
    RevokeForm,
    ShareForm,
)
from joinedup.joint.models import JointAction, JointMeeting, PlanShare, appointments_to_come
from joinedup.joint.selectors import (
    REPORT_ROLES,
    duplication_summary,
    family_story,
    partner_plan_for,
    share_comments,
    shared_plan,
    shares_of_child,
)
from joinedup.joint.services import (
    Basis,
    appointment_add,
    appointment_remove,
    comment_add,
    finding_resolve,
    meeting_action_add,
    meeting_action_done,
    meeting_action_remove,
    meeting_candidates,
    meeting_save,
    partner_action_done,
    partner_item_add,
    partner_item_remove,
    partner_review_set,
    plan_share_create,
    plan_share_extend,
    plan_share_revoke,
    share_candidates,
    share_seen,
    sharing_basis,
)
from joinedup.sharing.access import PARTNER_ROLES

# A share lasts three months unless the person chooses otherwise (and never beyond what allows it).
DEFAULT_SHARE_DAYS = 91


# -- our side ------------------------------------------------------------------------------------------------


def _bases(child: Child, members: list[Membership]) -> dict[int, Basis]:
    """What allows sharing with each of these people's organisations: one check per organisation, not per person."""
    organisations = {member.organisation_id: member.organisation for member in members}
    return {pk: sharing_basis(child, organisation) for pk, organisation in organisations.items()}


@roles_required(*CASE_WORKERS)
def share_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    child = access_child(actor, pk)
    candidates = share_candidates(child)
    bases = _bases(child, candidates)
    # Those an agreement or consent allows first.
    candidates.sort(key=lambda member: bool(bases[member.organisation_id].refusal))
    initial = {"expires_on": timezone.localdate() + timedelta(days=DEFAULT_SHARE_DAYS)}
    form = ShareForm(
        request.POST if request.method == "POST" else None, candidates=candidates, bases=bases, initial=initial
    )
    if request.method == "POST" and (
        share := form_saved(form, lambda data: plan_share_create(actor=actor, child=child, **data))
    ):
        messages.success(
            request,
            f"Shared with {share.shared_with.user.full_name} of {share.partner} until {share.expires_on:%-d %B %Y}.",
        )
        return redirect("joint:share", pk=share.pk)
    return render(
        request,
        "joint/share_new.html",
        {"child": child, "form": form, "rows": shares_of_child(child), "story": family_story(child)},
    )


@roles_required(*CASE_WORKERS)
def share_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    share = access_share_ours(actor, pk)
    return render(request, "joint/share_detail.html", _share_context(share, CommentForm()))


def _share_context(share: PlanShare, comment_form: GovukForm, **more: Any) -> dict[str, Any]:
    refusal = share.refusal()
    return {
        "can_comment": not refusal,
        "extend_form": more.pop("extend_form", ExtendForm(initial={"expires_on": share.expires_on})),
        **_findings_context(share, None, more.pop("failed", None)),
        "share": share,
        "child": share.child,
        "refusal": refusal,
        "partner_plan": partner_plan_for(share.child_id, share.partner_id),
        "comments": share_comments(share),
        "comment_form": comment_form,
        "revoke_form": more.pop("revoke_form", RevokeForm()),
        **more,
    }


@roles_required(*CASE_WORKERS)
@require_POST
def share_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    share = access_share_ours(actor, pk)
    form = RevokeForm(request.POST)
    if form_saved(form, lambda data: plan_share_revoke(actor=actor, share=share, **data)):
        messages.success(request, f"Revoked: {share.shared_with.user.full_name} can no longer see the plan.")
        return redirect("joint:share", pk=share.pk)
    return render(request, "joint/share_detail.html", _share_context(share, CommentForm(), revoke_form=form))


@roles_required(*CASE_WORKERS)
@require_POST
def share_extend(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    share = access_share_ours(actor, pk)
    form = ExtendForm(request.POST)
    if form_saved(form, lambda data: plan_share_extend(actor=actor, share=share, **data)):
        messages.success(
            request, f"{share.shared_with.user.full_name} can now see the plan until {share.expires_on:%-d %B %Y}."
        )
        return redirect("joint:share", pk=share.pk)
    return render(request, "joint/share_detail.html", _share_context(share, CommentForm(), extend_form=form))


@roles_required(*CASE_WORKERS)
@require_POST
def share_comment(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    share = access_share_ours(actor, pk)
    form = CommentForm(request.POST)
    if share.refusal():
        messages.error(request, "The share has ended: the practitioner would not see a comment.")
        return redirect("joint:share", pk=share.pk)
    if form_saved(form, lambda data: comment_add(actor=actor, share=share, **data)):
        messages.success(request, "Comment added.")
        return redirect(reverse("joint:share", args=[share.pk]) + "#comments")
    return render(request, "joint/share_detail.html", _share_context(share, form))


@roles_required(*CASE_WORKERS)
def story_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    child = access_child(actor, pk)
    story = family_story(child)
    initial: dict[str, Any] = {"told_on": timezone.localdate()}
    if story is not None:
        initial = {
            "story": story.story,
            "told_by": story.told_by,
            "told_on": story.told_on,
            "share_agreed": story.share_agreed,
            "share_agreed_by": story.share_agreed_by,
        }
    form = FamilyStoryForm(request.POST if request.method == "POST" else None, initial=initial)
    saved = form_saved(form, lambda data: family_story_set(actor=actor, child=child, **data)) if form.is_bound else None
    if saved is not None:
        messages.success(request, "The family’s story is saved.")
        return redirect("cases:child_detail", pk=child.pk)
    return render(request, "joint/story_edit.html", {"child": child, "form": form, "story": story})


# -- the partner's side --------------------------------------------------------------------------------------


def _partner_context(share: PlanShare, **more: Any) -> dict[str, Any]:
    shown = shared_plan(share)
    context = {
        **_findings_context(share, share.parts, more.pop("failed", None)),
        "share": share,
        "shown": shown,
        "partner_plan": partner_plan_for(share.child_id, share.partner_id),
        "comments": share_comments(share),
        "comment_form": more.pop("comment_form", CommentForm()),
        "today": timezone.localdate(),
        **more,
    }
    if shown.plan is not None:
        share_seen(share, shown.plan.version)
    return context


@roles_required(*PARTNER_ROLES)
def shared_plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        share = access_shared_plan(actor, pk)
    except Http404:
        # A share that named this person and has ended: say so (and why), showing nothing of the child.
        ended = share_ended_for(actor, pk)
        if ended is None:
            raise
        return render(request, "joint/share_ended.html", {"refusal": ended.refusal()}, status=410)
    return render(request, "joint/shared_plan.html", _partner_context(share))


@roles_required(*PARTNER_ROLES)
@require_POST
def shared_plan_comment(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    share = access_shared_plan(actor, pk)
    form = CommentForm(request.POST)
    if form_saved(form, lambda data: comment_add(actor=actor, share=share, **data)):
        messages.success(request, "Comment added.")
        return redirect(reverse("joint:shared_plan", args=[share.pk]) + "#comments")
    return render(request, "joint/shared_plan.html", _partner_context(share, comment_form=form))


def _partner_item_saved(actor: Membership, share: PlanShare, kind: str, form: GovukForm) -> object:
    if isinstance(form, AppointmentForm):
        return form_saved(form, lambda data: _appointment_add(actor, share.child, form, data))
    return form_saved(form, lambda data: partner_item_add(actor=actor, share=share, kind=kind, values=data))


def _appointment_add(actor: Membership, child: Child, form: AppointmentForm, data: dict[str, Any]) -> object:
    return appointment_add(
        actor=actor,
        child=child,
        starts_at=form.starts_at(),
        minutes=data["minutes"],
        what=data["what"],
        place=data["place"],
    )


@roles_required(*PARTNER_ROLES)
def partner_plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The partner's plan summary: add goals, actions, services and appointments; set the next review."""
    actor = actor_of(request)
    share = access_shared_plan(actor, pk)
    kind = request.POST.get("kind", "") if request.method == "POST" else ""
    forms: dict[str, GovukForm] = {
        name: form_class(request.POST if kind == name else None, prefix=name)
        for name, form_class in PARTNER_FORMS.items()
    }
    review = PartnerReviewForm(request.POST if kind == "review" else None, prefix="review")
    if kind in forms and _partner_item_saved(actor, share, kind, forms[kind]):
        messages.success(request, f"Added to {share.partner}’s plan.")
        return redirect("joint:partner_plan", pk=share.pk)
    if kind == "review" and review.is_valid():
        partner_review_set(actor=actor, share=share, next_review_on=review.cleaned_data["next_review_on"])
        messages.success(request, "Next review saved.")
        return redirect("joint:partner_plan", pk=share.pk)
    plan = partner_plan_for(share.child_id, share.partner_id)
    if request.method == "GET" and plan is not None and plan.next_review_on:
        review = PartnerReviewForm(initial={"next_review_on": plan.next_review_on}, prefix="review")
    return render(
        request,
        "joint/partner_plan.html",
        {"share": share, "partner_plan": plan, "forms": forms, "review_form": review},
    )


@roles_required(*PARTNER_ROLES)
@require_POST
def partner_plan_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an item from the partner's plan summary, or mark one of its actions done."""
    actor = actor_of(request)
    share = access_shared_plan(actor, pk)
    kind = request.POST.get("kind", "")
    item = request.POST.get("item", "")
    try:
        if not item.isdigit():
            raise ValidationError("That is not in your organisation’s plan for this child.")
        if request.POST.get("change") == "done":
            partner_action_done(actor=actor, share=share, action_id=int(item))
            messages.success(request, "Marked done.")
        elif kind == "appointment":
            appointment_remove(actor=actor, child=share.child, appointment_id=int(item))
            messages.success(request, "Removed.")
        else:
            partner_item_remove(actor=actor, share=share, kind=kind, item_id=int(item))
            messages.success(request, "Removed.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("joint:partner_plan", pk=share.pk)


# -- duplication and gaps ------------------------------------------------------------------------------------


def _findings_context(
    share: PlanShare, parts: list[str] | None, failed: tuple[str, ResolutionForm] | None = None
) -> dict[str, Any]:
    """The findings between our plan (only ``parts`` of it, for the partner) and the partner's, each with a form
    to record what was agreed (the one that failed, with its errors)."""
    plan = partner_plan_for(share.child_id, share.partner_id)
    if plan is None:
        return {"findings": None}
    found = case_findings([plan], parts)[0].findings
    rows = []
    for index, (finding, resolution) in enumerate(found):
        prefix = str(index)
        form = (
            failed[1] if failed and failed[0] == prefix else ResolutionForm(prefix=prefix, initial={"key": finding.key})
        )
        rows.append((finding, resolution, form, prefix))
    return {"findings": rows}


def _resolve(
    request: HttpRequest, actor: Membership, share: PlanShare, parts: list[str] | None
) -> tuple[str, ResolutionForm] | None:
    """Record the agreed resolution posted; the failed form (and its prefix) when it is refused."""
    prefix = request.POST.get("which", "")
    form = ResolutionForm(request.POST, prefix=prefix)
    plan = partner_plan_for(share.child_id, share.partner_id)
    findings = {finding.key: finding for finding, _ in case_findings([plan], parts)[0].findings} if plan else {}
    if form.is_valid() and form.cleaned_data["key"] not in findings:
        messages.error(request, "That overlap is no longer found: the plans have changed since you opened the page.")
        return None

    def resolve(data: dict[str, Any]) -> object:
        return finding_resolve(
            actor=actor,
            child=share.child,
            partner_id=share.partner_id,
            finding=findings[data["key"]],
            resolution=data["resolution"],
        )

    if form_saved(form, resolve):
        messages.success(request, "Recorded what was agreed.")
        return None
    return (prefix, form)


@roles_required(*CASE_WORKERS)
@require_POST
def share_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    share = access_share_ours(actor, pk)
    failed = _resolve(request, actor, share, None)
    if failed is None:
        return redirect(reverse("joint:share", args=[share.pk]) + "#findings")
    return render(request, "joint/share_detail.html", _share_context(share, CommentForm(), failed=failed))


@roles_required(*PARTNER_ROLES)
@require_POST
def shared_plan_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    share = access_shared_plan(actor, pk)
    failed = _resolve(request, actor, share, share.parts)
    if failed is None:
        return redirect(reverse("joint:shared_plan", args=[share.pk]) + "#findings")
    return render(request, "joint/shared_plan.html", _partner_context(share, failed=failed))


@roles_required(*CASE_WORKERS)
def appointments(request: HttpRequest, pk: int) -> HttpResponse:
    """Our appointments with the child's family: they are key dates, and a partner's that overlap are found."""
    actor = actor_of(request)
    child = access_child(actor, pk)
    form = AppointmentForm(request.POST if request.method == "POST" and "remove" not in request.POST else None)
    if request.method == "POST" and "remove" in request.POST:
        try:
            appointment_remove(actor=actor, child=child, appointment_id=int(request.POST["remove"] or 0))
        except (ValidationError, ValueError):
            messages.error(request, "That appointment is not one of your organisation’s for this child.")
        else:
            messages.success(request, "Appointment removed.")
        return redirect("joint:appointments", pk=child.pk)
    saved = form_saved(form, lambda data: _appointment_add(actor, child, form, data)) if form.is_bound else None
    if saved is not None:
        messages.success(request, "Appointment added.")
        return redirect("joint:appointments", pk=child.pk)
    return render(
        request,
        "joint/appointments.html",
        {"child": child, "form": form, "appointments": appointments_to_come(child.pk, actor.organisation_id)},
    )


@roles_required(*REPORT_ROLES)
def duplication_report(request: HttpRequest) -> HttpResponse:
    """Across every shared case with a partner plan: how many overlap, in which ways, and how many are resolved."""
    actor = actor_of(request)
    report = duplication_summary(actor)
    audit_record_many(
        action=AuditAction.VIEW,
        actor=actor,
        record_type="joint.duplication_report",
        records=[(case.plan.pk, case.child.pk) for case, _ in report.open_cases],
        purpose=PURPOSES_BY_ROLE[Role(actor.role)][0],
    )
    return render(request, "joint/report.html", {"report": report})


# -- joint meetings and tasks ----------------------------------------------------------------------------------


def _meeting_form(request: HttpRequest, actor: Membership, child: Child, **kwargs: Any) -> MeetingForm:
    candidates = meeting_candidates(child)
    bases = _bases(
        child, [member for member in candidates if member.organisation_id != child.programme_organisation_id]
    )
    # The person recording first, then the programme's people, then partners the minutes may go to.
    candidates.sort(
        key=lambda member: (
            member.pk != actor.pk,
            member.organisation_id != child.programme_organisation_id,
            bool(bases.get(member.organisation_id) and bases[member.organisation_id].refusal),
        )
    )
    return MeetingForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        bases=bases,
        programme_id=child.programme_organisation_id,
        **kwargs,
    )


def _meeting_saved(
    actor: Membership, child: Child, form: MeetingForm, meeting: JointMeeting | None
) -> JointMeeting | None:
    return form_saved(
        form,
        lambda data: meeting_save(
            actor=actor, child=child, meeting=meeting, **{**data, "attendees": list(data["attendees"])}
        ),
    )


@roles_required(*CASE_WORKERS)
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    child = access_child(actor, pk)
    form = _meeting_form(request, actor, child, initial={"held_on": timezone.localdate(), "attendees": [actor.pk]})
    if request.method == "POST" and (meeting := _meeting_saved(actor, child, form, None)):
        messages.success(request, "Meeting recorded. Add the actions agreed.")
        return redirect("joint:meeting", pk=meeting.pk)
    return render(request, "joint/meeting_form.html", {"child": child, "form": form, "meeting": None})


@roles_required(*CASE_WORKERS, *PARTNER_ROLES)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    meeting, reads_minutes = access_meeting(actor, pk)
    return render(request, "joint/meeting.html", _meeting_context(actor, meeting, reads_minutes))


def _meeting_context(actor: Membership, meeting: JointMeeting, reads_minutes: bool, **more: Any) -> dict[str, Any]:
    attendees = meeting.attendees.select_related("user", "organisation").order_by(
        "organisation__name", "user__full_name"
    )
    records = reads_minutes and actor.role in CASE_WORKERS
    return {
        "meeting": meeting,
        "child": meeting.child,
        "reads_minutes": reads_minutes,
        "records": records,
        "attendees": attendees,
        "actions": meeting.actions.select_related("owner__user", "owner__organisation"),
        "action_form": more.pop("action_form", MeetingActionForm(attendees=attendees)) if records else None,
        "ours": actor.organisation_id == meeting.child.programme_organisation_id,
        "today": timezone.localdate(),
        **more,
    }


def _meeting_to_record(actor: Membership, pk: int) -> JointMeeting:
    """A meeting the actor may change: one they attended, working the case."""
    meeting, reads_minutes = access_meeting(actor, pk)
    if not reads_minutes:
        raise PermissionDenied("Only those who attended record the meeting.")
    return meeting


@roles_required(*CASE_WORKERS)
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    meeting = _meeting_to_record(actor, pk)
    initial = {
        "kind": meeting.kind,
        "held_on": meeting.held_on,
        "place": meeting.place,
        "attendees": list(meeting.attendees.values_list("pk", flat=True)),
        "others_present": meeting.others_present,
        "decisions": meeting.decisions,
        "minutes": meeting.minutes,
    }
    form = _meeting_form(request, actor, meeting.child, initial=initial)
    if request.method == "POST" and _meeting_saved(actor, meeting.child, form, meeting):
        messages.success(request, "Meeting saved.")
        return redirect("joint:meeting", pk=meeting.pk)
    return render(request, "joint/meeting_form.html", {"child": meeting.child, "form": form, "meeting": meeting})


@roles_required(*CASE_WORKERS)
@require_POST
def meeting_action_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    meeting = _meeting_to_record(actor, pk)
    attendees = meeting.attendees.select_related("user", "organisation")
    form = MeetingActionForm(request.POST, attendees=attendees)
    if form_saved(form, lambda data: meeting_action_add(actor=actor, meeting=meeting, **data)):
        messages.success(request, "Action added: it is on its owner’s task list.")
        return redirect(reverse("joint:meeting", args=[meeting.pk]) + "#actions")
    return render(request, "joint/meeting.html", _meeting_context(actor, meeting, True, action_form=form))


@roles_required(*CASE_WORKERS, *PARTNER_ROLES)
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a joint action done: its owner, or someone who attended and works the case."""
    actor = actor_of(request)
    action = JointAction.objects.select_related("meeting").filter(pk=pk).first()
    if action is None:
        raise Http404("No action found.")
    meeting, reads_minutes = access_meeting(actor, action.meeting_id)
    if action.owner_id != actor.pk and not (reads_minutes and actor.role in CASE_WORKERS):
        raise PermissionDenied("Only the action’s owner, or someone who attended and works the case, marks it done.")
    try:
        meeting_action_done(actor=actor, action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Done: {action.action}")
    if request.POST.get("next") == "tasks":
        return redirect("joint:tasks")
    return redirect(reverse("joint:meeting", args=[meeting.pk]) + "#actions")


@roles_required(*CASE_WORKERS)
@require_POST
def action_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take an action off a meeting (recorded by mistake): someone who attended and works the case."""
    actor = actor_of(request)
    action = JointAction.objects.filter(pk=pk).first()
    if action is None:
        raise Http404("No action found.")
    meeting = _meeting_to_record(actor, action.meeting_id)
    meeting_action_remove(actor=actor, action=action)
    messages.success(request, f"Removed: {action.action}")
    return redirect(reverse("joint:meeting", args=[meeting.pk]) + "#actions")


@roles_required(*CASE_WORKERS, *PARTNER_ROLES)
def tasks(request: HttpRequest) -> HttpResponse:
    """The joint actions the person owns, from every meeting they attended."""
    actor = actor_of(request)
    owned = tasks_of(actor)
    audit_record_many(
        action=AuditAction.VIEW,
        actor=actor,
        record_type="joint.action",
        records=[(action.pk, action.meeting.child_id) for action in owned],
        purpose=PURPOSES_BY_ROLE.get(Role(actor.role), (Purpose.JOINT_WORKING,))[0],
    )
    return render(request, "joint/tasks.html", {"tasks": owned, "today": timezone.localdate()})
