"""Case coordination at scale: the caseload, the child's record and the chronology under concurrent use.

Targets (issue 5): with 20,000 enrolled children and 2 million sessions on SQLite, the caseload
page p95 <= 100 ms and the child record and chronology pages p95 <= 150 ms under 16 concurrent
users.

    .venv/bin/python -m bench.bench_cases [--children 20000] [--sessions 2000000] [--users 16] [--rounds 20]

Each enrolled child has a plan (three goals, six actions, five versions, a review each term),
two referrals (one to a delivery partner) with their status history, and an equal share of the
sessions: three in five are Link Worker contacts, two in five partner sessions. Link Workers hold
24 children each. The 16 users are 16 Link Workers signed in at once, shared between two server
processes (one per core, as a deployment runs), each user in its own thread with its own database
connection, going caseload -> child record -> chronology over and over, pausing about a second on
each page (``--think``; a person reads a page for longer).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.common import django_in_throwaway_database, machine_line, raw_insert, timings_line

PER_WORKER = 24


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=20_000, help="enrolled children (default %(default)s)")
    parser.add_argument("--sessions", type=int, default=2_000_000, help="sessions in all (default %(default)s)")
    parser.add_argument("--users", type=int, default=16, help="concurrent users (default %(default)s)")
    parser.add_argument("--rounds", type=int, default=20, help="rounds of three pages per user (default %(default)s)")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean seconds a user reads a page (default %(default)s)"
    )
    parser.add_argument(
        "--processes", type=int, default=os.cpu_count() or 1, help="server processes (default: one per core)"
    )
    parser.add_argument("--workdir", type=Path, help="reuse the database an earlier run left in this folder")
    options = parser.parse_args()
    workdir = django_in_throwaway_database("joinedup-bench-cases-", options.workdir)
    print(machine_line())
    print(f"database: {workdir / 'bench.sqlite3'}")
    from joinedup.accounts.models import Role, User

    workers = list(User.objects.filter(memberships__role=Role.LINK_WORKER).order_by("pk"))
    if not workers:
        t0 = time.perf_counter()
        workers = build(options.children, options.sessions)
        took = time.perf_counter() - t0
        print(f"built {options.children:,} enrolments and {options.sessions:,} sessions: {took:.0f} s")
    measure(workers, users=options.users, rounds=options.rounds, think=options.think, processes=options.processes)


def build(children: int, sessions: int) -> list[Any]:
    """Write the bench's borough straight into the database; returns the Link Workers."""
    from django.db import connection, transaction
    from django.utils import timezone

    from joinedup.accounts.models import Area, Membership, Organisation, Role, User
    from joinedup.cases.models import (
        Child,
        Consent,
        Contact,
        Enrolment,
        Family,
        Goal,
        GoalProgress,
        PartnerSession,
        Plan,
        PlanAction,
        PlanReview,
        PlanVersion,
        Referral,
        ReferralEvent,
    )
    from joinedup.directory.models import Service, ServiceProfile

    rng = random.Random(5)
    today = date.today()
    now = timezone.now()
    area = Area.objects.create(name="Bench borough", ons_code="E09999998")
    programme = Organisation.objects.create(name="Bench programme", kind=Organisation.Kind.PROGRAMME)
    partner = Organisation.objects.create(name="Bench counselling", kind=Organisation.Kind.DELIVERY_PARTNER)
    schools = [
        Organisation.objects.create(name=f"Bench School {n:02d}", kind=Organisation.Kind.SCHOOL, urn=f"{960000 + n}")
        for n in range(40)
    ]
    for organisation in (programme, partner, *schools):
        organisation.areas.add(area)
    partner_service = Service.objects.create(id="b0000000-0000-4000-8000-000000000001", name="Counselling", area=area)
    other_service = Service.objects.create(id="b0000000-0000-4000-8000-000000000002", name="Tutoring", area=area)
    ServiceProfile.objects.create(service=partner_service, delivery_partner=partner, is_delivery_partner=True)
    practitioner = User.objects.create_user(email="partner@example.org", password=None, full_name="Partner")
    Membership.objects.create(user=practitioner, organisation=partner, area=area, role=Role.DELIVERY_PRACTITIONER)
    workers = []
    for n in range(-(-children // PER_WORKER)):
        worker = User.objects.create_user(email=f"lw{n}@example.org", password=None, full_name=f"Link Worker {n}")
        Membership.objects.create(user=worker, organisation=programme, area=area, role=Role.LINK_WORKER)
        workers.append(worker)

    contacts_each = sessions * 3 // 5 // children
    partner_sessions_each = (sessions - contacts_each * children) // children
    with transaction.atomic():
        raw_insert(
            Family,
            (
                {
                    "id": n + 1,
                    "family_name": f"Family{n}",
                    "address_line_1": "1 Bench Road",
                    "postcode": "NW10 4AA",
                    "area_id": area.pk,
                    "created_at": now,
                    "modified_at": now,
                }
                for n in range(children)
            ),
        )
        raw_insert(
            Child,
            (
                {
                    "id": n + 1,
                    "forenames": f"Child{n}",
                    "surname": f"Surname{n % 997}",
                    "sex": "F",
                    "date_of_birth": date(2015 + n % 5, 1 + n % 12, 1 + n % 28),
                    "family_id": n + 1,
                    "school_id": schools[n % 40].pk,
                    "home_postcode": "NW10 4AA",
                    "area_id": area.pk,
                    "programme_organisation_id": programme.pk,
                    "link_worker_id": workers[n // PER_WORKER].pk,
                    "created_at": now,
                    "modified_at": now,
                }
                for n in range(children)
            ),
        )
        starts = [today - timedelta(days=rng.randint(100, 700)) for _ in range(children)]
        raw_insert(
            Consent,
            (
                {
                    "child_id": n + 1,
                    "purpose": "enrolment",
                    "basis": "consent",
                    "given_by": "parent",
                    "given_on": starts[n],
                    "created_at": now,
                    "modified_at": now,
                }
                for n in range(children)
            ),
        )
        raw_insert(
            Enrolment,
            (
                {
                    "id": n + 1,
                    "child_id": n + 1,
                    "programme_organisation_id": programme.pk,
                    "school_id": schools[n % 40].pk,
                    "link_worker_id": workers[n // PER_WORKER].pk,
                    "start_date": starts[n],
                    "planned_end_date": starts[n] + timedelta(days=730),
                    "stage": "active_plan",
                    "at_risk_domains": ["attendance", "maths", "emotional_wellbeing"],
                    "created_at": now,
                    "modified_at": now,
                }
                for n in range(children)
            ),
        )
        raw_insert(
            Plan,
            (
                {
                    "id": n + 1,
                    "enrolment_id": n + 1,
                    "version": 5,
                    "family_words": "We want mornings to be calmer.",
                    "created_at": now,
                    "modified_at": now,
                }
                for n in range(children)
            ),
        )
        domains = ("attendance", "attainment", "emotional_wellbeing")
        raw_insert(
            Goal,
            (
                {
                    "id": 3 * n + g + 1,
                    "plan_id": n + 1,
                    "domain": domains[g],
                    "goal": "Get to school on time.",
                    "success": "Attendance above 95% for a term.",
                    "status": "active",
                    "created_at": now,
                    "modified_at": now,
                }
                for n in range(children)
                for g in range(3)
            ),
        )
        raw_insert(
            PlanAction,
            (
                {
                    "plan_id": n + 1,
                    "goal_id": 3 * n + a // 2 + 1,
                    "action": "Morning check-in at the gate",
                    "owner": "link_worker",
                    "due_on": starts[n] + timedelta(days=60 + 30 * a),
                    "done_on": starts[n] + timedelta(days=60 + 30 * a) if a % 2 else None,
                    "created_at": now,
                    "modified_at": now,
                }
                for n in range(children)
                for a in range(6)
            ),
        )
        snapshot: dict[str, Any] = {
            "family_words": "We want mornings to be calmer.",
            "next_review_on": None,
            "goals": [],
        }
        raw_insert(
            PlanVersion,
            (
                {
                    "plan_id": n + 1,
                    "number": v + 1,
                    "snapshot": snapshot,
                    "summary": f"Change {v + 1}",
                    "changed_by_id": workers[n // PER_WORKER].pk,
                    "changed_at": now,
                }
                for n in range(children)
                for v in range(5)
            ),
        )
        raw_insert(
            PlanReview,
            (
                {
                    "id": 4 * n + r + 1,
                    "plan_id": n + 1,
                    "reviewed_on": starts[n] + timedelta(weeks=13 * (r + 1)),
                    "summary": "Good progress this term.",
                    "plan_version": r + 2,
                    "created_at": now,
                    "modified_at": now,
                }
                for n in range(children)
                for r in range(4)
                if starts[n] + timedelta(weeks=13 * (r + 1)) <= today
            ),
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, plan_id FROM cases_planreview")
            reviews = cursor.fetchall()
        raw_insert(
            GoalProgress,
            (
                {"review_id": review, "goal_id": 3 * (plan - 1) + g + 1, "rating": "some"}
                for review, plan in reviews
                for g in range(3)
            ),
        )
        raw_insert(
            Referral,
            (
                {
                    "id": 2 * n + r + 1,
                    "enrolment_id": n + 1,
                    "service_id": partner_service.id if r == 0 else other_service.id,
                    "partner_organisation_id": partner.pk if r == 0 else None,
                    "status": "started" if r == 0 else "sent",
                    "reason": "Support with worries.",
                    "shared": ["child", "needs"],
                    "sent_on": starts[n],
                    "started_on": starts[n] + timedelta(days=7) if r == 0 else None,
                    "created_at": now,
                    "modified_at": now,
                }
                for n in range(children)
                for r in range(2)
            ),
        )
        raw_insert(
            ReferralEvent,
            (
                {
                    "referral_id": 2 * n + 1,
                    "status": status,
                    "on": starts[n] + timedelta(days=step),
                    "at": now,
                    "by_id": workers[n // PER_WORKER].pk if step == 0 else practitioner.pk,
                    "by_organisation_id": programme.pk if step == 0 else partner.pk,
                    "note": "",
                }
                for n in range(children)
                for step, status in ((0, "sent"), (3, "accepted"), (7, "started"))
            ),
        )
        kinds = [value for value, _label in Contact.Kind.choices]
        raw_insert(
            Contact,
            (
                {
                    "enrolment_id": n + 1,
                    "kind": kinds[c % len(kinds)],
                    "happened_on": today - timedelta(days=(c * 7 + n % 7) % ((today - starts[n]).days + 1)),
                    "minutes": 30,
                    "notes": "Talked about the week at school; feeling more settled in class.",
                    "created_by_id": workers[n // PER_WORKER].pk,
                    "created_at": now,
                    "modified_at": now,
                }
                for n in range(children)
                for c in range(contacts_each)
            ),
            batch=10_000,
        )
        attendance = ("attended", "attended", "attended", "did_not_attend", "cancelled_family")
        raw_insert(
            PartnerSession,
            (
                {
                    "referral_id": 2 * n + 1,
                    "happened_on": today - timedelta(days=(s * 7) % 600),
                    "attendance": attendance[s % 5],
                    "minutes": 45,
                    "note": "Engaged well.",
                    "created_by_id": practitioner.pk,
                    "created_at": now,
                    "modified_at": now,
                }
                for n in range(children)
                for s in range(partner_sessions_each)
            ),
            batch=10_000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return workers


PAGES = ("caseload", "child record", "chronology")


def pages_of(child: int) -> tuple[tuple[str, str], ...]:
    return tuple(
        zip(PAGES, ("/children/caseload/", f"/children/{child}/", f"/children/{child}/chronology/"), strict=True)
    )


def measure(workers: list[Any], *, users: int, rounds: int, think: float, processes: int) -> None:
    """``users`` Link Workers at once, each: caseload, a child's record, the child's chronology, ``rounds`` times.

    The users are shared between ``processes`` server processes (as a deployment runs one worker
    per core), each serving its users from threads. Between pages each user pauses between half
    and one and a half times ``think`` seconds, as a person reads a page.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from joinedup.cases.models import Child

    chosen = workers[:: max(1, len(workers) // users)][:users]
    children = {
        worker.pk: list(Child.objects.filter(link_worker=worker).values_list("pk", flat=True)) for worker in chosen
    }
    single = Client()
    single.force_login(chosen[0])
    single.get("/")
    for name, url in pages_of(children[chosen[0].pk][0]):
        with CaptureQueriesContext(connection) as queries:
            single.get(url)
        print(f"{name}: {len(queries)} queries")
    connection.close()  # each process opens its own
    shares = [[(worker, children[worker.pk]) for worker in chosen[n::processes]] for n in range(processes)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("fork")) as pool:
        results = list(pool.map(_serve, shares, [rounds] * processes, [think] * processes))
    seconds = time.perf_counter() - t0
    timings = {name: [ms for result in results for ms in result[name]] for name in PAGES}
    pages = sum(len(found) for found in timings.values())
    print(f"{users} users on {processes} processes, {pages} pages in {seconds:.1f} s ({pages / seconds:.0f} pages/s)")
    for name, found in timings.items():
        print(timings_line(f"{name} ({users} concurrent users)", found))


def _serve(share: list[tuple[Any, list[int]]], rounds: int, think: float) -> dict[str, list[float]]:
    """One server process: its users, each in a thread, going round the three pages."""
    from django.db import connection
    from django.test import Client

    timings: dict[str, list[float]] = {name: [] for name in PAGES}
    lock = threading.Lock()

    def user(worker: Any, children: list[int]) -> None:
        client = Client()
        client.force_login(worker)
        client.get("/")  # the acting membership and template caches
        rng = random.Random(worker.pk)
        time.sleep(rng.uniform(0, 2 * think))  # people do not all open a page at the same instant
        try:
            for _ in range(rounds):
                for name, url in pages_of(rng.choice(children)):
                    t0 = time.perf_counter()
                    response = client.get(url)
                    elapsed = (time.perf_counter() - t0) * 1000
                    assert response.status_code == 200, (url, response.status_code)
                    with lock:
                        timings[name].append(elapsed)
                    time.sleep(rng.uniform(0.5 * think, 1.5 * think))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(share)) as pool:
        list(pool.map(lambda pair: user(*pair), share))
    return timings


if __name__ == "__main__":
    main()
