"""Writes for safeguarding: raising a concern (and alerting the leads), deciding it, referring it to a front door,
and recording the acknowledgement, chasers and outcome, which feed back into the child's plan.

Each write is atomic, checks who may make it, refuses bad input with a ``ValidationError`` naming the field, and
is audited against the child (or each child of the context) it is about.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import Membership, Role, User
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record_many
from joinedup.cases.access import Purpose, children_visible_to
from joinedup.cases.models import Child, Enrolment, Plan
from joinedup.cases.plans import plan_change
from joinedup.notifications.models import Kind
from joinedup.notifications.services import notify
from joinedup.safeguarding.access import MANAGERS, RAISERS, is_manager_of
from joinedup.safeguarding.models import (
    ESCALATING_ACTIONS,
    AreaSafeguarding,
    Chase,
    Concern,
    Context,
    Decision,
    Escalation,
    FrontDoor,
)
from joinedup.safeguarding.referral import FIELDS, Sent, referral_form
from joinedup.safeguarding.selectors import open_items

#: After an outcome the plan is reviewed within this many days, in the light of it.
REVIEW_AFTER_OUTCOME_DAYS = 14


def leads_of(*, area_id: int, organisation_id: int) -> list[Membership]:
    """The team's safeguarding leads; with none named, every active team manager of the team."""
    team = Membership.objects.filter(
        area_id=area_id, organisation_id=organisation_id, role=Role.TEAM_MANAGER, is_active=True
    ).select_related("user")
    named = list(team.filter(safeguarding_lead_in__area_id=area_id))
    return named or list(team)


def _audit(actor: Membership, event: AuditAction, record_type: str, pk: int, concern: Concern, **detail: Any) -> None:
    children = concern.child_ids()
    audit_record_many(
        action=event,
        actor=actor,
        record_type=record_type,
        records=[(pk, child_id) for child_id in children] or [(pk, None)],
        purpose=Purpose.SAFEGUARDING,
        detail=detail,
    )


def _not_future(day: date, field: str, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"{what} cannot be in the future."})


def _not_before(day: date, earlier: date, field: str, what: str) -> None:
    if day < earlier:
        raise ValidationError({field: f"{what} cannot be before {earlier:%-d %B %Y}."})


def _manager(actor: Membership, concern: Concern) -> None:
    if not is_manager_of(actor, area_id=concern.area_id, organisation_id=concern.organisation_id):
        raise ValidationError("Only the team’s managers and safeguarding leads can do this.")


# -- concerns ----------------------------------------------------------------------------------------------------


def context_create(*, actor: Membership, kind: str, name: str, description: str, children: list[Child]) -> Context:
    """A context (peer group, place, school setting, online space) of the actor's team, linked to children the
    actor may see."""
    if actor.role not in RAISERS:
        raise ValidationError("Your role cannot record safeguarding contexts.")
    if not children:
        raise ValidationError({"children": "Choose at least one child linked to this context."})
    foreign = [child for child in children if child.area_id != actor.area_id]
    if foreign:
        raise ValidationError({"children": f"{foreign[0].display_name} is not a child of {actor.area}."})
    # The context page lists every linked child to the team's managers: another programme's child would leak.
    others = [child for child in children if child.programme_organisation_id != actor.organisation_id]
    if others:
        raise ValidationError({"children": f"{others[0].display_name} is not a child of {actor.organisation}."})
    with transaction.atomic():
        context = Context.objects.create(
            area_id=actor.area_id,
            organisation_id=actor.organisation_id,
            kind=kind,
            name=name.strip(),
            description=description.strip(),
            created_by=actor.user,
        )
        context.children.set(children)
        audit_record_many(
            action=AuditAction.CREATE,
            actor=actor,
            record_type="safeguarding.context",
            records=[(context.pk, child.pk) for child in children],
            purpose=Purpose.SAFEGUARDING,
        )
    return context


def context_link(*, actor: Membership, context: Context, children: list[Child]) -> Context:
    """Link more children to a context (a manager's change)."""
    if not is_manager_of(actor, area_id=context.area_id, organisation_id=context.organisation_id):
        raise ValidationError("Only the team’s managers can change a context.")
    new = [
        child
        for child in children
        if child.area_id == context.area_id and child.programme_organisation_id == context.organisation_id
    ]
    if not new:
        raise ValidationError({"children": "Choose at least one child to link."})
    with transaction.atomic():
        context.children.add(*new)
        Context.objects.filter(pk=context.pk).update(modified_by=actor.user, modified_at=timezone.now())
        audit_record_many(
            action=AuditAction.CHANGE,
            actor=actor,
            record_type="safeguarding.context",
            records=[(context.pk, child.pk) for child in new],
            purpose=Purpose.SAFEGUARDING,
            detail={"linked": len(new)},
        )
    return context


def concern_raise(
    *,
    actor: Membership,
    child: Child | None = None,
    context: Context | None = None,
    what: str,
    child_words: str = "",
    happened_on: date,
    happened_time: time | None = None,
    place: str,
    present: str = "",
    category: str,
    immediate_risk: bool,
) -> Concern:
    """Record a concern about a child (already reached through ``access_child``) or a context of the actor's team,
    and tell the team's safeguarding leads: at once, and by email whatever they chose, when the risk is
    immediate."""
    if actor.role not in RAISERS:
        raise ValidationError(
            "Your role cannot raise safeguarding concerns here: follow your own organisation’s safeguarding procedure."
        )
    if (child is None) == (context is None):
        raise ValidationError("A concern is about one child or one context.")
    if child is not None and not children_visible_to(actor).filter(pk=child.pk).exists():
        raise ValidationError("You can raise a concern only about a child whose record you can see.")
    if context is not None and (context.area_id, context.organisation_id) != (actor.area_id, actor.organisation_id):
        raise ValidationError({"context": "Choose a context of your own team."})
    if not what.strip():
        raise ValidationError({"what": "Enter what you saw or heard."})
    _not_future(happened_on, "happened_on", "The date it happened")
    if child is not None and happened_on < child.date_of_birth:
        born = f"{child.date_of_birth:%-d %B %Y}"
        raise ValidationError({"happened_on": f"The date it happened cannot be before the child was born ({born})."})
    if (
        happened_time is not None
        and happened_on == timezone.localdate()
        and happened_time > timezone.localtime().time()
    ):
        raise ValidationError({"happened_time": "The time it happened cannot be later than now."})
    with transaction.atomic():
        concern = Concern.objects.create(
            area_id=actor.area_id,
            organisation_id=actor.organisation_id,
            child=child,
            context=context,
            raised_by=actor,
            what=what.strip(),
            child_words=child_words.strip(),
            happened_on=happened_on,
            happened_time=happened_time,
            place=place.strip(),
            present=present.strip(),
            category=category,
            immediate_risk=immediate_risk,
            created_by=actor.user,
        )
        _audit(actor, AuditAction.CREATE, "safeguarding.concern", concern.pk, concern, immediate_risk=immediate_risk)
        _tell_leads(actor, concern)
    return concern


def _tell_leads(actor: Membership, concern: Concern) -> None:
    link = reverse("safeguarding:concern", kwargs={"pk": concern.pk})
    raised_by = actor.user.full_name
    if concern.immediate_risk:
        kind = Kind.SAFEGUARDING_ALERT
        subject = "Immediate risk: a safeguarding concern needs you now"
        body = (
            f"{raised_by} raised a safeguarding concern with immediate risk to a child. Read it and decide what to do "
            "now. If a child is in immediate danger, call the police on 999."
        )
    else:
        kind = Kind.CONCERN_RAISED
        subject = "A safeguarding concern awaits your decision"
        body = f"{raised_by} raised a safeguarding concern. Read it and record your decision."
    for lead in leads_of(area_id=concern.area_id, organisation_id=concern.organisation_id):
        if lead.user_id == actor.user_id:
            continue
        notify(user=lead.user, kind=kind, key=f"concern:{concern.pk}:raised", subject=subject, body=body, link=link)


def _tell_raiser(actor: Membership, concern: Concern, key: str, what: str) -> None:
    raiser: User = concern.raised_by.user
    if raiser.pk == actor.user_id:
        return
    notify(
        user=raiser,
        kind=Kind.CONCERN_UPDATE,
        key=f"concern:{concern.pk}:{key}",
        subject="A safeguarding concern you raised: " + what,
        body=f"{actor.user.full_name} recorded this on a safeguarding concern you raised: {what}.",
        link=reverse("safeguarding:concern", kwargs={"pk": concern.pk}),
    )


# -- the decision -------------------------------------------------------------------------------------------------


def decision_record(*, actor: Membership, concern: Concern, level: str, action: str, reasons: str) -> Decision:
    """The safeguarding lead's decision: the level on the borough's continuum, the action and why. It can be
    changed until a referral is sent."""
    _manager(actor, concern)
    settings = AreaSafeguarding.for_area(concern.area_id)
    if level not in {code for code, _name in settings.level_choices()}:
        raise ValidationError({"level": "Choose a level of the borough’s continuum of need."})
    if action not in Decision.Action.values:
        raise ValidationError({"action": "Choose what happens next."})
    if not reasons.strip():
        raise ValidationError({"reasons": "Give the reasons for the decision, including a decision not to refer."})
    if concern.escalations.exists():
        raise ValidationError("A referral has been sent on this decision, so it is a record and cannot change.")
    decision = Decision.objects.filter(concern=concern).first() or Decision(concern=concern)
    created = decision.pk is None
    decision.level = level
    decision.level_name = settings.level_name(level)
    decision.action = action
    decision.reasons = reasons.strip()
    decision.decided_by = actor.user
    decision.decided_at = timezone.now()
    decision.full_clean()
    with transaction.atomic():
        decision.save()
        _audit(
            actor,
            AuditAction.CREATE if created else AuditAction.CHANGE,
            "safeguarding.decision",
            decision.pk,
            concern,
            level=level,
            action=action,
        )
        _tell_raiser(actor, concern, f"decided:{decision.decided_at:%Y%m%d%H%M%S}", "a decision")
    concern.decision = decision
    return decision


# -- referral to a front door ----------------------------------------------------------------------------------------


def front_door_for(concern: Concern) -> FrontDoor | None:
    decision: Decision | None = getattr(concern, "decision", None)
    kind = ESCALATING_ACTIONS.get(decision.action, "") if decision is not None else ""
    if not kind:
        return None
    return FrontDoor.objects.filter(area_id=concern.area_id, kind=kind).first()


def referral_preview(concern: Concern, door: FrontDoor, sent: Sent) -> list[dict[str, str]]:
    return referral_form(concern, list(door.required_fields), sent)


def escalation_send(
    *,
    actor: Membership,
    concern: Concern,
    sent_on: date,
    family_informed: bool,
    family_informed_note: str = "",
    actions_taken: str = "",
    reference: str = "",
) -> Escalation:
    """Record the referral sent to the front door the decision names, keeping the form exactly as sent."""
    _manager(actor, concern)
    decision: Decision | None = getattr(concern, "decision", None)
    if decision is None or not decision.front_door_kind:
        raise ValidationError("Record a decision to refer before sending a referral.")
    door = front_door_for(concern)
    if door is None:
        label = FrontDoor.Kind(decision.front_door_kind).label
        raise ValidationError(
            f"{concern.area.name} has no {label} front door set up. A team manager can add it under Safeguarding "
            "settings; until then, follow the borough’s published procedure."
        )
    if concern.escalations.filter(front_door=door).exists():
        raise ValidationError(
            f"This concern has been referred to {door.name} already. If something new has happened, raise a new "
            "concern."
        )
    _not_future(sent_on, "sent_on", "The date it was sent")
    _not_before(sent_on, timezone.localdate(decision.decided_at), "sent_on", "The date it was sent")
    if not family_informed and not family_informed_note.strip():
        raise ValidationError(
            {
                "family_informed_note": "Say why the family was not told, such as telling them could put the child at "
                "risk."
            }
        )
    sent = Sent(family_informed, family_informed_note.strip(), actions_taken.strip())
    with transaction.atomic():
        escalation = Escalation.objects.create(
            concern=concern,
            front_door=door,
            form=referral_preview(concern, door, sent),
            family_informed=family_informed,
            family_informed_note=sent.family_informed_note,
            sent_on=sent_on,
            reference=reference.strip(),
            created_by=actor.user,
        )
        _audit(actor, AuditAction.CREATE, "safeguarding.escalation", escalation.pk, concern, front_door=door.name)
        _tell_raiser(actor, concern, f"sent:{escalation.pk}", f"referred to {door.name}")
    return escalation


def escalation_acknowledge(
    *, actor: Membership, escalation: Escalation, acknowledged_on: date, reference: str = ""
) -> Escalation:
    concern = escalation.concern
    _manager(actor, concern)
    if escalation.acknowledged_on is not None:
        raise ValidationError("This referral’s acknowledgement is already recorded.")
    _not_future(acknowledged_on, "acknowledged_on", "The date of the acknowledgement")
    _not_before(acknowledged_on, escalation.sent_on, "acknowledged_on", "The date of the acknowledgement")
    with transaction.atomic():
        escalation.acknowledged_on = acknowledged_on
        escalation.reference = reference.strip() or escalation.reference
        escalation.acknowledged_by = actor.user
        escalation.modified_by = actor.user
        escalation.save(update_fields=["acknowledged_on", "acknowledged_by", "reference", "modified_by", "modified_at"])
        _audit(actor, AuditAction.CHANGE, "safeguarding.escalation", escalation.pk, concern, acknowledged=True)
    return escalation


def escalation_chase(*, actor: Membership, escalation: Escalation, chased_on: date, note: str = "") -> Chase:
    concern = escalation.concern
    _manager(actor, concern)
    if escalation.acknowledged_on is not None or escalation.outcome:
        raise ValidationError("This referral has been acknowledged: there is nothing to chase.")
    _not_future(chased_on, "chased_on", "The date of the chaser")
    _not_before(chased_on, escalation.sent_on, "chased_on", "The date of the chaser")
    with transaction.atomic():
        chase = Chase.objects.create(
            escalation=escalation, chased_on=chased_on, note=note.strip(), chased_by=actor.user
        )
        _audit(actor, AuditAction.CHANGE, "safeguarding.escalation", escalation.pk, concern, chased=str(chased_on))
    return chase


def escalation_outcome(
    *, actor: Membership, escalation: Escalation, outcome: str, outcome_on: date, note: str = ""
) -> Escalation:
    """Record what the front door decided. It feeds back into the plan of each child it is about: the plan is to
    be reviewed within two weeks in the light of it, and the change is kept as a plan version."""
    concern = escalation.concern
    _manager(actor, concern)
    if escalation.outcome:
        raise ValidationError("This referral’s outcome is already recorded.")
    if outcome not in Escalation.Outcome.values:
        raise ValidationError({"outcome": "Choose the outcome."})
    if outcome == Escalation.Outcome.OTHER and not note.strip():
        raise ValidationError({"note": "Say what the outcome was."})
    _not_future(outcome_on, "outcome_on", "The date of the outcome")
    _not_before(outcome_on, escalation.sent_on, "outcome_on", "The date of the outcome")
    with transaction.atomic():
        escalation.outcome = outcome
        escalation.outcome_on = outcome_on
        escalation.outcome_note = note.strip()
        escalation.acknowledged_on = escalation.acknowledged_on or outcome_on
        escalation.outcome_by = actor.user
        escalation.modified_by = actor.user
        escalation.save(
            update_fields=[
                "outcome",
                "outcome_on",
                "outcome_by",
                "outcome_note",
                "acknowledged_on",
                "modified_by",
                "modified_at",
            ]
        )
        _audit(actor, AuditAction.CHANGE, "safeguarding.escalation", escalation.pk, concern, outcome=outcome)
        _feed_back(actor, escalation)
        _tell_raiser(
            actor, concern, f"outcome:{escalation.pk}", f"the outcome of the referral to {escalation.front_door}"
        )
    return escalation


def _feed_back(actor: Membership, escalation: Escalation) -> None:
    """Bring the review of each open plan the referral is about forward, in the light of the outcome."""
    review_by = timezone.localdate() + timedelta(days=REVIEW_AFTER_OUTCOME_DAYS)
    # A plan whose review is due sooner already (or overdue) is left as it is.
    plans = (
        Plan.objects.filter(
            Q(next_review_on__isnull=True) | Q(next_review_on__gt=review_by),
            enrolment__child_id__in=escalation.concern.child_ids(),
            enrolment__child__programme_organisation_id=actor.organisation_id,
        )
        .exclude(enrolment__stage=Enrolment.Stage.CLOSED)
        .select_related("enrolment")
    )
    # Plan versions are read by others who see the child (school staff, data leads): the summary says what
    # changed in the plan, not why; the chronology tells those who work the case.
    summary = f"Next review brought forward to {review_by:%-d %B %Y}"
    for plan in plans:

        def review_sooner(plan: Plan) -> None:
            plan.next_review_on = review_by
            plan.save(update_fields=["next_review_on"])

        plan_change(actor=actor, plan=plan, seen_version=plan.version, summary=summary, change=review_sooner)


# -- settings --------------------------------------------------------------------------------------------------------


def settings_save(*, actor: Membership, data: dict[str, Any], leads: list[Membership]) -> AreaSafeguarding:
    """A manager sets the borough's safeguarding settings, and which of their own team are its leads."""
    if actor.role not in MANAGERS:
        raise ValidationError("Only team managers can change the safeguarding settings.")
    if any(
        (lead.area_id, lead.organisation_id, lead.role) != (actor.area_id, actor.organisation_id, Role.TEAM_MANAGER)
        for lead in leads
    ):
        raise ValidationError({"leads": "Safeguarding leads are team managers of your own team."})
    with transaction.atomic():
        settings, _created = AreaSafeguarding.objects.get_or_create(area_id=actor.area_id)
        for name, value in data.items():
            setattr(settings, name, value)
        settings.changed_by = actor.user
        settings.changed_at = timezone.now()
        settings.full_clean()
        settings.save()
        others = settings.leads.exclude(organisation_id=actor.organisation_id)
        settings.leads.set([*others, *leads])
        audit_record_many(
            action=AuditAction.CHANGE,
            actor=actor,
            record_type="safeguarding.settings",
            records=[(settings.pk, None)],
            detail={"fields": sorted(data), "leads": [lead.pk for lead in leads]},
        )
    return settings


def front_door_save(*, actor: Membership, kind: str, data: dict[str, Any]) -> FrontDoor:
    if actor.role not in MANAGERS:
        raise ValidationError("Only team managers can change the borough’s front doors.")
    unknown = set(data.get("required_fields", [])) - set(FIELDS)
    if unknown:
        raise ValidationError({"required_fields": "Choose fields from the list."})
    door = FrontDoor.objects.filter(area_id=actor.area_id, kind=kind).first() or FrontDoor(
        area_id=actor.area_id, kind=kind
    )
    for name, value in data.items():
        setattr(door, name, value)
    door.changed_by = actor.user
    door.changed_at = timezone.now()
    door.full_clean()
    with transaction.atomic():
        door.save()
        audit_record_many(
            action=AuditAction.CHANGE,
            actor=actor,
            record_type="safeguarding.front_door",
            records=[(door.pk, None)],
            detail={"kind": kind},
        )
    return door


# -- reminders -------------------------------------------------------------------------------------------------------


def overdue_remind(now: datetime | None = None) -> int:
    """Tell each team's safeguarding leads of what is overdue today: once per item and step (a referral is
    chased again after each chaser). The number of notifications sent."""
    now = now or timezone.localtime()
    sent = 0
    teams = Concern.objects.order_by().values_list("area_id", "organisation_id").distinct()
    for area_id, organisation_id in teams:
        items = [item for item in open_items(area_id, organisation_id, now) if item.overdue]
        if not items:
            continue
        for lead in leads_of(area_id=area_id, organisation_id=organisation_id):
            for item in items:
                done = notify(
                    user=lead.user,
                    kind=Kind.SAFEGUARDING_DUE,
                    key=f"concern:{item.concern.pk}:overdue:{item.overdue}:{item.overdue_key}",
                    subject=f"Safeguarding: {item.overdue_label.lower()}",
                    body=f"A safeguarding concern in your team: {item.overdue_label.lower()}. {item.next_step}",
                    link=reverse("safeguarding:concern", kwargs={"pk": item.concern.pk}),
                )
                sent += done is not None
    return sent
