from __future__ import annotations

from typing import Any

from django import forms

from joinedup.accounts.models import Area, Organisation
from joinedup.core.forms import GovukForm, GovukModelForm
from joinedup.partnership.models import Forum, PartnerContact, ReferralPathway
from joinedup.partnership.selectors import PARTNER_KINDS


class _InBorough(GovukModelForm):
    """An entry whose organisation (if it has one) must work in the borough."""

    def __init__(self, *args: Any, area: Area, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "organisation" in self.fields:
            field: Any = self.fields["organisation"]
            field.queryset = Organisation.objects.filter(areas=area, kind__in=PARTNER_KINDS).order_by("name")
            field.empty_label = "Choose an organisation"


class ContactForm(_InBorough):
    class Meta:
        model = PartnerContact
        fields = ["organisation", "name", "role", "email", "phone", "notes"]
        labels = {"email": "Email (optional)", "phone": "Phone (optional)", "notes": "Notes (optional)"}
        error_messages = {
            "organisation": {"required": "Choose their organisation."},
            "name": {"required": "Give their name."},
            "role": {"required": "Say what their role is."},
        }


class ForumForm(_InBorough):
    class Meta:
        model = Forum
        fields = ["name", "kind", "purpose", "meets", "chair", "our_representative"]
        labels = {
            "meets": "When it meets (optional)",
            "chair": "Chair (optional)",
            "our_representative": "Our representative (optional)",
        }
        error_messages = {
            "name": {"required": "Give its name."},
            "kind": {"required": "Choose what kind it is."},
            "purpose": {"required": "Say what it is for."},
        }


class PathwayForm(_InBorough):
    class Meta:
        model = ReferralPathway
        fields = ["name", "organisation", "how_to_refer", "criteria", "contact", "url"]
        labels = {
            "organisation": "Run by",
            "criteria": "Who it is for (optional)",
            "contact": "Contact (optional)",
            "url": "Web address (optional)",
        }
        error_messages = {
            "name": {"required": "Give the pathway a name."},
            "organisation": {"required": "Choose who runs it."},
            "how_to_refer": {"required": "Say how to refer."},
            "url": {"invalid": "Enter a web address, like https://www.example.org/refer."},
        }


ENTRY_FORMS: dict[str, type[_InBorough]] = {"contact": ContactForm, "forum": ForumForm, "pathway": PathwayForm}
ENTRY_NAMES = {"contact": "a contact", "forum": "a board or forum", "pathway": "a referral pathway"}


class MapSettingsForm(GovukForm):
    confirm_every_days = forms.IntegerField(
        label="Remind managers when an entry has not been confirmed for this many days",
        min_value=7,
        max_value=730,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        error_messages={
            "required": "Enter a number of days.",
            "min_value": "Enter 7 days or more.",
            "max_value": "Enter 730 days (two years) or fewer.",
        },
    )
