"""Directory benchmarks: practitioner search and the ORUK API over a national directory, and imports.

Run: ``.venv/bin/python -m bench.bench_directory [--services N] [--requests N] [--import-services N]``

Two parts, each in its own process and throwaway SQLite database:

- ``search``: loads N services (100,000 by default) spread over Great Britain with
  ``bench.directory_data.load_directory``, then measures the practitioner search (words + a need +
  the child's age + 3 miles from a postcode district) through ``service_search`` and through the
  page, and ORUK ``/services?per_page=50`` through Django's test client (no network).
- ``import``: writes a JSON file of 10,000 services and times ``joinedup directory import-oruk``'s
  work function on it, then again (every service unchanged).

Targets (issue 3): search p95 <= 30 ms; ``/services?per_page=50`` p95 <= 50 ms; import of 10,000
services from files <= 60 s. Prints the figures and the machine they ran on.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import django_in_throwaway_database, machine_line, timings_line

WORDS = ("club", "support", "family", "young", "group", "advice", "parents", "youth", "help", "centre")


def print_timings(name: str, timings: list[float]) -> None:
    print(timings_line(name, timings))


def search_part(services: int, requests: int, workdir: Path | None) -> None:
    workdir = django_in_throwaway_database("joinedup-bench-directory-", workdir)
    print(f"database: {workdir / 'bench.sqlite3'}")
    from django.test import Client

    from bench.directory_data import load_directory
    from joinedup.accounts.models import Area, Membership, Organisation, Role, User
    from joinedup.core.domains import IDENTIFICATION_DOMAINS
    from joinedup.directory.models import SearchEntry, Service
    from joinedup.directory.selectors import ServiceQuery, service_search
    from joinedup.geodata.models import PostcodeDistrict
    from joinedup.geodata.selectors import postcode_point

    if Service.objects.exists():
        print(f"reusing the {Service.objects.count():,} services already loaded")
    else:
        started = time.perf_counter()
        report = load_directory(services)
        print(f"load {services:,} services: {time.perf_counter() - started:.0f} s ({report.summary()})")

    # Postcode districts where services are, weighted by how many there are (busy places are searched most).
    rng = random.Random(3)
    sample = rng.sample(list(PostcodeDistrict.objects.values_list("district", "latitude", "longitude")), 400)
    weights = [
        SearchEntry.objects.filter(
            latitude__range=(lat - 0.02, lat + 0.02), longitude__range=(lng - 0.03, lng + 0.03)
        ).count()
        + 0.1
        for _district, lat, lng in sample
    ]
    origins = rng.choices([district for district, _lat, _lng in sample], weights=weights, k=requests)
    queries: list[tuple[str, str, str, int]] = [
        (district, rng.choice(WORDS), str(rng.choice(IDENTIFICATION_DOMAINS).value), rng.randint(5, 15))
        for district in origins
    ]

    timings, found = [], []
    for district, word, need, age in queries:
        t0 = time.perf_counter()
        point = postcode_point(district)
        results = service_search(
            ServiceQuery(text=word, domains=(need,), age=age, origin=point.point, origin_label=point.text, miles=3)
        )
        timings.append((time.perf_counter() - t0) * 1000)
        found.append(results.total)
    print_timings("practitioner search (words + need + age + 3 miles), selector", timings)
    print(f"  results per search: median {statistics.median(found):.0f}, max {max(found)}")

    area, _ = Area.objects.get_or_create(name="Bench borough", ons_code="E09999999")
    organisation, _ = Organisation.objects.get_or_create(name="Bench programme", kind=Organisation.Kind.PROGRAMME)
    user = User.objects.filter(email="bench@example.org").first() or User.objects.create_user(
        email="bench@example.org", password=None, full_name="Bench"
    )
    Membership.objects.get_or_create(user=user, organisation=organisation, area=area, role=Role.LINK_WORKER)
    client = Client()
    client.force_login(user)
    client.get("/directory/")
    pages = []
    for district, word, need, age in queries:
        t0 = time.perf_counter()
        params: dict[str, str | int] = {"q": word, "need": need, "age": age, "postcode": district}
        response = client.get("/directory/", params)
        pages.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    print_timings("practitioner search page, whole request", pages)

    anonymous = Client()
    last_page = max(1, services // 50)
    oruk = []
    for page in [rng.randint(1, last_page) for _ in range(requests)]:
        t0 = time.perf_counter()
        response = anonymous.get("/api/oruk/services", {"per_page": 50, "page": page})
        oruk.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    print_timings("ORUK /services?per_page=50, whole request", oruk)


def import_part(count: int) -> None:
    workdir = django_in_throwaway_database("joinedup-bench-import-")
    from bench.directory_data import write_json
    from joinedup.accounts.models import Area
    from joinedup.directory.services import directory_import

    path = write_json(workdir / f"services-{count}.json", count)
    print(f"feed file: {count:,} services, {path.stat().st_size / 1e6:.0f} MB")
    area = Area.objects.create(name="Bench borough", ons_code="E09999999")
    for run in ("first import", "import again, all unchanged"):
        t0 = time.perf_counter()
        report = directory_import(source=str(path), area=area)
        print(f"{run}: {time.perf_counter() - t0:.1f} s ({report.summary()})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=100_000, help="services in the search benchmark")
    parser.add_argument("--requests", type=int, default=300, help="searches and API pages measured")
    parser.add_argument("--import-services", type=int, default=10_000, help="services in the import benchmark")
    parser.add_argument("--part", choices=["search", "import"], help="run one part in this process")
    parser.add_argument("--workdir", type=Path, help="with --part search: reuse the directory loaded there")
    args = parser.parse_args()
    if args.part == "search":
        search_part(args.services, args.requests, args.workdir)
        return
    if args.part == "import":
        import_part(args.import_services)
        return
    print(machine_line())
    for part in ("import", "search"):
        command = [sys.executable, "-m", "bench.bench_directory", "--part", part, *sys.argv[1:]]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
