"""What every benchmark shares: a throwaway database, and how figures are summarised."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import Model


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def timings_line(name: str, timings: list[float]) -> str:
    return (
        f"{name}: n={len(timings)} median {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 95):.1f} ms, max {max(timings):.1f} ms"
    )


def machine_line() -> str:
    python = sys.version.split()[0]
    return f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {python}, {platform.system()}"


def django_in_throwaway_database(prefix: str, workdir: Path | None = None) -> Path:
    """Set Django up on a new SQLite database in a temporary folder (production settings), migrated and
    with static files collected. Returns the folder. ``workdir`` reuses the database a run left there."""
    workdir = workdir or Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="joinedup.settings",
        DEBUG="false",
        SECRET_KEY="benchmark-only-" + "b" * 40,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        JOINEDUP_VAR_DIR=str(workdir),
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return workdir


# Field types whose Python values the database driver cannot take as they are.
_PREPARED_TYPES = frozenset({"JSONField", "DateField", "DateTimeField", "TimeField", "DecimalField", "UUIDField"})


def raw_insert(model: type[Model], rows: Iterable[dict[str, Any]], *, batch: int = 2_000) -> int:
    """Insert ``rows`` (dicts keyed by column attname) with ``executemany``: no model instances, no signals.

    Columns a row leaves out get the field's default. Values are prepared for
    the database only where the driver needs it (JSON, dates and times), which
    is what makes this several times faster than ``bulk_create``.
    """
    from django.db import connection

    # Concrete fields always have a column; the filter also tells the type checker so.
    fields = [f for f in model._meta.concrete_fields if f.column]
    defaults = {f.attname: f.get_default() for f in fields}
    prepared = [f for f in fields if f.get_internal_type() in _PREPARED_TYPES]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names come from the model
    attnames = [f.attname for f in fields]
    count = 0
    with connection.cursor() as cursor:
        pending: list[list[Any]] = []
        for row in rows:
            values = {**defaults, **{key: row[key] for key in row.keys() & defaults.keys()}}
            for f in prepared:
                values[f.attname] = f.get_db_prep_save(values[f.attname], connection)
            pending.append([values[name] for name in attnames])
            if len(pending) >= batch:
                cursor.executemany(sql, pending)
                count += len(pending)
                pending = []
        if pending:
            cursor.executemany(sql, pending)
            count += len(pending)
    return count


def children_make(
    count: int, *, area: Any, programme: Any, school: Any, workers: list[Any], per_worker: int
) -> list[Any]:
    """``count`` children of the programme at one school, each in their own family, ``per_worker`` to each Link
    Worker (memberships) in turn."""
    from datetime import date, timedelta

    from joinedup.cases.models import Child, Family

    families = Family.objects.bulk_create(
        Family(family_name=f"Family{n}", address_line_1="1 Road", postcode="NW10 1AA", area=area) for n in range(count)
    )
    return Child.objects.bulk_create(
        Child(
            forenames=f"Child{n}",
            surname=f"Family{n}",
            date_of_birth=date(2015, 1, 1) + timedelta(days=n % 1500),
            sex="F" if n % 2 else "M",
            family=family,
            school=school,
            home_postcode="NW10 1AA",
            area=area,
            programme_organisation=programme,
            link_worker=workers[n // per_worker].user,
        )
        for n, family in enumerate(families)
    )


def _database_name(database_url: str) -> str:
    name = database_url.rsplit("/", 1)[-1].split("?")[0]
    if "bench" not in name:
        # This benchmark drops the database it is given: refuse anything that may be someone's data.
        raise SystemExit(f"The database name must contain 'bench' (it is dropped and created): not {name!r}.")
    return name


def _server_url(database_url: str) -> str:
    return database_url.rsplit("/", 1)[0] + "/postgres"


def postgres_database_fresh(database_url: str) -> None:
    """Drop and create the PostgreSQL database ``database_url`` names (which must contain "bench")."""
    name = _database_name(database_url)
    import psycopg

    with psycopg.connect(_server_url(database_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def postgres_database_drop(database_url: str) -> None:
    name = _database_name(database_url)
    import psycopg

    with psycopg.connect(_server_url(database_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
