"""Identification in the app: screening data, rule versions, runs and each school's agreed list.

The rules themselves live in the pure core, :mod:`joinedup.rules`; these models keep what a
borough imported, which rules it used and what people decided.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models

from joinedup.accounts.models import Area, Organisation
from joinedup.core.models import RunByProcess
from joinedup.rules import (
    LEVELS,
    SCHOOL_DATA_COLUMNS,
    SESSION_COLUMNS,
    SURVEY_COLUMNS,
    SURVEY_MATCH_COLUMNS,
    Pupil,
    RuleSet,
    rules_from_dict,
)


def school_year_of(day: date) -> str:
    """The school year a day falls in, written as schools write it.

    >>> school_year_of(date(2026, 9, 1)), school_year_of(date(2027, 8, 31))
    ('2026/27', '2026/27')
    """
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


class ColumnMapping(models.Model):
    """How one school's (or one MIS's) export names our columns, so a data lead maps them once.

    ``attainment_scale`` says what a number in an attainment column means. KS2 scaled scores are
    kept as scores (the rules' score thresholds apply); GCSE grades become levels on import, so
    that one threshold never compares numbers on two scales.
    """

    class Kind(models.TextChoices):
        SCHOOL_DATA = "school_data", "School data"
        SURVEY = "survey", "Wellbeing survey"

    class Scale(models.TextChoices):
        KS2_SCALED = "ks2_scaled", "KS2 scaled scores (80 to 120; 100 is the expected standard)"
        GCSE_GRADE = "gcse_grade", "GCSE grades (1 to 9; 4 is a standard pass, 7 and above is above)"

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="column_mappings")
    name = models.CharField(max_length=120, help_text="For example the school, or the system it exports from.")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    columns = models.JSONField(default=dict, help_text="Our column name → the file's column name.")
    attainment_scale = models.CharField(max_length=12, choices=Scale.choices, default=Scale.KS2_SCALED)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "kind", "name"], name="column_mapping_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()})"

    @staticmethod
    def columns_for(kind: str) -> tuple[str, ...]:
        """Our columns a mapping can rename, for each kind of file."""
        if kind == ColumnMapping.Kind.SCHOOL_DATA:
            return SCHOOL_DATA_COLUMNS + SESSION_COLUMNS
        return SURVEY_COLUMNS + SURVEY_MATCH_COLUMNS


class RuleSetVersion(models.Model):
    """One published version of a borough's rules. Versions are never edited; a change is a new one."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="rule_versions")
    number = models.PositiveIntegerField()
    rules = models.JSONField(help_text="The rule set, as joinedup.rules.rules_to_dict writes it.")
    note = models.CharField(max_length=500, help_text="What changed and why.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area", "-number"]
        constraints = [models.UniqueConstraint(fields=["area", "number"], name="rule_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.area} rules, version {self.number}"

    def rule_set(self) -> RuleSet:
        return rules_from_dict({**self.rules, "area": self.area.name, "version": str(self.number)})


class ScreeningImport(RunByProcess):
    """One upload of school data or survey returns, and what became of it."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        IMPORTED = "imported", "Imported"
        IMPORTED_VALID = "imported_valid", "Valid rows imported"
        REJECTED = "rejected", "Not imported"
        FAILED = "failed", "Failed"

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="screening_imports")
    kind = models.CharField(max_length=16, choices=ColumnMapping.Kind.choices)
    school_year = models.CharField(max_length=7)
    file_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500, help_text="Where the upload is kept, to import its valid rows.")
    retry_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="retries",
        help_text="The rejected import whose valid rows this one brought in.",
    )
    mapping = models.ForeignKey(ColumnMapping, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    accept_valid_rows = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    bad_rows = models.PositiveIntegerField(default=0, help_text="Rows with at least one problem.")
    problems = models.JSONField(default=list, help_text="The first problems: [row, column, value, expected].")
    message = models.CharField(max_length=500, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.get_status_display()})"

    @property
    def valid_rows(self) -> int:
        """Rows with no problem: what importing the valid rows would bring in."""
        return max(0, self.rows - self.bad_rows)


# The fields a screened pupil shares with the pure core's Pupil, in one place.
# The canonical columns a screened pupil keeps as fields (the school is a foreign key instead of its URN).
PUPIL_FIELDS = tuple(column for column in SCHOOL_DATA_COLUMNS if column != "school_urn")
SURVEY_FIELDS = SURVEY_COLUMNS[1:]  # all but the UPN
# Text fields: a blank is stored as "" and read back as missing (None).
TEXT_FIELDS = frozenset(
    ("forenames", "surname", "sex", "postcode", "sen", "ethnicity", "social_care_status", "respondent")
)


class ScreenedPupil(models.Model):
    """One pupil's row from the school data (and survey), for one school year.

    Attainment is kept as text: a level (``below``, ``expected``, ``above``) or a score. A blank
    is missing, never a default: ``NULL`` for numbers, dates and yes/no, empty for text.
    """

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="screened_pupils")
    school_year = models.CharField(max_length=7)
    upn = models.CharField("UPN", max_length=20)
    forenames = models.CharField(max_length=120, blank=True)
    surname = models.CharField(max_length=120, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=20, blank=True)
    year_group = models.SmallIntegerField()
    postcode = models.CharField(max_length=10, blank=True)
    attendance_pct = models.FloatField(null=True, blank=True)
    reading = models.CharField(max_length=12, blank=True)
    writing = models.CharField(max_length=12, blank=True)
    maths = models.CharField(max_length=12, blank=True)
    english = models.CharField(max_length=12, blank=True)
    fsm = models.BooleanField(null=True, blank=True)
    pupil_premium = models.BooleanField(null=True, blank=True)
    sen = models.CharField("SEN", max_length=40, blank=True)
    eal = models.BooleanField("EAL", null=True, blank=True)
    ethnicity = models.CharField(max_length=60, blank=True)
    exclusions = models.PositiveSmallIntegerField(null=True, blank=True)
    social_care_status = models.CharField(max_length=3, blank=True)
    respondent = models.CharField(max_length=10, blank=True)
    sdq_emotional = models.PositiveSmallIntegerField(null=True, blank=True)
    sdq_peer = models.PositiveSmallIntegerField(null=True, blank=True)
    sdq_total = models.PositiveSmallIntegerField(null=True, blank=True)
    stirling_total = models.PositiveSmallIntegerField(null=True, blank=True)
    school_data_import = models.ForeignKey(ScreeningImport, on_delete=models.PROTECT, related_name="+")
    survey_import = models.ForeignKey(
        ScreeningImport, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["surname", "forenames", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["area", "school_year", "upn"], name="screened_pupil_unique_upn"),
        ]
        indexes = [models.Index(fields=["area", "school_year", "school", "year_group"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.forenames} {self.surname}".strip() or self.upn

    def pupil(self) -> Pupil:
        return pupil_from_values({name: getattr(self, name) for name in (*PUPIL_FIELDS, *SURVEY_FIELDS)}, self.school)


def attainment_value(text: str) -> str | float | None:
    """Stored attainment text back to the core's value: a level, a score, or missing."""
    if not text:
        return None
    return text if text in LEVELS else float(text)


def pupil_from_values(values: dict[str, Any], school: Organisation | str) -> Pupil:
    """A core ``Pupil`` from a screened pupil's stored values."""
    text = {name: values[name] or None for name in TEXT_FIELDS}
    return Pupil(
        upn=values["upn"],
        school_urn=school if isinstance(school, str) else (school.urn or ""),
        year_group=values["year_group"],
        date_of_birth=values["date_of_birth"],
        attendance_pct=values["attendance_pct"],
        reading=attainment_value(values["reading"]),
        writing=attainment_value(values["writing"]),
        maths=attainment_value(values["maths"]),
        english=attainment_value(values["english"]),
        fsm=values["fsm"],
        pupil_premium=values["pupil_premium"],
        eal=values["eal"],
        exclusions=values["exclusions"],
        sdq_emotional=values["sdq_emotional"],
        sdq_peer=values["sdq_peer"],
        sdq_total=values["sdq_total"],
        stirling_total=values["stirling_total"],
        **text,
    )


class IdentificationRun(RunByProcess):
    """The rules applied to a borough's screened pupils for one school year."""

    stopped_reason_field = "error"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="identification_runs")
    school_year = models.CharField(max_length=7)
    rules = models.ForeignKey(RuleSetVersion, on_delete=models.PROTECT, related_name="runs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    screened = models.PositiveIntegerField(default=0)
    proposed = models.PositiveIntegerField(default=0)
    social_care = models.PositiveIntegerField(default=0, help_text="Routed to the social care list.")
    fairness = models.JSONField(default=list, help_text="The fairness report, as it was at the run.")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Identification {self.school_year}, {self.area} (run {self.pk})"


class SchoolCohort(models.Model):
    """A school's list from one run; locked once the school and the Link Worker agree it."""

    run = models.ForeignKey(IdentificationRun, on_delete=models.CASCADE, related_name="school_cohorts")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    screened = models.PositiveIntegerField(default=0)
    proposed = models.PositiveIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed_with = models.CharField(max_length=200, blank=True, help_text="Who else agreed the list.")
    previously_agreed_at = models.DateTimeField(
        null=True, blank=True, help_text="When an earlier run's list was agreed, if a re-run reopened it."
    )

    class Meta:
        ordering = ["school__name"]
        constraints = [models.UniqueConstraint(fields=["run", "school"], name="school_cohort_unique")]

    def __str__(self) -> str:
        return f"{self.school} ({self.run.school_year})"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def is_current(self) -> bool:
        """Whether this list is from the latest finished run of its borough and school year.

        Decisions are made on the current list only; an earlier run's list is a record.
        """
        latest = (
            IdentificationRun.objects.filter(
                area_id=self.run.area_id, school_year=self.run.school_year, status=IdentificationRun.Status.FINISHED
            )
            .order_by("-started_at", "-pk")
            .values_list("pk", flat=True)
            .first()
        )
        return latest == self.run_id

    def current(self) -> SchoolCohort | None:
        """The same school's list in the latest run, when this one is not it."""
        return (
            SchoolCohort.objects.filter(
                school_id=self.school_id,
                run__area_id=self.run.area_id,
                run__school_year=self.run.school_year,
                run__status=IdentificationRun.Status.FINISHED,
            )
            .order_by("-run__started_at", "-run__pk")
            .first()
        )


class CohortEntry(models.Model):
    """One screened pupil's result in a run, and what the school decided."""

    class Decision(models.TextChoices):
        PENDING = "pending", "To decide"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"

    class Source(models.TextChoices):
        RULES = "rules", "Proposed by the rules"
        ADDED = "added", "Added by a Link Worker"

    cohort = models.ForeignKey(SchoolCohort, on_delete=models.CASCADE, related_name="entries")
    pupil = models.ForeignKey(ScreenedPupil, on_delete=models.PROTECT, related_name="cohort_entries")
    year_group = models.SmallIntegerField()
    rank = models.PositiveIntegerField(null=True, blank=True, help_text="Within school and year group.")
    n_domains = models.PositiveSmallIntegerField(default=0)
    flags = models.JSONField(default=list, help_text="[domain, value, threshold, reason] for each domain at risk.")
    domains_missing = models.JSONField(default=list)
    proposed = models.BooleanField(default=False)
    route = models.CharField(max_length=20)
    explanation = models.CharField(max_length=1000)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.RULES)
    decision = models.CharField(max_length=12, choices=Decision.choices, default=Decision.PENDING)
    decision_reason = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "school list entry"
        verbose_name_plural = "school list entries"
        ordering = ["year_group", "rank", "pk"]
        constraints = [models.UniqueConstraint(fields=["cohort", "pupil"], name="cohort_entry_unique_pupil")]
        indexes = [models.Index(fields=["cohort", "year_group", "rank"])]

    def __str__(self) -> str:
        return f"{self.pupil} in {self.cohort}"

    @property
    def domains_at_risk(self) -> list[str]:
        return [flag[0] for flag in self.flags]

    @property
    def on_list(self) -> bool:
        """On the school's list to decide: proposed by the rules, or added by a person."""
        return self.proposed or self.source == self.Source.ADDED
