"""Forms for searching and managing the directory."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from joinedup.accounts.models import Area, Organisation
from joinedup.core.domains import FAMILY_LABELS, IDENTIFICATION_DOMAINS, NeedDomain
from joinedup.core.forms import DATE_FORMAT_ERROR, DATE_INPUT_FORMATS, GovukForm
from joinedup.directory.models import EvidenceLevel
from joinedup.directory.selectors import (
    DEFAULT_MILES,
    ServiceQuery,
    day_choices,
    evidence_choices,
    language_choices,
    time_choices,
)
from joinedup.geo.postcodes import PostcodeError, postcode_district
from joinedup.geodata.selectors import postcode_point

MILES_CHOICES = [("1", "1 mile"), ("2", "2 miles"), ("3", "3 miles"), ("5", "5 miles"), ("10", "10 miles")]
ANY = [("", "Any")]


class ServiceSearchForm(GovukForm):
    """The practitioner's search. Every field is optional; a bad postcode or age is an error, not ignored."""

    q = forms.CharField(label="Words to search for", required=False, max_length=100)
    need = forms.MultipleChoiceField(
        label="Needs",
        required=False,
        choices=NeedDomain.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    age = forms.IntegerField(
        label="Child's age",
        required=False,
        min_value=0,
        max_value=25,
        error_messages={
            "invalid": "Enter the child's age in years, like 9",
            "min_value": "Age must be 0 or more",
            "max_value": "Age must be 25 or less",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    postcode = forms.CharField(
        label="Family's postcode",
        required=False,
        max_length=10,
        help_text="A full postcode, like NW10 4AB, or its first part, like NW10.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "postal-code"}),
    )
    miles = forms.TypedChoiceField(label="Distance", required=False, choices=MILES_CHOICES, coerce=float)
    place = forms.ChoiceField(
        label="Where",
        required=False,
        choices=[("", "Near the postcode, or online or by phone"), ("near", "Only near the postcode")],
    )
    free = forms.BooleanField(label="Free services only", required=False)
    language = forms.ChoiceField(label="Language", required=False)
    day = forms.ChoiceField(label="Day", required=False, choices=ANY + day_choices())
    time = forms.ChoiceField(label="Time of day", required=False, choices=ANY + time_choices())
    evidence = forms.ChoiceField(
        label="Evidence", required=False, choices=[("", "Any, including not assessed"), *evidence_choices()]
    )
    partners = forms.BooleanField(label="Commissioned delivery partners only", required=False)

    def __init__(self, data: Any, *, public: bool = False, **kwargs: Any) -> None:
        # The form is always bound (it is the query string); a distance nobody chose is the default one,
        # and the page shows it selected.
        data = data.copy()
        data.setdefault("miles", str(int(DEFAULT_MILES)))
        super().__init__(data, **kwargs)
        if public:
            # Families read the same form in their own words.
            self.fields["postcode"].label = "Your postcode"
            self.fields["age"].label = "Age of your child"
            need: Any = self.fields["need"]
            need.choices = [(value, FAMILY_LABELS[value]) for value, _label in NeedDomain.choices]
        # Languages come from the directory, so they are looked up for each search.
        language: Any = self.fields["language"]
        language.choices = ANY + language_choices()
        self.point: Any = None

    def clean_postcode(self) -> str:
        text: str = self.cleaned_data["postcode"].strip()
        if not text:
            return ""
        try:
            self.point = postcode_point(text)
        except PostcodeError as error:
            raise ValidationError(str(error)) from None
        return str(self.point.text)

    def query(self, *, area: Area | None = None) -> ServiceQuery:
        data = self.cleaned_data
        return ServiceQuery(
            text=data["q"],
            domains=tuple(data["need"]),
            age=data["age"],
            origin=self.point.point if self.point else None,
            origin_label=(
                f"the centre of {postcode_district(self.point.text)}"
                if self.point and self.point.precision == "district"
                else (self.point.text if self.point else "")
            ),
            miles=data["miles"] or DEFAULT_MILES,
            include_remote=data["place"] != "near",
            free_only=data["free"],
            language=data["language"],
            day=int(data["day"]) if data["day"] else None,
            time=data["time"],
            min_evidence=int(data["evidence"]) if data["evidence"] else None,
            partners_only=data["partners"],
            area=area,
        )

    @property
    def place_note(self) -> str:
        """Said with the results when distances are from a district's centre rather than the address."""
        if self.point is None or self.point.precision != "district":
            return ""
        district = postcode_district(self.point.text)
        return f"Distances are measured from the centre of the {district} area, not the exact address."

    @property
    def identification_needs(self) -> list[Any]:
        return [box for box in self["need"] if box.data["value"] in IDENTIFICATION_DOMAINS]

    @property
    def other_needs(self) -> list[Any]:
        return [box for box in self["need"] if box.data["value"] not in IDENTIFICATION_DOMAINS]

    @property
    def has_filters(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


class ServiceProfileForm(GovukForm):
    """Joinedup's own details of a service; the feed's fields are changed at the source."""

    evidence_level = forms.ChoiceField(label="Evidence rating", choices=EvidenceLevel.choices, required=False)
    evidence_source_url = forms.URLField(
        label="Where the rating comes from",
        required=False,
        max_length=500,
        help_text="A link to the Foundations Guidebook entry or the evaluation.",
        error_messages={"invalid": "Enter a web address, like https://guidebook.eif.org.uk/programme/…"},
    )
    evidence_rated_on = forms.DateField(
        label="Date of the rating",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        help_text="For example, 27/3/2026",
        error_messages={"invalid": DATE_FORMAT_ERROR},
        widget=forms.DateInput(attrs={"class": "govuk-input--width-10"}),
    )
    need_domains = forms.MultipleChoiceField(
        label="Needs it helps with", choices=NeedDomain.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    is_delivery_partner = forms.BooleanField(label="Commissioned delivery partner", required=False)
    delivery_partner = forms.ModelChoiceField(
        label="Partner organisation that receives referrals",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Needed for a delivery partner, so referrals reach them.",
    )
    works_in_areas = forms.ModelMultipleChoiceField(
        label="Boroughs it works in", queryset=Area.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    works_with_schools = forms.ModelMultipleChoiceField(
        label="Schools it works with",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    local_notes = forms.CharField(
        label="Notes for practitioners",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What Link Workers should know: who to speak to, how referrals really work.",
    )

    def __init__(self, *args: Any, area: Area, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(areas=area)
        self.fields["delivery_partner"].queryset = organisations.filter(  # type: ignore[attr-defined]
            kind=Organisation.Kind.DELIVERY_PARTNER
        )
        self.fields["works_with_schools"].queryset = organisations.filter(  # type: ignore[attr-defined]
            kind=Organisation.Kind.SCHOOL
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_delivery_partner") and not data.get("delivery_partner"):
            self.add_error("delivery_partner", "Choose the partner organisation that receives referrals")
        if (
            data.get("evidence_level")
            and not data.get("evidence_source_url")
            and "evidence_source_url" not in self.errors
        ):
            self.add_error("evidence_source_url", "Enter where the rating comes from")
        return data


class ImportForm(GovukForm):
    """Start an import from a published ORUK API or an uploaded file."""

    # With neither an address nor a file, the error summary points at the address.
    error_anchor = "id_url"

    url = forms.URLField(
        label="ORUK API address",
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="The base address of the directory's Open Referral UK API, like https://directory.example.gov.uk/api",
        error_messages={"invalid": "Enter a web address, like https://directory.example.gov.uk/api"},
    )
    file = forms.FileField(
        label="Or upload a file",
        required=False,
        help_text="An ORUK JSON file, or a .zip of HSDS CSV files.",
    )
    source_name = forms.CharField(
        label="Name of this source",
        required=False,
        max_length=200,
        help_text="For an uploaded file. Uploading again under the same name updates that source, and its services "
        "missing from the new file are marked inactive; give each provider or export its own name.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "url" in self.errors:
            return data
        if data.get("file") and not data.get("source_name", "").strip():
            self.add_error("source_name", "Enter a name for this source, like Brent Family Hub directory")
        if data.get("url") and data.get("file"):
            raise ValidationError("Enter the API address or choose a file, not both")
        if not data.get("url") and not data.get("file"):
            raise ValidationError("Enter the API address or choose a file")
        upload = data.get("file")
        if upload is not None and not upload.name.lower().endswith((".json", ".zip")):
            self.add_error("file", "The file must be a .json file or a .zip of CSV files")
        return data


class GapReportForm(GovukForm):
    miles = forms.TypedChoiceField(
        label="Distance from each school", choices=MILES_CHOICES, coerce=float, initial="2", required=False
    )
    band = forms.ChoiceField(label="Age band", required=False)
    domains = forms.ChoiceField(
        label="Needs",
        required=False,
        choices=[("", "The programme's risk areas"), ("all", "All needs, including Supporting Families areas")],
    )

    def __init__(self, data: Any, *, bands: list[tuple[str, str]], default_band: str, **kwargs: Any) -> None:
        # Always bound to the query string, with the defaults filled in, so what is shown is what is selected.
        data = data.copy()
        data.setdefault("band", default_band)
        data.setdefault("miles", "2")
        super().__init__(data, **kwargs)
        band: Any = self.fields["band"]
        band.choices = bands
