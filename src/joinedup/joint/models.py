"""Joint working: a plan shared with a named partner practitioner, the partner's plan summary, and comments.

A ``PlanShare`` lets one named practitioner of a partner organisation read chosen parts of a child's plan
for a stated purpose until an expiry date. It rests on a data-sharing agreement in force with their
organisation or on the family's consent to sharing with it, and is read only while that basis is still in
force, the share is not revoked and has not expired (``shares_in_force``): revoking it, ending the agreement
or withdrawing the consent takes effect on the next request.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from joinedup.accounts.models import Area, Membership, Organisation
from joinedup.cases.models import Consent
from joinedup.core.domains import NeedDomain
from joinedup.core.models import TrackedModel
from joinedup.sharing.models import DataSharingAgreement, active_agreement_filter


class PlanShare(TrackedModel):
    """Chosen parts of a child's plan, shared with one named practitioner of a partner organisation."""

    class Part(models.TextChoices):
        GOALS = "goals", "Goals, with what success looks like"
        ACTIONS = "actions", "Actions: who does what, and by when"
        SERVICES = "services", "Services involved: the referrals made and where they are"
        STORY = "story", "The family’s story, in their own words"
        KEY_DATES = "key_dates", "Key dates: time on the programme and the next review"
        CONCERNS = (
            "concerns",
            "Safeguarding concerns about the child, decisions and referrals (on a safeguarding basis)",
        )

    child = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="plan_shares")
    shared_with = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="plan_shares_received")
    partner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", help_text="The practitioner's organisation."
    )
    parts = models.JSONField(default=list, help_text="The Part values shared.")
    purpose = models.CharField(max_length=500)
    expires_on = models.DateField()
    agreement = models.ForeignKey(
        DataSharingAgreement, on_delete=models.PROTECT, null=True, blank=True, related_name="plan_shares"
    )
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    seen_version = models.PositiveIntegerField(
        default=0, help_text="The plan version the practitioner last saw, so they see what changed since."
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["shared_with", "revoked_at", "expires_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agreement__isnull=False) | models.Q(consent__isnull=False),
                name="plan_share_has_a_basis",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan of {self.child} shared with {self.shared_with.user}"

    @property
    def basis_label(self) -> str:
        if self.agreement_id:
            return f"the data-sharing agreement “{self.agreement.title}”"  # type: ignore[union-attr]
        return f"the family’s consent given on {self.consent.given_on:%-d %B %Y}"  # type: ignore[union-attr]

    def refusal(self, on: date | None = None) -> str:
        """Why the practitioner cannot read the share on ``on`` (today), or "" when they can."""
        on = on or timezone.localdate()
        if self.revoked_at is not None:
            return f"The share was revoked on {timezone.localdate(self.revoked_at):%-d %B %Y}."
        if self.expires_on < on:
            return f"The share expired on {self.expires_on:%-d %B %Y}."
        if self.agreement is not None and (refusal := self.agreement.refusal(on)):
            return refusal
        if self.consent is not None and not self.consent.in_force(on):
            return "The family’s consent to sharing with this organisation is no longer in force."
        if not self.shared_with.is_active:
            return f"{self.shared_with.user.full_name} no longer works for {self.partner} in Joinedup."
        return ""

    def part_labels(self) -> list[str]:
        return [str(label) for value, label in self.Part.choices if value in self.parts]

    def shares(self, part: str) -> bool:
        return part in self.parts


def consent_in_force_filter(on: date, prefix: str = "") -> models.Q:
    """Consents in force on ``on`` as one filter (``Consent.in_force`` in SQL)."""
    return (
        models.Q(**{f"{prefix}given_on__lte": on})
        & (models.Q(**{f"{prefix}withdrawn_on__isnull": True}) | models.Q(**{f"{prefix}withdrawn_on__gt": on}))
        & (models.Q(**{f"{prefix}expires_on__isnull": True}) | models.Q(**{f"{prefix}expires_on__gte": on}))
    )


def shares_in_force(on: date) -> models.QuerySet[PlanShare]:
    """Shares anyone may read on ``on``: not revoked, not expired, to a practitioner still active, on a basis
    still in force, of a child not archived."""
    return PlanShare.objects.filter(
        (models.Q(agreement__isnull=False) & active_agreement_filter(on, "agreement__"))
        | (models.Q(consent__isnull=False) & consent_in_force_filter(on, "consent__")),
        revoked_at__isnull=True,
        expires_on__gte=on,
        shared_with__is_active=True,
        child__archived_at__isnull=True,
    )


class PartnerPlan(TrackedModel):
    """A partner organisation's own plan for a child, in summary, written by its practitioner beside ours."""

    child = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="partner_plans")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    next_review_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["child", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["child", "organisation"], name="partner_plan_one_per_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}’s plan for {self.child}"

    def sections(self) -> list[tuple[str, str, list[Any]]]:
        """Its goals, actions and services, each with its kind and heading (uses prefetched rows)."""
        return [
            ("goal", "Goals", list(self.goals.all())),
            ("action", "Actions", list(self.actions.all())),
            ("service", "Services involved", list(self.services.all())),
            ("appointment", "Appointments with the family", appointments_to_come(self.child_id, self.organisation_id)),
        ]


class PartnerGoal(models.Model):
    plan = models.ForeignKey(PartnerPlan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(max_length=32, choices=NeedDomain.choices)
    goal = models.CharField(max_length=500)
    owner_name = models.CharField(max_length=200, help_text="Who leads on it, by name.")

    class Meta:
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return self.goal

    @property
    def described(self) -> str:
        return f"{self.goal} ({self.get_domain_display()}; lead: {self.owner_name})"


class PartnerAction(models.Model):
    plan = models.ForeignKey(PartnerPlan, on_delete=models.CASCADE, related_name="actions")
    domain = models.CharField(max_length=32, choices=NeedDomain.choices)
    action = models.CharField(max_length=500)
    owner_name = models.CharField(max_length=200, help_text="Who does it, by name.")
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "due_on", "pk"]

    def __str__(self) -> str:
        return self.action

    @property
    def described(self) -> str:
        due = f", by {self.due_on:%-d %b %Y}" if self.due_on else ""
        return f"{self.action} ({self.get_domain_display()}; {self.owner_name}{due})"


class PartnerService(models.Model):
    """A service the partner has involved, by name and the organisation that runs it."""

    plan = models.ForeignKey(PartnerPlan, on_delete=models.CASCADE, related_name="services")
    domain = models.CharField(max_length=32, choices=NeedDomain.choices)
    name = models.CharField(max_length=200)
    provider = models.CharField(max_length=200, blank=True, help_text="The organisation that runs it.")
    starts_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def described(self) -> str:
        provider = f", run by {self.provider}" if self.provider else ""
        starts = f", from {self.starts_on:%-d %b %Y}" if self.starts_on else ""
        return f"{self.name}{provider} ({self.get_domain_display()}{starts})"


class ShareComment(models.Model):
    """A comment on a shared plan, between our case workers and the practitioner it is shared with."""

    share = models.ForeignKey(PlanShare, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["share", "created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.created_at:%-d %B %Y}"


class Appointment(TrackedModel):
    """An appointment with the child or family, by one organisation: ours on the plan's key dates, a partner's
    in their plan summary. Overlapping appointments are a duplication finding."""

    child = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="appointments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField(
        default=60,
        validators=[
            MinValueValidator(5, "An appointment lasts at least 5 minutes."),
            MaxValueValidator(600, "An appointment lasts at most 10 hours (600 minutes)."),
        ],
    )
    what = models.CharField(max_length=200, help_text="What it is, for example a home visit.")
    place = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["child", "starts_at", "pk"]
        indexes = [models.Index(fields=["child", "organisation", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.what}, {timezone.localtime(self.starts_at):%-d %b %Y %H:%M}"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def described(self) -> str:
        place = f", {self.place}" if self.place else ""
        return f"{self} for {self.minutes} minutes{place}"


def start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))


def appointments_to_come(child_id: int, organisation_id: int) -> list[Appointment]:
    """An organisation's appointments with a child's family, from the start of today."""
    return list(
        Appointment.objects.filter(child_id=child_id, organisation_id=organisation_id, starts_at__gte=start_of_today())
    )


class FindingResolution(models.Model):
    """The resolution both organisations agreed for one duplication finding (by its stable key)."""

    child = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=32)
    resolution = models.CharField(max_length=1000)
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agreed_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    agreed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["child", "partner", "key"]
        constraints = [
            models.UniqueConstraint(fields=["child", "partner", "key"], name="finding_resolution_one_per_finding"),
        ]

    def __str__(self) -> str:
        return f"Resolved: {self.key}"


class JointMeeting(TrackedModel):
    """A team-around-the-family (or other joint) meeting about a child: who came from each organisation, what
    was decided, and the minutes, which only those who attended may read."""

    child = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="joint_meetings")
    held_on = models.DateField()
    kind = models.CharField(max_length=100, default="Team around the family meeting")
    place = models.CharField(max_length=200, blank=True)
    attendees = models.ManyToManyField(Membership, related_name="joint_meetings")
    others_present = models.TextField(
        blank=True, help_text="Anyone else there, one a line, with their role: for example “Mum (parent)”."
    )
    decisions = models.TextField(blank=True, help_text="What was decided.")
    minutes = models.TextField(blank=True, help_text="The minutes: read only by those who attended.")

    class Meta:
        ordering = ["child", "-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.held_on:%-d %B %Y}"

    def others(self) -> list[str]:
        return [line.strip() for line in self.others_present.splitlines() if line.strip()]


class JointAction(TrackedModel):
    """An action agreed at a joint meeting, with its owner and due date: on the owner's task list and in the
    child's chronology."""

    meeting = models.ForeignKey(JointMeeting, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(max_length=500)
    owner = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="joint_actions",
        help_text="An attendee who uses Joinedup.",
    )
    owner_name = models.CharField(max_length=200, blank=True, help_text="Anyone else, by name (the family, say).")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "due_on", "pk"]
        indexes = [models.Index(fields=["owner", "done_on", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False) | ~models.Q(owner_name=""), name="joint_action_has_an_owner"
            ),
        ]

    def __str__(self) -> str:
        return self.action

    @property
    def owner_label(self) -> str:
        if self.owner_id:
            return f"{self.owner.user.full_name}, {self.owner.organisation.name}"  # type: ignore[union-attr]
        return self.owner_name
