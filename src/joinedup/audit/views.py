from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.accounts.models import Role
from joinedup.audit.forms import AuditSearchForm
from joinedup.audit.models import AuditAction
from joinedup.audit.selectors import audit_events_for
from joinedup.audit.services import audit_record
from joinedup.audit.tasks import audit_verify_task
from joinedup.core.access import actor_of, roles_required
from joinedup.core.jobs import job_start


@roles_required(Role.ADMINISTRATOR)
def search(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = AuditSearchForm(request.GET or None)
    page = None
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        events = audit_events_for(
            actor,
            child_id=filters.get("child"),
            user_email=filters.get("email") or "",
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
        # Reading the log is itself recorded (it says who looked at whose records),
        # before the search, so the list shown includes this view.
        audit_record(
            action=AuditAction.VIEW,
            actor=actor,
            record_type="audit_log",
            child_id=filters.get("child"),
            detail={k: str(v) for k, v in filters.items() if v not in (None, "")},
        )
        page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/search.html", {"form": form, "page": page, "query": query.urlencode()})


@require_POST
@roles_required(Role.ADMINISTRATOR)
def verify(request: HttpRequest) -> HttpResponse:
    job = job_start(actor=actor_of(request), kind="audit_verify", title="Check the audit log", task=audit_verify_task)
    return redirect("core:job", pk=job.pk)
