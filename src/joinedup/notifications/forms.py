from __future__ import annotations

from django import forms

from joinedup.core.forms import GovukForm
from joinedup.notifications.models import Kind


class PreferencesForm(GovukForm):
    by_email = forms.MultipleChoiceField(
        label="Email me when",
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Emails never name a child: they link to the page in Joinedup. Everything is listed here either way.",
    )
