"""A person's notifications, and which of them they are emailed about."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from joinedup.accounts.models import Role
from joinedup.core.access import actor_of
from joinedup.notifications.forms import PreferencesForm
from joinedup.notifications.services import emails_wanted, preferences_set


def notifications(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    user = actor.user
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={"by_email": sorted(emails_wanted(user))},
        manager=actor.role == Role.TEAM_MANAGER,
    )
    if request.method == "POST" and form.is_valid():
        # Kinds not offered to this person keep their setting.
        offered = {kind for kind, _ in form.fields["by_email"].choices}  # type: ignore[attr-defined]
        kept = emails_wanted(user) - offered
        preferences_set(user=user, by_email=set(form.cleaned_data["by_email"]) | kept)
        messages.success(request, "Your email choices are saved.")
        return redirect("notifications:list")
    recent = user.notifications.all()[:50]
    return render(request, "notifications/list.html", {"form": form, "recent": recent})
