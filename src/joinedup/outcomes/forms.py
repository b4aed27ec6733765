"""Forms for outcomes: a measurement, a measure, a contract and its rates. The rules live in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.core.forms import GovukForm, GovukModelForm, date_field
from joinedup.outcomes.models import Contract, ContractRate, Measure, Measurement


class MeasurementForm(GovukForm):
    measure = forms.ModelChoiceField(
        queryset=Measure.objects.none(),
        label="Measure",
        empty_label="Choose a measure",
        error_messages={"required": "Choose the measure.", "invalid_choice": "Choose one of the measures listed."},
    )
    value = forms.CharField(
        label="Value",
        max_length=40,
        help_text="Attendance as a per cent, like 91.5; a score as a number; attainment as working towards, at "
        "expected or above expected.",
        error_messages={"required": "Enter the value."},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    respondent = forms.ChoiceField(
        label="Who answered (questionnaires only)",
        choices=[("", "Not a questionnaire"), *Measurement.Respondent.choices],
        required=False,
    )
    taken_on = date_field("Date taken", missing="Enter the date the measurement was taken.")
    occasion = forms.ChoiceField(
        label="When in the programme",
        choices=[
            (value, label) for value, label in Measurement.Occasion.choices if value != Measurement.Occasion.SCHOOL_YEAR
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether this is the baseline, a review or the exit."},
    )
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)

    def __init__(self, *args: Any, measures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = measures  # type: ignore[attr-defined]
        self.fields["measure"].label_from_instance = _measure_label  # type: ignore[attr-defined]


def _measure_label(measure: Measure) -> str:
    if measure.scale == Measure.Scale.LEVELS:
        return f"{measure.name} (working towards, at or above expected)"
    return f"{measure.name} ({measure.get_scale_display().lower()})"


class MeasureForm(GovukModelForm):
    class Meta:
        model = Measure
        fields = [
            "name",
            "key",
            "kind",
            "scale",
            "higher_is_better",
            "threshold",
            "reliable_change",
            "reliable_change_source",
            "minimum",
            "maximum",
            "active",
        ]
        labels = {
            "key": "Short name",
            "kind": "Kind of measure",
            "higher_is_better": "A higher value is better",
            "threshold": "At-risk threshold",
            "reliable_change": "Reliable change (optional)",
            "reliable_change_source": "Where the reliable change amount comes from (optional)",
            "minimum": "Lowest possible value",
            "maximum": "Highest possible value",
            "active": "In use",
        }
        help_texts = {
            "threshold": "Below this a child is at risk; where lower is better (the SDQ), at or above it. "
            "For attainment in levels, 1 counts a child working towards expected as at risk (1 is at expected, "
            "2 above). Leave empty to track change only.",
            "reliable_change": "The least change, in the measure's units, that is more than measurement error. "
            "From the measure's published reliability (Jacobson and Truax): 1.96 times the standard deviation "
            "times the square root of twice one minus the reliability.",
        }


class ThresholdsForm(GovukForm):
    """An SDQ measure's threshold for each respondent, as identification sets it."""

    teacher = forms.FloatField(label="Teacher", min_value=0, help_text="At risk at this score or more.")
    parent = forms.FloatField(label="Parent or carer", min_value=0)
    pupil = forms.FloatField(label="The child (self-report)", min_value=0)


class ContractForm(GovukModelForm):
    starts_on = date_field("Starts on")
    ends_on = date_field("Ends on")

    class Meta:
        model = Contract
        fields = ["name", "funder", "starts_on", "ends_on", "engagement_contacts", "engagement_attendance"]
        labels = {
            "engagement_contacts": "High engagement: Link Worker contacts in a term",
            "engagement_attendance": "High engagement: partner sessions attended in the term (per cent)",
        }


class ContractRateForm(GovukModelForm):
    class Meta:
        model = ContractRate
        fields = ["event", "measure", "price", "per_child", "total_cap", "evidence"]
        labels = {
            "event": "Payable event",
            "measure": "Measure (outcomes only)",
            "price": "Price (£)",
            "per_child": "Most payments for one child",
            "total_cap": "Most payments under the contract (optional)",
            "evidence": "Evidence needed",
        }
        widgets = {"event": forms.RadioSelect, "evidence": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "per_child": "1 for a payment made once; more where the contract pays, say, each term of high engagement.",
            "total_cap": "Leave empty when the contract sets no limit on the number of payments.",
        }
        error_messages = {"price": {"min_value": "Enter a price of £0 or more."}}

    def __init__(self, *args: Any, measures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = ContractRate.Event.choices  # type: ignore[attr-defined]
        # An outcome is crossing a threshold, so only measures with one can be paid on.
        with_threshold = measures.exclude(threshold__isnull=True, thresholds_by_respondent={})
        self.fields["measure"].queryset = with_threshold  # type: ignore[attr-defined]
        self.fields["measure"].required = False
