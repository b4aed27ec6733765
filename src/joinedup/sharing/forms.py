"""Forms for sharing: agreements, their sign-off and end, and a partner's list to match."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from joinedup.accounts.models import Membership, Organisation
from joinedup.core.forms import DATE_FORMAT_ERROR, DATE_INPUT_FORMATS, GovukForm
from joinedup.core.uploads import upload_check, upload_read
from joinedup.linkage import COLUMNS, REQUIRED, EncodingError, ListError, key_read, mapping_read
from joinedup.sharing.models import AGREEMENT_ROLE_CHOICES, FIELD_CHOICES, FIELD_LABELS, LawfulBasis

LIST_SUFFIXES = (".csv", ".xlsx", ".parquet")
MAPPING_SUFFIXES = (".toml", ".json")


def _date_field(label: str, required: str = "") -> forms.DateField:
    """A date; ``required`` is the message when it is left empty (an empty message: it may be left empty)."""
    return forms.DateField(
        label=label,
        required=bool(required),
        input_formats=DATE_INPUT_FORMATS,
        help_text="For example, 27/3/2026",
        error_messages={"invalid": DATE_FORMAT_ERROR, "required": required},
    )


class AgreementForm(GovukForm):
    partner = forms.ModelChoiceField(
        label="Partner organisation",
        queryset=Organisation.objects.none(),
        error_messages={"required": "Choose the partner organisation."},
    )
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title."})
    purpose = forms.CharField(
        label="Purpose",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the sharing is for, in words a family would understand.",
        error_messages={"required": "Say what the sharing is for."},
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis",
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the lawful basis."},
    )
    fields_we_send = forms.MultipleChoiceField(
        label="What we may send them",
        choices=FIELD_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=(
            "Our children's details that may be compared with theirs. For the children you both work with, "
            "they also see the names, date of birth and school chosen here."
        ),
    )
    fields_we_receive = forms.MultipleChoiceField(
        label="What they may send us",
        choices=FIELD_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=f"A match needs at least {', '.join(FIELD_LABELS[c] for c in REQUIRED).lower()}.",
        error_messages={"required": "Choose what they may send us."},
    )
    run_roles = forms.MultipleChoiceField(
        label="Who may run a match",
        choices=AGREEMENT_ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who may run a match."},
    )
    result_roles = forms.MultipleChoiceField(
        label="Who may see and decide the results",
        choices=AGREEMENT_ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who may see and decide the results."},
    )
    starts_on = _date_field("Starts on", "Enter the day the agreement starts.")
    review_on = _date_field("Review by")
    expires_on = _date_field("Expires on", "Enter the day the agreement expires.")

    def __init__(self, *args: Any, partners: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner: Any = self.fields["partner"]
        partner.queryset = partners


class SignOffForm(GovukForm):
    name = forms.CharField(
        label="Signed off by", max_length=200, error_messages={"required": "Enter who signed the agreement off."}
    )
    role = forms.CharField(
        label="Their role",
        max_length=200,
        help_text="For example, Data protection officer, or Caldicott guardian.",
        error_messages={"required": "Enter their role."},
    )


class EndForm(GovukForm):
    reason = forms.CharField(
        label="Why is the agreement ending?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the agreement is ending."},
    )


def _probability_errors(name: str) -> dict[str, str]:
    between = f"Enter the probability to {name} as a number from 0.01 to 1, like 0.99"
    return {"required": between, "invalid": between, "min_value": between, "max_value": between}


class _ThresholdsForm(GovukForm):
    """The two thresholds every match run has: confirm automatically from, review from."""

    auto_confirm_from = forms.FloatField(
        label="Confirm automatically from",
        min_value=0.01,
        max_value=1,
        initial=0.99,
        error_messages=_probability_errors("confirm automatically from"),
        help_text="A match probability from 0 to 1. Pairs at least this likely become shared cases at once.",
    )
    review_from = forms.FloatField(
        label="Review from",
        min_value=0.01,
        max_value=1,
        initial=0.5,
        error_messages=_probability_errors("review from"),
        help_text="Pairs at least this likely wait for a person to decide; less likely pairs are not kept.",
    )
    # The two thresholds' order is MatchRun.clean's rule, said on the page through the service's errors.


class MatchRunForm(_ThresholdsForm):
    """A partner's list, with the names it gives our columns (a mapping file or one box per column)."""

    file = forms.FileField(
        label="The partner's list",
        help_text="A CSV, XLSX or Parquet file with one row per child and a header row. At most 200 MB.",
        error_messages={"required": "Choose the partner's list."},
    )
    mapping_file = forms.FileField(
        label="Column mapping (optional)",
        required=False,
        help_text='A TOML or JSON file naming the file\'s column for each of ours, like surname = "Last name".',
    )
    unreadable_dates_missing = forms.BooleanField(
        label="Read a date of birth that is not a date as missing",
        required=False,
        help_text="Otherwise the list is refused and the rows are named, so they can be corrected. Either way "
        "nothing else in the row is changed.",
    )
    field_order = ["file", "mapping_file", "unreadable_dates_missing", "auto_confirm_from", "review_from"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for column in COLUMNS:
            name = f"column_{column}"
            self.fields[name] = forms.CharField(label=FIELD_LABELS[column], required=False, max_length=120)
            self.fields[name].widget.attrs["class"] = "govuk-input govuk-input--width-20"
            self.fields[name].widget.attrs["spellcheck"] = "false"

    def column_fields(self) -> list[Any]:
        return [self[f"column_{column}"] for column in COLUMNS]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        upload_check(
            upload, LIST_SUFFIXES, "The list must be a .csv, .xlsx or .parquet file.", "The list is larger than 200 MB."
        )
        return upload

    def clean_mapping_file(self) -> dict[str, str | list[str]]:
        upload = self.cleaned_data.get("mapping_file")
        if not upload:
            return {}
        upload_check(
            upload,
            MAPPING_SUFFIXES,
            "The column mapping must be a .toml or .json file.",
            "The column mapping is too large.",
        )
        return upload_read(upload, mapping_read, ListError)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        typed = {column: data[f"column_{column}"].strip() for column in COLUMNS if data.get(f"column_{column}")}
        mapping: dict[str, str | list[str]] = {**(data.get("mapping_file") or {}), **typed}
        data["mapping"] = mapping
        return data


class EncodedRunForm(_ThresholdsForm):
    """A partner's encoded list, and the agreement's key to encode our children the same way."""

    file = forms.FileField(
        label="The partner's encoded list",
        help_text="The .parquet file they made with joinedup link encode. At most 200 MB.",
        error_messages={"required": "Choose the partner's encoded list."},
    )
    key_file = forms.FileField(
        label="The agreement's key",
        help_text="The key file both organisations hold for this agreement. It is used to encode our children "
        "now and is not kept.",
        error_messages={"required": "Choose the agreement's key file."},
    )
    field_order = ["file", "key_file", "auto_confirm_from", "review_from"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        upload_check(
            upload,
            (".parquet",),
            "An encoded list is a .parquet file made with joinedup link encode.",
            "The encoded list is larger than 200 MB.",
        )
        return upload

    def clean_key_file(self) -> bytes:
        upload = self.cleaned_data["key_file"]
        if upload.size > 1024:
            raise forms.ValidationError("This is not a key file: a key is 64 letters and digits.")
        return upload_read(upload, key_read, EncodingError)


class LeadForm(GovukForm):
    membership = forms.ModelChoiceField(
        label="Lead practitioner on Joinedup",
        queryset=Membership.objects.none(),
        required=False,
        empty_label="Not on Joinedup",
    )
    name = forms.CharField(label="Or their name", max_length=200, required=False)
    email = forms.EmailField(label="Their email", required=False)

    def __init__(self, *args: Any, memberships: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["membership"]
        field.queryset = memberships
        field.label_from_instance = lambda membership: membership.user.full_name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("membership") and (data.get("name", "").strip() or data.get("email", "").strip()):
            self.add_error(
                "name", "Choose the lead practitioner on Joinedup or type their name, not both: clear one of them."
            )
        return data
