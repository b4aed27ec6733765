"""The demo's outcomes: every enrolled child measured from the day they started, most improving, some not, a few
getting worse; each borough's impact report has figures to show and its outcomes contract something to pay."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from joinedup.accounts.models import Area
from joinedup.cases.models import Enrolment
from joinedup.demo.cases import demo_cases_load
from joinedup.demo.generator import demo_data_build, demo_data_load
from joinedup.demo.outcomes import demo_outcomes_load, demo_outcomes_loaded
from joinedup.demo.plans import demo_plans_load
from joinedup.outcomes.models import Contract, ContractRate, Measure, Measurement, Progress
from joinedup.outcomes.selectors import contract_claim, contract_periods, impact_report
from tests.conftest import data_migrations_rerun

AS_OF = date(2026, 11, 26)


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
    demo_cases_load(data, as_of=AS_OF)
    demo_plans_load(seed=2026, as_of=AS_OF)
    assert not demo_outcomes_loaded()

    # The same seed and day give the same readings: load, note, undo; then load for real.
    with transaction.atomic():
        first = demo_outcomes_load(seed=2026, as_of=AS_OF)
        readings = _readings()
        transaction.set_rollback(True)
    assert not demo_outcomes_loaded()
    summary = demo_outcomes_load(seed=2026, as_of=AS_OF)
    assert summary == first
    assert _readings() == readings
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

    # Each borough's impact report has figures to show, by school and by cohort year.
    for area in Area.objects.all():
        report = impact_report(area=area, by="school")
        total = report.table.total
        assert isinstance(total.enrolled, int)
        assert total.at_least_one.percent is not None
        assert report.table.rows
        assert isinstance(total.domains["attendance"].cleared.count, int)
        assert impact_report(area=area, by="cohort").table.rows

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
    assert again.measurements == again.contracts == 0
    assert Measurement.objects.count() == summary.measurements
    assert Contract.objects.count() == summary.contracts
