"""Forms for enrolment: the household and the family's consent, recorded at the first visit."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet

from joinedup.accounts.models import Organisation, User
from joinedup.cases.models import CaseSettings, Child, Consent, Contact, Enrolment, FamilyMember, postcode_validator
from joinedup.core.forms import DATE_FORMAT_ERROR, DATE_INPUT_FORMATS, GovukForm, GovukModelForm


class EnrolForm(GovukForm):
    preferred_name = forms.CharField(label="Preferred name (optional)", max_length=120, required=False)
    sex = forms.ChoiceField(label="Sex", choices=Child.Sex.choices)
    address_line_1 = forms.CharField(label="Address line 1", max_length=200)
    address_line_2 = forms.CharField(label="Address line 2 (optional)", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, initial="London")
    postcode = forms.CharField(
        label="Postcode",
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "postal-code"}),
    )
    home_language = forms.CharField(label="Home language (optional)", max_length=60, required=False)
    carer_name = forms.CharField(label="Parent or carer's full name", max_length=200)
    carer_relationship = forms.ChoiceField(label="Relationship to the child", choices=FamilyMember.Relationship.choices)
    parental_responsibility = forms.BooleanField(label="Has parental responsibility", required=False, initial=True)
    carer_phone = forms.CharField(label="Phone (optional)", max_length=20, required=False)
    carer_email = forms.EmailField(label="Email (optional)", required=False)
    given_by = forms.ChoiceField(label="Who agreed", choices=Consent.GivenBy.choices, widget=forms.RadioSelect)
    obtained = forms.ChoiceField(label="How", choices=Consent.Obtained.choices)
    given_on = forms.DateField(
        label="Date they agreed",
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": DATE_FORMAT_ERROR},
        help_text="For example 27/3/2026",
    )
    child_view = forms.CharField(
        label="The child's own view (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In their words, for an older child.",
    )
    evaluation = forms.BooleanField(
        label="They also agreed to the child's data being used, without their name, to evaluate the programme",
        required=False,
    )
    link_worker = forms.ModelChoiceField(label="Link Worker", queryset=User.objects.none())
    start_date = forms.DateField(
        label="Start date", input_formats=DATE_INPUT_FORMATS, error_messages={"invalid": DATE_FORMAT_ERROR}
    )

    def __init__(self, *args: Any, link_workers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["link_worker"]
        field.queryset = link_workers
        field.label_from_instance = lambda user: user.full_name

    def clean_postcode(self) -> str:
        text = "".join(self.cleaned_data["postcode"].upper().split())
        postcode = f"{text[:-3]} {text[-3:]}"
        try:
            postcode_validator(postcode)
        except forms.ValidationError:
            raise forms.ValidationError("Enter a full UK postcode, like NW10 5AB") from None
        return postcode

    def clean_given_on(self) -> date:
        given: date = self.cleaned_data["given_on"]
        if given > date.today():
            raise forms.ValidationError("The date they agreed cannot be in the future.")
        return given


class ConsentForm(GovukForm):
    purpose = forms.ChoiceField(label="For", choices=Consent.Purpose.choices)
    basis = forms.ChoiceField(
        label="Lawful basis",
        choices=Consent.Basis.choices,
        help_text="Consent, unless sharing rests on another basis such as safeguarding; then say why.",
    )
    given_by = forms.ChoiceField(
        label="Who agreed (for consent)", choices=[("", "Choose"), *Consent.GivenBy.choices], required=False
    )
    given_by_name = forms.CharField(label="Their name (optional)", max_length=200, required=False)
    child_view = forms.CharField(
        label="The child's own view (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    organisation = forms.ModelChoiceField(
        label="Organisation (for sharing)", queryset=Organisation.objects.none(), required=False
    )
    practitioner = forms.CharField(label="Named practitioner (optional)", max_length=200, required=False)
    scope = forms.CharField(label="What information it covers (optional)", max_length=500, required=False)
    obtained = forms.ChoiceField(label="How", choices=[("", "Choose"), *Consent.Obtained.choices], required=False)
    given_on = forms.DateField(
        label="Date", input_formats=DATE_INPUT_FORMATS, error_messages={"invalid": DATE_FORMAT_ERROR}
    )
    expires_on = forms.DateField(
        label="Ends on (optional)",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": DATE_FORMAT_ERROR},
    )
    basis_reason = forms.CharField(
        label="Why this basis applies (if not consent)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organisation"]
        field.queryset = organisations


class WithdrawForm(GovukForm):
    withdrawn_by = forms.CharField(
        label="Who withdrew it", max_length=200, error_messages={"required": "Say who withdrew it."}
    )
    withdrawn_on = forms.DateField(
        label="Date", input_formats=DATE_INPUT_FORMATS, error_messages={"invalid": DATE_FORMAT_ERROR}
    )


class EnrolmentForm(GovukForm):
    stage = forms.ChoiceField(label="Stage", choices=Enrolment.Stage.choices)
    link_worker = forms.ModelChoiceField(label="Link Worker", queryset=User.objects.none())
    closure_reason = forms.CharField(
        label="Reason for closing early (if closing before the planned end)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, link_workers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["link_worker"]
        field.queryset = link_workers
        field.label_from_instance = lambda user: user.full_name


class ContactForm(GovukForm):
    kind = forms.ChoiceField(label="What", choices=Contact.Kind.choices)
    happened_on = forms.DateField(
        label="When",
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": DATE_FORMAT_ERROR, "required": "Enter the date of the contact."},
    )
    minutes = forms.IntegerField(
        label="Minutes (optional)",
        required=False,
        min_value=1,
        max_value=600,
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"), "Give the length in minutes, between 1 and 600, like 30."
        ),
    )
    attendees = forms.CharField(label="Who else was there (optional)", required=False, max_length=300)
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up = forms.CharField(label="Follow-up (optional)", required=False, max_length=300)


class CaseSettingsForm(GovukModelForm):
    class Meta:
        model = CaseSettings
        fields = [
            "target_caseload",
            "contact_every_days",
            "review_every_weeks",
            "high_engagement_contacts",
            "high_engagement_attendance",
        ]
        labels = {
            "target_caseload": "Target caseload (children per Link Worker)",
            "contact_every_days": "Days without contact before a child is flagged",
            "review_every_weeks": "Weeks between plan reviews",
            "high_engagement_contacts": "Link Worker contacts in a term for high engagement",
            "high_engagement_attendance": "Partner sessions attended for high engagement, per cent",
        }

    # The sensible range of each setting, so a slip (0, or 400 weeks) is caught with a message that names it.
    RANGES = {
        "target_caseload": (1, 100, "The target caseload"),
        "contact_every_days": (1, 90, "The days between contacts"),
        "review_every_weeks": (1, 52, "The weeks between reviews"),
        "high_engagement_contacts": (1, 60, "The contacts in a term for high engagement"),
        "high_engagement_attendance": (1, 100, "The attendance for high engagement"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (low, high, what) in self.RANGES.items():
            field = self.fields[name]
            field.min_value, field.max_value = low, high  # type: ignore[attr-defined]
            field.validators = [MinValueValidator(low), MaxValueValidator(high)]
            message = f"{what} must be a whole number from {low} to {high}."
            field.error_messages.update(min_value=message, max_value=message, invalid=message, required=message)
            field.widget.attrs.update(min=low, max=high)
