from __future__ import annotations

from typing import Any

from django import forms

from joinedup.core.forms import GovukForm
from joinedup.notifications.models import ALWAYS_EMAILED, Kind

#: Kinds only some roles receive: the partnership map's and safeguarding reminders go to team managers.
MANAGERS_ONLY = {Kind.CONFIRM_DUE, Kind.CONCERN_RAISED, Kind.SAFEGUARDING_DUE}


class PreferencesForm(GovukForm):
    by_email = forms.MultipleChoiceField(
        label="Email me when",
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Emails never name a child: they link to the page in Joinedup. Everything is listed here either way.",
    )

    def __init__(self, *args: Any, manager: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["by_email"]
        field.choices = [
            (kind, label)
            for kind, label in Kind.choices
            if (manager or kind not in MANAGERS_ONLY) and kind not in ALWAYS_EMAILED
        ]
