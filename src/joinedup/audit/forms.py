from __future__ import annotations

from typing import Any

from django import forms

from joinedup.core.forms import DATE_FORMAT_ERROR, DATE_INPUT_FORMATS, EMAIL_FORMAT_ERROR, GovukForm


class AuditSearchForm(GovukForm):
    child = forms.IntegerField(
        label="Child record number",
        required=False,
        min_value=1,
        help_text="The number at the end of the child's record address.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"invalid": "Enter the child's record number, like 1234"},
    )
    email = forms.EmailField(
        label="Email address of the person",
        required=False,
        error_messages={"invalid": EMAIL_FORMAT_ERROR},
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        help_text="For example, 27 3 2026 or 2026-03-27.",
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"invalid": DATE_FORMAT_ERROR},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"invalid": DATE_FORMAT_ERROR},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return cleaned
