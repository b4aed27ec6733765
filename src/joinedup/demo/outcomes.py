"""Outcomes in the demo: every enrolled child measured from the day they started, term by term, and an outcomes
contract in each borough that pays on it.

Each child has a baseline on the day their enrolment started, at risk on the measures that follow the areas
identification found (attendance, reading, maths, the SDQ's emotional and peer scales) and not at risk on the
others, then a reading about every 13 weeks (a term) up to the day the demo is loaded. Most children improve:
about two in three of those measured again are no longer at risk on at least one of their measures by their latest
reading, some do not change much, and a few get worse. SDQ questionnaires are filled in by the class teacher for a
child of primary age and by the child from 11; the same respondent answers every time, so readings compare.

Each borough's data lead sets a demo reliable change on attendance, the two SDQ scales and the Stirling scale,
and keeps the borough's outcomes contract: sign-up, high engagement, and an outcome rate on five measures, one of
them capped. The readings are written in bulk and every child's progress is worked out once, by the same service
the app uses. The same seed and day give the same readings; a second load adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from joinedup.accounts.models import Area, Membership, Role
from joinedup.cases.models import Enrolment
from joinedup.outcomes.models import Contract, ContractRate, Measure, Measurement, Progress
from joinedup.outcomes.services import (
    contract_rate_save,
    contract_save,
    default_evidence,
    measure_save,
    measures_ensure,
    progress_refresh,
)

__all__ = ["OutcomesLoadSummary", "demo_outcomes_load", "demo_outcomes_loaded"]

#: The measures each demo child is measured on (English is left out: the demo's schools report reading and
#: writing), and the Stirling scale only from 8, the youngest age it is written for.
_MEASURED = ("attendance", "reading", "writing", "maths", "sdq_emotional", "sdq_peer", "sdq_total", "stirling")
_STIRLING_FROM_AGE = 8
#: A demo value for the least reliable change, where the measure is a score that moves in small steps.
_RELIABLE_CHANGE = {"attendance": 5.0, "sdq_emotional": 3.0, "sdq_peer": 3.0, "stirling": 5.0}
_RELIABLE_CHANGE_SOURCE = "Demo value: set from your measure's published reliability"
#: The outcome rates of each contract (a price between £1,000 and £1,500 each), and the one with a cap.
_OUTCOME_RATES = ("attendance", "reading", "maths", "sdq_emotional", "sdq_peer")
_CAPPED = "attendance"
_TERM_DAYS = 91

#: How a child responds, overall: most improve, some hold steady, a few get worse.
_IMPROVES, _STEADY, _WORSENS = "improves", "steady", "worsens"
_RESPONSES = ((_IMPROVES, 0.74), (_STEADY, 0.17), (_WORSENS, 0.09))


@dataclass(frozen=True)
class OutcomesLoadSummary:
    children: int
    measurements: int
    targeted: int  # at risk at baseline on at least one measure, and measured again
    cleared: int  # of those, no longer at risk on at least one of them at the latest reading
    worsened: int  # children reliably worse on at least one measure
    contracts: int
    rates: int


def demo_outcomes_loaded() -> bool:
    return Measurement.objects.exists() or Contract.objects.exists()


def demo_outcomes_load(*, seed: int, as_of: date) -> OutcomesLoadSummary:
    """Measurements for every enrolled demo child up to ``as_of``, where each stands, and each borough's outcomes
    contract. Adds nothing when measurements or contracts are already loaded."""
    if demo_outcomes_loaded():
        return OutcomesLoadSummary(0, 0, 0, 0, 0, 0, 0)
    rng = random.Random(f"joinedup-demo-outcomes:{seed}")
    # A reading cannot be dated in the future (the app refuses one).
    as_of = min(as_of, timezone.localdate())
    readings: list[Measurement] = []
    contracts = rates = 0
    with transaction.atomic():
        for area in Area.objects.order_by("name"):
            enrolments = list(
                Enrolment.objects.filter(child__area=area).select_related("child").order_by("start_date", "pk")
            )
            lead = (
                Membership.objects.filter(area=area, role=Role.DATA_LEAD)
                .select_related("user", "organisation")
                .order_by("pk")
                .first()
            )
            if not enrolments or lead is None:
                continue
            measures = {measure.key: measure for measure in measures_ensure(area)}
            # Before any reading exists, so that saving the measure has no progress to work out again.
            for key, amount in _RELIABLE_CHANGE.items():
                measure = measures[key]
                measure.reliable_change = amount
                measure.reliable_change_source = _RELIABLE_CHANGE_SOURCE
                measure_save(actor=lead, measure=measure)
            # Each child once, from their newest enrolment (the one their progress is filed under).
            newest = {enrolment.child_id: enrolment for enrolment in enrolments}
            made = [
                reading
                for enrolment in sorted(newest.values(), key=lambda enrolment: enrolment.child_id)
                for reading in _child_readings(rng, enrolment, measures, as_of)
            ]
            readings += made
            baseline_at_risk = {
                reading.child_id
                for reading in made
                if reading.occasion == Measurement.Occasion.BASELINE
                and reading.measure_id == measures[_CAPPED].pk
                and measures[_CAPPED].rule().at_risk(reading.value, reading.respondent)
            }
            rates += _contract(rng, lead, measures, start=enrolments[0].start_date, at_risk=len(baseline_at_risk))
            contracts += 1
        Measurement.objects.bulk_create(readings, batch_size=2000)
        children = sorted({reading.child_id for reading in readings})
        progress_refresh(child_ids=children)
    enrolled = Progress.objects.filter(child__isnull=False)
    targeted = enrolled.filter(baseline_at_risk=True, latest_on__isnull=False)
    return OutcomesLoadSummary(
        children=len(children),
        measurements=len(readings),
        targeted=targeted.values("child_id").distinct().count(),
        cleared=targeted.filter(latest_at_risk=False).values("child_id").distinct().count(),
        worsened=enrolled.filter(reliable=-1).values("child_id").distinct().count(),
        contracts=contracts,
        rates=rates,
    )


def _contract(rng: random.Random, lead: Membership, measures: dict[str, Measure], *, start: date, at_risk: int) -> int:
    """The borough's outcomes contract, from the start of the school year its first child started in, for three
    years; the capped outcome is capped at about half the children at risk on it, so the cap is reached."""
    first_year = start.year if start.month >= 9 else start.year - 1
    contract = contract_save(
        actor=lead,
        contract=Contract(
            name=f"{lead.area.name} outcomes contract",
            funder=f"{lead.area.name} Council",
            starts_on=date(first_year, 9, 1),
            ends_on=date(first_year + 3, 8, 31),
        ),
    )
    rates = [
        ContractRate(contract=contract, event=ContractRate.Event.SIGN_UP, price=Decimal(500)),
        ContractRate(contract=contract, event=ContractRate.Event.ENGAGEMENT, price=Decimal(300)),
        *(
            ContractRate(
                contract=contract,
                event=ContractRate.Event.OUTCOME,
                measure=measures[key],
                price=Decimal(rng.choice((1000, 1250, 1500))),
                total_cap=max(5, round(at_risk / 2 / 5) * 5) if key == _CAPPED else None,
            )
            for key in _OUTCOME_RATES
        ),
    ]
    for rate in rates:
        rate.evidence = default_evidence(rate.event)
        contract_rate_save(actor=lead, rate=rate)
    return len(rates)


def _pick_response(rng: random.Random) -> str:
    roll = rng.random()
    for response, share in _RESPONSES:
        if roll < share:
            return response
        roll -= share
    return _RESPONSES[-1][0]


def _reading_days(rng: random.Random, start: date, as_of: date) -> list[date]:
    """The baseline on the first day, then about every 13 weeks, for up to two years, up to ``as_of``."""
    days = [start]
    for term in range(1, 9):
        day = start + timedelta(days=term * _TERM_DAYS + rng.randint(-6, 6))
        if day > as_of:
            break
        days.append(day)
    return days


def _child_readings(
    rng: random.Random, enrolment: Enrolment, measures: dict[str, Measure], as_of: date
) -> list[Measurement]:
    child = enrolment.child
    age = child.age_on(enrolment.start_date)
    respondent = Measurement.Respondent.PUPIL if age >= 11 else Measurement.Respondent.TEACHER
    domains = set(enrolment.at_risk_domains)
    targeted = {key for key in _MEASURED if measures[key].identification_domain in domains}
    response = _pick_response(rng)
    # Measured while on the programme: up to the day the enrolment closed, if it has.
    days = _reading_days(rng, enrolment.start_date, min(as_of, enrolment.closed_on or as_of))
    # How many terms this child takes to get where they are going: some quickly, some over the whole two years.
    ramp = rng.choice((1, 2, 2, 3, 3, 4, 5))
    series: dict[str, list[float]] = {}
    for key in _MEASURED:
        if key == "sdq_total" or (key == "stirling" and age < _STIRLING_FROM_AGE):
            continue
        measure = measures[key]
        at_risk = key in targeted
        moves = response if at_risk else rng.choice((_STEADY, _STEADY, _STEADY, response))
        if at_risk and response == _IMPROVES and rng.random() < 0.2:
            moves = _STEADY  # an improving child rarely improves on everything at once
        series[key] = _series(rng, measure, respondent, at_risk, moves, ramp, len(days))
    # The total difficulties score follows the two scales it includes, with the three not measured here.
    others = rng.randint(4, 12)
    series["sdq_total"] = [
        float(min(40, max(0, emotional + peer + others + rng.randint(-1, 1))))
        for emotional, peer in zip(series["sdq_emotional"], series["sdq_peer"], strict=True)
    ]
    if "stirling" in series:
        # Wellbeing tracks emotional symptoms: lower where they are raised.
        shift = -6 if "sdq_emotional" in targeted else 0
        series["stirling"] = [min(60.0, max(12.0, value + shift)) for value in series["stirling"]]
    made = []
    for key, values in series.items():
        measure = measures[key]
        questionnaire = measure.kind in (Measure.Kind.SDQ, Measure.Kind.STIRLING)
        for index, (day, value) in enumerate(zip(days, values, strict=True)):
            made.append(
                Measurement(
                    child_id=child.pk,
                    measure=measure,
                    value=value,
                    respondent=respondent if measure.asks_respondent else "",
                    taken_on=day,
                    occasion=Measurement.Occasion.BASELINE if index == 0 else Measurement.Occasion.REVIEW,
                    source=Measurement.Source.ENTERED if questionnaire else Measurement.Source.SCHOOL_DATA,
                    created_by_id=enrolment.link_worker_id,
                    modified_by_id=enrolment.link_worker_id,
                )
            )
    return made


def _series(
    rng: random.Random, measure: Measure, respondent: str, at_risk: bool, moves: str, ramp: int, count: int
) -> list[float]:
    """One measure's values at each reading: a start at risk or not, a goal, and the way there over ``ramp``
    terms, with the ups and downs of real readings."""
    if measure.key == "attendance":
        start = rng.uniform(72, 88.5) if at_risk else rng.uniform(91.5, 99)
        goal = {
            _IMPROVES: rng.uniform(91, 97) if at_risk else start + rng.uniform(0, 3),
            _STEADY: start + rng.uniform(-3, 3),
            _WORSENS: start - rng.uniform(6, 14),
        }[moves]
        noise, low, high, places = 1.5, 40.0, 100.0, 1
    elif measure.scale == Measure.Scale.LEVELS:
        start = 0 if at_risk else rng.choice((1, 1, 1, 2))
        goal = {
            _IMPROVES: start + 1 if at_risk else start,
            _STEADY: start,
            _WORSENS: start - (rng.random() < 0.5),
        }[moves]
        noise, low, high, places = 0.0, 0.0, 2.0, 0
    elif measure.key == "stirling":
        start = rng.randint(36, 50)
        goal = {_IMPROVES: start + rng.randint(3, 10), _STEADY: start + rng.randint(-2, 2)}.get(
            moves, start - rng.randint(5, 10)
        )
        noise, low, high, places = 1.5, 12.0, 60.0, 0
    else:  # an SDQ scale: lower is better, at risk from the respondent's threshold
        threshold = int(measure.rule().threshold_for(respondent) or 5)
        start = min(10, threshold + rng.randint(0, 3)) if at_risk else rng.randint(0, max(0, threshold - 2))
        goal = {
            _IMPROVES: max(0, threshold - rng.randint(1, 3)) if at_risk else max(0, start - rng.randint(0, 1)),
            _STEADY: start + rng.choice((-1, 0, 0, 1)),
        }.get(moves, start + rng.randint(3, 4))
        noise, low, high, places = 0.6, 0.0, 10.0, 0
    values = [float(start)]
    for term in range(1, count):
        share = min(1.0, term / ramp)
        value = start + (goal - start) * share + rng.gauss(0, noise)
        values.append(round(min(high, max(low, value)), places) if places else float(round(min(high, max(low, value)))))
    return values
