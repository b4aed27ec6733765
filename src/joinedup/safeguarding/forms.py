"""Forms for raising a concern, deciding it, referring it and recording what came back, and the borough's settings.

Each asks only what its step needs; the services check the rest and name the field they refuse.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from joinedup.accounts.models import Membership, Organisation
from joinedup.cases.models import Child
from joinedup.cases.plan_forms import Radios
from joinedup.core.forms import GovukForm, date_field
from joinedup.safeguarding.models import AreaSafeguarding, Category, Context, Decision, Escalation, FrontDoor
from joinedup.safeguarding.referral import FIELDS

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes(value: str) -> bool:
    return value == "yes"


def _children_choices(field: Any, children: list[Child]) -> dict[str, Child]:
    """Offer ``children`` on ``field`` by name, school by school; the children by the value each choice posts."""
    ordered = sorted(children, key=lambda child: (child.school.name, child.surname, child.forenames, child.pk))
    field.choices = [(str(child.pk), child.display_name) for child in ordered]
    return {str(child.pk): child for child in ordered}


class ChildrenBySchool:
    """A form whose ``children`` checkboxes are shown school by school, so that a long list stays readable."""

    children_by_pk: dict[str, Child]

    def children_by_school(self) -> list[tuple[str, list[Any], bool]]:
        """Each school with its children's checkboxes, and whether any of them is ticked (its group starts open)."""
        groups: dict[str, list[Any]] = {}
        for checkbox in self["children"]:  # type: ignore[index]
            child = self.children_by_pk[str(checkbox.data["value"])]
            groups.setdefault(child.school.name, []).append(checkbox)
        return [(school, boxes, any(box.data["selected"] for box in boxes)) for school, boxes in groups.items()]


class ConcernForm(GovukForm):
    what = forms.CharField(
        label="What did you see or hear?",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The facts, as you would tell them: what happened, and what you noticed.",
        error_messages={"required": "Enter what you saw or heard."},
    )
    child_words = forms.CharField(
        label="What did the child say? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Their exact words, even if they seem small. They are kept as you type them.",
    )
    happened_on = date_field("When did it happen?", missing="Enter the date it happened.")
    happened_time = forms.TimeField(
        label="At what time? (optional)",
        required=False,
        input_formats=["%H:%M", "%H.%M"],
        help_text="For example 14:30",
        error_messages={"invalid": "Enter a time between 00:00 and 23:59, like 14:30."},
        widget=forms.TimeInput(attrs={"class": "govuk-input--width-5"}, format="%H:%M"),
    )
    place = forms.CharField(
        label="Where?",
        max_length=200,
        help_text="For example: the playground, at home during a visit, online.",
        error_messages={"required": "Enter where it happened."},
    )
    present = forms.CharField(
        label="Who else was there? (optional)", max_length=300, required=False, help_text="Names or roles."
    )
    category = forms.ChoiceField(
        label="What kind of concern is it?",
        choices=Category.choices,
        widget=Radios,
        error_messages={"required": "Choose the kind of concern that fits best."},
    )
    immediate_risk = forms.ChoiceField(
        label="Is the child at immediate risk of harm?",
        choices=YES_NO,
        widget=Radios,
        help_text="If a child is in immediate danger, call the police on 999 first.",
        error_messages={"required": "Say whether the child is at immediate risk."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"happened_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def concern_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in ConcernForm.base_fields}
        data["immediate_risk"] = _yes(data["immediate_risk"])
        return data


class ContextConcernForm(ChildrenBySchool, ConcernForm):
    """A concern about a peer group, place, school setting or online space: the context is recorded with it."""

    context_kind = forms.ChoiceField(
        label="What is the context?",
        choices=Context.Kind.choices,
        widget=Radios,
        error_messages={"required": "Choose what the context is."},
    )
    context_name = forms.CharField(
        label="What do you call it?",
        max_length=200,
        help_text="How the team will know it, like “the group at the skate park”.",
        error_messages={"required": "Enter a name for the context."},
    )
    context_description = forms.CharField(
        label="What is known about it? (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    children = forms.MultipleChoiceField(
        label="Which children are linked to it?",
        widget=forms.CheckboxSelectMultiple,
        help_text="Only children whose records you can see are listed.",
        error_messages={"required": "Choose at least one child linked to this context."},
    )

    field_order = ["context_kind", "context_name", "context_description", "children"]

    def __init__(self, *args: Any, children: list[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.children_by_pk = _children_choices(self.fields["children"], children)

    def context_data(self) -> dict[str, Any]:
        return {
            "kind": self.cleaned_data["context_kind"],
            "name": self.cleaned_data["context_name"],
            "description": self.cleaned_data["context_description"],
            "children": [self.children_by_pk[pk] for pk in self.cleaned_data["children"]],
        }


class LinkChildrenForm(ChildrenBySchool, GovukForm):
    children = forms.MultipleChoiceField(
        label="Link these children",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one child to link."},
    )

    def __init__(self, *args: Any, children: list[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.children_by_pk = _children_choices(self.fields["children"], children)

    def chosen(self) -> list[Child]:
        return [self.children_by_pk[pk] for pk in self.cleaned_data["children"]]


class DecisionForm(GovukForm):
    level = forms.ChoiceField(
        label="Level on the borough’s continuum of need",
        widget=Radios,
        error_messages={"required": "Choose the level of need."},
    )
    action = forms.ChoiceField(
        label="What happens next?",
        choices=Decision.Action.choices,
        widget=Radios,
        error_messages={"required": "Choose what happens next."},
    )
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Why this level and this action, including why not to refer when you decide not to.",
        error_messages={"required": "Give the reasons for the decision."},
    )

    def __init__(self, *args: Any, settings: AreaSafeguarding, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["level"]
        field.choices = [(level["code"], f"{level['name']}: {level['description']}") for level in settings.levels]


class EscalationForm(GovukForm):
    sent_on = date_field("When was it sent?", missing="Enter the date the referral was sent.")
    family_informed = forms.ChoiceField(
        label="Was the family told of the referral?",
        choices=YES_NO,
        widget=Radios,
        help_text="Be open with the family, unless telling them could put the child at risk.",
        error_messages={"required": "Say whether the family was told."},
    )
    family_informed_note = forms.CharField(
        label="If not, why not?", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    actions_taken = forms.CharField(
        label="What has been done to keep the child safe? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For example: the school’s designated safeguarding lead informed; the child went home with their "
        "grandmother. It goes on the form.",
    )
    reference = forms.CharField(
        label="The front door’s reference (optional)", max_length=100, required=False, help_text="If they gave one."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"sent_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def escalation_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["family_informed"] = _yes(data["family_informed"])
        return data


class AcknowledgeForm(GovukForm):
    acknowledged_on = date_field("When was it acknowledged?", missing="Enter the date of the acknowledgement.")
    reference = forms.CharField(
        label="Their reference (optional)",
        max_length=100,
        required=False,
        help_text="Any reference already recorded is kept unless you change it here.",
    )


class ChaseForm(GovukForm):
    chased_on = date_field("When did you chase it?", missing="Enter the date you chased it.")
    note = forms.CharField(
        label="How, and with whom (optional)", max_length=300, required=False, help_text="For example: phoned the MASH."
    )


class OutcomeForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What was the outcome?",
        choices=Escalation.Outcome.choices,
        widget=Radios,
        error_messages={"required": "Choose the outcome."},
    )
    outcome_on = date_field("When did it come?", missing="Enter the date of the outcome.")
    note = forms.CharField(
        label="What they said (required for “Other”)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


def _limit(label: str, unit: str, most: int) -> forms.IntegerField:
    """A time limit in whole hours or days, from 1 to ``most``, with errors that say so."""
    out_of_range = f"Enter a number of {unit} from 1 to {most}."
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=most,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={
            "required": f"Enter the number of {unit}.",
            "invalid": f"Enter a whole number of {unit}, like 3.",
            "min_value": out_of_range,
            "max_value": out_of_range,
        },
    )


class SettingsForm(GovukForm):
    levels = forms.CharField(
        label="Continuum of need",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One level a line: code | name | description. For example: 2 | Level 2: Early help | Additional "
        "needs.",
        error_messages={"required": "Give at least one level."},
    )
    emergency_contacts = forms.CharField(
        label="Emergency contacts",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Shown at once with an immediate-risk concern: the MASH, out of hours, and the police.",
    )
    decision_within_hours = _limit("Hours to decide a concern", "hours", 168)
    immediate_decision_within_hours = _limit("Hours to decide a concern with immediate risk", "hours", 24)
    escalate_within_hours = _limit("Hours from a decision to refer to sending the referral", "hours", 168)
    acknowledge_within_days = _limit("Days to wait for an acknowledgement before chasing", "days", 30)
    outcome_within_days = _limit("Days from sending a referral to its outcome", "days", 90)
    leads = forms.MultipleChoiceField(
        label="Safeguarding leads of your team",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="They are alerted first. With none chosen, every team manager of your team is.",
    )

    def __init__(self, *args: Any, managers: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.managers = {str(member.pk): member for member in managers}
        field: Any = self.fields["leads"]
        field.choices = [(str(member.pk), member.user.full_name) for member in managers]

    @staticmethod
    def levels_text(levels: list[dict[str, str]]) -> str:
        return "\n".join(f"{level['code']} | {level['name']} | {level.get('description', '')}" for level in levels)

    def clean_levels(self) -> list[dict[str, str]]:
        levels = []
        for number, line in enumerate(self.cleaned_data["levels"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise forms.ValidationError(f"Line {number} needs a code and a name, separated by |.")
            levels.append({"code": parts[0], "name": parts[1], "description": " | ".join(parts[2:])})
        codes = [level["code"] for level in levels]
        if len(set(codes)) != len(codes):
            raise forms.ValidationError("Each level needs its own code.")
        if not levels:
            raise forms.ValidationError("Give at least one level.")
        return levels

    def settings_data(self) -> tuple[dict[str, Any], list[Membership]]:
        data = {name: value for name, value in self.cleaned_data.items() if name != "leads"}
        return data, [self.managers[pk] for pk in self.cleaned_data["leads"]]


class FrontDoorForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="For example: Hammersmith & Fulham MASH.",
        error_messages={"required": "Enter the front door’s name."},
    )
    organisation = forms.ModelChoiceField(
        label="Service (optional)", queryset=Organisation.objects.none(), required=False, empty_label="None chosen"
    )
    channel = forms.ChoiceField(
        label="How referrals are sent",
        choices=FrontDoor.Channel.choices,
        widget=Radios,
        error_messages={"required": "Choose how referrals are sent."},
    )
    contact = forms.CharField(
        label="Address, phone number or web address",
        max_length=300,
        error_messages={"required": "Enter where referrals go."},
    )
    out_of_hours = forms.CharField(label="Out of hours (optional)", max_length=300, required=False)
    required_fields = forms.MultipleChoiceField(
        label="What the referral form must carry",
        choices=[(code, field.label) for code, field in FIELDS.items()],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one field."},
    )

    def __init__(self, *args: Any, area_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organisation"]
        field.queryset = Organisation.objects.filter(
            areas=area_id, kind__in=[Organisation.Kind.EARLY_HELP, Organisation.Kind.SOCIAL_CARE]
        )
