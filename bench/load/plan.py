"""Who the load benchmark signs in as, and what they work on: ``python -m bench.load.plan PLAN.json BLOCKS``.

Run with the benchmark's environment (``bench.load.settings`` on the benchmark's database, the demo data loaded).
BLOCKS names the runs and their users, ``LABEL:USERS:MANAGERS`` separated by commas (``journeys:50:1``; MANAGERS
is 1 if some of the users are team managers). Each simulated user of every run is a different demo person: the
headline Link Worker and team manager of ``demo_logins`` first, then the other Link Workers; where a run has
managers, one user in thirteen is a team manager (one per borough, so at most four a run). A code is taken once
per person per 30 seconds, so a manager may sign in again in a later run only if the runs start 30 s apart or more.

Gives each of them an authenticator, a confirmed TOTP device with a new key, as if they had set up their app,
and writes the plan the scenario reads: for each run, its people, each with their key and the open cases they
may see (a Link Worker's own caseload; for a manager, children and Link Workers of their borough); and the demo
password.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

MANAGER_EVERY = 13


def main(path: Path, blocks: list[tuple[str, int, bool]]) -> None:
    import django

    django.setup()
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from joinedup.accounts.models import Membership, Role
    from joinedup.cases.models import Enrolment
    from joinedup.demo.generator import DEMO_PASSWORD, demo_logins

    headline = {email for _, email in demo_logins()}
    open_cases = Enrolment.objects.exclude(stage=Enrolment.Stage.CLOSED).select_related("child")
    cases_by_worker: dict[int, list[dict[str, Any]]] = {}
    for enrolment in open_cases.order_by("pk"):
        cases_by_worker.setdefault(enrolment.link_worker_id, []).append(
            {"id": enrolment.child_id, "postcode": enrolment.child.home_postcode, "area": enrolment.child.area_id}
        )
    workers = sorted(
        (
            m
            for m in Membership.objects.filter(role=Role.LINK_WORKER).select_related("user")
            if m.user_id in cases_by_worker
        ),
        key=lambda m: (m.user.email not in headline, -len(cases_by_worker[m.user_id]), m.user.email),
    )
    managers = sorted(
        Membership.objects.filter(role=Role.TEAM_MANAGER).select_related("user"),
        key=lambda m: (m.user.email not in headline, m.user.email),
    )
    rng = random.Random(2026)
    plan: dict[str, list[dict[str, Any]]] = {}
    next_worker = 0
    with transaction.atomic():
        for label, users, with_managers in blocks:
            people = plan[label] = []
            block_managers = iter(managers if with_managers else [])
            for slot in range(users):
                manager = next(block_managers, None) if slot % MANAGER_EVERY == 1 else None
                if manager is not None:
                    borough_workers = [m.user_id for m in workers if m.area_id == manager.area_id]
                    borough_cases = [c for w in borough_workers for c in cases_by_worker[w]]
                    people.append(
                        _person(
                            TOTPDevice,
                            manager,
                            children=rng.sample(borough_cases, min(50, len(borough_cases))),
                            workers=borough_workers,
                        )
                    )
                    continue
                if next_worker >= len(workers):
                    raise SystemExit(
                        f"The runs ({blocks}) need more Link Workers than the demo data has "
                        f"({len(workers)}): load more children (--children) or use fewer users."
                    )
                worker = workers[next_worker]
                next_worker += 1
                people.append(_person(TOTPDevice, worker, children=cases_by_worker[worker.user_id], workers=[]))
    children = sum(len(cases) for cases in cases_by_worker.values())
    everyone = [person for people in plan.values() for person in people]
    summary = (
        f"{children:,} open cases among {len(workers):,} Link Workers; {len(everyone)} sign-ins "
        f"({sum(p['role'] == Role.TEAM_MANAGER for p in everyone)} of them by team managers)"
    )
    path.write_text(json.dumps({"password": DEMO_PASSWORD, "runs": plan, "summary": summary}))


_KEYS: dict[int, str] = {}


def _person(
    device_model: Any, membership: Any, *, children: list[dict[str, Any]], workers: list[int]
) -> dict[str, Any]:
    """One simulated person, with a new authenticator (once, however many runs they are in): any earlier device
    is replaced (the demo has none)."""
    if membership.user_id not in _KEYS:
        device_model.objects.filter(user=membership.user).delete()
        device = device_model.objects.create(
            user=membership.user, name="Authenticator app (load benchmark)", confirmed=True
        )
        _KEYS[membership.user_id] = device.key
    return {
        "email": membership.user.email,
        "role": membership.role,
        "key": _KEYS[membership.user_id],
        "children": children,
        "workers": workers,
    }


if __name__ == "__main__":
    main(
        Path(sys.argv[1]),
        [
            (label, int(users), managers == "1")
            for label, users, managers in (b.split(":") for b in sys.argv[2].split(","))
        ],
    )
