"""The demo's safeguarding: each borough's settings and front doors, concerns at every stage with each kind of
outcome and a mix of overdue steps, a peer group referred as a group, and not one email sent while loading.

It runs in real transactions (``transactional_db``), as ``seed-demo`` does: an email is sent when its write
commits, and in a test's transaction nothing ever commits, so only this way can the test see an email escape.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time
from typing import Any

from django.core import mail
from django.db import transaction
from django.utils import timezone

from joinedup.accounts.models import Area, Membership, Role
from joinedup.cases.models import PlanVersion
from joinedup.demo.cases import demo_cases_load
from joinedup.demo.generator import DEMO_EMAIL_DOMAIN, demo_data_build, demo_data_load
from joinedup.demo.plans import demo_plans_load
from joinedup.demo.safeguarding import demo_safeguarding_load, demo_safeguarding_loaded
from joinedup.notifications.models import Kind, Notification
from joinedup.safeguarding.models import (
    AreaSafeguarding,
    Category,
    Concern,
    Context,
    Escalation,
    FrontDoor,
    Stage,
    stage_of,
)
from joinedup.safeguarding.referral import FIELDS
from joinedup.safeguarding.selectors import open_items
from joinedup.safeguarding.timeliness import Overdue
from tests.conftest import data_migrations_rerun

AS_OF = date(2026, 11, 26)
# The load's "now" for a day in the past: the end of that working day.
AS_OF_NOW = timezone.make_aware(datetime.combine(AS_OF, time(17, 30)))


def _concerns() -> list[Concern]:
    return list(
        Concern.objects.select_related("area", "child", "context", "decision", "raised_by__user")
        .prefetch_related("escalations__chases", "escalations__front_door")
        .order_by("area__name", "created_at", "pk")
    )


def _told() -> list[tuple[Any, ...]]:
    """What the demo's concerns say and where they stand, without the database's ids."""
    return [
        (
            concern.area.name,
            concern.about,
            concern.raised_by.user.email,
            concern.category,
            concern.what,
            concern.child_words,
            concern.created_at,
            stage_of(concern),
            concern.decision.action if hasattr(concern, "decision") else "",
            [
                (escalation.front_door.kind, escalation.sent_on, escalation.reference)
                for escalation in concern.escalations.all()
            ],
        )
        for concern in _concerns()
    ]


def test_the_demo_raises_concerns_at_every_stage_and_sends_no_email(transactional_db: None) -> None:
    # A transactional test that ran before may have emptied every table, the audit chain's head among them.
    data_migrations_rerun()
    data = demo_data_build(seed=2026, children=600)
    demo_data_load(data)
    demo_cases_load(data, as_of=AS_OF)
    demo_plans_load(seed=2026, as_of=AS_OF)
    assert not demo_safeguarding_loaded()

    # The same seed and day give the same concerns: load, note, undo; then load for real.
    with transaction.atomic():
        first = demo_safeguarding_load(seed=2026, as_of=AS_OF)
        told = _told()
        transaction.set_rollback(True)
    assert not demo_safeguarding_loaded()
    summary = demo_safeguarding_load(seed=2026, as_of=AS_OF)
    assert summary == first
    assert _told() == told

    # Each borough: settings with drama-range numbers, its team manager as lead, three front doors.
    areas = list(Area.objects.all())
    assert summary.boroughs == len(areas) == 4
    for settings in AreaSafeguarding.objects.prefetch_related("leads"):
        assert "020 7946 0" in settings.emergency_contacts
        assert "999" in settings.emergency_contacts
        assert [lead.role for lead in settings.leads.all()] == [Role.TEAM_MANAGER]
    assert summary.front_doors == FrontDoor.objects.count() == 3 * len(areas)
    for door in FrontDoor.objects.all():
        assert set(door.required_fields) <= set(FIELDS)
        assert ".example.gov.uk" in door.contact
    social_care = FrontDoor.objects.filter(kind=FrontDoor.Kind.SOCIAL_CARE).first()
    assert social_care is not None
    assert len(social_care.required_fields) == max(len(door.required_fields) for door in FrontDoor.objects.all())

    # Every stage, in Brent and in at least one other borough, every category and every kind of outcome.
    concerns = _concerns()
    assert summary.concerns == len(concerns) > 30
    stages = Counter((concern.area.name == "Brent", stage_of(concern)) for concern in concerns)
    for stage in Stage.values:
        assert stages[(True, stage)] > 0, stage
    assert sum(stages[(False, stage)] > 0 for stage in Stage.values) >= 3
    assert {concern.category for concern in concerns} == set(Category.values)
    assert {concern.area_id for concern in concerns} == {area.pk for area in areas}
    assert any(concern.immediate_risk and stage_of(concern) == Stage.AWAITING_DECISION for concern in concerns)
    outcomes = set(Escalation.objects.exclude(outcome="").values_list("outcome", flat=True))
    assert {"nfa", "early_help", "child_in_need", "child_protection"} <= outcomes
    assert summary.outcomes == Escalation.objects.exclude(outcome="").count()
    assert Escalation.objects.filter(chases__isnull=False).exists()
    # Outcomes fed back into the children's plans.
    assert PlanVersion.objects.filter(summary__startswith="Next review brought forward").exists()
    # Several Link Workers raised them; the headline Link Worker raised some, at several stages.
    assert len({concern.raised_by_id for concern in concerns if concern.area.name == "Brent"}) >= 3
    headline = [concern for concern in concerns if concern.raised_by.user.email == f"linkworker@{DEMO_EMAIL_DOMAIN}"]
    assert len({stage_of(concern) for concern in headline}) >= 3

    # A peer group of three to five children of one team, decided and referred as a group.
    group = Context.objects.get(kind=Context.Kind.PEER_GROUP)
    children = list(group.children.all())
    assert 3 <= len(children) <= 5
    assert {(child.area_id, child.programme_organisation_id) for child in children} == {
        (group.area_id, group.organisation_id)
    }
    about_group = Concern.objects.get(context=group)
    assert about_group.decision.front_door_kind
    assert about_group.escalations.exists()

    # A realistic mix on the day: overdue at each step, and some in time.
    items = [
        item
        for team in Membership.objects.filter(role=Role.TEAM_MANAGER)
        for item in open_items(team.area_id, team.organisation_id, AS_OF_NOW)
    ]
    overdue = Counter(item.overdue for item in items)
    assert set(Overdue) <= set(overdue)
    assert overdue[None] > 0
    assert summary.overdue == len(items) - overdue[None]

    # The leads were told, the immediate-risk alerts among it, but not one email was sent (or marked as sent).
    assert Notification.objects.filter(kind=Kind.SAFEGUARDING_ALERT).exists()
    assert Notification.objects.filter(kind=Kind.SAFEGUARDING_DUE).count() == summary.reminders > 0
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()
    assert mail.outbox == []

    # Loading again adds nothing.
    again = demo_safeguarding_load(seed=2026, as_of=AS_OF)
    assert again.concerns == 0
    assert Concern.objects.count() == summary.concerns
    assert FrontDoor.objects.count() == summary.front_doors
