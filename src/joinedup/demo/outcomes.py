"""Outcomes in the demo: every enrolled child measured from the day they started, term by term; last school year's
screening beside this one, so each borough has a comparison group; and an outcomes contract in each borough that
pays on it.

Each child has a baseline on the day their enrolment started, at risk on the measures that follow the areas
identification found (attendance, reading, maths, the SDQ's emotional and peer scales) and not at risk on the
others, then a reading about every 13 weeks (a term) up to the day the demo is loaded. A child under 11 is measured
on reading, writing and maths, as a primary school reports them; from 11 on English and maths, as a secondary school
does. Writing and English go with reading: the demo's enrolments name reading as the literacy area at risk, so a
primary child at risk on reading is at risk on writing three times in four, and an older child on English. Most
children improve: about two in three of those measured again are no longer at risk on at least one of their measures
by their latest reading, some do not change much, and a few get worse. SDQ questionnaires are filled in by the class
teacher for a child of primary age and by the child from 11; the same respondent answers every time, so readings
compare.

The demo identification imports this school year's school data and survey only. Here each borough's data lead
also has last year's (imported the July before): most of this year's pupils, at the same school a year group lower
(not Reception, whose pupils were not at school, nor Year 7, who were at primary school), with values a year
earlier. Pupils who are not supported stay much as they were: most at risk then are still at risk now, some are no
longer, and a few were not at risk then and are now. The comparison group (pupils screened last year and not
enrolled, with this year's values) is then worked out by the service the app uses, filed under this school year;
no enrolled child's identification row is among them.

Each borough's data lead sets a demo reliable change on attendance, the two SDQ scales and the Stirling scale,
and keeps the borough's outcomes contract: sign-up, high engagement, and an outcome rate on five measures, one of
them capped. The readings are written in bulk and every child's progress is worked out once, by the same service
the app uses. The same seed and day give the same readings; a second load adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from joinedup.accounts.models import Area, Membership, Role
from joinedup.cases.models import Enrolment
from joinedup.demo.identification import SCHOOL_YEAR
from joinedup.identification.models import ColumnMapping, ScreenedPupil, ScreeningImport
from joinedup.impact import MeasureRule
from joinedup.outcomes.models import LEVEL_VALUES, Contract, ContractRate, Measure, Measurement, Progress
from joinedup.outcomes.services import (
    comparison_refresh,
    contract_rate_save,
    contract_save,
    default_evidence,
    measure_save,
    measures_ensure,
    progress_refresh,
    year_before,
)

__all__ = ["OutcomesLoadSummary", "demo_outcomes_load", "demo_outcomes_loaded"]

#: The measures each demo child is measured on: reading, writing and maths under 11 (a primary school's subjects),
#: English and maths from 11 (a secondary school's); the Stirling scale only from 8, the youngest age it is
#: written for.
_MEASURED = (
    "attendance",
    "reading",
    "writing",
    "maths",
    "english",
    "sdq_emotional",
    "sdq_peer",
    "sdq_total",
    "stirling",
)
_PRIMARY_ONLY, _SECONDARY_ONLY = frozenset({"reading", "writing"}), frozenset({"english"})
_SECONDARY_FROM_AGE = 11
_STIRLING_FROM_AGE = 8
#: How often a primary child at risk on reading is at risk on writing too.
_WRITING_WITH_READING = 0.75
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

#: Last year's screening: the share of this year's pupils (of the year groups that were at the school) who were
#: there, and who answered last year's survey of those who answered this one's.
_STAYED, _SURVEYED_BEFORE = 0.88, 0.92
#: Pupils not supported, from one year to the next, by kind of measure: of those at risk last year, the share no
#: longer at risk this year; of those at risk this year, the share who were not at risk last year.
_CLEARED_UNSUPPORTED = {"attendance": 0.3, "levels": 0.2, "sdq": 0.3}
_NEWLY_AT_RISK = {"attendance": 0.25, "levels": 0.15, "sdq": 0.3}
#: The Stirling scale is asked in Years 4 to 10 (ages 8 to 15), as in the demo's survey.
_STIRLING_YEARS = range(4, 11)
_LEVEL_NAMES = {value: name for name, value in LEVEL_VALUES.items()}


@dataclass(frozen=True)
class OutcomesLoadSummary:
    children: int
    measurements: int
    targeted: int  # at risk at baseline on at least one measure, and measured again
    cleared: int  # of those, no longer at risk on at least one of them at the latest reading
    worsened: int  # children reliably worse on at least one measure
    contracts: int
    rates: int
    screened_before: int = 0  # pupils in last school year's screening, in all boroughs
    comparison: int = 0  # of those, screened and not enrolled, with this year's values: the comparison groups


def demo_outcomes_loaded() -> bool:
    return Measurement.objects.exists() or Contract.objects.exists()


def demo_outcomes_load(*, seed: int, as_of: date) -> OutcomesLoadSummary:
    """Measurements for every enrolled demo child up to ``as_of``, where each stands, and each borough's outcomes
    contract. Adds nothing when measurements or contracts are already loaded."""
    if demo_outcomes_loaded():
        return OutcomesLoadSummary(children=0, measurements=0, targeted=0, cleared=0, worsened=0, contracts=0, rates=0)
    rng = random.Random(f"joinedup-demo-outcomes:{seed}")
    # A reading cannot be dated in the future (the app refuses one).
    as_of = min(as_of, timezone.localdate())
    readings: list[Measurement] = []
    contracts = rates = screened_before = comparison = 0
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
            screened_before += _last_year_screened(rng, lead, measures)
            comparison += comparison_refresh(area=area, baseline_year=year_before(SCHOOL_YEAR))
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
        screened_before=screened_before,
        comparison=comparison,
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
    secondary = age >= _SECONDARY_FROM_AGE
    subjects_left_out = _PRIMARY_ONLY if secondary else _SECONDARY_ONLY
    targeted = {key for key in _MEASURED if measures[key].identification_domain in domains}
    # Literacy: the enrolments name reading; writing often goes with it, and English covers both from 11.
    if "reading" in domains and (secondary or rng.random() < _WRITING_WITH_READING):
        targeted.add("english" if secondary else "writing")
    targeted -= subjects_left_out
    response = _pick_response(rng)
    # Measured while on the programme: up to the day the enrolment closed, if it has.
    days = _reading_days(rng, enrolment.start_date, min(as_of, enrolment.closed_on or as_of))
    # How many terms this child takes to get where they are going: some quickly, some over the whole two years.
    ramp = rng.choice((1, 2, 2, 3, 3, 4, 5))
    series: dict[str, list[float]] = {}
    for key in _MEASURED:
        if key == "sdq_total" or key in subjects_left_out or (key == "stirling" and age < _STIRLING_FROM_AGE):
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
        for index, (day, value) in enumerate(zip(days, values, strict=True)):
            made.append(
                Measurement(
                    child_id=child.pk,
                    measure=measure,
                    value=value,
                    respondent=respondent if measure.asks_respondent else "",
                    taken_on=day,
                    occasion=Measurement.Occasion.BASELINE if index == 0 else Measurement.Occasion.REVIEW,
                    # Demo children were enrolled without identification, so there is no UPN to read school data
                    # by: their Link Worker enters each term's figures from the school's reports.
                    source=Measurement.Source.ENTERED,
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


def _last_year_screened(rng: random.Random, lead: Membership, measures: dict[str, Measure]) -> int:
    """Last school year's school data and survey for the data lead's borough, imported the July before: a row for
    most of this year's pupils, a year group lower at the same school. Adds nothing if that year is imported."""
    area = lead.area
    year = year_before(SCHOOL_YEAR)
    if ScreeningImport.objects.filter(area=area, school_year=year).exists():
        return 0
    # An enrolled child's identification row (none in the demo, whose children were enrolled without one) is
    # left out, so that no enrolled child can ever be in the comparison group.
    enrolled = set(
        Enrolment.objects.filter(cohort_entry__isnull=False).values_list("cohort_entry__pupil__upn", flat=True)
    )
    now = [
        pupil
        for pupil in ScreenedPupil.objects.filter(area=area, school_year=SCHOOL_YEAR).order_by("pk")
        if pupil.year_group not in (0, 7) and pupil.upn not in enrolled and rng.random() < _STAYED
    ]
    if not now:
        return 0
    slug = area.name.lower().replace(" ", "-")
    july = int(year[:4]) + 1
    imports = {
        kind: ScreeningImport.objects.create(
            area=area,
            kind=kind,
            school_year=year,
            file_name=f"{slug}-{kind.replace('_', '-')}-{year.replace('/', '-')}.csv",
            stored_path=f"{slug}-{kind}-{year.replace('/', '-')}.csv",  # imported: the file is not kept
            status=ScreeningImport.Status.IMPORTED,
            started_by=lead.user,
        )
        for kind in (ColumnMapping.Kind.SCHOOL_DATA, ColumnMapping.Kind.SURVEY)
    }
    rules = {key: measure.rule() for key, measure in measures.items()}
    chances = {key: _unsupported_odds(key, rules[key], now) for key in _SHIFTED}
    before = [_a_year_earlier(rng, pupil, rules, chances) for pupil in now]
    surveyed = [row for row in before if row.respondent]
    for row in before:
        row.school_data_import = imports[ColumnMapping.Kind.SCHOOL_DATA]
        row.survey_import = imports[ColumnMapping.Kind.SURVEY] if row.respondent else None
    ScreenedPupil.objects.bulk_create(before, batch_size=2000)
    # Dated in July, when the files were imported (the record's start is set on creation, so it is set here).
    counts = {ColumnMapping.Kind.SCHOOL_DATA: len(before), ColumnMapping.Kind.SURVEY: len(surveyed)}
    for day, (kind, count) in zip((8, 15), counts.items(), strict=True):
        started = timezone.make_aware(datetime.combine(date(july, 7, day), time(10, 30)))
        ScreeningImport.objects.filter(pk=imports[kind].pk).update(
            started_at=started, finished_at=started + timedelta(seconds=40), rows=count, created=count
        )
    return len(before)


#: The measures whose value last year is drawn from this year's, by kind of measure.
_SHIFTED = {
    "attendance": "attendance",
    "reading": "levels",
    "writing": "levels",
    "maths": "levels",
    "english": "levels",
    "sdq_emotional": "sdq",
    "sdq_peer": "sdq",
}


def _value_now(key: str, pupil: ScreenedPupil) -> float | None:
    """This year's value on a measure, as a number; a KS2 scaled score as the level it stands for."""
    raw = getattr(pupil, "attendance_pct" if key == "attendance" else key)
    if raw in (None, ""):
        return None
    if _SHIFTED[key] == "levels":
        text = str(raw).lower()
        return (
            float(LEVEL_VALUES[text])
            if text in LEVEL_VALUES
            else float(0 if int(text) < 100 else 2 if int(text) >= 110 else 1)
        )
    return float(raw)


def _unsupported_odds(key: str, rule: MeasureRule, pupils: list[ScreenedPupil]) -> float:
    """The chance that a pupil not at risk this year was at risk last year, so that of those at risk last year the
    kind of measure's share no longer are: with r at risk now, a share w of them newly, and c cleared,
    q (1 - r) = c / (1 - c) (1 - w) r."""
    found = [(_value_now(key, pupil), pupil.respondent) for pupil in pupils]
    flags = [rule.at_risk(value, respondent) for value, respondent in found if value is not None]
    at_risk = sum(1 for flag in flags if flag) / max(1, len(flags))
    cleared, newly = _CLEARED_UNSUPPORTED[_SHIFTED[key]], _NEWLY_AT_RISK[_SHIFTED[key]]
    return min(1.0, cleared / (1 - cleared) * (1 - newly) * at_risk / max(0.01, 1 - at_risk))


def _a_year_earlier(
    rng: random.Random, pupil: ScreenedPupil, rules: dict[str, MeasureRule], chances: dict[str, float]
) -> ScreenedPupil:
    """The pupil's row last year: the same pupil a year group lower, their values a year earlier. At risk then or
    not is drawn first (from whether they are now, and the odds for an unsupported pupil), then a value on that
    side of the threshold near this year's."""
    respondent = pupil.respondent if pupil.respondent and rng.random() < _SURVEYED_BEFORE else ""
    before: dict[str, float | None] = {}
    for key, kind in _SHIFTED.items():
        value = _value_now(key, pupil)
        if value is None or (kind == "sdq" and not respondent):
            before[key] = None
            continue
        rule = rules[key]
        now_at_risk = bool(rule.at_risk(value, respondent))
        was_at_risk = rng.random() >= _NEWLY_AT_RISK[kind] if now_at_risk else rng.random() < chances[key]
        threshold = rule.threshold_for(respondent)
        if threshold is None:
            before[key] = value
        elif kind == "attendance":
            before[key] = _attendance_before(rng, value, threshold, was_at_risk)
        elif kind == "levels":
            before[key] = (
                0.0 if was_at_risk else max(1.0, value - (rng.random() < 0.15) + (value == 1) * (rng.random() < 0.1))
            )
        else:
            before[key] = _sdq_before(rng, value, threshold, was_at_risk)
    emotional, peer = before["sdq_emotional"], before["sdq_peer"]
    total = None
    if emotional is not None and peer is not None and pupil.sdq_total is not None and respondent:
        others = pupil.sdq_total - (pupil.sdq_emotional or 0) - (pupil.sdq_peer or 0)
        total = min(40, max(0, round(emotional + peer + others)))
    stirling = None
    if respondent and pupil.year_group - 1 in _STIRLING_YEARS:
        # Wellbeing moves against emotional symptoms; asked of a year group that was not asked this year, anew.
        change = 1.1 * ((pupil.sdq_emotional or 0) - (emotional or 0))
        start = pupil.stirling_total if pupil.stirling_total is not None else 46 - 1.1 * (emotional or 0)
        stirling = min(60, max(12, round(start + change + rng.gauss(0, 3))))
    return ScreenedPupil(
        area_id=pupil.area_id,
        school_id=pupil.school_id,
        school_year=year_before(pupil.school_year),
        upn=pupil.upn,
        forenames=pupil.forenames,
        surname=pupil.surname,
        date_of_birth=pupil.date_of_birth,
        sex=pupil.sex,
        year_group=pupil.year_group - 1,
        postcode=pupil.postcode,
        attendance_pct=before["attendance"],
        **{
            key: "" if before[key] is None else _LEVEL_NAMES[int(before[key] or 0)]
            for key in ("reading", "writing", "maths", "english")
        },
        fsm=pupil.fsm,
        pupil_premium=pupil.pupil_premium,
        sen=pupil.sen,
        eal=pupil.eal,
        ethnicity=pupil.ethnicity,
        exclusions=None if pupil.exclusions is None else max(0, pupil.exclusions - (rng.random() < 0.5)),
        social_care_status=pupil.social_care_status,
        respondent=respondent,
        sdq_emotional=None if emotional is None else int(emotional),
        sdq_peer=None if peer is None else int(peer),
        sdq_total=total,
        stirling_total=stirling,
    )


def _attendance_before(rng: random.Random, now: float, threshold: float, at_risk: bool) -> float:
    """Last year's attendance: near this year's on the same side of the threshold, or across it."""
    if at_risk and now < threshold:
        value = min(threshold - 0.1, now + rng.gauss(0, 2.5))
    elif at_risk:  # no longer persistently absent this year
        value = min(now - rng.uniform(2, 6), threshold - rng.uniform(0.5, 7))
    elif now >= threshold:
        value = max(threshold, now + rng.gauss(0, 1.5))
    else:  # attended well last year, and not this year
        value = max(now + rng.uniform(2, 6), threshold + rng.uniform(0.5, 5))
    return round(min(100.0, max(40.0, value)), 1)


def _level_before(rng: random.Random, now: float, at_risk: bool) -> float:
    """Last year's level: below the expected standard if at risk, else mostly this year's (working towards the
    expected standard this year: at it last year), now and then a step apart."""
    if at_risk:
        return 0.0
    if now == 2:
        return 1.0 if rng.random() < 0.15 else 2.0
    return 2.0 if rng.random() < 0.1 else 1.0


def _sdq_before(rng: random.Random, now: float, threshold: float, at_risk: bool) -> float:
    """Last year's score on an SDQ scale (at risk from ``threshold`` up): near this year's, or across the line."""
    top = int(threshold)
    if at_risk and now >= threshold:
        value = max(top, int(now) + rng.choice((-1, 0, 0, 1)))
    elif at_risk:  # below the line this year
        value = max(int(now) + rng.randint(1, 3), top + rng.randint(0, 2))
    elif now < threshold:
        value = min(top - 1, max(0, int(now) + rng.choice((-1, 0, 0, 1))))
    else:  # above the line only this year
        value = min(int(now) - rng.randint(1, 3), top - rng.randint(1, 2))
    return float(min(10, max(0, value)))
