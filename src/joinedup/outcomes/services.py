"""Writes for outcomes: measures, measurements (entered, read from school data, or sent through the API), where each
child stands, and outcomes contracts.

Every write of a measurement ends by refreshing the child's ``Progress`` on that measure, in the same transaction,
so the reports and claims that count progress rows never disagree with the readings behind them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.accounts.models import Area, Membership, Role
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.cases.models import Child, Enrolment
from joinedup.identification.models import ScreenedPupil, school_year_of
from joinedup.identification.services import rules_current
from joinedup.impact import SDQ_BANDS, Reading, progress
from joinedup.impact import Progress as Standing
from joinedup.outcomes.models import (
    LEVEL_VALUES,
    Contract,
    ContractRate,
    Measure,
    Measurement,
    Progress,
    SubmittedClaim,
)
from joinedup.outcomes.selectors import Period, contract_claim
from joinedup.rules.model import RuleSet

#: Who keeps a borough's measures and contracts.
KEEPERS = frozenset({Role.DATA_LEAD})
#: Who records a child's measurements in the app (and through the API).
RECORDERS = frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER, Role.DATA_LEAD})


def _keeper(actor: Membership) -> None:
    if actor.role not in KEEPERS:
        raise PermissionError("Only the borough's data lead keeps its measures and outcomes contracts.")


def _default_measures(rules: RuleSet) -> list[dict[str, object]]:
    """The borough's measures to start from, at the thresholds its identification rules use."""
    levels = {
        "kind": Measure.Kind.ATTAINMENT,
        "scale": Measure.Scale.LEVELS,
        "minimum": 0,
        "maximum": 2,
    }
    sdq = {"kind": Measure.Kind.SDQ, "scale": Measure.Scale.SCORE, "higher_is_better": False, "minimum": 0}
    return [
        {
            "key": "attendance",
            "name": "Attendance",
            "kind": Measure.Kind.ATTENDANCE,
            "scale": Measure.Scale.PERCENT,
            "source": "attendance_pct",
            "identification_domain": "attendance",
            "threshold": rules.attendance.below,
            "minimum": 0,
            "maximum": 100,
        },
        *(
            {
                **levels,
                "key": subject,
                "name": name,
                "source": subject,
                "identification_domain": subject,
                "threshold": LEVEL_VALUES[getattr(rules, subject).below_level],
            }
            for subject, name in (
                ("reading", "Reading"),
                ("writing", "Writing"),
                ("maths", "Maths"),
                ("english", "English"),
            )
        ),
        {
            **sdq,
            "key": "sdq_emotional",
            "name": "SDQ emotional symptoms",
            "source": "sdq_emotional",
            "identification_domain": "emotional_wellbeing",
            "thresholds_by_respondent": _by_respondent(rules.emotional_wellbeing),
            "bands": _bands("sdq_emotional"),
            "maximum": 10,
        },
        {
            **sdq,
            "key": "sdq_peer",
            "name": "SDQ peer problems",
            "source": "sdq_peer",
            "identification_domain": "peer_relationships",
            "thresholds_by_respondent": _by_respondent(rules.peer_relationships),
            "bands": _bands("sdq_peer"),
            "maximum": 10,
        },
        {**sdq, "key": "sdq_total", "name": "SDQ total difficulties", "source": "sdq_total", "maximum": 40},
        {
            "key": "stirling",
            "name": "Stirling Children's Wellbeing Scale",
            "kind": Measure.Kind.STIRLING,
            "scale": Measure.Scale.SCORE,
            "source": "stirling_total",
            "minimum": 12,
            "maximum": 60,
        },
    ]


def _by_respondent(rule: object) -> dict[str, float]:
    return {who: float(getattr(rule, who)) for who in ("teacher", "parent", "pupil")}


def _bands(key: str) -> dict[str, list[list[object]]]:
    return {who: [[band.name, band.low, band.high] for band in bands] for who, bands in SDQ_BANDS[key].items()}


@transaction.atomic
def measures_ensure(area: Area) -> list[Measure]:
    """The borough's measures, made from the published defaults and its identification rules the first time."""
    found = list(Measure.objects.filter(area=area))
    if found:
        return found
    rules = rules_current(area).rule_set()
    made = []
    for order, values in enumerate(_default_measures(rules)):
        measure = Measure(area=area, order=order, **values)
        measure.full_clean()
        made.append(measure)
    return Measure.objects.bulk_create(made)


@transaction.atomic
def measure_save(*, actor: Membership, measure: Measure) -> Measure:
    """Save a measure the data lead defined or changed, and work out again where every child stands on it."""
    _keeper(actor)
    if measure.area_id != actor.area_id:
        raise PermissionError("That measure belongs to another borough.")
    if measure.minimum is not None and measure.maximum is not None and measure.minimum >= measure.maximum:
        raise ValidationError({"maximum": "Enter a highest value above the lowest."})
    low, high = measure.minimum, measure.maximum
    thresholds = [measure.threshold, *measure.thresholds_by_respondent.values()]
    for threshold in (value for value in thresholds if value is not None):
        if (low is not None and threshold < low) or (high is not None and threshold > high):
            field = "threshold" if threshold == measure.threshold else "thresholds_by_respondent"
            raise ValidationError({field: f"Enter a threshold from {low:g} to {high:g}, the measure's range."})
    if measure.reliable_change is not None and measure.reliable_change <= 0:
        raise ValidationError({"reliable_change": "Enter a reliable change above 0, or leave it empty."})
    measure.changed_by = actor.user
    measure.full_clean()
    measure.save()
    audit_record(
        action=AuditAction.CHANGE,
        actor=actor,
        record_type="measure",
        record_id=measure.pk,
        detail={"key": measure.key, "threshold": measure.threshold, "reliable_change": measure.reliable_change},
    )
    children = Progress.objects.filter(measure=measure, child__isnull=False).values_list("child_id", flat=True)
    progress_refresh(child_ids=list(children), measure_ids=[measure.pk])
    comparison_pupils = Progress.objects.filter(measure=measure, pupil__isnull=False)
    for year in comparison_pupils.values_list("cohort_year", flat=True).distinct():
        comparison_refresh(area=measure.area, baseline_year=year_before(year))
    return measure


def value_read(measure: Measure, raw: object) -> float:
    """A value as entered or imported, on the measure's scale; a ``ValidationError`` says what was expected.

    Levels are written as schools write them ("below", "expected", "above", or "working towards", "at", "above").
    """
    text = str(raw).strip().lower()
    if measure.scale == Measure.Scale.LEVELS:
        words = {
            **LEVEL_VALUES,
            "working towards": 0,
            "working towards expected": 0,
            "below expected": 0,
            "wts": 0,
            "at": 1,
            "at expected": 1,
            "exs": 1,
            "above expected": 2,
            "gds": 2,
        }
        if text in words:
            return float(words[text])
        try:
            number = float(text)
        except ValueError:
            raise ValidationError(
                f"{measure.name}: enter working towards, at or above expected, not “{raw}”."
            ) from None
        if number not in (0, 1, 2):
            raise ValidationError(f"{measure.name}: enter working towards, at or above expected, not “{raw}”.")
        return number
    try:
        number = float(text.rstrip("%"))
    except ValueError:
        raise ValidationError(f"{measure.name}: enter a number, not “{raw}”.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValidationError(f"{measure.name}: enter a number, not “{raw}”.")
    low, high = measure.minimum, measure.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        # A measure may have only one bound (a count from 0 up): say only the bounds it has.
        if low is not None and high is not None:
            expected = f"from {low:g} to {high:g}"
        elif low is not None:
            expected = f"of {low:g} or more"
        else:
            expected = f"of {high:g} or less"
        raise ValidationError(f"{measure.name}: enter a number {expected}, not {number:g}.")
    return number


@transaction.atomic
def measurement_record(
    *,
    actor: Membership,
    child: Child,
    measure: Measure,
    value: object,
    taken_on: date,
    respondent: str = "",
    occasion: str,
    note: str = "",
    source: str = Measurement.Source.ENTERED,
) -> Measurement:
    """Record one reading for a child the actor may work with (the caller has been through ``access_child``).

    A second reading of the same measure, day and respondent replaces the first, so a corrected value or a file
    sent again changes nothing else.
    """
    if actor.role not in RECORDERS:
        raise PermissionError("Your role cannot record measurements.")
    if measure.area_id != child.area_id or not measure.active:
        raise ValidationError({"measure": "Choose one of the borough's measures in use."})
    errors: dict[str, str] = {}
    try:
        number = value_read(measure, value)
    except ValidationError as error:
        errors["value"] = error.messages[0]
    if taken_on > timezone.localdate():
        errors["taken_on"] = "The date a measurement was taken must be today or in the past."
    elif taken_on < child.date_of_birth:
        errors["taken_on"] = f"The date must be after the child was born ({child.date_of_birth:%-d %B %Y})."
    if measure.asks_respondent and not respondent:
        errors["respondent"] = f"Say who answered the {measure.name} questionnaire: the teacher, a parent or the child."
    if not measure.asks_respondent and respondent:
        respondent = ""
    if errors:
        raise ValidationError(errors)
    reading, created = Measurement.objects.update_or_create(
        child=child,
        measure=measure,
        taken_on=taken_on,
        respondent=respondent,
        defaults={
            "value": number,
            "occasion": occasion,
            "source": source,
            "note": note,
            "modified_by": actor.user,
        },
        create_defaults={
            "value": number,
            "occasion": occasion,
            "source": source,
            "note": note,
            "created_by": actor.user,
            "modified_by": actor.user,
        },
    )
    reading.full_clean()
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.CHANGE,
        actor=actor,
        record_type="measurement",
        record_id=reading.pk,
        child_id=child.pk,
        detail={"measure": measure.key, "taken_on": taken_on.isoformat(), "source": source},
    )
    progress_refresh(child_ids=[child.pk], measure_ids=[measure.pk])
    return reading


@transaction.atomic
def measurement_remove(*, actor: Membership, reading: Measurement) -> None:
    """Take back a reading entered by mistake; the audit log keeps what it was."""
    if actor.role not in RECORDERS:
        raise PermissionError("Your role cannot change measurements.")
    if reading.source not in (Measurement.Source.ENTERED, Measurement.Source.API):
        raise ValidationError(
            "A reading from school data is corrected in the school's file: import it again, then read the year again."
        )
    audit_record(
        action=AuditAction.CHANGE,
        actor=actor,
        record_type="measurement",
        record_id=reading.pk,
        child_id=reading.child_id,
        detail={
            "removed": True,
            "measure": reading.measure.key,
            "value": reading.value,
            "taken_on": reading.taken_on.isoformat(),
        },
    )
    child_id, measure_id = reading.child_id, reading.measure_id
    reading.delete()
    progress_refresh(child_ids=[child_id], measure_ids=[measure_id])


def _cohorts(child_ids: Iterable[int]) -> dict[int, tuple[int | None, str]]:
    """Each child's school and cohort year: those of their newest enrolment."""
    found: dict[int, tuple[int | None, str]] = {}
    enrolments = Enrolment.objects.filter(child_id__in=child_ids).order_by("child_id", "start_date", "pk")
    for child_id, school_id, start in enrolments.values_list("child_id", "school_id", "start_date"):
        found[child_id] = (school_id, school_year_of(start))
    return found


@transaction.atomic
def progress_refresh(*, child_ids: list[int], measure_ids: list[int] | None = None) -> int:
    """Work out again where these children stand on these measures (all of them when ``measure_ids`` is None)."""
    if not child_ids:
        return 0
    made = 0
    for start in range(0, len(child_ids), 500):
        batch = child_ids[start : start + 500]
        readings = Measurement.objects.filter(child_id__in=batch)
        if measure_ids is not None:
            readings = readings.filter(measure_id__in=measure_ids)
        grouped: dict[tuple[int, int], list[Reading]] = defaultdict(list)
        rows = readings.order_by("taken_on", "pk").values_list(
            "child_id", "measure_id", "taken_on", "value", "respondent", "occasion"
        )
        for child_id, measure_id, taken_on, value, respondent, occasion in rows:
            grouped[child_id, measure_id].append(
                Reading(
                    on=taken_on, value=value, respondent=respondent, baseline=occasion == Measurement.Occasion.BASELINE
                )
            )
        measures = {measure.pk: measure for measure in Measure.objects.filter(pk__in={key[1] for key in grouped})}
        rules = {pk: measure.rule() for pk, measure in measures.items()}
        cohorts = _cohorts(batch)
        areas = dict(Child.objects.filter(pk__in=batch).values_list("pk", "area_id"))
        stale = Progress.objects.filter(child_id__in=batch)
        if measure_ids is not None:
            stale = stale.filter(measure_id__in=measure_ids)
        stale.delete()
        fresh = []
        for (child_id, measure_id), child_readings in grouped.items():
            measure = measures[measure_id]
            school_id, cohort_year = cohorts.get(child_id, (None, ""))
            fresh.append(
                _progress_row(measure, progress(rules[measure_id], child_readings), area_id=areas[child_id])
                | {"child_id": child_id, "school_id": school_id, "cohort_year": cohort_year}
            )
        Progress.objects.bulk_create([Progress(**row) for row in fresh], batch_size=2000)
        made += len(fresh)
    return made


def _progress_row(measure: Measure, found: Standing, *, area_id: int) -> dict[str, object]:
    return {
        "area_id": area_id,
        "measure_id": measure.pk,
        "baseline_value": found.baseline.value if found.baseline else None,
        "baseline_on": found.baseline.on if found.baseline else None,
        "baseline_at_risk": found.baseline_at_risk,
        "latest_value": found.latest.value if found.latest else None,
        "latest_on": found.latest.on if found.latest else None,
        "latest_at_risk": found.latest_at_risk,
        "cleared_on": found.cleared.on if found.cleared else None,
        "cleared_value": found.cleared.value if found.cleared else None,
        "reliable": found.reliable,
    }


@dataclass(frozen=True)
class Pulled:
    """What reading a school year's school data and survey files for outcomes found."""

    school_year: str
    children: int
    readings: int
    skipped: list[str]
    not_linked: int
    comparison: int


def _pupil_reading(measure: Measure, pupil: ScreenedPupil) -> tuple[float, str] | None:
    """A screened pupil's value on the measure and who answered, as every reader of school data takes it: None where
    the files hold no value on the measure's scale; a ``ValidationError`` says what could not be read."""
    raw = getattr(pupil, measure.source)
    if raw in (None, ""):
        return None
    if measure.scale == Measure.Scale.LEVELS and str(raw).lower() not in LEVEL_VALUES:
        return None  # a score where the borough measures levels: left for a person to enter
    if measure.scale != Measure.Scale.LEVELS and str(raw).lower() in LEVEL_VALUES:
        return None
    value = value_read(measure, raw)
    respondent = pupil.respondent if measure.asks_respondent else ""
    if measure.asks_respondent and respondent not in Measurement.Respondent.values:
        raise ValidationError(f"{measure.name} has no respondent (teacher, parent or pupil).")
    return value, respondent


def _taken_on(measure: Measure, pupil: ScreenedPupil) -> date:
    """The day the file carrying the value was imported: the survey's for questionnaires, else the school data's."""
    survey = measure.kind in (Measure.Kind.SDQ, Measure.Kind.STIRLING) and pupil.survey_import is not None
    record = pupil.survey_import if survey else pupil.school_data_import
    assert record is not None
    # A past year's files imported late (two years brought in on one day) are dated at the end of their year, so
    # that one year's readings never land on another's day and replace them.
    year_end = date(int(pupil.school_year[:4]) + 1, 8, 31)
    return min(timezone.localdate(record.started_at), year_end)


@transaction.atomic
def school_data_pull(*, actor: Membership, school_year: str) -> Pulled:
    """Read the borough's school data and survey files for a school year (imported for identification, with the
    same column mappings) into the measurements of the children enrolled from identification, matched by UPN; and
    work out the comparison group that year shows. Safe to run again: the same readings are updated, not doubled.
    """
    _keeper(actor)
    area = actor.area
    measures = [measure for measure in measures_ensure(area) if measure.active and measure.source]
    pupils = {
        pupil.upn: pupil
        for pupil in ScreenedPupil.objects.filter(area=area, school_year=school_year).select_related(
            "school_data_import", "survey_import"
        )
    }
    if not pupils:
        raise ValidationError(
            f"No school data has been imported for {school_year}. Import it on the identification pages first."
        )
    enrolled = Enrolment.objects.filter(child__area=area, programme_organisation=actor.organisation)
    linked = dict(
        enrolled.filter(cohort_entry__isnull=False).values_list("cohort_entry__pupil__upn", "child_id").distinct()
    )
    baselines = set(enrolled.values_list("cohort_entry__pupil_id", flat=True))
    not_linked = enrolled.filter(cohort_entry__isnull=True).values("child_id").distinct().count()
    readings = 0
    children: set[int] = set()
    skipped: list[str] = []
    # Readings already read from this year's files (a file imported again on a later day carries a later date),
    # and any other reading on the days these files were imported: each is updated rather than doubled.
    this_year = Measurement.objects.filter(
        measure__in=measures, screened_pupil__area=area, screened_pupil__school_year=school_year
    )
    from_year = {
        (child_id, measure_id, respondent): pk
        for pk, child_id, measure_id, respondent in this_year.values_list("pk", "child_id", "measure_id", "respondent")
    }
    days = {_taken_on(measure, pupil) for pupil in pupils.values() for measure in measures}
    same_day = {
        (child_id, measure_id, taken_on, respondent): pk
        for pk, child_id, measure_id, taken_on, respondent in Measurement.objects.filter(
            child__area=area, measure__in=measures, taken_on__in=days
        ).values_list("pk", "child_id", "measure_id", "taken_on", "respondent")
    }
    new: list[Measurement] = []
    changed: list[Measurement] = []
    for upn, child_id in linked.items():
        pupil = pupils.get(upn)
        if pupil is None:
            continue
        baseline = pupil.pk in baselines
        for measure in measures:
            try:
                found = _pupil_reading(measure, pupil)
            except ValidationError as error:
                skipped.append(f"UPN {upn}: {error.messages[0]}")
                continue
            if found is None:
                continue
            value, respondent = found
            reading = Measurement(
                child_id=child_id,
                measure=measure,
                value=value,
                respondent=respondent,
                taken_on=_taken_on(measure, pupil),
                occasion=Measurement.Occasion.BASELINE if baseline else Measurement.Occasion.SCHOOL_YEAR,
                source=Measurement.Source.IDENTIFICATION if baseline else Measurement.Source.SCHOOL_DATA,
                screened_pupil=pupil,
                created_by=actor.user,
                modified_by=actor.user,
            )
            earlier = from_year.pop((child_id, measure.pk, respondent), None)
            earlier = earlier or same_day.get((child_id, measure.pk, reading.taken_on, respondent))
            if earlier:
                reading.pk = earlier
                changed.append(reading)
            else:
                new.append(reading)
            children.add(child_id)
            readings += 1
    # What this year's files said before and no longer say (a value taken out, another respondent) goes.
    Measurement.objects.filter(pk__in=list(from_year.values())).delete()
    children |= {child_id for child_id, _measure, _respondent in from_year}
    Measurement.objects.bulk_update(
        changed, ["value", "taken_on", "occasion", "source", "screened_pupil", "modified_by"], batch_size=2000
    )
    Measurement.objects.bulk_create(new, batch_size=2000)
    progress_refresh(child_ids=sorted(children))
    comparison = comparison_refresh(area=area, baseline_year=year_before(school_year))
    audit_record(
        action=AuditAction.CREATE,
        actor=actor,
        record_type="school_data_pull",
        record_id=school_year,
        detail={"children": len(children), "readings": readings, "skipped": len(skipped), "comparison": comparison},
    )
    return Pulled(school_year, len(children), readings, skipped[:50], not_linked, comparison)


@transaction.atomic
def baseline_from_identification(*, enrolment: Enrolment) -> int:
    """The child's baseline on each measure, from the school data they were identified with."""
    if enrolment.cohort_entry is None:
        return 0
    pupil = ScreenedPupil.objects.select_related("school_data_import", "survey_import").get(
        pk=enrolment.cohort_entry.pupil_id
    )
    made = 0
    for measure in measures_ensure(enrolment.child.area):
        if not (measure.active and measure.source):
            continue
        try:
            found = _pupil_reading(measure, pupil)
        except ValidationError:
            continue  # identification checked the file; a value this measure cannot take is left for a person
        if found is None:
            continue
        value, respondent = found
        Measurement.objects.update_or_create(
            child=enrolment.child,
            measure=measure,
            taken_on=_taken_on(measure, pupil),
            respondent=respondent,
            defaults={
                "value": value,
                "occasion": Measurement.Occasion.BASELINE,
                "source": Measurement.Source.IDENTIFICATION,
                "screened_pupil": pupil,
                "created_by": enrolment.created_by,
            },
        )
        made += 1
    progress_refresh(child_ids=[enrolment.child_id])
    return made


def year_before(school_year: str) -> str:
    """The school year before one written as schools write it: "2025/26" → "2024/25"."""
    start = int(school_year[:4]) - 1
    return f"{start}/{(start + 1) % 100:02d}"


@transaction.atomic
def comparison_refresh(*, area: Area, baseline_year: str) -> int:
    """The comparison group for children screened in ``baseline_year``: each pupil screened and not enrolled,
    with their next school year's values from the same school data, on each measure read from that data.

    Rebuilt whole each time, so it always matches the files imported.
    """
    start = int(baseline_year[:4])
    next_year = f"{start + 1}/{(start + 2) % 100:02d}"
    # Filed under the year they would have started, as enrolled children are under the year they did.
    Progress.objects.filter(area=area, pupil__isnull=False, cohort_year=next_year).delete()
    measures = [measure for measure in Measure.objects.filter(area=area, active=True) if measure.source]
    later = {
        pupil.upn: pupil
        for pupil in ScreenedPupil.objects.filter(area=area, school_year=next_year).select_related(
            "school_data_import", "survey_import"
        )
    }
    if not later:
        return 0
    enrolled = Enrolment.objects.filter(cohort_entry__pupil__area=area).values_list("cohort_entry__pupil_id", flat=True)
    baseline_pupils = (
        ScreenedPupil.objects.filter(area=area, school_year=baseline_year, upn__in=list(later))
        .exclude(pk__in=list(enrolled))
        .select_related("school_data_import", "survey_import")
    )
    rules = {measure.pk: measure.rule() for measure in measures}
    rows = []
    for pupil in baseline_pupils:
        after = later[pupil.upn]
        for measure in measures:
            readings = []
            for row, is_baseline in ((pupil, True), (after, False)):
                try:
                    found = _pupil_reading(measure, row)
                except ValidationError:
                    found = None
                if found is not None:
                    value, respondent = found
                    readings.append(
                        Reading(on=_taken_on(measure, row), value=value, respondent=respondent, baseline=is_baseline)
                    )
            if not readings:
                continue
            rows.append(
                Progress(
                    **_progress_row(measure, progress(rules[measure.pk], readings), area_id=area.pk),
                    pupil_id=pupil.pk,
                    school_id=pupil.school_id,
                    cohort_year=next_year,
                )
            )
    Progress.objects.bulk_create(rows, batch_size=2000)
    return len({row.pupil_id for row in rows})


@transaction.atomic
def contract_save(*, actor: Membership, contract: Contract) -> Contract:
    """Save an outcomes contract's terms."""
    _keeper(actor)
    if contract.pk and contract.area_id != actor.area_id:
        raise PermissionError("That contract belongs to another borough.")
    contract.area = actor.area
    contract.changed_by = actor.user
    if contract.starts_on and contract.ends_on and contract.ends_on <= contract.starts_on:
        raise ValidationError({"ends_on": "The contract must end after it starts."})
    contract.full_clean()
    contract.save()
    audit_record(action=AuditAction.CHANGE, actor=actor, record_type="contract", record_id=contract.pk)
    return contract


@transaction.atomic
def contract_rate_save(*, actor: Membership, rate: ContractRate) -> ContractRate:
    """Save one payable event of a contract. An outcome is paid per measure, and only on a measure with an at-risk
    threshold; sign-up and high engagement are paid once per child unless the contract says otherwise."""
    _keeper(actor)
    if rate.contract.area_id != actor.area_id:
        raise PermissionError("That contract belongs to another borough.")
    outcome = rate.event == ContractRate.Event.OUTCOME
    if outcome and rate.measure is None:
        raise ValidationError({"measure": "Choose the measure this outcome is paid on."})
    if not outcome:
        rate.measure = None
    if rate.measure is not None:
        if rate.measure.area_id != actor.area_id:
            raise ValidationError({"measure": "Choose one of the borough's measures."})
        if rate.measure.threshold is None and not rate.measure.thresholds_by_respondent:
            raise ValidationError(
                {"measure": f"{rate.measure.name} has no at-risk threshold, so no one can cross it. Set one first."}
            )
    duplicate = ContractRate.objects.filter(contract=rate.contract, event=rate.event, measure=rate.measure)
    if duplicate.exclude(pk=rate.pk).exists():
        raise ValidationError({"event": "The contract already has a rate for this event. Change that one instead."})
    rate.full_clean(validate_constraints=False)
    rate.save()
    audit_record(
        action=AuditAction.CHANGE,
        actor=actor,
        record_type="contract_rate",
        record_id=rate.pk,
        detail={"event": rate.event, "price": str(rate.price), "measure": rate.measure_id},
    )
    return rate


@transaction.atomic
def contract_rate_remove(*, actor: Membership, rate: ContractRate) -> None:
    _keeper(actor)
    if rate.contract.area_id != actor.area_id:
        raise PermissionError("That contract belongs to another borough.")
    audit_record(
        action=AuditAction.CHANGE,
        actor=actor,
        record_type="contract_rate",
        record_id=rate.pk,
        detail={"removed": True, "event": rate.event, "price": str(rate.price)},
    )
    rate.delete()


def default_evidence(event: str) -> str:
    """What a funder usually asks for, to start the evidence text from."""
    texts: dict[str, str] = {
        ContractRate.Event.SIGN_UP: "The enrolment, and the family's consent to take part, with their dates.",
        ContractRate.Event.ENGAGEMENT: "The Link Worker contacts and partner sessions in the term, with their dates.",
        ContractRate.Event.OUTCOME: "The baseline reading at risk and the later reading no longer at risk, with "
        "their dates and where each came from.",
    }
    return texts[event]


@transaction.atomic
def claim_submit(*, actor: Membership, contract: Contract, period: Period) -> SubmittedClaim:
    """Freeze a term's claim as it is sent to the funder. Only once the term has ended, once per term."""
    _keeper(actor)
    if contract.area_id != actor.area_id:
        raise PermissionError("That contract belongs to another borough.")
    if period.ends >= timezone.localdate():
        raise ValidationError(f"{period.name} has not ended: a claim is sent once its term is over.")
    if SubmittedClaim.objects.filter(contract=contract, starts=period.starts).exists():
        raise ValidationError(f"The claim for {period.name} has already been sent.")
    found = contract_claim(contract, period).claim
    submitted = SubmittedClaim.objects.create(
        contract=contract,
        starts=period.starts,
        ends=period.ends,
        total=found.total,
        summary=[
            [row.event, row.measure, row.achieved, row.payable, _money(row.unit_price), _money(row.amount)]
            for row in found.summary
        ],
        lines=[
            [
                line.achievement.child,
                line.achievement.event,
                line.achievement.measure,
                line.achievement.on.isoformat(),
                list(line.achievement.evidence),
                line.payable,
                _money(line.price),
                line.reason,
            ]
            for line in found.lines
        ],
        rates=[
            {
                "event": rate.event,
                "measure": rate.measure.key if rate.measure else "",
                "price": _money(rate.price),
                "per_child": rate.per_child,
                "total_cap": rate.total_cap,
            }
            for rate in contract.rates.select_related("measure")
        ],
        submitted_by=actor.user,
    )
    audit_record(
        action=AuditAction.EXPORT,
        actor=actor,
        record_type="outcomes.claim_submitted",
        record_id=submitted.pk,
        detail={"contract": contract.pk, "term": period.starts.isoformat(), "total": str(found.total)},
    )
    return submitted


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"
