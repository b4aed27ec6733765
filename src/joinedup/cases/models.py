"""Children and their households.

Case coordination around them: consent, enrolment, contacts, the personalised plan (goals,
actions, versions, reviews), referrals with their status history, and partner sessions.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from joinedup.accounts.models import Area, Organisation
from joinedup.core.domains import NeedDomain
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


class Consent(TrackedModel):
    """Agreement to one purpose, or the other lawful basis relied on instead; its own record, not a tick.

    A consent is in force from ``given_on`` until it is withdrawn or passes ``expires_on``.
    Where sharing rests on another basis (public task, safeguarding), ``basis`` says which, with
    who decided and why; ``given_by`` is then blank.
    """

    class Purpose(models.TextChoices):
        ENROLMENT = "enrolment", "Taking part in the programme"
        SHARING = "sharing", "Sharing information with a named organisation or practitioner"
        REFERRAL = "referral", "Referral to a named service"
        EVALUATION = "evaluation", "Using data to evaluate the programme"

    class Basis(models.TextChoices):
        CONSENT = "consent", "Consent"
        PUBLIC_TASK = "public_task", "Public task"
        SAFEGUARDING = "safeguarding", "Safeguarding (to protect a child)"
        LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests"

    class GivenBy(models.TextChoices):
        PARENT = "parent", "Parent or carer"
        CHILD = "child", "The child"
        BOTH = "both", "The child and a parent or carer"

    class Obtained(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "By phone"
        WRITTEN = "written", "On a signed form"
        DIGITAL = "digital", "Online or by email"

    child = models.ForeignKey("Child", on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    basis = models.CharField(max_length=24, choices=Basis.choices, default=Basis.CONSENT)
    given_by = models.CharField(max_length=8, choices=GivenBy.choices, blank=True)
    given_by_name = models.CharField(max_length=200, blank=True, help_text="Who gave it, as they gave their name.")
    child_view = models.TextField(blank=True, help_text="The child's own view, in their words, for older children.")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="For sharing."
    )
    practitioner = models.CharField(max_length=200, blank=True, help_text="A named practitioner, for sharing.")
    service_id = models.CharField(max_length=36, blank=True, help_text="The directory service, for a referral.")
    scope = models.CharField(max_length=500, blank=True, help_text="What information it covers.")
    obtained = models.CharField(max_length=12, choices=Obtained.choices, blank=True)
    given_on = models.DateField()
    review_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    basis_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    basis_reason = models.TextField(blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["child", "-given_on", "-pk"]
        indexes = [models.Index(fields=["child", "purpose"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(basis="consent") | ~models.Q(given_by=""),
                name="consent_says_who_gave_it",
            ),
            models.CheckConstraint(
                condition=models.Q(basis="consent") | ~models.Q(basis_reason=""),
                name="other_basis_says_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.get_basis_display().lower()}), {self.child}"

    def in_force(self, on: date) -> bool:
        if self.given_on > on:
            return False
        if self.withdrawn_on is not None and self.withdrawn_on <= on:
            return False
        return self.expires_on is None or self.expires_on >= on


class Enrolment(TrackedModel):
    """A child's two years on the programme, from the first meeting to closure."""

    class Stage(models.TextChoices):
        RELATIONSHIP = "relationship", "Building the relationship"
        ACTIVE_PLAN = "active_plan", "Active plan"
        REVIEW = "review", "Review"
        CLOSING = "closing", "Closing"
        CLOSED = "closed", "Closed"

    child = models.ForeignKey("Child", on_delete=models.PROTECT, related_name="enrolments")
    programme_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    link_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments")
    start_date = models.DateField()
    planned_end_date = models.DateField()
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.RELATIONSHIP)
    at_risk_domains = models.JSONField(
        default=list, help_text="The areas at risk identification found: where the plan starts."
    )
    cohort_entry = models.OneToOneField(
        "identification.CohortEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolment",
        help_text="The school list the child was confirmed on.",
    )
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=~models.Q(stage="closed"), name="one_open_enrolment_per_child"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} on the programme from {self.start_date:%-d %B %Y}"


class CaseSettings(models.Model):
    """A borough's case-coordination settings (the published model leaves them to each programme)."""

    area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="case_settings")
    target_caseload = models.PositiveSmallIntegerField(default=24, help_text="Children per Link Worker.")
    contact_every_days = models.PositiveSmallIntegerField(
        default=14, help_text="A child with no contact for longer is flagged."
    )
    review_every_weeks = models.PositiveSmallIntegerField(default=13, help_text="13 weeks is about once a term.")
    high_engagement_contacts = models.PositiveSmallIntegerField(
        default=6, help_text="Link Worker contacts in a term that count towards high engagement."
    )
    high_engagement_attendance = models.PositiveSmallIntegerField(
        default=75,
        validators=[MaxValueValidator(100)],
        help_text="Partner sessions attended (per cent of those offered) that count as high engagement.",
    )

    def __str__(self) -> str:
        return f"Case settings for {self.area}"

    @classmethod
    def for_area(cls, area_id: int) -> CaseSettings:
        found = cls.objects.filter(area_id=area_id).first()
        return found or cls(area_id=area_id)


class Contact(TrackedModel):
    """A session or contact with the child or family, recorded in seconds from the caseload."""

    class Kind(models.TextChoices):
        ONE_TO_ONE = "one_to_one", "1:1 session"
        GROUP = "group", "Group session"
        FAMILY = "family", "Family contact"
        SCHOOL_MEETING = "school_meeting", "School meeting"
        PHONE = "phone", "Phone call"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    happened_on = models.DateField()
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    attendees = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    follow_up = models.CharField(max_length=300, blank=True, help_text="What happens next, and who does it.")

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["enrolment", "-happened_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_on:%-d %B %Y}"


class Plan(TrackedModel):
    """The personalised support plan of one enrolment, co-produced with the child and family.

    ``version`` goes up by one with every change, whoever makes it: a change made from a page
    opened at an older version is refused (optimistic locking), so no one overwrites another
    person's change without seeing it. Every version is kept whole in ``PlanVersion``.
    """

    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="plan")
    version = models.PositiveIntegerField(default=1)
    family_words = models.TextField(blank=True, help_text="What matters to the child and family, in their own words.")
    next_review_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Plan for {self.enrolment.child}, version {self.version}"

    @property
    def open_actions(self) -> list[PlanAction]:
        """Actions not done yet, soonest due first, those with no date last (uses prefetched actions)."""
        waiting = [action for action in self.actions.all() if action.done_on is None]
        return sorted(waiting, key=lambda action: (action.due_on is None, action.due_on or date.min, action.pk))


class Goal(TrackedModel):
    """One thing the child and family want to change, in one need domain."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Working on it"
        ACHIEVED = "achieved", "Achieved"
        STOPPED = "stopped", "No longer a goal"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(max_length=32, choices=NeedDomain.choices)
    goal = models.CharField(max_length=500, help_text="What the child and family want to change, in their words.")
    success = models.CharField(max_length=500, help_text="What success looks like: how everyone will know.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return self.goal


class PlanAction(TrackedModel):
    """A step towards a goal: who does it and by when."""

    class Owner(models.TextChoices):
        LINK_WORKER = "link_worker", "Link Worker"
        DELIVERY_PARTNER = "delivery_partner", "Delivery partner"
        SCHOOL = "school", "School"
        FAMILY = "family", "Family"
        EXTERNAL_SERVICE = "external_service", "External service"
        OTHER_PROFESSIONAL = "other_professional", "Other professional"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(max_length=500)
    owner = models.CharField(max_length=20, choices=Owner.choices)
    owner_name = models.CharField(max_length=200, blank=True, help_text="The person or organisation, by name.")
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "due_on", "pk"]
        indexes = [models.Index(fields=["plan", "done_on", "due_on"])]

    def __str__(self) -> str:
        return self.action


class PlanVersion(models.Model):
    """The whole plan as it stood after one change: who made it, when, and what changed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField(help_text="Goals, actions and the family's words, as they were.")
    summary = models.CharField(max_length=300, help_text="What changed, in a sentence.")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")]

    def __str__(self) -> str:
        return f"Version {self.number}: {self.summary}"


class PlanReview(TrackedModel):
    """A review of the plan with the child and family: progress on each goal and what happens next."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    attendees = models.CharField(max_length=300, blank=True)
    summary = models.TextField(help_text="How things are going, in plain words.")
    next_steps = models.TextField(blank=True)
    plan_version = models.PositiveIntegerField(help_text="The plan version this review produced.")

    class Meta:
        ordering = ["plan", "-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"Review on {self.reviewed_on:%-d %B %Y}"


class GoalProgress(models.Model):
    """Progress on one goal at one review."""

    class Rating(models.TextChoices):
        WORSE = "worse", "Things are harder"
        NOT_YET = "not_yet", "No change yet"
        SOME = "some", "Some progress"
        GOOD = "good", "Good progress"
        ACHIEVED = "achieved", "Achieved"

    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="progress")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress")
    rating = models.CharField(max_length=10, choices=Rating.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["review", "goal"]
        verbose_name_plural = "goal progress ratings"
        constraints = [models.UniqueConstraint(fields=["review", "goal"], name="goal_progress_unique")]

    def __str__(self) -> str:
        return f"{self.get_rating_display()}: {self.goal}"


class Referral(TrackedModel):
    """A referral from the plan to a directory service, tracked until the loop is closed.

    To a commissioned delivery partner (``partner_organisation`` set from the service's local
    details), the partner's practitioners see it from "sent" and answer it in Joinedup; to any
    other service, the Link Worker records the answers.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        STARTED = "started", "Started"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Shared(models.TextChoices):
        """What a referral may pass to the service; the referral records which were shared."""

        CHILD = "child", "The child's name, age and school"
        CONTACT = "contact", "How to contact the family"
        NEEDS = "needs", "The areas the child needs support with"
        GOAL = "goal", "The goal this referral is for"
        MESSAGE = "message", "The message to the service"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey("directory.Service", on_delete=models.PROTECT, related_name="referrals")
    partner_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_received",
        help_text="The delivery partner that receives it in Joinedup, if the service has one.",
    )
    goal = models.ForeignKey(Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    reason = models.TextField(help_text="Why this service, and what the child and family hope for from it.")
    shared = models.JSONField(default=list, help_text="What was shared with the service (Shared values).")
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="What allowed sending."
    )
    sent_on = models.DateField(null=True, blank=True)
    answered_on = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    status_reason = models.CharField(
        max_length=500, blank=True, help_text="Why it was declined or withdrawn, or how it ended."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["enrolment", "status"]),
            models.Index(fields=["partner_organisation", "status"]),
        ]

    def __str__(self) -> str:
        return f"Referral of {self.enrolment.child} ({self.get_status_display().lower()})"


OPEN_REFERRAL_STATUSES = ("draft", "sent", "accepted", "started")


class ReferralEvent(models.Model):
    """One change of a referral's status: when, by whom (and for which organisation), and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=Referral.Status.choices)
    on = models.DateField()
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["referral", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} on {self.on:%-d %B %Y}"


class PartnerSession(TrackedModel):
    """A session a delivery partner offered the child, and whether it happened."""

    class Attendance(models.TextChoices):
        ATTENDED = "attended", "Attended"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"
        CANCELLED_PROVIDER = "cancelled_provider", "Cancelled by the provider"
        CANCELLED_FAMILY = "cancelled_family", "Cancelled by the family"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="sessions")
    happened_on = models.DateField()
    attendance = models.CharField(max_length=20, choices=Attendance.choices)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True, help_text="A short note; nothing the Link Worker cannot see.")

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["referral", "-happened_on"])]

    def __str__(self) -> str:
        return f"{self.get_attendance_display()} on {self.happened_on:%-d %B %Y}"


class EngagementTerm(models.Model):
    """One term of an enrolment's engagement, counted: kept by ``cases.engagement.engagement_refresh`` whenever a
    contact or partner session is recorded, so that reports over thousands of children read a row a term instead of
    every contact. Counts only: whether a term was high engagement depends on the borough's settings of the day."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="engagement_terms")
    starts = models.DateField(help_text="The first day of the term (``selectors.school_term``).")
    contacts = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    did_not_attend = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrolment", "starts"], name="engagement_term_unique")]

    def __str__(self) -> str:
        return f"{self.enrolment}: term from {self.starts:%-d %B %Y}"


class FamilyStory(TrackedModel):
    """The family's story in their own words, told once and, with their agreement, shown to each new
    professional instead of asking them to tell it again."""

    family = models.OneToOneField(Family, on_delete=models.CASCADE, related_name="story")
    story = models.TextField(help_text="In the family’s own words, as they told it.")
    told_by = models.CharField(max_length=200, help_text="Who told it, as they give their name.")
    told_on = models.DateField()
    share_agreed = models.BooleanField(
        default=False, help_text="The family agreed that professionals their plan is shared with may read it."
    )
    share_agreed_by = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name_plural = "family stories"

    def __str__(self) -> str:
        return f"The {self.family.family_name} family’s story"
