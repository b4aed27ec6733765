"""Data protection pages for a programme data lead: the borough's retention rule, what it makes due and
applying it; a subject access export of everything held about a child."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.cases.access import Purpose, access_child
from joinedup.core.access import actor_of, roles_required
from joinedup.core.forms import form_saved
from joinedup.privacy.forms import RetentionRuleForm
from joinedup.privacy.holdings import holdings
from joinedup.privacy.services import (
    KEEPERS,
    access_log,
    retention_apply,
    retention_due,
    retention_rule,
    retention_rule_save,
    subject_access_export,
)

SHOWN_DUE = 50


@roles_required(*KEEPERS)
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rule = retention_rule(actor.area)
    form = RetentionRuleForm(request.POST if request.method == "POST" else None, instance=rule)
    if request.method == "POST":
        saved = form_saved(
            form,
            lambda data: retention_rule_save(
                actor=actor, archive_after_months=data["archive_after_months"], erase_at_age=data["erase_at_age"]
            ),
        )
        if saved is not None:
            messages.success(
                request,
                (
                    "Saved the retention rule. Nothing is archived or erased until the rule is applied: below, "
                    "or by the nightly joinedup retention apply."
                ),
            )
            return redirect("privacy:home")
    due = retention_due(actor.area, today=timezone.localdate())
    context = {
        "form": form,
        "rule": rule,
        "due": due,
        "archive_count": due.archive.count(),
        "erase_count": due.erase.count(),
        "archive_sample": list(due.archive.values_list("pk", flat=True)[:SHOWN_DUE]),
        "erase_sample": list(due.erase.values_list("pk", flat=True)[:SHOWN_DUE]),
    }
    return render(request, "privacy/home.html", context)


@require_POST
@roles_required(*KEEPERS)
def retention_apply_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    result = retention_apply(actor.area, today=timezone.localdate(), actor=actor)
    messages.success(
        request,
        f"Archived {result.archived} and erased {result.erased} records ({result.rows_erased} rows). "
        "Each is in the audit log by its number.",
    )
    return redirect("privacy:home")


@roles_required(*KEEPERS)
def subject_access(request: HttpRequest, pk: int) -> HttpResponse:
    child = access_child(actor_of(request), pk, purpose=Purpose.DATA_MANAGEMENT)
    held = holdings(child)
    context = {"child": child, "held": held, "events": access_log(child).count()}
    return render(request, "privacy/subject_access.html", context)


@require_POST
@roles_required(*KEEPERS)
def subject_access_download(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    child = access_child(actor, pk, purpose=Purpose.DATA_MANAGEMENT)
    name, content = subject_access_export(actor=actor, child=child)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
