"""Reads for outcomes: a child's progress, the impact report on a small world whose figures are worked out by hand,
and the claims of an outcomes contract."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest

from joinedup.accounts.models import Organisation, Role
from joinedup.cases.engagement import engagement_refresh
from joinedup.cases.models import Child, Consent, Contact, Enrolment, PartnerSession, Referral
from joinedup.directory.models import Service
from joinedup.impact import DomainCounts, GroupCounts, impact_table
from joinedup.outcomes import selectors
from joinedup.outcomes.models import Contract, Measure
from joinedup.outcomes.selectors import (
    child_progress,
    contract_claim,
    contract_periods,
    highly_engaged,
    impact_report,
    reference_of,
)
from joinedup.outcomes.services import measure_save, measurement_record, measures_ensure
from tests.conftest import World
from tests.factories import ChildFactory, EnrolmentFactory
from tests.outcomes.conftest import Programme

BASELINE = dt.date(2025, 9, 10)
LATER = dt.date(2026, 2, 2)
START = dt.date(2025, 9, 8)

# -- a child's progress ------------------------------------------------------------------------------------------


def test_a_childs_progress_is_each_measure_with_readings_in_the_boroughs_order(programme: Programme) -> None:
    rows = child_progress(programme.child)
    assert [row.measure.key for row in rows] == ["attendance", "sdq_emotional"]
    attendance, sdq = rows
    assert [reading.value for reading in attendance.readings] == [84.5, 93.0]
    assert (attendance.standing.baseline.value, attendance.standing.latest.value) == (84.5, 93.0)
    assert attendance.standing.no_longer_at_risk
    assert (sdq.standing.baseline_at_risk, sdq.standing.latest_at_risk) == (True, False)
    assert sdq.baseline_band is not None
    assert sdq.latest_band is not None
    assert attendance.spark.label == "Attendance: 84.5% on 10 Sep 2025, then 93.0% on 2 Feb 2026"


def test_a_measure_out_of_use_is_not_shown(programme: Programme) -> None:
    Measure.objects.filter(pk=programme.measures["sdq_emotional"].pk).update(active=False)
    assert [row.measure.key for row in child_progress(programme.child)] == ["attendance"]


# -- the impact report -------------------------------------------------------------------------------------------


@dataclass
class Cohort:
    world: World
    children: list[Child]
    partner: Organisation


def _referral(enrolment: Enrolment, partner: Organisation, status: str) -> Referral:
    service = Service.objects.create(id=str(uuid.uuid4()), name="Mentoring", area=enrolment.child.area)
    return Referral.objects.create(
        enrolment=enrolment,
        service=service,
        partner_organisation=partner,
        status=status,
        reason="Friendships.",
        shared=["child"],
        sent_on=START,
    )


@pytest.fixture
def cohort(world: World) -> Cohort:
    """Twelve children who started in 2025/26 at one school, c0 to c11:

    - attendance at baseline 80 (at risk) for c0-c9 and 95 for c10-c11; later 95 for c0-c4 (no longer at risk),
      85 for c5-c9 (still at risk), 96 for c10, none for c11;
    - SDQ emotional (teacher) at baseline 8 (at risk) for c0-c3; later 3 for c0-c2, 7 for c3;
    - six Link Worker contacts in the autumn term for c0-c7; c7 also attended only 1 of 4 partner sessions;
    - c0-c5 worked with the borough's counselling partner (started), c6 was only referred (sent).

    By hand: 12 enrolled; 7 highly engaged (c0-c6); 10 targeted (c0-c9); 5 no longer at risk in at least one
    (c0-c4); 4 in every one targeted (c0-c2 on both, c4 on attendance alone; c3 is still at risk on the SDQ).
    Attendance: 11 measured again, 10 at risk at baseline, 5 no longer. SDQ: 4, 4 and 3.
    """
    worker = world.members[Role.LINK_WORKER]
    measures = {measure.key: measure for measure in measures_ensure(world.area)}
    partner = Organisation.objects.get(name="Counselling Partner")
    children = []
    for n in range(12):
        child = ChildFactory.create(
            forenames=f"Cohort{n}",
            area=world.area,
            school=world.school,
            programme_organisation=world.programme,
            link_worker=worker.user,
        )
        enrolment = EnrolmentFactory.create(child=child, start_date=START)
        children.append(child)

        def record(key: str, value: str, on: dt.date, respondent: str = "", occasion: str = "review") -> None:
            measurement_record(
                actor=worker,
                child=child,  # noqa: B023 - used at once, in this pass of the loop
                measure=measures[key],
                value=value,
                taken_on=on,
                respondent=respondent,
                occasion=occasion,
            )

        record("attendance", "80" if n < 10 else "95", BASELINE, occasion="baseline")
        later = {**dict.fromkeys(range(5), "95"), **dict.fromkeys(range(5, 10), "85"), 10: "96"}
        if n in later:
            record("attendance", later[n], LATER)
        if n < 4:
            record("sdq_emotional", "8", BASELINE, "teacher", "baseline")
            record("sdq_emotional", "3" if n < 3 else "7", LATER, "teacher")
        if n < 8:
            for day in range(6):
                Contact.objects.create(enrolment=enrolment, kind="one_to_one", happened_on=dt.date(2025, 10, 1 + day))
        if n < 6:
            _referral(enrolment, partner, Referral.Status.STARTED)
        if n == 6:
            _referral(enrolment, partner, Referral.Status.SENT)
        if n == 7:
            referral = _referral(enrolment, partner, Referral.Status.STARTED)
            for day, attendance in enumerate(["attended", "did_not_attend", "did_not_attend", "did_not_attend"]):
                PartnerSession.objects.create(
                    referral=referral, happened_on=dt.date(2025, 11, 3 + day), attendance=attendance
                )
    # Made directly rather than through the services, so counted here as the services would.
    engagement_refresh(enrolment_ids=Enrolment.objects.values_list("pk", flat=True))
    # A child of another borough, enrolled and measured, counts nowhere here.
    far = world.children["other_area"]
    EnrolmentFactory.create(child=far, start_date=START)
    far_attendance = measures_ensure(world.other_area)[0]
    for value, on, occasion in (("70", BASELINE, "baseline"), ("99", LATER, "review")):
        measurement_record(actor=worker, child=far, measure=far_attendance, value=value, taken_on=on, occasion=occasion)
    return Cohort(world, children, partner)


def test_highly_engaged_is_enough_contacts_and_enough_sessions_attended(cohort: Cohort) -> None:
    engaged = highly_engaged(cohort.world.area)
    assert engaged == {child.pk for child in cohort.children[:7]}


@dataclass
class Counted:
    """What the report counted, before the impact core suppresses small numbers: its rows and its total."""

    groups: list[GroupCounts]
    total: GroupCounts | None


def counted(monkeypatch: pytest.MonkeyPatch, area: object, by: str, cohort_year: str = "") -> Counted:
    """The counts ``impact_report`` hands the impact core (whose suppression is tested in tests/impact)."""
    seen: list[Counted] = []

    def spy(groups: list[GroupCounts], measures: list[str], *, total: GroupCounts | None = None) -> object:
        seen.append(Counted(list(groups), total))
        return impact_table(groups, measures, total=total)

    monkeypatch.setattr(selectors, "impact_table", spy)
    selectors.impact_report(area=area, by=by, cohort_year=cohort_year)  # type: ignore[arg-type]
    return seen[0]


def test_the_impact_report_by_school_counts_each_child_once(cohort: Cohort, monkeypatch: pytest.MonkeyPatch) -> None:
    found = counted(monkeypatch, cohort.world.area, "school")
    (row,) = found.groups
    assert found.total is None  # the schools split the children: the total is their sum
    assert row.group == "Harrow Road Primary"
    assert (row.enrolled, row.engaged, row.targeted, row.at_least_one, row.all_targeted) == (12, 7, 10, 5, 4)
    assert row.domains["attendance"] == DomainCounts(measured=11, at_risk=10, cleared=5)
    assert row.domains["sdq_emotional"] == DomainCounts(measured=4, at_risk=4, cleared=3)
    assert row.comparison == {}


def test_the_impact_report_shows_small_counts_as_under_five(cohort: Cohort) -> None:
    report = impact_report(area=cohort.world.area, by="school")
    assert report.years == ["2025/26"]
    assert not report.comparison
    total = report.table.total
    assert (total.enrolled, total.targeted) == (12, 10)
    assert total.all_targeted.count == "<5"  # 4 children
    assert total.domains["sdq_emotional"].measured == "<5"
    assert total.domains["sdq_emotional"].cleared.count == "<5"


def test_the_impact_report_by_cohort_year_and_for_one_year(cohort: Cohort, monkeypatch: pytest.MonkeyPatch) -> None:
    (row,) = counted(monkeypatch, cohort.world.area, "cohort", "2025/26").groups
    assert (row.group, row.enrolled, row.targeted, row.at_least_one) == ("2025/26", 12, 10, 5)
    assert row.domains["attendance"] == DomainCounts(measured=11, at_risk=10, cleared=5)
    empty = counted(monkeypatch, cohort.world.area, "cohort", "2024/25")
    assert empty.groups == []


def test_the_impact_report_by_partner_counts_those_who_worked_with_it(
    cohort: Cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = counted(monkeypatch, cohort.world.area, "partner")
    row, alone = found.groups
    # c0-c5 and c7 started with the partner (c7 not engaged: 1 of 4 sessions); c6 was only referred.
    assert (row.group, row.enrolled, row.engaged, row.targeted, row.at_least_one, row.all_targeted) == (
        "Counselling Partner",
        7,
        6,
        7,
        5,
        4,
    )
    assert row.domains["attendance"] == DomainCounts(measured=7, at_risk=7, cleared=5)
    # The five no partner worked with (c6 only referred) are a row of their own, last.
    assert (alone.group, alone.enrolled) == ("No delivery partner", 5)
    assert alone.domains["attendance"].measured == 4
    # A child can work with several partners, so the total is counted apart: every child once.
    assert found.total is not None
    assert (found.total.group, found.total.enrolled, found.total.engaged, found.total.targeted) == (
        "All children",
        12,
        7,
        10,
    )


def test_reliable_change_is_counted_once_the_borough_sets_it(cohort: Cohort, monkeypatch: pytest.MonkeyPatch) -> None:
    attendance = Measure.objects.get(area=cohort.world.area, key="attendance")
    attendance.reliable_change = 5
    measure_save(actor=cohort.world.members[Role.DATA_LEAD], measure=attendance)
    (row,) = counted(monkeypatch, cohort.world.area, "school").groups
    # Up 15 (c0-c4) and up 5 (c5-c9) are reliable; c10's 1 is not.
    assert row.domains["attendance"] == DomainCounts(
        measured=11, at_risk=10, cleared=5, assessed=11, improved=10, worsened=0
    )


def test_an_unknown_grouping_is_by_school(cohort: Cohort) -> None:
    assert impact_report(area=cohort.world.area, by="nonsense").by == "school"


# -- contracts and claims ----------------------------------------------------------------------------------------


def test_a_contracts_periods_are_school_terms_cut_to_its_dates(programme: Programme) -> None:
    periods = contract_periods(programme.contract)
    assert [(period.name, period.starts, period.ends) for period in periods[:3]] == [
        ("Autumn 2025", dt.date(2025, 9, 1), dt.date(2025, 12, 31)),
        ("Spring 2026", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("Summer 2026", dt.date(2026, 4, 1), dt.date(2026, 8, 31)),
    ]
    assert len(periods) == 9
    short = Contract(starts_on=dt.date(2025, 10, 15), ends_on=dt.date(2026, 2, 10))
    assert [(period.starts, period.ends, period.slug) for period in contract_periods(short)] == [
        (dt.date(2025, 10, 15), dt.date(2025, 12, 31), "2025-10-15"),
        (dt.date(2026, 1, 1), dt.date(2026, 2, 10), "2026-01-01"),
    ]


@dataclass
class Claims:
    programme: Programme
    ben: Enrolment

    def claim(self, starts: str):  # type: ignore[no-untyped-def]
        period = next(item for item in contract_periods(self.programme.contract) if item.slug == starts)
        return contract_claim(self.programme.contract, period)


def contacts(enrolment: Enrolment, first: dt.date, count: int = 6) -> None:
    for day in range(count):
        Contact.objects.create(enrolment=enrolment, kind="one_to_one", happened_on=first + dt.timedelta(days=day))


@pytest.fixture
def claims(programme: Programme) -> Claims:
    """Amara (the programme's child): signed up 8 September 2025, six contacts in the autumn and spring terms,
    attendance no longer at risk on 2 February 2026. Ben: signed up 5 October 2025, six contacts in the autumn but
    only 1 of 4 partner sessions attended. The contract pays one sign-up in all."""
    world = programme.world
    programme.contract.rates.filter(event="sign_up").update(total_cap=1)
    contacts(programme.enrolment, dt.date(2025, 10, 6))
    contacts(programme.enrolment, dt.date(2026, 1, 12))
    ben = ChildFactory.create(
        forenames="Benedict",
        surname="Zephyrine",
        area=world.area,
        school=world.school,
        programme_organisation=world.programme,
        link_worker=programme.link_worker.user,
    )
    enrolment = EnrolmentFactory.create(child=ben, start_date=dt.date(2025, 10, 1))
    Consent.objects.create(child=ben, purpose="enrolment", given_by="both", given_on=dt.date(2025, 10, 5))
    contacts(enrolment, dt.date(2025, 10, 6))
    referral = _referral(enrolment, Organisation.objects.get(name="Counselling Partner"), Referral.Status.STARTED)
    for day, attendance in enumerate(["attended", "did_not_attend", "did_not_attend", "did_not_attend"]):
        PartnerSession.objects.create(referral=referral, happened_on=dt.date(2025, 11, 3 + day), attendance=attendance)
    return Claims(programme, enrolment)


def lines(found) -> list[tuple[str, str, str, dt.date, Decimal, str]]:  # type: ignore[no-untyped-def]
    return [
        (
            line.achievement.child,
            line.achievement.event,
            line.achievement.measure,
            line.achievement.on,
            line.price,
            line.reason,
        )
        for line in found.claim.lines
    ]


def test_the_autumn_claim_pays_sign_ups_to_the_cap_and_engagement_at_term_end(claims: Claims) -> None:
    amara, ben = reference_of(claims.programme.enrolment.pk), reference_of(claims.ben.pk)
    found = claims.claim("2025-09-01")
    assert lines(found) == [
        (amara, "sign_up", "", dt.date(2025, 9, 8), Decimal("500"), ""),
        (ben, "sign_up", "", dt.date(2025, 10, 5), Decimal("0"), "The contract's limit of 1 is reached"),
        (amara, "engagement", "", dt.date(2025, 12, 31), Decimal("300"), ""),
    ]
    assert found.claim.total == Decimal("800")
    assert [(row.event, row.measure, row.achieved, row.payable, row.amount) for row in found.claim.summary] == [
        ("sign_up", "", 2, 1, Decimal("500")),
        ("engagement", "", 1, 1, Decimal("300")),
        ("outcome", "attendance", 0, 0, Decimal("0")),
    ]
    assert found.children == {amara: claims.programme.child.pk, ben: claims.ben.child.pk}


def test_the_evidence_says_what_the_records_show(claims: Claims) -> None:
    autumn = {
        line.achievement.event: line.achievement.evidence
        for line in reversed(claims.claim("2025-09-01").claim.lines)  # Amara's sign-up, the first, wins
    }
    assert autumn["engagement"] == (
        "6 Link Worker contacts in Autumn 2025 (6 needed).",
        "No partner sessions were held in the term.",
    )
    assert autumn["sign_up"] == (
        "Enrolled on 8 September 2025.",
        "Consent to take part given on 8 September 2025 by parent or carer.",
    )
    spring = {line.achievement.event: line.achievement.evidence for line in claims.claim("2026-01-01").claim.lines}
    assert spring["outcome"] == (
        "Attendance at baseline: 84.5% on 10 September 2025 (at risk below 90.0%).",
        "Attendance later: 93.0% on 2 February 2026, no longer at risk.",
    )


def test_the_spring_claim_pays_the_outcome_and_not_a_second_engagement(claims: Claims) -> None:
    amara = reference_of(claims.programme.enrolment.pk)
    found = claims.claim("2026-01-01")
    assert lines(found) == [
        (amara, "outcome", "attendance", LATER, Decimal("1200"), ""),
        (amara, "engagement", "", dt.date(2026, 3, 31), Decimal("0"), "Already paid once for this child (limit 1)"),
    ]
    assert found.claim.total == Decimal("1200")


def test_a_term_still_running_has_no_engagement_yet(claims: Claims) -> None:
    today = dt.date.today()
    contacts(claims.programme.enrolment, today - dt.timedelta(days=6))
    current = next(
        period for period in contract_periods(claims.programme.contract) if period.starts <= today <= period.ends
    )
    found = contract_claim(claims.programme.contract, current)
    assert [line.achievement.event for line in found.claim.lines] == []


def test_enrolling_again_is_not_a_second_sign_up(claims: Claims) -> None:
    first = claims.programme.enrolment
    Enrolment.objects.filter(pk=first.pk).update(stage="closed", closed_on=dt.date(2026, 1, 31))
    again = EnrolmentFactory.create(child=claims.programme.child, start_date=dt.date(2026, 4, 20))
    summer = claims.claim("2026-04-01")
    assert lines(summer) == [
        (
            reference_of(again.pk),
            "sign_up",
            "",
            dt.date(2026, 4, 20),
            Decimal("0"),
            "Already paid once for this child (limit 1)",
        ),
    ]
    # The autumn claim names the child by the same one reference, which the programme can follow.
    autumn = claims.claim("2025-09-01")
    assert {line.achievement.child for line in autumn.claim.lines} <= set(autumn.children)


def test_an_outcome_on_a_measure_without_a_rate_is_not_claimed(claims: Claims) -> None:
    # Amara's SDQ emotional score is no longer at risk too, but the contract pays on attendance only.
    spring = claims.claim("2026-01-01")
    assert {line.achievement.measure for line in spring.claim.lines if line.achievement.event == "outcome"} == {
        "attendance"
    }


def test_another_boroughs_children_are_not_in_the_claim(claims: Claims) -> None:
    far = claims.programme.world.children["other_area"]
    EnrolmentFactory.create(child=far, start_date=START)
    Consent.objects.create(child=far, purpose="enrolment", given_by="parent", given_on=START)
    found = claims.claim("2025-09-01")
    assert len(found.claim.lines) == 3
