"""Safeguarding at scale: raising a concern, the safeguarding lead's pages, the monthly report and the reminders.

Targets (set for issue 8, which names none): raising a concern (the form posted, the leads alerted) p95 <= 300 ms;
the concern page p95 <= 150 ms, as for the child's record; the team's open concerns (the lead's start page) and
the monthly report each under 1 s; `send-reminders`' safeguarding pass under 5 s.

    PYTHONPATH=. .venv/bin/python -m bench.bench_safeguarding [--children 5000] [--concerns 20000] [--requests 100]

A team of one borough: children, and concerns raised over two years, about one in fifty still open at every stage
(some overdue); nearly all closed, decided without a referral or referred with an outcome. Pages are requested in
process through Django's test client, signed in, with the audit log written as usual.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench.common import children_make, django_in_throwaway_database, machine_line, raw_insert, timings_line

CATEGORIES = ("neglect", "physical", "emotional", "sexual", "exploitation", "domestic_abuse", "online_harm", "other")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=5_000, help="children (default %(default)s)")
    parser.add_argument("--concerns", type=int, default=20_000, help="concerns over two years (default %(default)s)")
    parser.add_argument("--requests", type=int, default=100, help="requests of each page (default %(default)s)")
    parser.add_argument("--workdir", type=Path, help="reuse the database an earlier run left in this folder")
    options = parser.parse_args()
    workdir = django_in_throwaway_database("joinedup-bench-safeguarding-", options.workdir)
    print(machine_line())
    print(f"database: {workdir / 'bench.sqlite3'}")
    from joinedup.safeguarding.models import Concern

    if not Concern.objects.exists():
        t0 = time.perf_counter()
        build(options.children, options.concerns)
        print(
            f"built {options.children:,} children and {options.concerns:,} concerns: {time.perf_counter() - t0:.0f} s"
        )
    measure(options.requests)


def build(children: int, concerns: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from joinedup.accounts.models import Area, Membership, Organisation, Role, User
    from joinedup.safeguarding.models import AreaSafeguarding, Concern, Decision, Escalation, FrontDoor

    rng = random.Random(8)
    now = timezone.now()
    with transaction.atomic():
        area = Area.objects.create(name="Brent", ons_code="E09000005")
        programme = Organisation.objects.create(name="Link Programme", kind=Organisation.Kind.PROGRAMME)
        school = Organisation.objects.create(name="Harrow Road Primary", kind=Organisation.Kind.SCHOOL, urn="100001")
        for organisation in (programme, school):
            organisation.areas.add(area)

        def member(email: str, role: Role) -> Membership:
            user = User.objects.create_user(email, full_name=email.split("@")[0])
            return Membership.objects.create(user=user, organisation=programme, area=area, role=role)

        manager = member("manager@bench.test", Role.TEAM_MANAGER)
        workers = [member(f"lw{n}@bench.test", Role.LINK_WORKER) for n in range(children // 30 + 1)]
        AreaSafeguarding.objects.create(area=area, emergency_contacts="MASH 020 7946 0001").leads.add(manager)
        doors = {
            kind: FrontDoor.objects.create(
                area=area,
                kind=kind,
                name=f"Brent {kind}",
                channel="secure_email",
                contact=f"{kind}@brent.example.gov.uk",
                required_fields=["child_name", "date_of_birth", "concern", "child_words", "reasons", "family_informed"],
            )
            for kind in ("early_help", "social_care", "police")
        }
        made = children_make(children, area=area, programme=programme, school=school, workers=workers, per_worker=30)
        concern_rows, decision_rows, escalation_rows = [], [], []
        first_pk = 1
        for n in range(concerns):
            index = rng.randrange(len(made))
            child = made[index]
            is_open = rng.random() < 0.02
            # Open concerns are recent (up to three weeks old); the rest spread over two years.
            raised = now - timedelta(minutes=rng.randrange((21 if is_open else 2 * 365) * 24 * 60))
            concern_rows.append(
                {
                    "id": first_pk + n,
                    "area_id": area.pk,
                    "organisation_id": programme.pk,
                    "child_id": child.pk,
                    "raised_by_id": workers[index // 30].pk if n % 500 else manager.pk,
                    "what": "Seen at the school gate, upset and hungry.",
                    "child_words": "There wasn't any breakfast again.",
                    "happened_on": raised.date(),
                    "place": "School gate",
                    "category": rng.choice(CATEGORIES),
                    "immediate_risk": rng.random() < 0.05,
                    "created_at": raised,
                    "modified_at": raised,
                }
            )
            stage = rng.choice(("decision", "refer", "ack", "outcome")) if is_open else rng.choice(("closed", "done"))
            if stage == "decision":
                continue
            action = "monitor" if stage == "closed" else rng.choice(("early_help", "social_care", "police"))
            decided = raised + timedelta(hours=rng.uniform(1, 40))
            decision_rows.append(
                {
                    "concern_id": first_pk + n,
                    "level": str(rng.randint(1, 4)),
                    "level_name": "Level",
                    "action": action,
                    "reasons": "Reasons given.",
                    "decided_by_id": manager.user_id,
                    "decided_at": decided,
                }
            )
            if stage in ("closed", "refer"):
                continue
            sent = (decided + timedelta(days=rng.uniform(0, 2))).date()
            kind = {"early_help": "early_help", "social_care": "social_care", "police": "police"}[action]
            done = stage == "done"
            escalation_rows.append(
                {
                    "concern_id": first_pk + n,
                    "front_door_id": doors[kind].pk,
                    "form": [{"code": "concern", "label": "What", "value": "Seen at the gate"}],
                    "family_informed": True,
                    "sent_on": sent,
                    "acknowledged_on": sent + timedelta(days=1) if stage != "ack" else None,
                    "outcome": rng.choice(("nfa", "early_help", "child_in_need", "child_protection")) if done else "",
                    "outcome_on": sent + timedelta(days=rng.randint(2, 20)) if done else None,
                    "created_at": datetime.combine(sent, datetime.min.time(), tzinfo=now.tzinfo),
                    "modified_at": now,
                }
            )
        raw_insert(Concern, concern_rows)
        raw_insert(Decision, decision_rows)
        raw_insert(Escalation, escalation_rows)


def measure(requests: int) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from joinedup.accounts.models import Membership, Role
    from joinedup.cases.models import Child
    from joinedup.safeguarding.models import Concern
    from joinedup.safeguarding.selectors import open_items
    from joinedup.safeguarding.services import overdue_remind

    # The emails are built and kept in memory: no mail server is measured.
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    manager = Membership.objects.get(role=Role.TEAM_MANAGER)
    items = open_items(manager.area_id, manager.organisation_id)
    print(f"open concerns: {len(items):,} ({sum(item.overdue is not None for item in items):,} overdue)")
    client = Client()
    client.force_login(manager.user)

    def pages(name: str, url: str, times: int) -> list[float]:
        timings = []
        for _ in range(times):
            t0 = time.perf_counter()
            assert client.get(url).status_code == 200, url
            timings.append((time.perf_counter() - t0) * 1000)
        print(f"{name} ({times} requests): median {statistics.median(timings):.0f} ms, max {max(timings):.0f} ms")
        return timings

    pages("the team's open concerns", "/safeguarding/", 5)
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    pages("monthly report", f"/safeguarding/report/?month={last_month:%Y-%m}", 5)

    rng = random.Random(1)
    ids = list(Concern.objects.values_list("pk", flat=True))
    timings = []
    for pk in rng.sample(ids, min(requests, len(ids))):
        t0 = time.perf_counter()
        assert client.get(f"/safeguarding/concerns/{pk}/").status_code == 200
        timings.append((time.perf_counter() - t0) * 1000)
    print(timings_line("concern page (team manager)", timings))

    worker = Membership.objects.filter(role=Role.LINK_WORKER).first()
    assert worker is not None
    raiser = Client()
    raiser.force_login(worker.user)
    own = list(Child.objects.filter(link_worker=worker.user).values_list("pk", flat=True))
    today = timezone.localdate().strftime("%d/%m/%Y")
    timings = []
    for n in range(requests):
        t0 = time.perf_counter()
        response = raiser.post(
            f"/safeguarding/children/{own[n % len(own)]}/raise/",
            {
                "what": "Came in without a coat again, shivering.",
                "child_words": "Mum says we can't afford one.",
                "happened_on": today,
                "place": "Playground",
                "category": "neglect",
                "immediate_risk": "yes" if n % 10 == 0 else "no",
            },
        )
        assert response.status_code == 302, response.content[:500]
        timings.append((time.perf_counter() - t0) * 1000)
    print(timings_line("raise a concern (posted, leads alerted)", timings))

    t0 = time.perf_counter()
    sent = overdue_remind()
    print(f"send-reminders, safeguarding pass: {sent:,} reminders in {time.perf_counter() - t0:.2f} s")
    t0 = time.perf_counter()
    call_command("send_reminders", stdout=io.StringIO())
    print(f"send-reminders again (nothing new): {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
