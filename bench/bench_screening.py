"""Identification in the app: import school data into the database, run, and show a school's list.

Targets (issue 4): import 100,000 school-data rows in at most 30 s; the list page for a 300-pupil
year group in at most 150 ms with a bounded number of queries.

    .venv/bin/python -m bench.bench_screening [--rows 100000] [--requests 50]

The rows are the demo generator's (correlated, realistic), for 60 schools (so secondary year
groups hold about 330 pupils), written to CSV and imported through the same service the page's
background task calls, on a throwaway SQLite database with production settings.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench.common import django_in_throwaway_database, machine_line, timings_line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="school-data rows (default %(default)s)")
    parser.add_argument("--requests", type=int, default=50, help="requests of the list page (default %(default)s)")
    options = parser.parse_args()
    workdir = django_in_throwaway_database("joinedup-bench-screening-")
    print(machine_line())

    from django.db import connection
    from django.test import Client

    from joinedup.accounts.models import Area, Membership, Organisation, Role, User
    from joinedup.demo.pupils import DemoSchool, pupil_returns_build
    from joinedup.identification.models import SchoolCohort
    from joinedup.identification.services import identification_run, screening_import

    area = Area.objects.create(name="Bench borough", ons_code="E09999999")
    programme = Organisation.objects.create(name="Bench programme", kind=Organisation.Kind.PROGRAMME)
    programme.areas.add(area)
    schools = []
    for number in range(60):
        school = Organisation.objects.create(
            name=f"Bench School {number:03d}",
            kind=Organisation.Kind.SCHOOL,
            urn=f"{950000 + number}",
            school_phase="secondary" if number % 5 == 0 else "primary",
        )
        school.areas.add(area)
        schools.append(school)
    lead = User.objects.create_user(email="lead@example.org", password=None, full_name="Data Lead")
    Membership.objects.create(user=lead, organisation=programme, area=area, role=Role.DATA_LEAD)

    demo_schools = [DemoSchool(school.urn or "", school.school_phase, ("NW10", "W9")) for school in schools]
    t0 = time.perf_counter()
    returns = pupil_returns_build(demo_schools, seed=7, pupils=options.rows)
    school_csv, survey_csv = returns.write_csv(workdir)
    print(f"generated and wrote {options.rows:,} pupils: {time.perf_counter() - t0:.1f} s")

    for label in ("import school data (new pupils)", "import the same file again (all updated)"):
        t0 = time.perf_counter()
        record = screening_import(
            area=area,
            kind="school_data",
            path=school_csv,
            file_name="school.csv",
            school_year="2026/27",
            started_by=lead,
        )
        print(f"{label}: {time.perf_counter() - t0:.1f} s ({record.message})")
    t0 = time.perf_counter()
    record = screening_import(
        area=area, kind="survey", path=survey_csv, file_name="survey.csv", school_year="2026/27", started_by=lead
    )
    print(f"import survey returns: {time.perf_counter() - t0:.1f} s ({record.message})")
    t0 = time.perf_counter()
    run = identification_run(area=area, school_year="2026/27", started_by=lead)
    print(
        f"identification run: {time.perf_counter() - t0:.1f} s ({run.screened:,} screened, {run.proposed:,} proposed)"
    )

    # The list page: the school and year group with the most pupils, everyone screened shown.
    cohort = max(SchoolCohort.objects.filter(run=run).select_related("school"), key=lambda c: c.screened)
    year_group, size = max(
        ((year, cohort.entries.filter(year_group=year).count()) for year in range(0, 12)), key=lambda pair: pair[1]
    )
    staff = User.objects.create_user(email="staff@example.org", password=None, full_name="School Staff")
    Membership.objects.create(user=staff, organisation=cohort.school, area=area, role=Role.SCHOOL_STAFF)
    client = Client()
    client.force_login(staff)
    url = f"/identification/lists/{cohort.pk}/"
    query = {"show": "all", "year_group": str(year_group)}
    client.get(url, query)
    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url, query).status_code == 200
    timings = []
    for _ in range(options.requests):
        t0 = time.perf_counter()
        response = client.get(url, query)
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    print(timings_line(f"school list page, {size} pupils in year {year_group}, whole request", timings))
    print(f"  queries per page: {len(executed)}")


if __name__ == "__main__":
    main()
