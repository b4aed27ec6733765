"""Children and their households.

Deliberately small for now: enough for the access gate to guard something real.
Case coordination (consent, enrolment, plans, referrals) extends these.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from joinedup.accounts.models import Area, Organisation
from joinedup.core.models import TrackedModel

postcode_validator = RegexValidator(
    r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$",
    "Enter a full UK postcode in capitals with a space, like W6 9QT.",
)


class Family(TrackedModel):
    """A household: the people a child lives with."""

    family_name = models.CharField(max_length=120, help_text="How the family is known, usually the surname.")
    address_line_1 = models.CharField(max_length=200)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, default="London")
    postcode = models.CharField(max_length=8, validators=[postcode_validator])
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="families")
    home_language = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["family_name", "pk"]
        verbose_name_plural = "families"

    def __str__(self) -> str:
        return f"{self.family_name} household, {self.postcode}"


class FamilyMember(TrackedModel):
    """An adult (or older sibling) in the household who is not a child on the programme."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        STEP_PARENT = "step_parent", "Step-parent"
        GRANDPARENT = "grandparent", "Grandparent"
        KINSHIP_CARER = "kinship_carer", "Kinship carer"
        FOSTER_CARER = "foster_carer", "Foster carer"
        OLDER_SIBLING = "older_sibling", "Older sibling"
        OTHER = "other", "Other"

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=32, choices=Relationship.choices)
    parental_responsibility = models.BooleanField(default=False)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["family", "pk"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_relationship_display()})"


class Child(TrackedModel):
    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"

    forenames = models.CharField(max_length=120)
    surname = models.CharField(max_length=120)
    preferred_name = models.CharField(max_length=120, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="children")
    school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="pupils",
        limit_choices_to={"kind": Organisation.Kind.SCHOOL},
    )
    home_postcode = models.CharField(max_length=8, validators=[postcode_validator])
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="children", help_text="The borough responsible."
    )
    programme_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="programme_children",
        limit_choices_to={"kind": Organisation.Kind.PROGRAMME},
    )
    link_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_children"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["surname", "forenames", "pk"]
        verbose_name_plural = "children"
        indexes = [
            models.Index(fields=["area", "programme_organisation"]),
            models.Index(fields=["link_worker"]),
            models.Index(fields=["school"]),
            models.Index(fields=["surname", "forenames"]),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.forenames.split(" ")[0]
        return f"{first} {self.surname}"

    def age_on(self, on: date) -> int:
        dob = self.date_of_birth
        return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.date_of_birth and self.date_of_birth > date.today():
            errors["date_of_birth"] = "The date of birth cannot be in the future."
        if self.school_id and self.school.kind != Organisation.Kind.SCHOOL:
            errors["school"] = f"{self.school} is not a school."
        if self.programme_organisation_id and self.programme_organisation.kind != Organisation.Kind.PROGRAMME:
            errors["programme_organisation"] = f"{self.programme_organisation} is not a programme provider."
        if errors:
            raise ValidationError(errors)
