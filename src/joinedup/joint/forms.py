"""Forms for joint working: sharing a plan, revoking a share, the partner's plan summary, comments, and the
family's story."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.db.models import Case, QuerySet, Value, When
from django.utils import timezone

from joinedup.accounts.models import Membership
from joinedup.core.domains import NeedDomain
from joinedup.core.forms import GovukForm, date_field
from joinedup.joint.models import PlanShare
from joinedup.joint.services import Basis


def in_order(members: list[Membership]) -> QuerySet[Membership]:
    """The memberships as a queryset, in the order given (a choice field lists them so)."""
    order = Case(*(When(pk=member.pk, then=Value(index)) for index, member in enumerate(members)), default=Value(0))
    return (
        Membership.objects.filter(pk__in=[member.pk for member in members])
        .select_related("user", "organisation")
        .order_by(order)
    )


class MembershipChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Each practitioner with their organisation, role and what would allow sharing with them."""

    def __init__(self, *args: Any, bases: dict[int, Basis], **kwargs: Any) -> None:
        self.bases = bases
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Membership) -> str:
        basis = self.bases.get(obj.organisation_id)
        allowed = f"under the {basis.label}" if basis and not basis.refusal else "no agreement or consent"
        return f"{obj.user.full_name}, {obj.get_role_display()} at {obj.organisation.name} ({allowed})"


class ShareForm(GovukForm):
    shared_with = MembershipChoice(
        label="Who to share with",
        queryset=Membership.objects.none(),
        bases={},
        empty_label="Choose a practitioner",
        help_text="A named practitioner of a partner organisation in the child’s borough. Those whose organisation "
        "has an agreement with us, or the family’s consent, come first.",
        error_messages={
            "required": "Choose who to share with.",
            "invalid_choice": "Choose a practitioner from the list.",
        },
    )
    parts = forms.MultipleChoiceField(
        label="What to share",
        choices=PlanShare.Part.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Case notes and contacts are never shared.",
        error_messages={"required": "Choose what to share."},
    )
    purpose = forms.CharField(
        label="What the share is for",
        max_length=500,
        help_text="For example: so that Early Help can check their plan does not duplicate ours.",
        error_messages={"required": "Say what the share is for."},
    )
    expires_on = date_field(
        "Share until",
        missing="Enter the last day the practitioner may see the plan.",
        help_text="The practitioner loses access after this day. For example 27/3/2027",
    )

    def __init__(self, *args: Any, candidates: list[Membership], bases: dict[int, Basis], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["shared_with"]
        field.queryset = in_order(candidates)
        field.bases = bases


class ExtendForm(GovukForm):
    expires_on = date_field(
        "Share until",
        missing="Enter the last day the practitioner may see the plan.",
        help_text="For example 27/3/2027",
    )


class RevokeForm(GovukForm):
    reason = forms.CharField(
        label="Why is the share being revoked?",
        max_length=300,
        error_messages={"required": "Say why the share is being revoked."},
    )


class CommentForm(GovukForm):
    text = forms.CharField(
        label="Add a comment",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seen by the Link Worker and team manager, and by the practitioner the plan is shared with.",
        error_messages={
            "required": "Write your comment.",
            "max_length": "Keep a comment to 2,000 characters or fewer.",
        },
    )


DOMAIN_CHOICES = [("", "Choose an area"), *NeedDomain.choices]


def domain_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Area of need", choices=DOMAIN_CHOICES, error_messages={"required": "Choose the area of need."}
    )


class PartnerGoalForm(GovukForm):
    domain = domain_field()
    goal = forms.CharField(label="Goal", max_length=500, error_messages={"required": "Write the goal."})
    owner_name = forms.CharField(
        label="Who leads on it",
        max_length=200,
        help_text="By name.",
        error_messages={"required": "Say who leads on it."},
    )


class PartnerActionForm(GovukForm):
    domain = domain_field()
    action = forms.CharField(label="Action", max_length=500, error_messages={"required": "Write the action."})
    owner_name = forms.CharField(
        label="Who does it", max_length=200, help_text="By name.", error_messages={"required": "Say who does it."}
    )
    due_on = date_field("Due by (optional)", required=False)


class PartnerServiceForm(GovukForm):
    domain = domain_field()
    name = forms.CharField(label="Service", max_length=200, error_messages={"required": "Give the service’s name."})
    provider = forms.CharField(
        label="Run by (optional)", max_length=200, required=False, help_text="The organisation that runs it."
    )
    starts_on = date_field("Starts on (optional)", required=False)


class AppointmentForm(GovukForm):
    what = forms.CharField(
        label="What it is",
        max_length=200,
        help_text="For example: home visit, or a session at the Family Hub.",
        error_messages={"required": "Say what the appointment is."},
    )
    on = date_field("Date", missing="Enter the date of the appointment.")
    at = forms.TimeField(
        label="Time",
        input_formats=["%H:%M", "%H.%M", "%I:%M%p", "%I%p", "%I.%M%p"],
        help_text="For example 14:30",
        error_messages={"required": "Enter the time it starts.", "invalid": "Enter a real time, like 14:30."},
        widget=forms.TimeInput(attrs={"class": "govuk-input--width-5"}, format="%H:%M"),
    )
    minutes = forms.IntegerField(
        label="How long, in minutes",
        initial=60,
        min_value=5,
        max_value=600,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        error_messages={
            "required": "Enter how long it lasts, in minutes.",
            "min_value": "An appointment lasts at least 5 minutes.",
            "max_value": "An appointment lasts at most 10 hours (600 minutes).",
        },
    )
    place = forms.CharField(label="Where (optional)", max_length=200, required=False)

    def starts_at(self) -> datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.combine(data["on"], data["at"]))


class ResolutionForm(GovukForm):
    key = forms.CharField(widget=forms.HiddenInput)
    resolution = forms.CharField(
        label="What was agreed",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what was agreed.", "max_length": "Keep it to 1,000 characters or fewer."},
    )


class PartnerReviewForm(GovukForm):
    next_review_on = date_field("Your next review (optional)", required=False)


PARTNER_FORMS: dict[str, type[GovukForm]] = {
    "goal": PartnerGoalForm,
    "action": PartnerActionForm,
    "service": PartnerServiceForm,
    "appointment": AppointmentForm,
}


class FamilyStoryForm(GovukForm):
    story = forms.CharField(
        label="The family’s story",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="In their own words: what has happened, what matters to them, what they want professionals to "
        "know, so they do not have to tell it again.",
        error_messages={"required": "Write the family’s story as they told it."},
    )
    told_by = forms.CharField(label="Who told it", max_length=200, error_messages={"required": "Say who told it."})
    told_on = date_field("Date they told it", missing="Enter the date they told it.")
    share_agreed = forms.BooleanField(
        label="The family agreed that professionals the plan is shared with may read their story",
        required=False,
    )
    share_agreed_by = forms.CharField(
        label="Who agreed (if they did)",
        max_length=200,
        required=False,
        help_text="Taking the agreement back hides the story at once from everyone the plan is shared with.",
    )


class AttendeeChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Each person who could attend, with their organisation and whether the minutes may go to them."""

    def __init__(self, *args: Any, bases: dict[int, Basis], programme_id: int, **kwargs: Any) -> None:
        self.bases = bases
        self.programme_id = programme_id
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Membership) -> str:
        where = f"{obj.get_role_display()}, {obj.organisation.name}"
        if obj.organisation_id == self.programme_id:
            return f"{obj.user.full_name} ({where})"
        basis = self.bases.get(obj.organisation_id)
        allowed = f"under the {basis.label}" if basis and not basis.refusal else "no agreement or consent"
        return f"{obj.user.full_name} ({where}; {allowed})"


class MeetingForm(GovukForm):
    kind = forms.CharField(
        label="Kind of meeting",
        max_length=100,
        initial="Team around the family meeting",
        error_messages={"required": "Say what kind of meeting it was."},
    )
    held_on = date_field("Date", missing="Enter the date of the meeting.")
    place = forms.CharField(label="Where (optional)", max_length=200, required=False)
    attendees = AttendeeChoice(
        label="Who attended, from each organisation",
        queryset=Membership.objects.none(),
        bases={},
        programme_id=0,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only those who attended read the minutes. You are ticked, as the person recording it.",
        error_messages={"required": "Choose who attended."},
    )
    others_present = forms.CharField(
        label="Anyone else there (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line, with their role: for example “Mum (parent)”.",
    )
    decisions = forms.CharField(
        label="Decisions (optional until after the meeting)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    minutes = forms.CharField(
        label="Minutes (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Read only by those who attended.",
    )

    def __init__(
        self, *args: Any, candidates: list[Membership], bases: dict[int, Basis], programme_id: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["attendees"]
        field.queryset = in_order(candidates)
        field.bases = bases
        field.programme_id = programme_id


class MeetingActionForm(GovukForm):
    action = forms.CharField(label="Action", max_length=500, error_messages={"required": "Say what the action is."})
    owner = forms.ModelChoiceField(
        label="Who does it",
        queryset=Membership.objects.none(),
        required=False,
        empty_label="Someone who did not attend, or the family (name them below)",
    )
    owner_name = forms.CharField(label="Their name, if not listed (optional)", max_length=200, required=False)
    due_on = date_field("Due by", missing="Enter the date it is due.")

    def __init__(self, *args: Any, attendees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["owner"]
        field.queryset = attendees
        field.label_from_instance = lambda member: f"{member.user.full_name}, {member.organisation.name}"
