"""Joint-working pages: sharing a child's plan and revoking it, the partner's read-only view with their own
plan summary beside it, comments between them, and the family's story.

Our side starts from the child (``access_child``) and is for those who work the case; the partner's side starts
from ``access_shared_plan``, which lets in only the practitioner a share names, while it is in force.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.accounts.models import Membership
from joinedup.cases.access import CASE_WORKERS, access_child
from joinedup.cases.models import FamilyStory
from joinedup.cases.services import family_story_set
from joinedup.core.access import actor_of, roles_required
from joinedup.core.forms import GovukForm
from joinedup.joint.access import access_share_ours, access_shared_plan
from joinedup.joint.forms import (
    PARTNER_FORMS,
    CommentForm,
    FamilyStoryForm,
    PartnerReviewForm,
    RevokeForm,
    ShareForm,
)
from joinedup.joint.models import PlanShare
from joinedup.joint.selectors import partner_plan_for, share_comments, shared_plan, shares_of_child
from joinedup.joint.services import (
    comment_add,
    partner_action_done,
    partner_item_add,
    partner_item_remove,
    partner_review_set,
    plan_share_create,
    plan_share_revoke,
    share_candidates,
    share_seen,
    sharing_basis,
)
from joinedup.sharing.access import PARTNER_ROLES

# A share lasts three months unless the person chooses otherwise (and never beyond what allows it).
DEFAULT_SHARE_DAYS = 91


# -- our side ------------------------------------------------------------------------------------------------


@roles_required(*CASE_WORKERS)
def share_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    child = access_child(actor, pk)
    candidates = share_candidates(child)
    bases = {member.organisation_id: sharing_basis(child, member.organisation) for member in candidates}
    initial = {"expires_on": timezone.localdate() + timedelta(days=DEFAULT_SHARE_DAYS)}
    form = ShareForm(
        request.POST if request.method == "POST" else None, candidates=candidates, bases=bases, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            share = plan_share_create(
                actor=actor,
                child=child,
                shared_with=data["shared_with"],
                parts=data["parts"],
                purpose=data["purpose"],
                expires_on=data["expires_on"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                f"Shared with {share.shared_with.user.full_name} of {share.partner} until "
                f"{share.expires_on:%-d %B %Y}.",
            )
            return redirect("joint:share", pk=share.pk)
    return render(
        request,
        "joint/share_new.html",
        {"child": child, "form": form, "rows": shares_of_child(child), "story": _story(child.family_id)},
    )


def _story(family_id: int) -> FamilyStory | None:
    return FamilyStory.objects.filter(family_id=family_id).first()


@roles_required(*CASE_WORKERS)
def share_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    share = access_share_ours(actor, pk)
    return render(request, "joint/share_detail.html", _share_context(share, CommentForm()))


def _share_context(share: PlanShare, comment_form: GovukForm, **more: Any) -> dict[str, Any]:
    return {
        "share": share,
        "child": share.child,
        "refusal": share.refusal(),
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
    if form.is_valid():
        try:
            plan_share_revoke(actor=actor, share=share, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Revoked: {share.shared_with.user.full_name} can no longer see the plan.")
            return redirect("joint:share", pk=share.pk)
    return render(
        request, "joint/share_detail.html", _share_context(share, CommentForm(), revoke_form=form)
    )


@roles_required(*CASE_WORKERS)
@require_POST
def share_comment(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    share = access_share_ours(actor, pk)
    form = CommentForm(request.POST)
    if _comment_saved(actor, share, form):
        return redirect("joint:share", pk=share.pk)
    return render(request, "joint/share_detail.html", _share_context(share, form))


def _comment_saved(actor: Membership, share: PlanShare, form: CommentForm) -> bool:
    if not form.is_valid():
        return False
    try:
        comment_add(actor=actor, share=share, text=form.cleaned_data["text"])
    except ValidationError as error:
        form.add_service_errors(error)
        return False
    return True


@roles_required(*CASE_WORKERS)
def story_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    child = access_child(actor, pk)
    story = _story(child.family_id)
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
    if request.method == "POST" and form.is_valid():
        try:
            family_story_set(actor=actor, child=child, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The family’s story is saved.")
            return redirect("cases:child_detail", pk=child.pk)
    return render(request, "joint/story_edit.html", {"child": child, "form": form, "story": story})


# -- the partner's side --------------------------------------------------------------------------------------


def _partner_context(share: PlanShare, **more: Any) -> dict[str, Any]:
    shown = shared_plan(share)
    context = {
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
    share = access_shared_plan(actor_of(request), pk)
    return render(request, "joint/shared_plan.html", _partner_context(share))


@roles_required(*PARTNER_ROLES)
@require_POST
def shared_plan_comment(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    share = access_shared_plan(actor, pk)
    form = CommentForm(request.POST)
    if _comment_saved(actor, share, form):
        return redirect("joint:shared_plan", pk=share.pk)
    return render(request, "joint/shared_plan.html", _partner_context(share, comment_form=form))


@roles_required(*PARTNER_ROLES)
def partner_plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The partner's plan summary: add goals, actions and services; set the next review."""
    actor = actor_of(request)
    share = access_shared_plan(actor, pk)
    kind = request.POST.get("kind", "") if request.method == "POST" else ""
    forms: dict[str, GovukForm] = {
        name: form_class(request.POST if kind == name else None, prefix=name)
        for name, form_class in PARTNER_FORMS.items()
    }
    review = PartnerReviewForm(request.POST if kind == "review" else None, prefix="review")
    if kind in forms:
        form = forms[kind]
        if form.is_valid():
            try:
                partner_item_add(actor=actor, share=share, kind=kind, values=form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"Added to {share.partner}’s plan.")
                return redirect("joint:partner_plan", pk=share.pk)
    elif kind == "review":
        if review.is_valid():
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
        else:
            partner_item_remove(actor=actor, share=share, kind=kind, item_id=int(item))
            messages.success(request, "Removed.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("joint:partner_plan", pk=share.pk)
