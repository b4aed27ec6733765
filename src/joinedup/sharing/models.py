"""Working with other agencies: data-sharing agreements, matching runs, and the shared cases they find.

A ``DataSharingAgreement`` between our programme and a partner organisation in one borough says why
and on what lawful basis we share, which fields each side may send, who may run a match and who may
see its results. A ``MatchRun`` matches the partner's list against the children our programme knows
(``joinedup.linkage``); it keeps only the pairs at or above its review threshold (``MatchPair``), with
only the partner's fields the agreement allows, and never the partner's unmatched rows. A confirmed
pair makes a ``SharedCase``: one per child and partner organisation.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from joinedup.accounts.models import Area, Membership, Organisation, Role
from joinedup.core.models import RunByProcess, TrackedModel
from joinedup.core.uploads import upload_delete
from joinedup.linkage import COLUMNS, REQUIRED

#: The columns of a person list, as a person would name them.
FIELD_LABELS: dict[str, str] = {
    "record_id": "Record number",
    "forenames": "First names",
    "surname": "Surname",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "postcode": "Home postcode",
    "address": "Home address",
    "school": "School",
    "nhs_number": "NHS number",
    "upn": "Unique pupil number (UPN)",
}
FIELD_CHOICES = [(column, FIELD_LABELS[column]) for column in COLUMNS]
#: The programme's roles that keep agreements and that an agreement can let run matches and see results.
AGREEMENT_ROLES = frozenset({Role.DATA_LEAD, Role.TEAM_MANAGER})
AGREEMENT_ROLE_CHOICES = [(role.value, role.label) for role in sorted(AGREEMENT_ROLES)]
#: Our fields a partner's list of shared children shows, when the agreement lets us send them. Whatever the
#: agreement, the partner sees their own record number, the agreement, and our Link Worker to contact.
PARTNER_SEES = ("forenames", "surname", "date_of_birth", "school")


def _joined(labels: list[str]) -> str:
    """Labels as a sentence lists them: "first names, surname and date of birth"."""
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"


def _date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


class LawfulBasis(models.TextChoices):
    """Why the law lets us share: the UK GDPR Article 6 basis, or the Children Act 2004 duty relied on."""

    PUBLIC_TASK = "public_task", "Public task: a task in the public interest (UK GDPR Article 6(1)(e))"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation: the law requires it (UK GDPR Article 6(1)(c))"
    CONSENT = "consent", "Consent: each family has agreed (UK GDPR Article 6(1)(a))"
    CHILDREN_ACT_S10 = (
        "children_act_s10",
        "Co-operating to improve children's well-being (Children Act 2004, section 10)",
    )
    CHILDREN_ACT_S11 = (
        "children_act_s11",
        "Safeguarding and promoting children's welfare (Children Act 2004, section 11)",
    )


class DataSharingAgreement(TrackedModel):
    """An agreement between our organisation and a partner, in one borough, to share about children.

    In force (``is_active``) once signed off, from ``starts_on`` to ``expires_on`` inclusive, until
    ended. Changing its terms withdraws the sign-off: the new terms need signing off again.
    """

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="sharing_agreements")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", help_text="Ours.")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="partner_agreements")
    title = models.CharField(max_length=200)
    purpose = models.TextField(help_text="What the sharing is for, in words a family would understand.")
    lawful_basis = models.CharField(max_length=24, choices=LawfulBasis.choices)
    # Blank as far as the field goes: clean() says what each must hold, in words.
    fields_we_send = models.JSONField(default=list, blank=True, help_text="Our fields the partner may receive.")
    fields_we_receive = models.JSONField(default=list, blank=True, help_text="The partner's fields we may receive.")
    run_roles = models.JSONField(default=list, blank=True, help_text="Roles of ours who may run a match.")
    result_roles = models.JSONField(
        default=list, blank=True, help_text="Roles of ours who may see and decide the results."
    )
    starts_on = models.DateField()
    review_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField()
    terms_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who last set the terms: someone else records their sign-off.",
    )
    signed_off_name = models.CharField(max_length=200, blank=True)
    signed_off_role = models.CharField(max_length=200, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=500, blank=True)
    last_confirmed_on = models.DateField(
        null=True, blank=True, help_text="When someone last confirmed on the partnership map that it still holds."
    )

    class Meta:
        ordering = ["partner__name", "-starts_on", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.partner})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name in ("fields_we_send", "fields_we_receive"):
            value = getattr(self, name)
            if not isinstance(value, list) or not set(value) <= set(COLUMNS):
                errors[name] = f"Choose from: {', '.join(FIELD_LABELS.values())}."
        if not errors.get("fields_we_receive"):
            missing = [FIELD_LABELS[column] for column in REQUIRED if column not in self.fields_we_receive]
            if missing:
                errors["fields_we_receive"] = (
                    f"A match needs the partner's {_joined(missing).lower()}: include "
                    f"{'it' if len(missing) == 1 else 'them'} in what we receive."
                )
        if not errors.get("fields_we_send"):
            # Our record number is our own and never sent: the other required fields are compared.
            missing = [FIELD_LABELS[c] for c in REQUIRED if c != "record_id" and c not in self.fields_we_send]
            if missing:
                errors["fields_we_send"] = (
                    f"A match compares our children's {_joined(missing).lower()}: include "
                    f"{'it' if len(missing) == 1 else 'them'} in what we may send."
                )
        roles = {role.value for role in AGREEMENT_ROLES}
        for name in ("run_roles", "result_roles"):
            value = getattr(self, name)
            if not isinstance(value, list) or not value or not set(value) <= roles:
                errors[name] = "Choose at least one role: the data lead, the team manager or both."
        if self.partner_id and self.organisation_id and self.partner_id == self.organisation_id:
            errors["partner"] = "The partner must be another organisation."
        if self.partner_id and self.area_id and not self.partner.areas.filter(pk=self.area_id).exists():
            errors["partner"] = f"{self.partner} does not work in {self.area}."
        if self.starts_on and self.expires_on and self.expires_on < self.starts_on:
            errors["expires_on"] = "The agreement must expire on or after the day it starts."
        if (
            self.review_on
            and self.starts_on
            and self.expires_on
            and not self.starts_on <= self.review_on <= self.expires_on
        ):
            errors["review_on"] = "Review the agreement between the day it starts and the day it expires."
        if errors:
            raise ValidationError(errors)

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None

    def refusal(self, on: date | None = None) -> str:
        """Why nothing may be shared under the agreement on ``on`` (today), or "" when it is in force."""
        on = on or timezone.localdate()
        name = f"The agreement with {self.partner}"
        if self.ended_at is not None:
            return f"{name} was ended on {_date(timezone.localdate(self.ended_at))}."
        if not self.is_signed_off:
            return f"{name} has not been signed off."
        if on < self.starts_on:
            return f"{name} starts on {_date(self.starts_on)}."
        if on > self.expires_on:
            return f"{name} expired on {_date(self.expires_on)}."
        return ""

    def is_active(self, on: date | None = None) -> bool:
        """Signed off, not ended, and ``on`` (today) between its first and last day."""
        return not self.refusal(on)

    def status(self, on: date | None = None) -> str:
        on = on or timezone.localdate()
        if self.ended_at is not None:
            return "Ended"
        if not self.is_signed_off:
            return "Awaiting sign-off"
        if on < self.starts_on:
            return "Not started"
        if on > self.expires_on:
            return "Expired"
        if self.review_on and on >= self.review_on:
            return "Review due"
        return "In force"

    def fields_we_send_labels(self) -> list[str]:
        return [FIELD_LABELS[column] for column in COLUMNS if column in self.fields_we_send]

    def fields_we_receive_labels(self) -> list[str]:
        return [FIELD_LABELS[column] for column in COLUMNS if column in self.fields_we_receive]

    def partner_sees_labels(self) -> list[str]:
        """What the partner's list of children shared with them shows of each child."""
        return [FIELD_LABELS[column] for column in PARTNER_SEES if column in self.fields_we_send]

    def run_roles_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.run_roles]

    def result_roles_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.result_roles]


def active_agreement_filter(on: date, prefix: str = "") -> models.Q:
    """Agreements in force on ``on``, as one filter (``prefix`` for a related agreement, like "agreement__")."""
    return models.Q(
        **{
            f"{prefix}signed_off_at__isnull": False,
            f"{prefix}ended_at__isnull": True,
            f"{prefix}starts_on__lte": on,
            f"{prefix}expires_on__gte": on,
        }
    )


class MatchRun(RunByProcess):
    """One match of a partner's list against the children our programme knows in the borough."""

    class Kind(models.TextChoices):
        PLAIN = "plain", "Plain list (names and dates of birth)"
        # Later: keyed Bloom-filter encodings (joinedup.linkage.encode), so no names cross.
        ENCODED = "encoded", "Encoded list (privacy-preserving)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Matching"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    agreement = models.ForeignKey(DataSharingAgreement, on_delete=models.PROTECT, related_name="runs")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.PLAIN)
    file_name = models.CharField(max_length=200)
    stored_path = models.CharField(
        max_length=500, blank=True, help_text="Blank once the run ends: the file is deleted."
    )
    mapping = models.JSONField(default=dict, blank=True, help_text="Our column name → the file's.")
    unreadable_dates_missing = models.BooleanField(
        default=False, help_text="A date of birth in the file that is not a date is read as missing, not refused."
    )
    auto_confirm_from = models.FloatField(default=0.99)
    review_from = models.FloatField(default=0.5)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(blank=True)
    our_rows = models.PositiveIntegerField(default=0)
    partner_rows = models.PositiveIntegerField(default=0)
    candidate_pairs = models.PositiveBigIntegerField(default=0)
    settings_json = models.JSONField(default=dict, blank=True, help_text="MatchSettings, to repeat the run.")
    model_json = models.JSONField(default=dict, blank=True, help_text="The trained Splink model.")
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Match of {self.file_name} ({self.started_at:%-d %B %Y})"

    def clean(self) -> None:
        if not 0 < self.review_from <= self.auto_confirm_from <= 1:
            raise ValidationError(
                {
                    "review_from": (
                        "The review threshold must be above 0 and no higher than the automatic one (at most 1)."
                    )
                }
            )

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.FINISHED, self.Status.FAILED)

    def files_delete(self) -> None:
        """Delete the partner's list (and, for an encoded run, our encoded list beside it): a run keeps
        them only until it ends, however it ends."""
        if self.kind == self.Kind.ENCODED and self.stored_path:
            upload_delete(ours_encoded_path(self.stored_path))
        upload_delete(self.stored_path)
        self.stored_path = ""

    def stopped_cleanup(self) -> None:
        self.files_delete()
        MatchRun.objects.filter(pk=self.pk).update(stored_path="")

    def newer(self) -> MatchRun | None:
        """The newest list from the same partner in the same borough matched after this one, if any: the
        pairs are decided there (this run's are kept as the record of what was decided then)."""
        return (
            MatchRun.objects.filter(
                agreement__partner_id=self.agreement.partner_id,
                agreement__area_id=self.agreement.area_id,
                status=self.Status.FINISHED,
                started_at__gt=self.started_at,
            )
            .order_by("-started_at", "-pk")
            .first()
        )

    def frozen(self) -> str:
        """Why its pairs can no longer be decided or undone ("" when they can)."""
        if self.agreement.ended_at is not None:
            return (
                f"The agreement with {self.agreement.partner} has ended: the decisions on its lists stand as the "
                "record of what was shared."
            )
        newer = self.newer()
        if newer is not None:
            return (
                f"A newer list from {self.agreement.partner} ({newer.file_name}) was matched on "
                f"{_date(timezone.localdate(newer.started_at))}: decide on its pairs there."
            )
        return ""


class MatchPair(models.Model):
    """A child of ours and a partner's record that a run found to be the same child, at or above its review
    threshold. ``partner_details`` holds only the partner's fields the agreement lets us receive.

    A pair of a child and partner record already decided in an earlier run keeps that decision
    (``carried_from``): a newer list is not reviewed again.
    """

    class Band(models.TextChoices):
        AUTO = "auto", "Confirmed automatically"
        REVIEW = "review", "To review"

    class Decision(models.TextChoices):
        UNDECIDED = "undecided", "Not decided"
        CONFIRMED = "confirmed", "Same child"
        REJECTED = "rejected", "Not the same child"

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="pairs")
    child = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="+")
    partner_record_id = models.CharField(max_length=100)
    partner_details = models.JSONField(default=dict)
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    levels = models.JSONField(default=dict, help_text="Compared field → the level it agreed at.")
    band = models.CharField(max_length=8, choices=Band.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.UNDECIDED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The earlier run's pair of the same child and partner record whose decision this one keeps.",
    )

    class Meta:
        ordering = ["-match_probability", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "child"], name="match_pair_one_per_child"),
            models.UniqueConstraint(fields=["run", "partner_record_id"], name="match_pair_one_per_record"),
        ]

    def __str__(self) -> str:
        return f"Pair {self.pk}: child {self.child_id} and record {self.partner_record_id}"


class SharedCase(TrackedModel):
    """A child of ours the partner organisation also works with, found by a confirmed pair.

    One per child and partner: a newer run updates it (run, pair, record id). Ended when its pair is
    rejected or undone; confirmed again, it starts again.
    """

    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="shared_cases")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="shared_cases")
    agreement = models.ForeignKey(DataSharingAgreement, on_delete=models.PROTECT, related_name="shared_cases")
    run = models.ForeignKey(MatchRun, on_delete=models.PROTECT, related_name="+")
    pair = models.ForeignKey(MatchPair, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    partner_record_id = models.CharField(max_length=100)
    lead_membership = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The partner's lead practitioner, when they use Joinedup.",
    )
    lead_name = models.CharField(max_length=200, blank=True, help_text="The lead practitioner, when not a user.")
    lead_email = models.EmailField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["child", "partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["child", "partner"], name="shared_case_one_per_child_and_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.child} shared with {self.partner}"

    def clean(self) -> None:
        lead = self.lead_membership
        if lead is not None and self.partner_id and lead.organisation_id != self.partner_id:
            raise ValidationError({"lead_membership": f"The lead practitioner must work for {self.partner}."})

    @property
    def lead_label(self) -> str:
        if self.lead_membership_id:
            return self.lead_membership.user.full_name  # type: ignore[union-attr]
        return self.lead_name


def shared_cases_in_force(on: date) -> models.QuerySet[SharedCase]:
    """The shared cases not ended, under an agreement in force on ``on``: those anyone is shown."""
    return SharedCase.objects.filter(active_agreement_filter(on, "agreement__"), ended_at__isnull=True)


def ours_encoded_path(partner_path: Path | str) -> Path:
    """Where our encoded list waits for the worker: beside the partner's upload, deleted with it."""
    path = Path(partner_path)
    return path.with_name(path.stem + ".ours.parquet")
