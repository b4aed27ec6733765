"""Safeguarding: a concern about a child or a context, the safeguarding lead's decision on the borough's
continuum of need, and the escalation to the borough's front door, with its acknowledgement, chasers and outcome.

A concern belongs to the team that raised it: the programme organisation in one borough. It is seen by that
team's managers (the safeguarding leads among them are alerted first) and by the person who raised it, and by a
partner practitioner only when a plan share includes it under a safeguarding basis (``joint``). Where a concern
stands (``Stage``) is worked out from its decision and escalations, never stored twice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from joinedup.accounts.models import Area, Membership, Organisation
from joinedup.core.models import TrackedModel
from joinedup.safeguarding.timeliness import Limits


def pan_london_levels() -> list[dict[str, str]]:
    """The pan-London continuum of need, the default for a borough that has not set its own."""
    return [
        {"code": "1", "name": "Level 1: Universal", "description": "Needs met by universal services."},
        {
            "code": "2",
            "name": "Level 2: Early help",
            "description": "Additional needs: a multi-agency early help assessment and a lead practitioner.",
        },
        {
            "code": "3",
            "name": "Level 3: Complex or targeted",
            "description": "Complex needs: targeted early help, or an assessment as a child in need.",
        },
        {
            "code": "4",
            "name": "Level 4: Acute or statutory",
            "description": "Acute needs: child in need or child protection, led by children’s social care.",
        },
    ]


def _limit(default: int, most: int, help_text: str) -> models.PositiveSmallIntegerField:  # type: ignore[type-arg]
    """How long a step should take, in whole hours or days, from 1 to ``most``."""
    return models.PositiveSmallIntegerField(
        default=default, validators=[MinValueValidator(1), MaxValueValidator(most)], help_text=help_text
    )


class AreaSafeguarding(models.Model):
    """A borough's safeguarding settings: its continuum of need, emergency contacts, the time each step should take,
    and the team managers who are the safeguarding leads of their team."""

    area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="safeguarding")
    levels = models.JSONField(
        default=pan_london_levels, help_text="The borough's continuum of need: code, name and description of each."
    )
    emergency_contacts = models.TextField(
        blank=True,
        help_text="Shown at once with an immediate-risk concern: the MASH or children’s social care front door, "
        "out of hours, and the police.",
    )
    decision_within_hours = _limit(24, 168, "From a concern being raised to the safeguarding lead’s decision.")
    immediate_decision_within_hours = _limit(2, 24, "From a concern with immediate risk being raised to the decision.")
    escalate_within_hours = _limit(24, 168, "From a decision to escalate to the referral being sent.")
    acknowledge_within_days = _limit(
        3, 30, "A referral not acknowledged within this many days after it was sent (or last chased) is to be chased."
    )
    outcome_within_days = _limit(10, 90, "From a referral being sent to its outcome.")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    leads = models.ManyToManyField(
        Membership,
        blank=True,
        related_name="safeguarding_lead_in",
        help_text="Team managers who are their team’s safeguarding leads: alerted first. With none, every team "
        "manager of the team is.",
    )

    def __str__(self) -> str:
        return f"Safeguarding settings for {self.area}"

    @classmethod
    def for_area(cls, area_id: int) -> AreaSafeguarding:
        return cls.objects.filter(area_id=area_id).first() or cls(area_id=area_id)

    @property
    def limits(self) -> Limits:
        return Limits(
            decision_hours=self.decision_within_hours,
            immediate_hours=self.immediate_decision_within_hours,
            escalate_hours=self.escalate_within_hours,
            acknowledge_days=self.acknowledge_within_days,
            outcome_days=self.outcome_within_days,
        )

    def level_name(self, code: str) -> str:
        return next((level["name"] for level in self.levels if level["code"] == code), code)

    def level_choices(self) -> list[tuple[str, str]]:
        return [(level["code"], level["name"]) for level in self.levels]

    def clean(self) -> None:
        codes = [str(level.get("code", "")).strip() for level in self.levels if isinstance(level, dict)]
        if not codes or len(codes) != len(self.levels):
            raise ValidationError({"levels": "Give at least one level, each with a code and a name."})
        if len(set(codes)) != len(codes):
            raise ValidationError({"levels": "Each level needs its own code."})


class FrontDoor(models.Model):
    """Where a borough takes referrals of one kind: how to send one, and what it must carry."""

    class Kind(models.TextChoices):
        EARLY_HELP = "early_help", "Early Help"
        SOCIAL_CARE = "social_care", "Children’s social care (MASH)"
        POLICE = "police", "Police"

    class Channel(models.TextChoices):
        SECURE_EMAIL = "secure_email", "Secure email"
        PORTAL = "portal", "Online referral portal"
        PHONE = "phone", "Phone, followed up in writing"

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="front_doors")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(max_length=200, help_text="For example: Hammersmith & Fulham MASH.")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="The service."
    )
    channel = models.CharField(max_length=12, choices=Channel.choices)
    contact = models.CharField(max_length=300, help_text="The address, phone number or web address to use.")
    out_of_hours = models.CharField(max_length=300, blank=True, help_text="Who to call out of office hours.")
    required_fields = models.JSONField(default=list, help_text="The referral form fields this front door asks for.")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["area", "kind"]
        constraints = [models.UniqueConstraint(fields=["area", "kind"], name="front_door_one_per_kind")]

    def __str__(self) -> str:
        return self.name


class Context(TrackedModel):
    """A peer group, place, school setting or online space assessed in its own right, linked to several children.

    It holds information about other children, so only the team's managers see it whole."""

    class Kind(models.TextChoices):
        PEER_GROUP = "peer_group", "Peer group"
        PLACE = "place", "Place or neighbourhood"
        SCHOOL_SETTING = "school_setting", "School setting"
        ONLINE = "online", "Online space"

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=200, help_text="How the team knows it, such as “the group at the skate park”.")
    description = models.TextField(blank=True, help_text="What is known about it, and why it is a concern.")
    children = models.ManyToManyField("cases.Child", blank=True, related_name="safeguarding_contexts")

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()})"


class Category(models.TextChoices):
    NEGLECT = "neglect", "Neglect"
    PHYSICAL = "physical", "Physical abuse"
    EMOTIONAL = "emotional", "Emotional abuse"
    SEXUAL = "sexual", "Sexual abuse"
    EXPLOITATION = "exploitation", "Exploitation (criminal or sexual)"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    ONLINE_HARM = "online_harm", "Online harm"
    MENTAL_HEALTH = "mental_health", "Mental health"
    OTHER = "other", "Other"


class Stage(models.TextChoices):
    """Where a concern stands, from its decision and escalations."""

    AWAITING_DECISION = "awaiting_decision", "Awaiting a decision"
    TO_ESCALATE = "to_escalate", "To be referred"
    AWAITING_ACKNOWLEDGEMENT = "awaiting_acknowledgement", "Referred, awaiting acknowledgement"
    AWAITING_OUTCOME = "awaiting_outcome", "Acknowledged, awaiting the outcome"
    CLOSED = "closed", "Closed"


class Concern(TrackedModel):
    """What a practitioner saw or heard that worries them, about one child or one context."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", help_text="The team that raised it."
    )
    child = models.ForeignKey(
        "cases.Child", on_delete=models.CASCADE, null=True, blank=True, related_name="safeguarding_concerns"
    )
    context = models.ForeignKey(Context, on_delete=models.PROTECT, null=True, blank=True, related_name="concerns")
    raised_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    what = models.TextField(help_text="What you saw or heard, as facts.")
    child_words = models.TextField(blank=True, help_text="What the child said, word for word.")
    happened_on = models.DateField()
    happened_time = models.TimeField(null=True, blank=True)
    place = models.CharField(max_length=200)
    present = models.CharField(max_length=300, blank=True, help_text="Who else was there.")
    category = models.CharField(max_length=16, choices=Category.choices)
    immediate_risk = models.BooleanField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["area", "organisation", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(child__isnull=False, context__isnull=True)
                | models.Q(child__isnull=True, context__isnull=False),
                name="concern_about_a_child_or_a_context",
            ),
        ]

    def __str__(self) -> str:
        return f"Concern raised on {self.created_at:%-d %B %Y}: {self.get_category_display()}"

    @property
    def about(self) -> str:
        return str(self.context) if self.context_id else self.child.display_name  # type: ignore[union-attr]

    def child_ids(self) -> list[int]:
        """The child it is about, or each child linked to its context: whom every read and change is audited against."""
        if self.child_id is not None:
            return [self.child_id]
        return list(self.context.children.values_list("pk", flat=True))  # type: ignore[union-attr]


class Decision(models.Model):
    """The safeguarding lead's decision on a concern: the level on the continuum of need, what to do, and why."""

    class Action(models.TextChoices):
        MONITOR = "monitor", "Monitor: no referral now"
        SCHOOL_DSL = "school_dsl", "Discuss with the school’s designated safeguarding lead"
        EARLY_HELP = "early_help", "Request Early Help"
        SOCIAL_CARE = "social_care", "Refer to children’s social care (MASH)"
        POLICE = "police", "Refer to the police"

    concern = models.OneToOneField(Concern, on_delete=models.CASCADE, related_name="decision")
    level = models.CharField(max_length=20, help_text="A code of the borough’s continuum of need.")
    level_name = models.CharField(max_length=200, help_text="The level’s name when the decision was made.")
    action = models.CharField(max_length=12, choices=Action.choices)
    reasons = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.level_name}: {self.get_action_display()}"

    @property
    def front_door_kind(self) -> str:
        """The front door this decision sends the concern to, or "" when it is not escalated."""
        return ESCALATING_ACTIONS.get(self.action, "")


ESCALATING_ACTIONS: dict[str, str] = {
    Decision.Action.EARLY_HELP: FrontDoor.Kind.EARLY_HELP,
    Decision.Action.SOCIAL_CARE: FrontDoor.Kind.SOCIAL_CARE,
    Decision.Action.POLICE: FrontDoor.Kind.POLICE,
}


class Escalation(TrackedModel):
    """A referral sent to a front door about a concern, and what came back."""

    class Outcome(models.TextChoices):
        NO_FURTHER_ACTION = "nfa", "No further action"
        EARLY_HELP = "early_help", "Early help"
        CHILD_IN_NEED = "child_in_need", "Child in need"
        CHILD_PROTECTION = "child_protection", "Child protection"
        OTHER = "other", "Other"

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="escalations")
    front_door = models.ForeignKey(FrontDoor, on_delete=models.PROTECT, related_name="escalations")
    form = models.JSONField(help_text="The referral exactly as sent: each required field's label and value.")
    family_informed = models.BooleanField(help_text="Whether the family was told of the referral.")
    family_informed_note = models.CharField(max_length=500, blank=True)
    sent_on = models.DateField()
    reference = models.CharField(max_length=100, blank=True, help_text="The front door’s reference, once given.")
    acknowledged_on = models.DateField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_note = models.TextField(blank=True)

    class Meta:
        ordering = ["concern", "sent_on", "pk"]
        indexes = [models.Index(fields=["outcome", "acknowledged_on"])]

    def __str__(self) -> str:
        return f"Referral to {self.front_door} on {self.sent_on:%-d %B %Y}"

    @property
    def stage(self) -> str:
        if self.outcome:
            return Stage.CLOSED
        if self.acknowledged_on is None:
            return Stage.AWAITING_ACKNOWLEDGEMENT
        return Stage.AWAITING_OUTCOME

    @property
    def days_to_outcome(self) -> int | None:
        return (self.outcome_on - self.sent_on).days if self.outcome_on else None

    def form_rows(self) -> list[tuple[str, str]]:
        return [(row["label"], row["value"]) for row in self.form]


class Chase(models.Model):
    """A chaser sent because a referral was not acknowledged in time."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="chases")
    chased_on = models.DateField()
    note = models.CharField(max_length=300, blank=True, help_text="How, and with whom.")
    chased_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["escalation", "chased_on", "pk"]

    def __str__(self) -> str:
        return f"Chased on {self.chased_on:%-d %B %Y}"


def stage_of(concern: Concern) -> str:
    """Where the concern stands (uses its decision and prefetched escalations)."""
    decision: Decision | None = getattr(concern, "decision", None)
    if decision is None:
        return Stage.AWAITING_DECISION
    if not decision.front_door_kind:
        return Stage.CLOSED
    escalations = list(concern.escalations.all())
    if not escalations:
        return Stage.TO_ESCALATE
    open_stages = [escalation.stage for escalation in escalations if escalation.stage != Stage.CLOSED]
    if Stage.AWAITING_ACKNOWLEDGEMENT in open_stages:
        return Stage.AWAITING_ACKNOWLEDGEMENT
    if open_stages:
        return Stage.AWAITING_OUTCOME
    return Stage.CLOSED
