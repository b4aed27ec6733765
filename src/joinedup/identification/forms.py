"""Forms for identification: uploads, column mappings, the rules editor and the school's decisions."""

from __future__ import annotations

import tomllib
from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet

from joinedup.accounts.models import Organisation
from joinedup.core.forms import GovukForm
from joinedup.core.uploads import upload_check
from joinedup.identification.models import ColumnMapping, school_year_of
from joinedup.identification.services import NOTE_REQUIRED
from joinedup.rules import (
    DOMAIN_NAMES,
    RulesError,
    RuleSet,
    rules_from_dict,
    rules_to_dict,
)

UPLOAD_SUFFIXES = (".csv", ".xlsx")


def school_year_choices(today: date | None = None) -> list[tuple[str, str]]:
    """This school year first, then the one before and the one after."""
    current = school_year_of(today or date.today())
    start = int(current[:4])
    years = [school_year_of(date(year, 9, 1)) for year in (start, start - 1, start + 1)]
    return [(year, year) for year in years]


class ScreeningImportForm(GovukForm):
    kind = forms.ChoiceField(label="What the file holds", choices=ColumnMapping.Kind.choices, widget=forms.RadioSelect)
    file = forms.FileField(
        label="File",
        help_text="A CSV or XLSX file with one row per pupil and a header row. At most 200 MB.",
        error_messages={"required": "Choose the file to import."},
    )
    school_year = forms.ChoiceField(label="School year")
    mapping = forms.ModelChoiceField(
        label="Column names",
        queryset=ColumnMapping.objects.none(),
        required=False,
        empty_label="Our standard column names",
        help_text=(
            "Choose a saved mapping if the file names its columns differently, or gives GCSE grades. "
            "Without one, numbers in attainment columns are read as KS2 scaled scores."
        ),
    )
    accept_valid_rows = forms.BooleanField(
        label="If some rows have problems, import the rows without problems",
        required=False,
        help_text="Leave this unticked to check the file first: with any problem, nothing is imported.",
    )

    def __init__(self, *args: Any, mappings: QuerySet[ColumnMapping], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mapping: Any = self.fields["mapping"]
        mapping.queryset = mappings
        year: Any = self.fields["school_year"]
        year.choices = school_year_choices()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        upload_check(
            upload,
            UPLOAD_SUFFIXES,
            "The file must be a .csv or .xlsx file.",
            "The file is larger than 200 MB. Split it by school and import each part.",
        )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mapping = data.get("mapping")
        if mapping is not None and data.get("kind") and mapping.kind != data["kind"]:
            self.add_error("mapping", f"‘{mapping.name}’ is a mapping for {mapping.get_kind_display().lower()} files.")
        return data


class MappingForm(GovukForm):
    """One text box per column of ours: the name the file uses for it, blank when it is the same."""

    name = forms.CharField(
        label="Name", max_length=120, help_text="For example the school, or the system it exports from."
    )

    attainment_scale = forms.ChoiceField(
        label="Numbers in the attainment columns are",
        choices=ColumnMapping.Scale.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="Levels (below, expected, above) are read whatever you choose here.",
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind != ColumnMapping.Kind.SCHOOL_DATA:
            del self.fields["attainment_scale"]
        for column in self.columns:
            self.fields[column] = forms.CharField(label=column, required=False, max_length=120)
            self.fields[column].widget.attrs["class"] = "govuk-input govuk-input--width-20"
            self.fields[column].widget.attrs["spellcheck"] = "false"

    @property
    def columns(self) -> tuple[str, ...]:
        return ColumnMapping.columns_for(self.kind)

    def column_fields(self) -> list[Any]:
        return [self[column] for column in self.columns]

    def mapped_columns(self) -> dict[str, str]:
        return {column: self.cleaned_data.get(column) or "" for column in self.columns}


# The rules editor: one box per setting, named domain.setting as in the TOML.
_LEVEL_CHOICES = [("expected", "below the expected standard"), ("above", "below greater depth (above expected)")]
_STATUS_CHOICES = [
    ("CIN", "Child in need (CIN)"),
    ("CP", "Child protection plan (CP)"),
    ("LAC", "Looked after (LAC)"),
]
RULE_SETTING_LABELS = {
    "enabled": "Use this area",
    "fsm": "Count free school meals",
    "pupil_premium": "Count pupil premium",
    "below": "At risk when attendance is below this percentage",
    "below_level": "At risk when the teacher assessment is",
    "below_score": "Or when a score is below",
    "score_floor": "Lowest possible score (for severity only)",
    "teacher": "Teacher-reported score at least",
    "parent": "Parent-reported score at least",
    "pupil": "Pupil's own score at least",
    "exclusions_at_least": "Exclusions or suspensions at least",
}


class RulesForm(GovukForm):
    minimum_domains = forms.IntegerField(
        label="Propose a child at risk in at least this many areas",
        min_value=1,
        max_value=9,
        error_messages={
            "required": "Enter how many areas a child must be at risk in, from 1 to 9",
            "invalid": "Enter how many areas a child must be at risk in, from 1 to 9",
            "min_value": "Enter how many areas a child must be at risk in, from 1 to 9",
            "max_value": "Enter how many areas a child must be at risk in, from 1 to 9",
        },
    )
    social_care_statuses = forms.MultipleChoiceField(
        label="Children known to social care at these levels go on the separate social care list",
        choices=_STATUS_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label="What changed and why",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Published with the rules, so that anyone can see why they changed.",
        error_messages={"required": NOTE_REQUIRED},
    )

    def __init__(self, *args: Any, rules: RuleSet, **kwargs: Any) -> None:
        current = rules_to_dict(rules)
        initial = {
            "minimum_domains": current["minimum_domains"],
            "social_care_statuses": current["social_care_statuses"],
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.sections: list[tuple[str, str, list[str]]] = []
        for domain, settings in current.items():
            if not isinstance(settings, dict):
                continue
            names = []
            for setting, value in settings.items():
                name = f"{domain}.{setting}"
                self.fields[name] = self._field(domain, setting, value)
                self.initial[name] = value
                names.append(name)
            self.sections.append((domain, DOMAIN_NAMES[domain].capitalize(), names))
        # The base class set the widgets' classes before these fields existed.
        for name, field in self.fields.items():
            if "." in name:
                css = "govuk-checkboxes__input" if isinstance(field, forms.BooleanField) else ""
                css = css or (
                    "govuk-select" if isinstance(field, forms.ChoiceField) else "govuk-input govuk-input--width-4"
                )
                field.widget.attrs["class"] = css

    @staticmethod
    def _field(domain: str, setting: str, value: object) -> forms.Field:
        """One setting's box; its error messages name the area and the setting, as the summary lists them."""
        label = RULE_SETTING_LABELS.get(setting, setting)
        where = f"{DOMAIN_NAMES[domain].capitalize()}, {label[0].lower()}{label[1:]}"
        if isinstance(value, bool):
            return forms.BooleanField(label=label, required=False)
        if setting == "below_level":
            return forms.ChoiceField(label=label, choices=_LEVEL_CHOICES)
        low, high = (0, 10) if setting in ("teacher", "parent", "pupil") else (0, 100 if setting == "below" else 200)
        messages = {
            "required": f"{where}: enter a number",
            "invalid": f"{where}: enter a number",
            "min_value": f"{where}: enter a number from {low} to {high}",
            "max_value": f"{where}: enter a number from {low} to {high}",
        }
        if isinstance(value, int):
            return forms.IntegerField(label=label, min_value=low, max_value=high, error_messages=messages)
        return forms.FloatField(label=label, min_value=low, max_value=high, error_messages=messages)

    def sections_bound(self) -> list[tuple[str, str, list[Any]]]:
        return [(domain, title, [self[name] for name in names]) for domain, title, names in self.sections]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        tree: dict[str, Any] = {
            "minimum_domains": data["minimum_domains"],
            "social_care_statuses": list(data.get("social_care_statuses") or []),
        }
        for domain, _title, names in self.sections:
            tree[domain] = {name.split(".", 1)[1]: data[name] for name in names}
        try:
            self.rule_set = rules_from_dict(tree)
        except RulesError as error:
            raise forms.ValidationError(str(error)) from None
        return data


class RulesUploadForm(GovukForm):
    file = forms.FileField(label="Rules file (TOML)", help_text="As exported from this page, edited as needed.")
    note = forms.CharField(
        label="What changed and why",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": NOTE_REQUIRED},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 100_000:
            raise forms.ValidationError("A rules file is a few kilobytes; this one is too large to be one.")
        try:
            tree = tomllib.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise forms.ValidationError(f"The file is not valid TOML: {error}") from None
        tree.pop("area", None)
        tree.pop("version", None)
        try:
            self.rule_set = rules_from_dict(tree)
        except RulesError as error:
            raise forms.ValidationError(f"The rules cannot be used: {error}") from None
        return upload


class RunForm(GovukForm):
    school_year = forms.ChoiceField(label="School year")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year: Any = self.fields["school_year"]
        year.choices = school_year_choices()


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(choices=[("confirmed", "Confirm"), ("declined", "Decline")])
    reason = forms.CharField(label="Reason", max_length=500, required=False)


class AddForm(GovukForm):
    reason = forms.CharField(
        label="Why this child should be on the list",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why this child should be on the list."},
    )


class LockForm(GovukForm):
    agreed_with = forms.CharField(
        label="Agreed with",
        max_length=200,
        help_text="Who agreed the list with you, for example the Link Worker and the designated safeguarding lead.",
        error_messages={"required": "Say who agreed the list with you."},
    )


class CohortFilterForm(forms.Form):
    SHOW = [
        ("list", "On the list"),
        ("pending", "To decide"),
        ("confirmed", "Confirmed"),
        ("declined", "Declined"),
        ("social_care", "Social care list"),
        ("all", "Everyone screened"),
    ]
    show = forms.ChoiceField(choices=SHOW, required=False)
    year_group = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    domain = forms.ChoiceField(required=False)
    q = forms.CharField(required=False, max_length=100)

    def __init__(self, *args: Any, year_groups: list[int], domains: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year_group: Any = self.fields["year_group"]
        year_group.choices = [("", "All year groups"), *[(year, _year_name(year)) for year in year_groups]]
        domain: Any = self.fields["domain"]
        domain.choices = [("", "Any area"), *[(key, DOMAIN_NAMES[key].capitalize()) for key in domains]]
        self.fields["show"].widget.attrs["class"] = "govuk-select"
        self.fields["year_group"].widget.attrs["class"] = "govuk-select"
        self.fields["domain"].widget.attrs["class"] = "govuk-select"
        self.fields["q"].widget.attrs["class"] = "govuk-input govuk-input--width-20"


def _year_name(year: int) -> str:
    return "Reception" if year == 0 else ("Nursery" if year < 0 else f"Year {year}")


class SchoolsForm(GovukForm):
    schools = forms.ModelMultipleChoiceField(
        label="Schools",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, schools: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["schools"]
        field.queryset = schools
