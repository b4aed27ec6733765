"""The partnership map: for the programme's people in the borough; kept by its team managers and data leads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Model, ProtectedError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.accounts.models import Membership, Role
from joinedup.core.access import actor_of, roles_required
from joinedup.partnership.forms import ENTRY_FORMS, ENTRY_NAMES, MapSettingsForm
from joinedup.partnership.models import Confirmed, Forum, PartnerContact, ReferralPathway
from joinedup.partnership.selectors import partnership_map
from joinedup.partnership.services import entry_confirm, entry_remove, entry_save, settings_save
from joinedup.sharing.models import DataSharingAgreement

READERS = (Role.LINK_WORKER, Role.TEAM_MANAGER, Role.DATA_LEAD)
KEEPERS = (Role.TEAM_MANAGER, Role.DATA_LEAD)
MODELS: dict[str, type[PartnerContact] | type[Forum] | type[ReferralPathway]] = {
    "contact": PartnerContact,
    "forum": Forum,
    "pathway": ReferralPathway,
}


def _entry(actor: Membership, kind: str, pk: int) -> Confirmed | DataSharingAgreement:
    """An entry of the actor's borough's map (an agreement: their programme's); 404 otherwise."""
    if kind == "agreement":
        found: Model | None = DataSharingAgreement.objects.filter(
            pk=pk, area_id=actor.area_id, organisation_id=actor.organisation_id
        ).first()
    elif kind in MODELS:
        found = MODELS[kind].objects.filter(pk=pk, area_id=actor.area_id).first()
    else:
        found = None
    if found is None:
        raise Http404("No such entry on the map.")
    return found  # type: ignore[return-value]


@roles_required(*READERS)
def map_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    found = partnership_map(actor.area, actor.organisation, timezone.localdate())
    keeps = actor.role in KEEPERS
    form = MapSettingsForm(initial={"confirm_every_days": found.every_days}) if keeps else None
    return render(request, "partnership/map.html", {"map": found, "keeps": keeps, "settings_form": form})


@roles_required(*KEEPERS)
def entry_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    if kind not in ENTRY_FORMS:
        raise Http404("No such kind of entry.")
    instance = _entry(actor, kind, pk) if pk is not None else None
    form = ENTRY_FORMS[kind](request.POST if request.method == "POST" else None, instance=instance, area=actor.area)
    if request.method == "POST" and form.is_valid():
        entry_save(actor=actor, entry=form.instance, created=instance is None)
        messages.success(request, f"Saved and confirmed: {form.instance}.")
        return redirect("partnership:map")
    context: dict[str, Any] = {"form": form, "kind": kind, "name": ENTRY_NAMES[kind], "entry": instance}
    return render(request, "partnership/entry_form.html", context)


@roles_required(*KEEPERS)
@require_POST
def entry_change(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Confirm an entry still holds, or remove it."""
    actor = actor_of(request)
    entry = _entry(actor, kind, pk)
    if request.POST.get("change") == "remove" and not isinstance(entry, DataSharingAgreement):
        try:
            entry_remove(actor=actor, entry=entry)
        except ProtectedError:
            messages.error(request, f"{entry} cannot be removed.")
        else:
            messages.success(request, f"Removed: {entry}.")
    else:
        entry_confirm(actor=actor, entry=entry)
        messages.success(request, f"Confirmed today: {entry}.")
    return redirect("partnership:map")


@roles_required(*KEEPERS)
@require_POST
def map_settings(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = MapSettingsForm(request.POST)
    if form.is_valid():
        settings_save(actor=actor, confirm_every_days=form.cleaned_data["confirm_every_days"])
        messages.success(request, "Saved.")
        return redirect("partnership:map")
    found = partnership_map(actor.area, actor.organisation, timezone.localdate())
    return render(request, "partnership/map.html", {"map": found, "keeps": True, "settings_form": form})
