"""Outcomes at scale: the impact report for a large borough, and an outcomes contract's claims for a year.

Targets (issue 9): the impact report (`selectors.impact_report`, by school, by delivery partner and by cohort year)
for a borough of 50,000 enrolled children with 1,000,000 measurements, ≤ 2 s; the claim for one term
(`selectors.contract_claim`) of a year of a 20,000-child programme, ≤ 5 s.

    PYTHONPATH=. .venv/bin/python -m bench.bench_outcomes [--children 50000] [--contract-children 20000] [--runs 5]

Two boroughs on a throwaway SQLite database: a large one for the impact report (40 schools, 5 delivery partners,
children starting over three school years, 5 measures read at enrolment and each term after for three terms: 20
readings each) and one for the contract (its own children, read the same way). Every child has Link Worker
contacts term by term (3 to 9 a term, so some terms are highly engaged and some not), half work with a delivery
partner (weekly sessions for two terms, some missed), and every child's consent. Progress is worked out by
`services.progress_refresh`, as the app does, and timed. The contract pays sign-up, high engagement and an outcome
on each measure, one capped; the claims timed are those of each term of the contract's last school year.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.common import django_in_throwaway_database, machine_line, raw_insert

MEASURES = ("attendance", "reading", "maths", "sdq_emotional", "sdq_peer")
DOMAIN_OF = {
    "attendance": "attendance",
    "reading": "reading",
    "maths": "maths",
    "sdq_emotional": "emotional_wellbeing",
    "sdq_peer": "peer_relationships",
}
READINGS = 4  # the baseline and three terms
TERM_DAYS = 91


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=50_000, help="children of the large borough (%(default)s)")
    parser.add_argument(
        "--contract-children", type=int, default=20_000, help="children of the contract's borough (%(default)s)"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs of each report and claim (default %(default)s)")
    parser.add_argument("--workdir", type=Path, help="reuse the database an earlier run left in this folder")
    options = parser.parse_args()
    workdir = django_in_throwaway_database("joinedup-bench-outcomes-", options.workdir)
    print(machine_line())
    print(f"database: {workdir / 'bench.sqlite3'}")
    from joinedup.outcomes.models import Contract

    if not Contract.objects.exists():
        build(options.children, options.contract_children)
    measure(options.runs)


def build(children: int, contract_children: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from joinedup.accounts.models import Area, Membership, Organisation, Role, User
    from joinedup.cases.engagement import engagement_refresh
    from joinedup.cases.models import Child, Consent, Contact, Enrolment, PartnerSession, Referral
    from joinedup.directory.models import Service, ServiceProfile
    from joinedup.outcomes.models import Contract, ContractRate, Measure, Measurement
    from joinedup.outcomes.services import default_evidence, measures_ensure, progress_refresh

    rng = random.Random(9)
    today = date.today()
    now = timezone.now()
    t0 = time.perf_counter()
    programme = Organisation.objects.create(name="Bench programme", kind=Organisation.Kind.PROGRAMME)
    worker = User.objects.create_user(email="lw@example.org", password=None, full_name="Link Worker")
    lead = User.objects.create_user(email="lead@example.org", password=None, full_name="Data lead")
    practitioner = User.objects.create_user(email="partner@example.org", password=None, full_name="Partner")
    next_id = {"child": 1, "referral": 1}
    made: dict[str, Any] = {}
    boroughs = (("Large borough", "E09999997", children), ("Contract borough", "E09999996", contract_children))
    for name, code, count in boroughs:
        area = Area.objects.create(name=name, ons_code=code)
        programme.areas.add(area)
        Membership.objects.create(user=worker, organisation=programme, area=area, role=Role.LINK_WORKER)
        Membership.objects.create(user=lead, organisation=programme, area=area, role=Role.DATA_LEAD)
        schools = [
            Organisation.objects.create(
                name=f"{name} School {n:02d}", kind=Organisation.Kind.SCHOOL, urn=f"{code[-3:]}{n:03d}"
            )
            for n in range(40)
        ]
        partners = [
            Organisation.objects.create(name=f"{name} partner {n}", kind=Organisation.Kind.DELIVERY_PARTNER)
            for n in range(5)
        ]
        services = []
        for n, partner in enumerate(partners):
            service_id = f"c0000000-0000-4000-8000-{code[-3:]}{n:09d}"
            service = Service.objects.create(id=service_id, name="Support", area=area)
            ServiceProfile.objects.create(service=service, delivery_partner=partner, is_delivery_partner=True)
            services.append(service)
        for organisation in (*schools, *partners):
            organisation.areas.add(area)
        measures = {measure.key: measure for measure in measures_ensure(area)}
        for key, amount in (("attendance", 5.0), ("sdq_emotional", 3.0), ("sdq_peer", 3.0)):
            Measure.objects.filter(pk=measures[key].pk).update(reliable_change=amount)
            measures[key].reliable_change = amount
        with transaction.atomic():
            first = next_id["child"]
            _children(
                rng,
                area,
                programme,
                schools,
                partners,
                services,
                measures,
                worker,
                practitioner,
                today,
                now,
                first,
                count,
                next_id,
            )
        made[name] = (area, first, count)
        print(f"  {name}: {count:,} children written: {time.perf_counter() - t0:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"built {Child.objects.count():,} children, {Enrolment.objects.count():,} enrolments, "
        f"{Measurement.objects.count():,} measurements, {Contact.objects.count():,} contacts, "
        f"{Referral.objects.count():,} referrals, {PartnerSession.objects.count():,} partner sessions, "
        f"{Consent.objects.count():,} consents: {time.perf_counter() - t0:.0f} s"
    )
    t1 = time.perf_counter()
    everyone = list(Child.objects.order_by("pk").values_list("pk", flat=True))
    rows = progress_refresh(child_ids=everyone)
    took = time.perf_counter() - t1
    print(f"progress_refresh for {len(everyone):,} children: {rows:,} progress rows in {took:.0f} s")
    t1 = time.perf_counter()
    terms = engagement_refresh(enrolment_ids=Enrolment.objects.values_list("pk", flat=True))
    print(f"engagement_refresh: {terms:,} terms counted in {time.perf_counter() - t1:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    area, _first, _count = made["Contract borough"]
    earliest = Enrolment.objects.filter(child__area=area).order_by("start_date").values_list("start_date", flat=True)[0]
    year = earliest.year if earliest.month >= 9 else earliest.year - 1
    contract = Contract.objects.create(
        area=area,
        name="Bench outcomes contract",
        funder="Bench Council",
        starts_on=date(year, 9, 1),
        ends_on=date(year + 3, 8, 31),
        changed_by=lead,
    )
    measures = {measure.key: measure for measure in Measure.objects.filter(area=area)}
    ContractRate.objects.bulk_create(
        [
            ContractRate(contract=contract, event="sign_up", price=500, evidence=default_evidence("sign_up")),
            ContractRate(contract=contract, event="engagement", price=300, evidence=default_evidence("engagement")),
            *(
                ContractRate(
                    contract=contract,
                    event="outcome",
                    measure=measures[key],
                    price=1000 + 125 * n,
                    total_cap=2000 if key == "attendance" else None,
                    evidence=default_evidence("outcome"),
                )
                for n, key in enumerate(MEASURES)
            ),
        ]
    )


def _children(
    rng: random.Random,
    area: Any,
    programme: Any,
    schools: list[Any],
    partners: list[Any],
    services: list[Any],
    measures: dict[str, Any],
    worker: Any,
    practitioner: Any,
    today: date,
    now: Any,
    first: int,
    count: int,
    next_id: dict[str, int],
) -> None:
    from joinedup.cases.models import Child, Consent, Contact, Enrolment, Family, PartnerSession, Referral
    from joinedup.cases.selectors import school_term
    from joinedup.outcomes.models import Measurement

    ids = range(first, first + count)
    stamps = {"created_at": now, "modified_at": now}
    raw_insert(
        Family,
        (
            {
                "id": n,
                "family_name": f"Family{n}",
                "address_line_1": "1 Road",
                "postcode": "NW10 4AA",
                "area_id": area.pk,
                **stamps,
            }
            for n in ids
        ),
    )
    births = {n: date(2011 + n % 8, 1 + n % 12, 1 + n % 28) for n in ids}
    raw_insert(
        Child,
        (
            {
                "id": n,
                "forenames": f"Child{n}",
                "surname": f"Surname{n % 997}",
                "sex": "F" if n % 2 else "M",
                "date_of_birth": births[n],
                "family_id": n,
                "school_id": schools[n % len(schools)].pk,
                "home_postcode": "NW10 4AA",
                "area_id": area.pk,
                "programme_organisation_id": programme.pk,
                "link_worker_id": worker.pk,
                **stamps,
            }
            for n in ids
        ),
    )
    # Started over about three school years, each at least three terms ago (so each has all four readings).
    starts = {n: today - timedelta(days=rng.randint(READINGS * TERM_DAYS - TERM_DAYS + 7, 1000)) for n in ids}
    domains = {n: rng.sample(list(DOMAIN_OF.values()), rng.randint(1, 3)) for n in ids}
    raw_insert(
        Enrolment,
        (
            {
                "id": n,
                "child_id": n,
                "programme_organisation_id": programme.pk,
                "school_id": schools[n % len(schools)].pk,
                "link_worker_id": worker.pk,
                "start_date": starts[n],
                "planned_end_date": starts[n] + timedelta(days=730),
                "stage": "active_plan",
                "at_risk_domains": domains[n],
                **stamps,
            }
            for n in ids
        ),
    )
    raw_insert(
        Consent,
        (
            {
                "child_id": n,
                "purpose": "enrolment",
                "basis": "consent",
                "given_by": "parent",
                "given_on": starts[n] + timedelta(days=rng.randint(0, 10)),
                **stamps,
            }
            for n in ids
        ),
    )

    def readings() -> Any:
        for n in ids:
            pupil = (starts[n] - births[n]).days >= 11 * 365
            respondent = "pupil" if pupil else "teacher"
            improves = rng.random() < 0.65
            for key in MEASURES:
                measure = measures[key]
                at_risk = DOMAIN_OF[key] in domains[n]
                values = _values(rng, key, respondent, at_risk, improves)
                for index, value in enumerate(values):
                    yield {
                        "child_id": n,
                        "measure_id": measure.pk,
                        "value": value,
                        "respondent": respondent if key.startswith("sdq") else "",
                        "taken_on": starts[n] + timedelta(days=index * TERM_DAYS),
                        "occasion": "baseline" if index == 0 else "review",
                        "source": "entered",
                        "created_by_id": worker.pk,
                        "modified_by_id": worker.pk,
                        **stamps,
                    }

    raw_insert(Measurement, readings(), batch=10_000)

    def contacts() -> Any:
        kinds = ("one_to_one", "one_to_one", "family", "phone", "school_meeting")
        for n in ids:
            term, _name = school_term(starts[n])
            while term <= today:
                following = date(term.year + (term.month == 9), {1: 4, 4: 9, 9: 1}[term.month], 1)
                first_day = max(term, starts[n])
                last_day = min(following - timedelta(days=1), today)
                span = (last_day - first_day).days
                for _ in range(rng.randint(3, 9) if span > 20 else 0):
                    yield {
                        "enrolment_id": n,
                        "kind": rng.choice(kinds),
                        "happened_on": first_day + timedelta(days=rng.randint(0, span)),
                        "minutes": 30,
                        "notes": "Talked about the week at school.",
                        "created_by_id": worker.pk,
                        **stamps,
                    }
                term = following

    raw_insert(Contact, contacts(), batch=10_000)
    partnered = [n for n in ids if n % 2 == 0]
    referral_of = {}
    for n in partnered:
        referral_of[n] = next_id["referral"]
        next_id["referral"] += 1
    raw_insert(
        Referral,
        (
            {
                "id": referral_of[n],
                "enrolment_id": n,
                "service_id": services[n % len(services)].id,
                "partner_organisation_id": partners[n % len(partners)].pk,
                "status": "started" if n % 10 else "completed",
                "reason": "Support with worries.",
                "shared": ["child", "needs"],
                "sent_on": starts[n] + timedelta(days=14),
                "started_on": starts[n] + timedelta(days=28),
                **stamps,
            }
            for n in partnered
        ),
    )
    attendance = ("attended", "attended", "attended", "did_not_attend", "cancelled_family")
    raw_insert(
        PartnerSession,
        (
            {
                "referral_id": referral_of[n],
                "happened_on": starts[n] + timedelta(days=28 + 7 * week),
                "attendance": rng.choice(attendance),
                "minutes": 45,
                "note": "Engaged well.",
                "created_by_id": practitioner.pk,
                **stamps,
            }
            for n in partnered
            for week in range(24)
            if starts[n] + timedelta(days=28 + 7 * week) <= today
        ),
        batch=10_000,
    )
    next_id["child"] = first + count


def _values(rng: random.Random, key: str, respondent: str, at_risk: bool, improves: bool) -> list[float]:
    """A measure's four readings: at risk at baseline or not, and improving for about two in three children."""
    if key == "attendance":
        start = rng.uniform(72, 89) if at_risk else rng.uniform(91, 99)
        goal = rng.uniform(90, 97) if improves else start + rng.uniform(-6, 2)
        return [round(start + (goal - start) * step / 3 + rng.gauss(0, 1), 1) for step in range(READINGS)]
    if key in ("reading", "maths"):
        start = 0 if at_risk else rng.choice((1, 1, 2))
        goal = min(2, start + 1) if improves and at_risk else start
        return [float(start if step < 2 else goal) for step in range(READINGS)]
    threshold = {"sdq_emotional": {"teacher": 5, "pupil": 6}, "sdq_peer": {"teacher": 5, "pupil": 4}}[key][respondent]
    start = min(10, threshold + rng.randint(0, 3)) if at_risk else rng.randint(0, threshold - 2)
    goal = max(0, threshold - rng.randint(1, 3)) if improves and at_risk else min(10, start + rng.randint(-1, 2))
    return [float(max(0, min(10, round(start + (goal - start) * step / 3)))) for step in range(READINGS)]


def measure(runs: int) -> None:
    from joinedup.accounts.models import Area
    from joinedup.cases.models import Enrolment
    from joinedup.outcomes.models import Contract, Measurement, Progress
    from joinedup.outcomes.selectors import contract_claim, contract_periods, impact_report

    large = Area.objects.get(name="Large borough")
    print(
        f"large borough: {Enrolment.objects.filter(child__area=large).count():,} enrolled children, "
        f"{Measurement.objects.filter(child__area=large).count():,} measurements, "
        f"{Progress.objects.filter(area=large).count():,} progress rows"
    )
    for by in ("school", "partner", "cohort"):
        timings = []
        for _ in range(runs):
            t0 = time.perf_counter()
            report = impact_report(area=large, by=by)
            timings.append(time.perf_counter() - t0)
        total = report.table.total
        print(
            f"impact report by {by} ({len(report.table.rows)} rows; {total.enrolled} enrolled, "
            f"{total.at_least_one.count} of {total.targeted} targeted no longer at risk on one): "
            f"median {statistics.median(timings):.2f} s, max {max(timings):.2f} s"
        )

    contract = Contract.objects.get()
    children = Enrolment.objects.filter(child__area=contract.area).count()
    periods = [period for period in contract_periods(contract) if period.starts.year >= contract.ends_on.year - 1]
    periods = periods[-3:]
    print(f"contract: {contract.starts_on} to {contract.ends_on}, {children:,} children; claims for the last year:")
    slowest = []
    for period in periods:
        timings = []
        for _ in range(runs):
            t0 = time.perf_counter()
            found = contract_claim(contract, period)
            timings.append(time.perf_counter() - t0)
        payable = sum(line.payable for line in found.claim.lines)
        print(
            f"  claim for {period.name} ({period.starts} to {period.ends}): {len(found.claim.lines):,} lines, "
            f"{payable:,} payable, £{found.claim.total:,}: median {statistics.median(timings):.2f} s, "
            f"max {max(timings):.2f} s"
        )
        slowest.append((statistics.median(timings), max(timings)))
    print(
        f"claims for the year: slowest term median {max(m for m, _ in slowest):.2f} s "
        f"(max {max(x for _, x in slowest):.2f} s); the three terms together {sum(m for m, _ in slowest):.2f} s"
    )


if __name__ == "__main__":
    main()
