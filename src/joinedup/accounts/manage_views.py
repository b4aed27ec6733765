"""Administration pages for a borough: organisations' two-factor rule, people, their roles and sign-in,
and API tokens for partner organisations' systems.

Every lookup goes through a ``*_managed_by(actor)`` selector, so an administrator
reaches nothing outside their own borough."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from joinedup.accounts import services
from joinedup.accounts.forms import ApiTokenIssueForm, PersonAddForm, SingleSignOnSettingsForm
from joinedup.accounts.models import Role, SingleSignOn
from joinedup.accounts.selectors import (
    api_tokens_managed_by,
    memberships_managed_by,
    organisations_managed_by,
    people_managed_by,
)
from joinedup.accounts.sso import SignOnError, sso_check
from joinedup.core.access import actor_of, roles_required
from joinedup.core.forms import form_saved


@roles_required(Role.ADMINISTRATOR)
def home(request: HttpRequest) -> HttpResponse:
    """Manage starts with the borough's organisations (the menu's first page)."""
    return redirect("manage:organisations")


@roles_required(Role.ADMINISTRATOR)
def organisations(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    found = organisations_managed_by(actor).select_related("single_sign_on")
    return render(request, "manage/organisations.html", {"organisations": found})


@require_POST
@roles_required(Role.ADMINISTRATOR)
def organisation_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    organisation = get_object_or_404(organisations_managed_by(actor), pk=pk)
    required = request.POST.get("require_two_factor") == "yes"
    services.organisation_two_factor_set(actor=actor, organisation=organisation, required=required)
    if required:
        messages.success(request, f"Members of {organisation} must now use two-factor authentication.")
    else:
        messages.success(request, f"Two-factor authentication is now optional for members of {organisation}.")
    return redirect("manage:organisations")


@roles_required(Role.ADMINISTRATOR)
def organisation_single_sign_on(request: HttpRequest, pk: int) -> HttpResponse:
    """Set up an organisation's own sign-in (OpenID Connect) for its members."""
    actor = actor_of(request)
    organisation = get_object_or_404(organisations_managed_by(actor), pk=pk)
    sso = SingleSignOn.objects.filter(organisation=organisation).first() or SingleSignOn(organisation=organisation)
    form = SingleSignOnSettingsForm(request.POST if request.method == "POST" else None, instance=sso)
    if request.method == "POST":
        saved = form_saved(form, lambda _data: services.single_sign_on_save(actor=actor, sso=form.instance))
        if saved is not None:
            state = "on" if saved.enabled else "off: check the connection below, then tick it on"
            messages.success(request, f"Saved single sign-on for {organisation}; it is {state}.")
            return redirect("manage:organisation_single_sign_on", pk=organisation.pk)
    return render(request, "manage/single_sign_on.html", {"form": form, "organisation": organisation, "sso": sso})


@require_POST
@roles_required(Role.ADMINISTRATOR)
def organisation_single_sign_on_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Reach the organisation's saved sign-in service now, and say what was found."""
    actor = actor_of(request)
    organisation = get_object_or_404(organisations_managed_by(actor), pk=pk)
    sso = SingleSignOn.objects.filter(organisation=organisation).first()
    if sso is None:
        messages.error(request, "Save the single sign-on settings first, then check them.")
        return redirect("manage:organisation_single_sign_on", pk=organisation.pk)
    try:
        messages.success(request, sso_check(sso))
    except SignOnError as error:
        messages.error(request, f"The check failed. {error}")
    return redirect("manage:organisation_single_sign_on", pk=organisation.pk)


@roles_required(Role.ADMINISTRATOR)
def people(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return render(request, "manage/people.html", {"people": people_managed_by(actor)})


@require_POST
@roles_required(Role.ADMINISTRATOR)
def person_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    person = get_object_or_404(people_managed_by(actor), pk=pk)
    services.user_unlock(actor=actor, user=person)
    messages.success(request, f"{person} can sign in again.")
    return redirect("manage:people")


@roles_required(Role.ADMINISTRATOR)
def person_add(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = PersonAddForm(request.POST or None, organisations=organisations_managed_by(actor))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.person_invite(
                actor=actor,
                email=data["email"],
                full_name=data["full_name"],
                organisation=data["organisation"],
                role=Role(data["role"]),
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{membership.user.full_name} is now {membership}. We have emailed them.")
            return redirect("manage:people")
    return render(request, "manage/person_add.html", {"form": form})


@require_POST
@roles_required(Role.ADMINISTRATOR)
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    membership = get_object_or_404(memberships_managed_by(actor), pk=pk)
    try:
        services.membership_end(actor=actor, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.user.full_name} is no longer {membership}.")
    return redirect("manage:people")


@roles_required(Role.ADMINISTRATOR)
def person_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first, then remove a person's authenticators (a lost or changed phone)."""
    actor = actor_of(request)
    person = get_object_or_404(people_managed_by(actor), pk=pk)
    if request.method != "POST":
        return render(request, "manage/two_factor_reset.html", {"person": person})
    services.two_factor_reset(actor=actor, user=person)
    messages.success(request, f"{person} will set up two-factor authentication again when they next sign in.")
    return redirect("manage:people")


# The token selector and form sit beside the only pages that use them; if another page or the
# API needs them, move them to selectors.py and forms.py.
@roles_required(Role.ADMINISTRATOR)
def api_tokens(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return render(request, "manage/api_tokens.html", {"tokens": api_tokens_managed_by(actor)})


@never_cache
@roles_required(Role.ADMINISTRATOR)
def api_token_add(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = ApiTokenIssueForm(request.POST or None, organisations=organisations_managed_by(actor))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, key = services.api_token_issue(
                actor=actor,
                organisation=data["organisation"],
                role=Role(data["role"]),
                name=data["name"],
                expires_on=data["expires_on"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            # Shown on this response only, never redirected to: the key is not kept anywhere.
            return render(request, "manage/api_token_issued.html", {"token": token, "key": key})
    return render(request, "manage/api_token_add.html", {"form": form})


@roles_required(Role.ADMINISTRATOR)
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST revokes."""
    actor = actor_of(request)
    token = get_object_or_404(api_tokens_managed_by(actor), pk=pk)
    if request.method != "POST":
        return render(request, "manage/api_token_revoke.html", {"token": token})
    try:
        services.api_token_revoke(actor=actor, token=token)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{token.name} can no longer use the API.")
    return redirect("manage:api_tokens")
