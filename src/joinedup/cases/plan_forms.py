"""Forms for the personalised support plan: goals, actions, the family's words and reviews.

The rules (a goal needs words, a due date cannot come before the enrolment, a review cannot be
in the future…) live in ``cases.plans``; these forms only read the answers, so text the
services check is not ``required`` here and the service's own message is shown against the
field. Every form carries the plan version the person saw, for ``plan_change``'s check.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django import forms
from django.forms import BoundField
from django.http import QueryDict

from joinedup.cases.models import Goal, GoalProgress, PlanAction
from joinedup.cases.plans import ACTION_MESSAGES
from joinedup.core.domains import NeedDomain
from joinedup.core.forms import DATE_FORMAT_ERROR, DATE_INPUT_FORMATS, GovukForm


class Radios(forms.RadioSelect):
    """Radios whose label target is the first option, so an error summary link moves focus to it."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


def date_field(label: str, *, required: bool = False, missing: str = "", hint: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": DATE_FORMAT_ERROR, "required": missing},
        help_text=hint or "For example 27/3/2026",
        widget=forms.DateInput(attrs={"class": "govuk-input--width-10"}, format="%d/%m/%Y"),
    )


OUT_OF_DATE = "This page did not say which version of the plan you saw. Open the plan again, then make your change."


class PlanVersionForm(GovukForm):
    """A form that changes the plan: it carries the version of the plan the person saw."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": OUT_OF_DATE,
            "invalid": OUT_OF_DATE,
            "min_value": OUT_OF_DATE,
        },
    )
    conflicted = False

    def conflict(self, message: str, current_version: int) -> None:
        """Show that the plan changed meanwhile, keeping the person's answers.

        The hidden version moves on to the plan's current one, so once they have checked the
        plan as it is now they can send their change again.
        """
        data = QueryDict(mutable=True)
        data.update(self.data)
        data["version"] = str(current_version)
        self.data = data
        self.conflicted = True
        self.add_error(None, message)


class GoalForm(PlanVersionForm):
    domain = forms.ChoiceField(
        label="Area of the child's life",
        choices=[("", "Choose an area"), *NeedDomain.choices],
        required=False,
    )
    goal = forms.CharField(
        label="What the child and family want to change",
        help_text="In their words, as they said it.",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    success = forms.CharField(
        label="What success looks like",
        help_text="How everyone will know it is working.",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class GoalChangeForm(PlanVersionForm):
    """A goal's words and where it stands; its area stays (add another goal for another area)."""

    goal = GoalForm.base_fields["goal"]
    success = GoalForm.base_fields["success"]
    status = forms.ChoiceField(label="Where this goal stands", choices=Goal.Status.choices, widget=Radios)


class ActionForm(PlanVersionForm):
    action = forms.CharField(
        label="What will be done", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ChoiceField(label="Who will do it", choices=PlanAction.Owner.choices, widget=Radios, required=False)
    owner_name = forms.CharField(
        label="Their name (optional)",
        help_text="The person or organisation, for example Ms Patel, the class teacher.",
        max_length=200,
        required=False,
    )
    due_on = date_field("By when (optional)")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A wrong date stops the form before the plan's own checks run: report the blanks with it, in their words.
        if self.errors:
            for field, message in ACTION_MESSAGES.items():
                if not str(data.get(field) or "").strip() and field not in self.errors:
                    self.add_error(field, message)
        return data


class ActionChangeForm(ActionForm):
    done = forms.BooleanField(label="This has been done", required=False)
    done_on = date_field("Date it was done", hint="Today, unless it was done earlier. For example 27/3/2026")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # GOV.UK Frontend shows the date only while the box is ticked.
        self.fields["done"].widget.attrs["data-aria-controls"] = "conditional-done"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("done"):
            data["done_on"] = None
        elif data.get("done_on") is None and "done_on" not in self.errors:
            data["done_on"] = date.today()
        return data


class FamilyWordsForm(PlanVersionForm):
    words = forms.CharField(
        label="What matters to the child and family",
        help_text="In their own words: what they want from the programme, and what is going well.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class ReviewForm(PlanVersionForm):
    """A review: one progress question (and a short note) per goal being worked on, then what happens next."""

    reviewed_on = date_field("Date of the review", required=True, missing="Enter the date of the review.")
    attendees = forms.CharField(
        label="Who took part (optional)",
        help_text="For example Amara, her mum, her class teacher.",
        max_length=300,
        required=False,
    )
    summary = forms.CharField(
        label="How things are going",
        help_text="In plain words, as you agreed it with the child and family.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_steps = forms.CharField(
        label="What happens next (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_review_on = date_field("Next review (optional)")

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            self.fields[f"rating_{goal.pk}"] = forms.ChoiceField(
                label=f"How is this goal going: {goal.goal}",
                choices=GoalProgress.Rating.choices,
                widget=Radios,
                error_messages={"required": f"Say how this goal is going: {goal.goal}"},
            )
            self.fields[f"note_{goal.pk}"] = forms.CharField(label="Note (optional)", max_length=500, required=False)
        # The fields were added after GovukForm set its classes on the others.
        for goal in goals:
            self.fields[f"note_{goal.pk}"].widget.attrs["class"] = "govuk-input"

    def goal_fields(self) -> Iterator[tuple[Goal, BoundField, BoundField]]:
        for goal in self.goals:
            yield goal, self[f"rating_{goal.pk}"], self[f"note_{goal.pk}"]

    def progress(self) -> dict[int, tuple[str, str]]:
        return {
            goal.pk: (self.cleaned_data[f"rating_{goal.pk}"], self.cleaned_data[f"note_{goal.pk}"])
            for goal in self.goals
        }
