"""Foundation benchmarks: the audited child record, the child list, and the audit chain.

Run: ``.venv/bin/python -m bench.bench_foundation [--events N] [--requests N]``

Builds a throwaway SQLite database under var/bench/, loads the demo world, then measures
server-side response times through Django's test client (no network) and the audit log's
append and verify rates. Prints the figures and the machine they ran on.
"""

from __future__ import annotations

import argparse
import os
import time

from bench.common import django_in_throwaway_database, machine_line, timings_line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000, help="audit events to append and verify")
    parser.add_argument("--requests", type=int, default=300, help="requests per page measured")
    args = parser.parse_args()

    django_in_throwaway_database("joinedup-bench-")
    from django.core.management import call_command
    from django.test import Client

    from joinedup.accounts.models import Membership, Role
    from joinedup.audit.models import AuditAction
    from joinedup.audit.services import audit_record, audit_verify
    from joinedup.cases.access import children_visible_to

    print(machine_line())
    started = time.perf_counter()
    call_command("seed_demo", seed=2026, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"seed-demo (default size): {time.perf_counter() - started:.1f} s")

    manager = Membership.objects.filter(role=Role.TEAM_MANAGER).select_related("user", "area").first()
    assert manager is not None
    client = Client()
    client.force_login(manager.user)
    child_ids = list(children_visible_to(manager).values_list("pk", flat=True)[: args.requests])
    client.get("/")  # warm up: session, acting membership, template caches

    def measure(urls: list[str]) -> list[float]:
        timings = []
        for url in urls:
            t0 = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        return timings

    record = measure([f"/children/{pk}/" for pk in child_ids])
    listing = measure([f"/children/?page={1 + i % 5}" for i in range(args.requests)])
    for name, timings in (("child record (audited)", record), ("child list, 50 a page", listing)):
        print(timings_line(name, timings))

    t0 = time.perf_counter()
    for _ in range(args.events):
        audit_record(action=AuditAction.VIEW, actor=manager, record_type="child", record_id=1, child_id=1)
    append = time.perf_counter() - t0
    print(f"audit append: {args.events} events in {append:.1f} s ({args.events / append:,.0f} events/s)")
    t0 = time.perf_counter()
    report = audit_verify()
    verify = time.perf_counter() - t0
    assert report.ok, report
    print(f"audit verify: {report.checked:,} events in {verify:.1f} s ({report.checked / verify:,.0f} events/s)")


if __name__ == "__main__":
    main()
