"""Everything held about one child: the rows that exist because of the child, found through the models.

Starting from the child, every row whose foreign key points at a row already found belongs to the child
too (an enrolment, its contacts, the plan, its goals, a referral and its events, a concern and its
decisions, a measurement, a many-to-many link). The walk never goes the other way, to the rows the child
points at (the school, the Link Worker), and never out of a link to another record, so nothing about
another child is reached. The child's screening data (school data and survey returns, matched by UPN)
is added from the pupil the child was identified from. The household (the family and its members) is
added apart, marked as holding information about other people. Subject access exports and erasure
under a retention rule both use it, so what a family is told we hold is exactly what erasure removes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import models

from joinedup.cases.models import Child, Enrolment, Family
from joinedup.identification.models import ScreenedPupil

# Kinds whose free text often tells of other people: what a neighbour said, who was at a meeting, a
# worker's notes of a visit. A subject access export marks them for reading before it is released.
NAMES_OTHERS = frozenset(
    {
        "cases.Contact",
        "cases.FamilyStory",
        "cases.PlanReview",
        "joint.JointMeeting",
        "joint.ShareComment",
        "safeguarding.Concern",
        "safeguarding.Decision",
        "safeguarding.Escalation",
    }
)


@dataclass(frozen=True)
class Holding:
    """The rows of one kind held about the child."""

    model: type[models.Model]
    pks: tuple[Any, ...]
    about_others: bool = False

    @property
    def name(self) -> str:
        owner = self.model._meta.auto_created  # the model a many-to-many link table belongs to, or False
        if isinstance(owner, type) and issubclass(owner, models.Model):
            # A many-to-many link table: named by the record and the field it links from.
            field = next(field for field in owner._meta.many_to_many if field.remote_field.through is self.model)
            return f"{str(owner._meta.verbose_name).capitalize()}: {field.verbose_name}"
        return str(self.model._meta.verbose_name_plural).capitalize()

    @property
    def may_name_others(self) -> bool:
        """Whether these rows may tell of other people, so need reading before release."""
        return self.about_others or self.label in NAMES_OTHERS

    @property
    def label(self) -> str:
        return self.model._meta.label

    def rows(self) -> list[dict[str, Any]]:
        """Each row's fields by their names, related rows by their numbers."""
        fields = list(self.model._meta.concrete_fields)
        found = self.model._base_manager.filter(pk__in=self.pks).order_by("pk")
        return [
            dict(zip((field.attname for field in fields), values, strict=True))
            for values in found.values_list(*(field.attname for field in fields))
        ]


def _dependants(model: type[models.Model]) -> list[models.ForeignObjectRel]:
    """The relations through which other rows point at a row of ``model`` (many-to-many link rows included)."""
    return [
        field
        for field in model._meta.get_fields(include_hidden=True)
        if isinstance(field, models.ForeignObjectRel)
        and (field.one_to_many or field.one_to_one)
        and field.related_model._meta.managed
    ]


def _walk(
    start: type[models.Model], pks: set[Any], *, skip: frozenset[type[models.Model]] = frozenset()
) -> dict[type[models.Model], set[Any]]:
    found: dict[type[models.Model], set[Any]] = defaultdict(set)
    found[start] |= pks
    frontier = [(start, set(pks))]
    while frontier:
        model, keys = frontier.pop()
        for relation in _dependants(model):
            related = relation.related_model
            if related in skip:
                continue
            assert isinstance(related, type)
            field_name = relation.field.name
            new = (
                set(related._base_manager.filter(**{f"{field_name}__in": keys}).values_list("pk", flat=True))
                - found[related]
            )
            if new:
                found[related] |= new
                frontier.append((related, new))
    return found


def _screening(child: Child) -> dict[type[models.Model], set[Any]]:
    """The school data and survey returns held about the child in every school year, and the school lists
    they were on: pupils are matched to a child by UPN, not by a key, so they are found through the UPN of
    the pupil each of the child's enrolments was identified from (in the same borough)."""
    identified = ScreenedPupil.objects.filter(cohort_entries__enrolment__child=child).values_list("area_id", "upn")
    same_pupil = models.Q()
    for area_id, upn in set(identified):
        same_pupil |= models.Q(area_id=area_id, upn=upn)
    pupils = set(ScreenedPupil.objects.filter(same_pupil).values_list("pk", flat=True)) if same_pupil else set()
    # The enrolments made from these lists are the child's own, found from the child already.
    return _walk(ScreenedPupil, pupils, skip=frozenset({Enrolment})) if pupils else {}


def holdings(child: Child) -> list[Holding]:
    """Everything held about ``child``: the child's own rows, then the household's, in a stable order."""
    own = _walk(Child, {child.pk})
    for model, pks in _screening(child).items():
        own[model] |= pks
    household = _walk(Family, {child.family_id}, skip=frozenset({Child}))
    result = [Holding(model, tuple(sorted(pks))) for model, pks in own.items() if pks]
    result += [
        Holding(model, tuple(sorted(pks - own.get(model, set()))), about_others=True)
        for model, pks in household.items()
        if pks - own.get(model, set())
    ]
    return sorted(result, key=lambda holding: (holding.about_others, holding.model is not Child, holding.label))
