from __future__ import annotations

from django import forms

from joinedup.core.forms import GovukModelForm
from joinedup.privacy.models import RetentionRule


def _whole_number(noun: str, low: int, high: int, example: int, *, label: str, hint: str) -> forms.IntegerField:
    """A number field whose errors say the range (rather than Django's "greater than or equal to")."""
    within = f"Enter {noun} from {low} to {high}"
    return forms.IntegerField(
        label=label,
        help_text=hint,
        min_value=low,
        max_value=high,
        error_messages={
            "required": within,
            "invalid": f"Enter {noun} as a whole number, like {example}",
            "min_value": within,
            "max_value": within,
        },
    )


class RetentionRuleForm(GovukModelForm):
    archive_after_months = _whole_number(
        "a number of months",
        1,
        120,
        12,
        label="Archive a record this many months after the child's last enrolment closed",
        hint="From 1 to 120 months. An archived record is no longer shown to anyone, but is still held.",
    )
    erase_at_age = _whole_number(
        "an age",
        18,
        100,
        25,
        label="Erase an archived record when the child reaches this age",
        hint="From 18 to 100. Many local schedules keep children's records until the child is 25.",
    )

    class Meta:
        model = RetentionRule
        fields = ["archive_after_months", "erase_at_age"]
