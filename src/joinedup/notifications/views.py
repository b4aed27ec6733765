"""A person's notifications, and which of them they are emailed about."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from joinedup.core.access import actor_of
from joinedup.notifications.forms import PreferencesForm
from joinedup.notifications.services import emails_wanted, preferences_set


def notifications(request: HttpRequest) -> HttpResponse:
    user = actor_of(request).user
    form = PreferencesForm(
        request.POST if request.method == "POST" else None, initial={"by_email": sorted(emails_wanted(user))}
    )
    if request.method == "POST" and form.is_valid():
        preferences_set(user=user, by_email=set(form.cleaned_data["by_email"]))
        messages.success(request, "Your email choices are saved.")
        return redirect("notifications:list")
    recent = user.notifications.all()[:50]
    return render(request, "notifications/list.html", {"form": form, "recent": recent})
