from __future__ import annotations

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from joinedup.core.http import AuthedRequest
from joinedup.core.jobs import job_for
from joinedup.core.navigation import sections_for


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and monitoring. Says nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse({"status": "ok" if status == 200 else "error", "database": database}, status=status)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: send them to the icon the pages use."""
    return redirect(static("joinedup/favicon.svg"))


def home(request: HttpRequest) -> HttpResponse:
    actor = getattr(request, "actor", None)
    sections = [s for s in sections_for(actor.role if actor else None) if s.slug not in {"audit", "manage"}]
    return render(request, "core/home.html", {"sections": sections})


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def job_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    job = job_for(request.user.pk, pk)
    if job is None:
        raise Http404("No such job.")
    return render(request, "core/job.html", {"job": job})


def job_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    """The progress panel alone, polled by htmx while the job runs."""
    job = job_for(request.user.pk, pk)
    if job is None:
        raise Http404("No such job.")
    return render(request, "core/job.html#progress", {"job": job})
