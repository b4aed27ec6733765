"""Administration pages for a borough: organisations' two-factor rule, people, their roles and sign-in,
and API tokens for partner organisations' systems.

Every lookup goes through a ``*_managed_by(actor)`` selector, so an administrator
reaches nothing outside their own borough."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from joinedup.accounts import services
from joinedup.accounts.forms import PersonAddForm
from joinedup.accounts.models import ApiToken, Membership, Organisation, Role
from joinedup.accounts.selectors import memberships_managed_by, organisations_managed_by, people_managed_by
from joinedup.core.access import actor_of, roles_required
from joinedup.core.forms import DATE_FORMAT_ERROR, DATE_INPUT_FORMATS, GovukForm


@roles_required(Role.ADMINISTRATOR)
def organisations(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return render(request, "manage/organisations.html", {"organisations": organisations_managed_by(actor)})


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


@require_POST
@roles_required(Role.ADMINISTRATOR)
def person_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    person = get_object_or_404(people_managed_by(actor), pk=pk)
    services.two_factor_reset(actor=actor, user=person)
    messages.success(request, f"{person} will set up two-factor authentication again when they next sign in.")
    return redirect("manage:people")


# The token selector and form sit beside the only pages that use them; if another page or the
# API needs them, move them to selectors.py and forms.py.
def api_tokens_managed_by(actor: Membership) -> QuerySet[ApiToken]:
    """Tokens of systems acting in the administrator's borough, usable ones first, newest first."""
    if actor.role != Role.ADMINISTRATOR:
        return ApiToken.objects.none()
    return (
        ApiToken.objects.filter(membership__area_id=actor.area_id)
        .select_related("membership__organisation", "membership__area", "created_by", "revoked_by")
        .order_by(F("revoked_at").asc(nulls_first=True), "-created_at")
    )


class ApiTokenIssueForm(GovukForm):
    name = forms.CharField(
        label="Name of the system",
        help_text="Whose system it is and what it is, like Kinship Mentoring case system.",
        max_length=150,
        error_messages={"required": "Enter the name of the system that will use the token"},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        help_text="The system acts for this organisation, and sees what its members in the role below would see.",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        error_messages={
            "required": "Choose the organisation the system belongs to",
            "invalid_choice": "Choose one of the organisations listed",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=[("", "Choose a role"), *((r.value, r.label) for r in Role if r in services.API_TOKEN_ROLES)],
        error_messages={
            "required": "Choose the role the system acts in",
            "invalid_choice": "Choose one of the roles listed",
        },
    )
    expires_on = forms.DateField(
        label="Last day it works (optional)",
        help_text="For example, 31/3/2027. Leave it empty for a token that works until you revoke it.",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": DATE_FORMAT_ERROR},
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organisation"]
        # Only partner organisations' systems take tokens; each is named with its kind.
        field.queryset = organisations.filter(kind__in=set().union(*services.API_TOKEN_KINDS.values())).order_by(
            "kind", "name"
        )
        field.label_from_instance = lambda organisation: f"{organisation.name} ({organisation.get_kind_display()})"


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
