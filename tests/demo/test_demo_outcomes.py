"""The demo's outcomes: every enrolled child measured from the day they started, most improving, some not, a few
getting worse; last school year's screening beside this one, so each borough has a comparison group; each borough's
impact report has figures to show and its outcomes contract something to pay."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.test import Client
from django.utils import timezone

from joinedup.accounts.models import Area, Membership, Organisation, Role
from joinedup.cases.models import Child, Contact, Enrolment
from joinedup.demo.cases import demo_cases_load
from joinedup.demo.generator import demo_data_build, demo_data_load
from joinedup.demo.identification import SCHOOL_YEAR, demo_identification_load
from joinedup.demo.outcomes import demo_outcomes_load, demo_outcomes_loaded
from joinedup.demo.plans import demo_plans_load
from joinedup.identification.models import CohortEntry, ScreenedPupil, ScreeningImport
from joinedup.outcomes.models import Contract, ContractRate, Measure, Measurement, Progress
from joinedup.outcomes.selectors import contract_claim, contract_periods, impact_report
from joinedup.outcomes.services import school_data_pull, year_before
from tests.conftest import data_migrations_rerun
from tests.factories import verified_login

AS_OF = date(2026, 11, 26)
LAST_YEAR = year_before(SCHOOL_YEAR)


def comparison_upns_of(upns: set[str]) -> set[str]:
    """Which of these pupils are in a comparison group."""
    found = Progress.objects.filter(pupil__isnull=False, pupil__upn__in=upns).values_list("pupil__upn", flat=True)
    return set(found)


def _readings() -> list[tuple[Any, ...]]:
    """The demo's readings, without the database's ids of the readings themselves."""
    return list(
        Measurement.objects.order_by("child_id", "measure__key", "taken_on", "respondent").values_list(
            "child_id", "measure__key", "taken_on", "respondent", "value", "occasion", "source"
        )
    )


def test_the_demo_measures_every_enrolled_child_and_most_improve(db: None) -> None:
    # A transactional test that ran before may have emptied every table, the audit chain's head among them.
    data_migrations_rerun()
    data = demo_data_build(seed=2026, children=600)
    demo_data_load(data)
    demo_identification_load(data)
    demo_cases_load(data, as_of=AS_OF)
    demo_plans_load(seed=2026, as_of=AS_OF)
    assert not demo_outcomes_loaded()
    # The demo's children are enrolled without identification; were one enrolled from an agreed list, their pupil
    # would have no row last year, and so could never be in the comparison group.
    entry = CohortEntry.objects.filter(decision="confirmed", pupil__year_group=3).order_by("pk").first()
    assert entry is not None
    Enrolment.objects.filter(
        pk=Enrolment.objects.filter(child__area=entry.pupil.area).order_by("pk").values("pk")[:1]
    ).update(cohort_entry=entry)

    # The same seed and day give the same readings: load, note, undo; then load for real.
    with transaction.atomic():
        first = demo_outcomes_load(seed=2026, as_of=AS_OF)
        readings = _readings()
        transaction.set_rollback(True)
    assert not demo_outcomes_loaded()
    summary = demo_outcomes_load(seed=2026, as_of=AS_OF)
    assert summary == first
    assert _readings() == readings
    assert summary.screened_before == ScreenedPupil.objects.filter(school_year=LAST_YEAR).count()
    assert summary.measurements == len(readings)

    # Every enrolled child has a baseline on the day they started, and nothing is dated after the day loaded.
    enrolled = dict(Enrolment.objects.values_list("child_id", "start_date"))
    assert summary.children == len(enrolled) > 100
    baselines = set(
        Measurement.objects.filter(occasion=Measurement.Occasion.BASELINE).values_list("child_id", "taken_on")
    )
    assert {child for child, _day in baselines} == set(enrolled)
    assert all(enrolled[child] == day for child, day in baselines)
    assert max(day for _child, _measure, day, *_rest in readings) <= AS_OF
    # At risk at baseline exactly on the measures that follow the child's areas at risk.
    domains = dict(Enrolment.objects.values_list("child_id", "at_risk_domains"))
    for row in Progress.objects.filter(child__isnull=False, measure__identification_domain__in=["attendance", "maths"]):
        assert row.child_id is not None
        assert row.baseline_at_risk == (row.measure.identification_domain in domains[row.child_id])
    # A child under 11 is measured on reading, writing and maths, an older one on English and maths; writing and
    # English go with reading, the literacy area the demo's enrolments name.
    ages = {child.pk: child.age_on(enrolled[child.pk]) for child in Child.objects.filter(pk__in=list(enrolled))}
    subjects: dict[int, dict[str, bool]] = {child: {} for child in enrolled}
    for child_id, key, at_risk in Progress.objects.filter(
        child__isnull=False, measure__key__in=["reading", "writing", "maths", "english"]
    ).values_list("child_id", "measure__key", "baseline_at_risk"):
        assert child_id is not None
        subjects[child_id][key] = bool(at_risk)
    primary = [child for child in enrolled if ages[child] < 11]
    secondary = [child for child in enrolled if ages[child] >= 11]
    assert len(primary) > 100
    assert len(secondary) > 30
    assert all(set(subjects[child]) == {"reading", "writing", "maths"} for child in primary)
    assert all(set(subjects[child]) == {"english", "maths"} for child in secondary)
    assert all(subjects[child]["english"] == ("reading" in domains[child]) for child in secondary)
    assert all(subjects[child]["reading"] == ("reading" in domains[child]) for child in primary)
    literacy = [child for child in primary if "reading" in domains[child]]
    writing = sum(subjects[child]["writing"] for child in literacy)
    assert 0.6 <= writing / len(literacy) <= 0.9
    assert not any(subjects[child]["writing"] for child in primary if "reading" not in domains[child])
    # SDQ questionnaires say who answered: the teacher for a primary-age child, the child from 11.
    assert set(Measurement.objects.filter(measure__kind=Measure.Kind.SDQ).values_list("respondent", flat=True)) == {
        "teacher",
        "pupil",
    }
    assert not Measurement.objects.exclude(measure__kind=Measure.Kind.SDQ).exclude(respondent="").exists()

    # Believable change: about two in three measured again are no longer at risk on at least one measure; a few
    # are reliably worse on one.
    assert 0.55 <= summary.cleared / summary.targeted <= 0.75
    assert 0.03 <= summary.worsened / summary.children <= 0.15
    assert Progress.objects.filter(child__isnull=False, reliable=1).count() > 5 * summary.worsened
    # Reliable change was set on the measures that have a demo value, and said where it came from.
    assert set(Measure.objects.filter(reliable_change__isnull=False).values_list("key", "reliable_change")) == {
        ("attendance", 5.0),
        ("sdq_emotional", 3.0),
        ("sdq_peer", 3.0),
        ("stirling", 5.0),
    }
    assert Measure.objects.filter(reliable_change_source__startswith="Demo value").count() == 4 * Area.objects.count()

    # Last school year's screening, imported by each borough's data lead the July before: most of this year's
    # pupils, at the same school a year group lower (not Reception, nor Year 7, who were at primary school).
    for area in Area.objects.all():
        lead = Membership.objects.get(area=area, role=Role.DATA_LEAD, organisation__kind=Organisation.Kind.PROGRAMME)
        imports = ScreeningImport.objects.filter(area=area, school_year=LAST_YEAR)
        assert sorted(imports.values_list("kind", flat=True)) == ["school_data", "survey"]
        for record in imports:
            assert record.status == ScreeningImport.Status.IMPORTED
            assert record.started_by == lead.user
            assert timezone.localdate(record.started_at).replace(day=1) == date(int(LAST_YEAR[:4]) + 1, 7, 1)
        now = {pupil.upn: pupil for pupil in ScreenedPupil.objects.filter(area=area, school_year=SCHOOL_YEAR)}
        before = list(ScreenedPupil.objects.filter(area=area, school_year=LAST_YEAR))
        assert 0.6 <= len(before) / len(now) <= 0.85
        for pupil in before:
            later = now[pupil.upn]
            assert (pupil.school_id, pupil.year_group, pupil.date_of_birth) == (
                later.school_id,
                later.year_group - 1,
                later.date_of_birth,
            )
        assert {pupil.year_group for pupil in before} == {*range(6), *range(7, 11)}
    # No enrolled child's identification row is among them, and none is in a comparison group.
    identified = set(
        Enrolment.objects.filter(cohort_entry__isnull=False).values_list("cohort_entry__pupil__upn", flat=True)
    )
    assert identified == {entry.pupil.upn}
    assert not identified & set(ScreenedPupil.objects.filter(school_year=LAST_YEAR).values_list("upn", flat=True))
    assert not comparison_upns_of(identified)
    comparison = Progress.objects.filter(pupil__isnull=False)
    # The comparison group: pupils screened last year and not enrolled, with this year's values, filed under this
    # year; pupils not supported stay much as they were: fewer are no longer at risk than among enrolled children,
    # and a few were not at risk last year and are now.
    assert set(comparison.values_list("cohort_year", flat=True)) == {SCHOOL_YEAR}
    assert summary.comparison == comparison.values("pupil_id").distinct().count() > 0.6 * summary.screened_before
    for key, low, high in (("attendance", 0.2, 0.4), ("reading", 0.1, 0.3), ("sdq_emotional", 0.15, 0.45)):
        were_at_risk = comparison.filter(measure__key=key, baseline_at_risk=True, latest_on__isnull=False)
        cleared = were_at_risk.filter(latest_at_risk=False).count() / were_at_risk.count()
        assert low <= cleared <= high, key
        enrolled_at_risk = Progress.objects.filter(
            child__isnull=False, measure__key=key, baseline_at_risk=True, latest_on__isnull=False
        )
        assert enrolled_at_risk.filter(latest_at_risk=False).count() / enrolled_at_risk.count() > cleared + 0.12
        newly = comparison.filter(measure__key=key, baseline_at_risk=False, latest_at_risk=True).count()
        assert 0.1 <= newly / comparison.filter(measure__key=key, latest_at_risk=True).count() <= 0.4, key

    # Each borough's impact report has figures to show, by school and by cohort year, the comparison group's
    # beside them; and a believable share of children were highly engaged in at least one term.
    engaged = 0
    for area in Area.objects.all():
        report = impact_report(area=area, by="school")
        total = report.table.total
        assert isinstance(total.enrolled, int)
        assert total.at_least_one.percent is not None
        assert report.table.rows
        assert isinstance(total.domains["attendance"].cleared.count, int)
        assert report.comparison
        attendance = total.domains["attendance"]
        assert attendance.comparison_cleared.percent is not None
        assert attendance.difference_points is not None
        assert attendance.difference_points > 0
        assert impact_report(area=area, by="cohort").table.rows
        assert impact_report(area=area, by="cohort", cohort_year=SCHOOL_YEAR).comparison
        assert total.engaged.percent is not None
        assert 55 <= total.engaged.percent <= 88
        assert isinstance(total.engaged.count, int)
        engaged += total.engaged.count
    assert 0.62 <= engaged / len(enrolled) <= 0.8
    # Children are seen at their own rhythm: some weekly, some fortnightly, a few now and then; most were seen in
    # the last fortnight, and never at a weekend.
    contacts = Contact.objects.filter(enrolment__start_date__lte=AS_OF - timedelta(days=300))
    per_child = Counter(contacts.values_list("enrolment__child_id", flat=True))
    seen_for = {
        child: (AS_OF - start).days / 7 for child, start in enrolled.items() if AS_OF - start >= timedelta(days=300)
    }
    weekly = sum(1 for child, count in per_child.items() if count / seen_for[child] > 0.75)
    rarely = sum(1 for child, count in per_child.items() if count / seen_for[child] < 0.3)
    assert 0.2 <= weekly / len(per_child) <= 0.5
    assert 0.05 <= rarely / len(per_child) <= 0.3
    latest = dict(
        Contact.objects.values("enrolment__child_id")
        .annotate(latest=Max("happened_on"))
        .values_list("enrolment__child_id", "latest")
    )
    assert sum(1 for day in latest.values() if AS_OF - day <= timedelta(days=14)) / len(latest) >= 0.8
    assert not Contact.objects.filter(happened_on__week_day__in=[1, 7]).exists()
    assert not Contact.objects.filter(happened_on__gt=AS_OF).exists()

    # Each borough's outcomes contract, and a claim with payable lines of every kind; the capped rate reached.
    assert summary.contracts == Contract.objects.count() == Area.objects.count()
    contract = Contract.objects.get(area__name="Brent")
    assert (contract.name, contract.funder) == ("Brent outcomes contract", "Brent Council")
    # From the start of the school year its first child started in, for three school years.
    earliest = min(Enrolment.objects.filter(child__area=contract.area).values_list("start_date", flat=True))
    assert contract.starts_on == date(earliest.year if earliest.month >= 9 else earliest.year - 1, 9, 1)
    assert contract.ends_on == date(contract.starts_on.year + 3, 8, 31)
    outcome_prices = contract.rates.filter(event=ContractRate.Event.OUTCOME).values_list("price", flat=True)
    assert len(outcome_prices) == 5
    assert all(1000 <= price <= 1500 for price in outcome_prices)
    assert contract.rates.filter(total_cap__isnull=False).count() == 1
    lines = [
        line
        for period in contract_periods(contract)
        if period.ends <= AS_OF
        for line in contract_claim(contract, period).claim.lines
    ]
    assert {line.achievement.event for line in lines if line.payable} == {"sign_up", "engagement", "outcome"}
    assert any("limit" in line.reason for line in lines if not line.payable)

    # Loading again adds nothing.
    again = demo_outcomes_load(seed=2026, as_of=AS_OF)
    assert again.measurements == again.contracts == again.screened_before == 0
    assert Measurement.objects.count() == summary.measurements
    assert Contract.objects.count() == summary.contracts
    assert ScreenedPupil.objects.filter(school_year=LAST_YEAR).count() == summary.screened_before

    # The data lead can read either school year's files: this year's values for the one child identified from a
    # list (the demo's others were enrolled without identification, so have nothing to match), none last year;
    # the comparison group worked out again the same.
    area = entry.pupil.area
    lead = Membership.objects.get(area=area, role=Role.DATA_LEAD, organisation__kind=Organisation.Kind.PROGRAMME)
    group = Progress.objects.filter(area=area, pupil__isnull=False).values("pupil_id").distinct().count()
    pulled = school_data_pull(actor=lead, school_year=SCHOOL_YEAR)
    assert (pulled.children, pulled.comparison) == (1, group)
    assert school_data_pull(actor=lead, school_year=LAST_YEAR).children == 0
    assert Progress.objects.filter(area=area, pupil__isnull=False).values("pupil_id").distinct().count() == group
    client = Client()
    verified_login(client, lead.user)
    page = client.get("/outcomes/school-data/").content.decode()
    assert SCHOOL_YEAR in page
    assert LAST_YEAR in page
    assert client.post("/outcomes/school-data/", {"school_year": LAST_YEAR}).status_code == 200
