"""Sharing pages: agreements, match runs and their review queue, and the partner's shared children."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.accounts.models import Membership
from joinedup.core.access import actor_of, roles_required
from joinedup.core.concurrency import seen_in
from joinedup.core.forms import GovukForm
from joinedup.core.jobs import job_start
from joinedup.core.running import interrupted_close
from joinedup.core.uploads import upload_keep
from joinedup.joint.access import plans_shared_with
from joinedup.linkage import COLUMNS
from joinedup.sharing.access import (
    PARTNER_ROLES,
    access_agreement,
    access_pair,
    access_run,
    audit_pairs_listed,
    audit_partner_view,
    sees_results,
)
from joinedup.sharing.forms import AgreementForm, EncodedRunForm, EndForm, LeadForm, MatchRunForm, SignOffForm
from joinedup.sharing.models import AGREEMENT_ROLES, FIELD_LABELS, MatchPair, MatchRun
from joinedup.sharing.selectors import (
    agreement_runs,
    agreements_listed,
    agreements_paused_for_partner,
    next_to_review,
    pair_comparison,
    partner_practitioners,
    partners_for,
    run_pairs,
    shared_case_of_pair,
    shared_cases_page,
    shared_child,
)
from joinedup.sharing.services import (
    AGREEMENT_TERMS,
    agreement_create,
    agreement_end,
    agreement_sign_off,
    agreement_update,
    encoded_run_create,
    match_run_create,
    pair_decide,
    pair_undo,
    shared_case_lead_set,
)
from joinedup.sharing.tasks import match_run_task


@roles_required(*AGREEMENT_ROLES, *PARTNER_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    if actor_of(request).role in PARTNER_ROLES:
        return redirect("sharing:shared_with_me")
    return redirect("sharing:agreements")


# -- agreements ---------------------------------------------------------------------------------------------


@roles_required(*AGREEMENT_ROLES)
def agreements(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return render(
        request, "sharing/agreements.html", {"agreements": agreements_listed(actor), "today": timezone.localdate()}
    )


@roles_required(*AGREEMENT_ROLES)
def agreement_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    agreement = access_agreement(actor, pk) if pk is not None else None
    if agreement is not None and agreement.ended_at is not None:
        messages.error(request, "The agreement has ended: make a new one instead.")
        return redirect("sharing:agreement", pk=agreement.pk)
    initial = {name: getattr(agreement, name) for name in AGREEMENT_TERMS} if agreement else {}
    if not agreement:
        initial = {"fields_we_receive": ["record_id", "forenames", "surname", "date_of_birth"]}
        initial |= {"fields_we_send": list(COLUMNS[1:7]), "run_roles": ["data_lead"]}
        initial |= {"result_roles": ["data_lead", "team_manager"]}
    posted = request.method == "POST"
    form = AgreementForm(request.POST if posted else None, partners=partners_for(actor), initial=initial)
    if posted and form.is_valid():
        terms = {name: form.cleaned_data[name] for name in AGREEMENT_TERMS}
        try:
            if agreement is None:
                agreement = agreement_create(actor=actor, **terms)
                messages.success(request, "Agreement saved. It needs signing off before anything is shared.")
            else:
                was_signed = agreement.is_signed_off
                agreement = agreement_update(actor=actor, agreement=agreement, **terms)
                if was_signed and not agreement.is_signed_off:
                    messages.success(request, "Agreement changed. The new terms need signing off again.")
                else:
                    messages.success(request, "Agreement saved.")
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("sharing:agreement", pk=agreement.pk)
    return render(request, "sharing/agreement_edit.html", {"form": form, "agreement": agreement})


@roles_required(*AGREEMENT_ROLES)
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    agreement = access_agreement(actor, pk)
    may_see = sees_results(actor, agreement)
    interrupted_close()
    runs = agreement_runs(agreement) if may_see else MatchRun.objects.none()
    return render(
        request,
        "sharing/agreement_detail.html",
        {
            "agreement": agreement,
            "runs": runs,
            "sees_results": may_see,
            "refusal": agreement.refusal(),
            "may_run": actor.role in agreement.run_roles,
            "shared": agreement.shared_cases.filter(ended_at__isnull=True).count(),
        },
    )


@roles_required(*AGREEMENT_ROLES)
def agreement_sign_off_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    agreement = access_agreement(actor, pk)
    if agreement.ended_at is not None:
        messages.error(request, "The agreement has ended: make a new one instead.")
        return redirect("sharing:agreement", pk=agreement.pk)
    form = SignOffForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement_sign_off(
                actor=actor, agreement=agreement, name=form.cleaned_data["name"], role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Agreement signed off.")
            return redirect("sharing:agreement", pk=agreement.pk)
    return render(request, "sharing/agreement_action.html", {"form": form, "agreement": agreement, "action": "sign"})


@roles_required(*AGREEMENT_ROLES)
def agreement_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    agreement = access_agreement(actor, pk)
    form = EndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement_end(actor=actor, agreement=agreement, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Agreement ended. Its shared cases have ended too.")
            return redirect("sharing:agreement", pk=agreement.pk)
    return render(request, "sharing/agreement_action.html", {"form": form, "agreement": agreement, "action": "end"})


# -- match runs ---------------------------------------------------------------------------------------------


@roles_required(*AGREEMENT_ROLES)
def run_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_new(request, pk, MatchRunForm, "sharing/run_new.html")


@roles_required(*AGREEMENT_ROLES)
def run_new_encoded(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_new(request, pk, EncodedRunForm, "sharing/run_new_encoded.html")


def _run_new(request: HttpRequest, pk: int, form_class: type[GovukForm], template: str) -> HttpResponse:
    """The upload page of a plain or an encoded list: check it, record the run, start matching it."""
    actor = actor_of(request)
    agreement = access_agreement(actor, pk)
    if actor.role not in agreement.run_roles:
        raise PermissionDenied(f"The agreement with {agreement.partner} does not let your role run matches.")
    refusal = agreement.refusal()
    posted = request.method == "POST"
    form = form_class(request.POST if posted else None, request.FILES if posted else None)
    if posted and not refusal and form.is_valid():
        upload: UploadedFile[Any] = form.cleaned_data["file"]
        common = {
            "actor": actor,
            "agreement": agreement,
            "path": upload_keep(upload),
            "file_name": Path(upload.name or "upload").name,
            "auto_confirm_from": form.cleaned_data["auto_confirm_from"],
            "review_from": form.cleaned_data["review_from"],
        }
        try:
            if isinstance(form, EncodedRunForm):
                run = encoded_run_create(**common, key=form.cleaned_data["key_file"])
            else:
                run = match_run_create(
                    **common,
                    mapping=form.cleaned_data["mapping"],
                    unreadable_dates_missing=form.cleaned_data["unreadable_dates_missing"],
                )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            job = job_start(
                actor=actor,
                kind="sharing_match",
                title=f"Match {run.file_name} with our children",
                task=match_run_task,
                run_id=run.pk,
            )
            MatchRun.objects.filter(pk=run.pk).update(job=job)
            return redirect("sharing:run", pk=run.pk)
    return render(request, template, {"form": form, "agreement": agreement, "refusal": refusal, "labels": FIELD_LABELS})


def _run_context(actor: Membership, run: MatchRun, page_number: str | None) -> dict[str, Any]:
    """The run's pairs; only the pairs on the page are audited as seen."""
    pairs = run_pairs(run, page_number)
    audit_pairs_listed(actor, pairs.listed())
    return {
        "run": run,
        "to_review": pairs.to_review,
        "decided": pairs.decided,
        "may_run": actor.role in run.agreement.run_roles,
        "frozen": run.frozen(),
        "newer": run.newer(),
    }


@roles_required(*AGREEMENT_ROLES)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    run = access_run(actor, pk)
    return render(request, "sharing/run_detail.html", _run_context(actor, run, request.GET.get("page")))


@roles_required(*AGREEMENT_ROLES)
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    pair = access_pair(actor, pk)
    case = shared_case_of_pair(pair)
    lead_form = None
    if case is not None:
        lead_form = LeadForm(
            memberships=partner_practitioners(case),
            initial={"membership": case.lead_membership_id, "name": case.lead_name, "email": case.lead_email},
        )
    return render(
        request,
        "sharing/pair_detail.html",
        {
            "pair": pair,
            "rows": pair_comparison(pair),
            "next_pair": next_to_review(pair),
            "refusal": pair.run.agreement.refusal(),
            "frozen": pair.run.frozen(),
            "newer": pair.run.newer(),
            "case": case,
            "lead_form": lead_form,
        },
    )


@roles_required(*AGREEMENT_ROLES)
@require_POST
def pair_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    pair = access_pair(actor, pk)
    decision = request.POST.get("decision", "")
    try:
        if decision == "undo":
            pair_undo(actor=actor, pair=pair)
            messages.success(request, "Decision undone: the pair waits for review again.")
            return redirect("sharing:pair", pk=pair.pk)
        else:
            pair = pair_decide(actor=actor, pair=pair, decision=decision)
            if pair.decision == MatchPair.Decision.CONFIRMED:
                messages.success(
                    request, f"Confirmed: {pair.child} is now a shared case with {pair.run.agreement.partner}."
                )
            else:
                messages.success(request, "Recorded: not the same child.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("sharing:pair", pk=pair.pk)
    following = request.POST.get("next", "")
    if following.isdigit():
        return redirect("sharing:pair", pk=int(following))
    return redirect("sharing:run", pk=pair.run_id)


@roles_required(*AGREEMENT_ROLES)
@require_POST
def shared_case_lead(request: HttpRequest, pk: int) -> HttpResponse:
    """Name the partner's lead practitioner on the shared case a confirmed pair made."""
    actor = actor_of(request)
    pair = access_pair(actor, pk)
    case = shared_case_of_pair(pair)
    if case is None:
        messages.error(request, "This pair has no shared case in force.")
        return redirect("sharing:pair", pk=pair.pk)
    form = LeadForm(request.POST, memberships=partner_practitioners(case))
    if form.is_valid():
        try:
            shared_case_lead_set(
                actor=actor,
                case=case,
                membership=form.cleaned_data["membership"],
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                seen=seen_in(request),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Lead practitioner saved.")
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("sharing:pair", pk=pair.pk)


# -- the partner's side -------------------------------------------------------------------------------------


@roles_required(*PARTNER_ROLES)
def shared_with_me(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    search = request.GET.get("q", "").strip()[:100]
    page = shared_cases_page(actor, search, request.GET.get("page"))
    audit_partner_view(actor, list(page))
    query = urlencode({"q": search}) if search else ""
    today = timezone.localdate()
    children = [shared_child(case, today) for case in page]
    plans = plans_shared_with(actor)
    return render(
        request,
        "sharing/shared_with_me.html",
        {
            "plans": plans,
            "children": children,
            "page": page,
            "search": search,
            "query": query,
            "paused": agreements_paused_for_partner(actor),
        },
    )
