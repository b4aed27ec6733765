"""Outcomes: what each borough measures, each child's measurements, where each child stands, and the outcomes
contracts that pay on them.

A ``Measure`` is one borough's definition (attendance, a subject's attainment, an SDQ subscale, the Stirling
scale, or its own), with the "at risk" threshold identification uses and, where one is known, the least change
that is reliable. A ``Measurement`` is one reading for one child. ``Progress`` is where a child stands on one
measure (baseline, latest, the first reading no longer at risk, reliable change), worked out by
``joinedup.impact.progress`` whenever the child's readings of that measure change, so reports count rows in SQL
instead of reading every measurement. Progress rows without a child are the comparison group: pupils screened by
identification and not enrolled, as the next year's school data shows them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from joinedup.accounts.models import Area, Organisation
from joinedup.cases.models import Child
from joinedup.core.models import TrackedModel
from joinedup.identification.models import ScreenedPupil
from joinedup.impact import Band, MeasureRule

#: Attainment written as a level: the value stored for each, lowest first.
LEVEL_VALUES: dict[str, int] = {"below": 0, "expected": 1, "above": 2}
LEVEL_NAMES: dict[int, str] = {0: "Working towards expected", 1: "At expected", 2: "Above expected"}


class Measure(models.Model):
    """One thing a borough measures for outcomes, and when a child counts as at risk on it."""

    class Kind(models.TextChoices):
        ATTENDANCE = "attendance", "Attendance"
        ATTAINMENT = "attainment", "Attainment"
        SDQ = "sdq", "Strengths and Difficulties Questionnaire (SDQ)"
        STIRLING = "stirling", "Stirling Children's Wellbeing Scale"
        CUSTOM = "custom", "Our own measure"

    class Scale(models.TextChoices):
        PERCENT = "percent", "Per cent"
        LEVELS = "levels", "Working towards / at / above expected"
        SCORE = "score", "Score"

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="measures")
    key = models.SlugField(max_length=40, help_text="A short name for files and the API, like attendance or maths.")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    scale = models.CharField(max_length=8, choices=Scale.choices)
    source = models.CharField(
        max_length=20, blank=True, help_text="The column of the school data or survey this measure is read from."
    )
    identification_domain = models.CharField(
        max_length=32, blank=True, help_text="The identification area at risk this measure follows, if any."
    )
    higher_is_better = models.BooleanField(default=True)
    threshold = models.FloatField(
        null=True, blank=True, help_text="At risk below this (or at or above it, where lower is better)."
    )
    thresholds_by_respondent = models.JSONField(
        default=dict, blank=True, help_text="For questionnaires: the threshold for each respondent."
    )
    bands = models.JSONField(default=dict, blank=True, help_text="Published bands, by respondent: [name, low, high].")
    reliable_change = models.FloatField(
        null=True, blank=True, help_text="The least change, in the measure's units, that is reliable."
    )
    reliable_change_source = models.CharField(max_length=300, blank=True)
    minimum = models.FloatField(null=True, blank=True)
    maximum = models.FloatField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "key"], name="measure_unique_key")]

    def __str__(self) -> str:
        return self.name

    #: Who may answer a questionnaire, in the order the pages list them.
    RESPONDENTS = ("teacher", "parent", "pupil")

    @property
    def has_threshold(self) -> bool:
        return self.threshold is not None or bool(self.thresholds_by_respondent)

    @property
    def asks_respondent(self) -> bool:
        return self.kind == self.Kind.SDQ

    def rule(self) -> MeasureRule:
        return MeasureRule(
            key=self.key,
            name=self.name,
            higher_is_better=self.higher_is_better,
            threshold=self.threshold,
            by_respondent={str(who): float(value) for who, value in self.thresholds_by_respondent.items()},
            reliable_change=self.reliable_change,
            bands={
                str(who): tuple(Band(str(name), float(low), float(high)) for name, low, high in bands)
                for who, bands in self.bands.items()
            },
        )

    def shown(self, value: float | None) -> str:
        """A value as a practitioner reads it: 91.5%, "At expected", 6."""
        if value is None:
            return "none"
        if self.scale == self.Scale.LEVELS:
            return LEVEL_NAMES.get(round(value), f"{value:g}")
        if self.scale == self.Scale.PERCENT:
            return f"{value:.1f}%"
        return f"{value:g}"

    def threshold_text(self) -> str:
        """The at-risk rule in words: "At risk below 90.0%", "At risk at 5 or more (teacher), 6 or more (pupil)"."""
        if self.threshold is None and not self.thresholds_by_respondent:
            return "No at-risk threshold: tracked for change only"
        if self.thresholds_by_respondent:
            # In the questionnaire's order (PostgreSQL keeps JSON keys in an order of its own).
            thresholds = self.thresholds_by_respondent
            parts = [f"{thresholds[who]:g} or more ({who})" for who in self.RESPONDENTS if who in thresholds]
            return "At risk at " + ", ".join(parts)
        shown = self.shown(self.threshold)
        if self.scale == self.Scale.LEVELS:
            # "At risk when working towards expected", not "below at expected".
            return {1: "At risk when working towards expected", 2: "At risk unless above expected"}.get(
                round(self.threshold or 0), f"At risk below {shown.lower()}"
            )
        if self.higher_is_better:
            return f"At risk below {shown}"
        return f"At risk at {shown} or more"


class Measurement(TrackedModel):
    """One reading of one measure for one child."""

    class Occasion(models.TextChoices):
        BASELINE = "baseline", "Baseline"
        REVIEW = "review", "Review"
        EXIT = "exit", "Exit"
        SCHOOL_YEAR = "school_year", "School data for the year"

    class Source(models.TextChoices):
        IDENTIFICATION = "identification", "Identification data"
        ENTERED = "entered", "Entered in Joinedup"
        SCHOOL_DATA = "school_data", "School data and survey files"
        API = "api", "A partner system, through the API"

    class Respondent(models.TextChoices):
        TEACHER = "teacher", "Teacher"
        PARENT = "parent", "Parent or carer"
        PUPIL = "pupil", "The child"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="measurements")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="measurements")
    value = models.FloatField()
    respondent = models.CharField(max_length=8, choices=Respondent.choices, blank=True)
    taken_on = models.DateField()
    occasion = models.CharField(max_length=12, choices=Occasion.choices)
    source = models.CharField(max_length=16, choices=Source.choices)
    screened_pupil = models.ForeignKey(
        ScreenedPupil, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", help_text="Read from."
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["measure__order", "taken_on", "pk"]
        constraints = [
            # One reading per child, measure, day and respondent: imports and the API update it when sent again.
            models.UniqueConstraint(
                fields=["child", "measure", "taken_on", "respondent"], name="measurement_unique_reading"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} on {self.taken_on:%-d %B %Y}: {self.measure.shown(self.value)}"


class Progress(models.Model):
    """Where one child (or one comparison pupil) stands on one measure: kept by ``services.progress_refresh``."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="progress")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, null=True, blank=True, related_name="progress")
    pupil = models.ForeignKey(
        ScreenedPupil, on_delete=models.CASCADE, null=True, blank=True, related_name="+", help_text="Comparison only."
    )
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cohort_year = models.CharField(
        max_length=7, help_text="The school year the child started (for the comparison group: would have started)."
    )
    baseline_value = models.FloatField(null=True)
    baseline_on = models.DateField(null=True)
    baseline_at_risk = models.BooleanField(null=True)
    latest_value = models.FloatField(null=True)
    latest_on = models.DateField(null=True)
    latest_at_risk = models.BooleanField(null=True)
    cleared_on = models.DateField(null=True, help_text="The first reading no longer at risk.")
    cleared_value = models.FloatField(null=True)
    reliable = models.SmallIntegerField(null=True, help_text="1 reliably better, -1 reliably worse, 0 neither.")

    class Meta:
        verbose_name_plural = "progress on measures"
        constraints = [
            models.UniqueConstraint(fields=["child", "measure"], name="progress_unique_child"),
            models.UniqueConstraint(fields=["pupil", "measure"], name="progress_unique_pupil"),
            models.CheckConstraint(
                condition=models.Q(child__isnull=True) ^ models.Q(pupil__isnull=True), name="progress_child_or_pupil"
            ),
        ]
        indexes = [models.Index(fields=["area", "cohort_year", "school"])]

    def __str__(self) -> str:
        return f"{self.measure}: {self.baseline_value} → {self.latest_value}"


class Contract(models.Model):
    """An outcomes contract in one borough: what a funder pays for, at what price, and the evidence it needs."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="contracts")
    name = models.CharField(max_length=200)
    funder = models.CharField(max_length=200, help_text="Who pays: the council, a school, a fund.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    engagement_contacts = models.PositiveSmallIntegerField(
        default=6, help_text="High engagement: at least this many Link Worker contacts in a term."
    )
    engagement_attendance = models.PositiveSmallIntegerField(
        default=75,
        validators=[MaxValueValidator(100)],
        help_text="High engagement: and at least this per cent of the term's partner sessions attended.",
    )
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area", "-starts_on", "name"]

    def __str__(self) -> str:
        return self.name


class ContractRate(models.Model):
    """One payable event of a contract: its price, its limits, and the evidence it needs."""

    class Event(models.TextChoices):
        SIGN_UP = "sign_up", "Sign-up"
        ENGAGEMENT = "engagement", "High engagement"
        OUTCOME = "outcome", "Outcome: no longer at risk"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="rates")
    event = models.CharField(max_length=12, choices=Event.choices)
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    price = models.DecimalField(max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal(0))])
    per_child = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    total_cap = models.PositiveIntegerField(null=True, blank=True, help_text="Most payable under the contract.")
    evidence = models.CharField(max_length=500, help_text="The evidence the funder needs for each payment.")

    class Meta:
        ordering = ["contract", "event", "measure__order"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "event", "measure"], name="contract_rate_unique"),
            models.UniqueConstraint(
                fields=["contract", "event"],
                condition=models.Q(measure__isnull=True),
                name="contract_rate_unique_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()}{f' ({self.measure})' if self.measure_id else ''}: £{self.price:,.2f}"


class SubmittedClaim(models.Model):
    """A term's claim as it was sent to the funder: frozen, so a later change of threshold, price or record does not
    rewrite what was claimed. The lines name children by enrolment number only."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="submitted_claims")
    starts = models.DateField()
    ends = models.DateField()
    total = models.DecimalField(max_digits=12, decimal_places=2)
    summary = models.JSONField(help_text="[event, measure, achieved, payable, unit price, amount] per row.")
    lines = models.JSONField(help_text="[reference, event, measure, date, evidence, payable, price, reason] per line.")
    rates = models.JSONField(help_text="The rate card as it stood.")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "starts"]
        constraints = [models.UniqueConstraint(fields=["contract", "starts"], name="submitted_claim_unique_term")]

    def __str__(self) -> str:
        return f"{self.contract} claim from {self.starts:%-d %B %Y}: £{self.total}"
