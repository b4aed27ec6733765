"""Forms for referrals: the Link Worker's referral (with the family's consent when it is not on record yet),
moving a referral on, and the sessions a delivery partner records.

The rules (a reason to decline, consent to send, dates not in the future) live in ``cases.referrals`` and
``cases.services``; these forms only read what was typed, and show the services' errors against the fields.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet

from joinedup.cases.models import Consent, Goal, PartnerSession, Referral
from joinedup.core.forms import DATE_FORMAT_ERROR, DATE_INPUT_FORMATS, GovukForm

# What the Link Worker chooses to share; the child's name, age and school always go, so are not a choice.
SHARE_CHOICES = [(value, label) for value, label in Referral.Shared.choices if value != Referral.Shared.CHILD]


def _date_field(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": DATE_FORMAT_ERROR, "required": "Enter the date, like 27/3/2026"},
        help_text="For example 27/3/2026",
    )


class FamilyConsentForm(GovukForm):
    """The family's consent to this referral, recorded with it when none is on record, so nothing is typed twice.

    The field names are those of ``consent_record``'s arguments, so its errors land on these fields.
    """

    record_consent = forms.BooleanField(
        label="The family agreed to this referral: record their consent", required=False
    )
    given_by = forms.ChoiceField(
        label="Who agreed", choices=Consent.GivenBy.choices, widget=forms.RadioSelect, required=False
    )
    given_by_name = forms.CharField(label="Their name (optional)", max_length=200, required=False)
    obtained = forms.ChoiceField(label="How", choices=[("", "Choose"), *Consent.Obtained.choices], required=False)
    given_on = _date_field("Date they agreed", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("record_consent") and data.get("given_on") is None and "given_on" not in self.errors:
            self.add_error("given_on", "Enter the date the family agreed, like 27/3/2026")
        return data

    def consent_arguments(self) -> dict[str, Any] | None:
        """The arguments for ``consent_record`` if the family's consent is to be recorded, else None."""
        data = self.cleaned_data
        if not data.get("record_consent"):
            return None
        return {
            "given_by": data["given_by"],
            "given_by_name": data["given_by_name"].strip(),
            "obtained": data["obtained"],
            "given_on": data["given_on"],
        }


class ReferralForm(FamilyConsentForm):
    goal = forms.ModelChoiceField(
        label="The goal in the plan it is for (optional)", queryset=Goal.objects.none(), required=False
    )
    reason = forms.CharField(
        label="Reason for the referral",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="Why this service, and what the child and family hope for from it. Shared, it is your message.",
    )
    shared = forms.MultipleChoiceField(
        label="What else to share", choices=SHARE_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    action = forms.ChoiceField(choices=[("draft", "Save as draft"), ("send", "Send now")], required=False)

    field_order = ["goal", "reason", "shared", "record_consent", "given_by", "given_by_name", "obtained", "given_on"]

    def __init__(self, *args: Any, goals: QuerySet[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["goal"]
        field.queryset = goals
        field.empty_label = "Not for one goal"

    @property
    def send(self) -> bool:
        return self.cleaned_data.get("action") == "send"

    @property
    def shared_items(self) -> list[str]:
        """The child's details always, and whatever else was ticked."""
        return [Referral.Shared.CHILD, *self.cleaned_data.get("shared", [])]


class ReferralMoveForm(FamilyConsentForm):
    """One form for every move this person may make; the button pressed says which."""

    status = forms.ChoiceField(choices=Referral.Status.choices)
    on = _date_field("Date")
    reason = forms.CharField(
        label="Reason or note",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed to decline or withdraw; otherwise optional.",
    )

    field_order = ["on", "reason", "record_consent", "given_by", "given_by_name", "obtained", "given_on"]


class PartnerSessionForm(GovukForm):
    happened_on = _date_field("Date of the session")
    attendance = forms.ChoiceField(
        label="Did the child come?",
        choices=PartnerSession.Attendance.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the child came."},
    )
    minutes = forms.IntegerField(
        label="Length in minutes (optional)",
        required=False,
        min_value=1,
        max_value=600,
        error_messages={
            "invalid": "Give the length in minutes, like 45",
            "min_value": "Give the length in minutes, between 1 and 600.",
            "max_value": "Give the length in minutes, between 1 and 600.",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    note = forms.CharField(
        label="Short note (optional)",
        required=False,
        max_length=500,
        help_text="The Link Worker sees it too. Nothing about other people.",
        error_messages={"max_length": "Keep the note short: 500 characters at most."},
    )

    @staticmethod
    def initial_for(today: date) -> dict[str, Any]:
        return {"happened_on": today}
