"""``joinedup backup`` and ``joinedup restore``: the whole database round-trips, or nothing changes."""

from __future__ import annotations

import gzip
import json
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import models

from joinedup.accounts.models import Role
from joinedup.audit.models import AuditEvent
from joinedup.audit.services import audit_verify
from joinedup.cases.models import Child
from joinedup.core.backup import PASSPHRASE_VARIABLE
from joinedup.core.models import Job
from joinedup.core.sealed import MAGIC
from joinedup.outcomes.models import Measurement
from joinedup.outcomes.services import measures_ensure
from tests.conftest import World
from tests.factories import ChildFactory, EnrolmentFactory


def every_table() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table but sessions, read through the ORM, independently of the backup code."""
    return {
        model._meta.db_table: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.db_table != "django_session"
    }


@pytest.fixture(autouse=True)
def no_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    """Backups here are unsealed unless a test gives a passphrase."""
    monkeypatch.delenv(PASSPHRASE_VARIABLE, raising=False)


@pytest.fixture
def filled(world: World) -> World:
    """The world with something in most kinds of column: dates, decimals, JSON, many-to-many, audit events."""
    child = world.children["own"]
    EnrolmentFactory.create(child=child, start_date=date(2026, 9, 1))
    measures_ensure(world.area)
    Measurement.objects.create(
        child=child,
        measure=world.area.measures.get(key="attendance"),
        value=91.5,
        taken_on=date(2026, 10, 1),
        occasion="baseline",
        source="entered",
    )
    Job.objects.create(
        kind="audit_verify",
        title="Check",
        organisation=world.programme,
        started_by=world.members[Role.DATA_LEAD].user,
        result={"done": 3, "of": [1, 2], "ratio": 0.25},
    )
    world.members[Role.LINK_WORKER].schools.add(world.school)
    world.client_for(Role.LINK_WORKER).get(f"/children/{child.pk}/")
    return world


def test_a_backup_restores_every_table_exactly_and_signs_everyone_out(filled: World, tmp_path: Path) -> None:
    before = every_table()
    backup = tmp_path / "joinedup.jsonl.gz"
    call_command("backup", str(backup), stdout=open_devnull())
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600

    # Life goes on after the backup: a new child, a changed one, a removed enrolment, a session.
    ChildFactory.create(forenames="Dara", area=filled.area, school=filled.school)
    Child.objects.filter(pk=filled.children["own"].pk).update(forenames="Changed")
    filled.children["own"].enrolments.all().delete()
    client = filled.client_for(Role.TEAM_MANAGER)
    assert Session.objects.exists()

    call_command("restore", str(backup), "--yes", stdout=open_devnull())
    after = every_table()
    backup_and_restore_events = [event for event in after["audit_auditevent"] if event["record_type"] == "database"]
    assert [event["detail"]["operation"] for event in backup_and_restore_events] == ["restore"]
    after["audit_auditevent"] = [event for event in after["audit_auditevent"] if event["record_type"] != "database"]
    after["audit_auditchainhead"] = before["audit_auditchainhead"]
    assert after == before
    assert not Session.objects.exists()
    assert client.get("/children/").status_code == 302
    assert audit_verify().ok


def test_a_restored_database_keeps_numbering_after_the_restored_rows(filled: World, tmp_path: Path) -> None:
    backup = tmp_path / "b.jsonl.gz"
    call_command("backup", str(backup), stdout=open_devnull())
    call_command("restore", str(backup), "--yes", stdout=open_devnull())
    newest = Child.objects.order_by("-pk").first()
    assert newest is not None
    assert ChildFactory.create(area=filled.area, school=filled.school).pk > newest.pk


def test_restore_asks_for_confirmation_and_changes_nothing_without_it(filled: World, tmp_path: Path) -> None:
    backup = tmp_path / "b.jsonl.gz"
    call_command("backup", str(backup), stdout=open_devnull())
    ChildFactory.create(forenames="Dara", area=filled.area, school=filled.school)
    before = every_table()
    with pytest.raises(CommandError, match=r"Run again with --yes"):
        call_command("restore", str(backup))
    assert every_table() == before


def _rewrite(source: Path, target: Path, change: Any) -> None:
    with gzip.open(source, "rt") as lines:
        content = lines.read().splitlines()
    with gzip.open(target, "wt") as out:
        out.write("\n".join(change(content)) + "\n")


def _header_changed(content: list[str]) -> list[str]:
    header = json.loads(content[0])
    header["migrations"] = [pair for pair in header["migrations"] if pair != ["cases", "0001_initial"]]
    header["migrations"].append(["cases", "9999_from_the_future"])
    return [json.dumps(header), *content[1:]]


def _row_altered(content: list[str]) -> list[str]:
    # A child's name edited in the file: the digest no longer matches what was restored.
    table = content.index(next(line for line in content if line.startswith('{"table": "cases_child"')))
    row = json.loads(content[table + 1])
    row[next(i for i, value in enumerate(row) if value == "Amara")] = "Edited"
    return [*content[: table + 1], json.dumps(row), *content[table + 2 :]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda content: content[: len(content) // 2], r"cut short \(no end marker\)"),
        (
            _header_changed,
            r"migrations here but not in the backup: cases.0001_initial\. "
            r"migrations in the backup but not here: cases.9999_from_the_future",
        ),
        (_row_altered, r"did not match the backup \(cases_child\)"),
        (lambda content: [content[0], "[1, 2, 3]", *content[1:]], r"rows before any table"),
        (lambda content: [*content[:3], "{not json", *content[3:]], r"damaged or cut short"),
        (lambda content: ['{"format": "something else"}'], r"not a Joinedup backup file"),
    ],
    ids=["cut-short", "other-schema", "edited-row", "rows-without-table", "not-json", "not-a-backup"],
)
def test_a_damaged_or_foreign_backup_is_refused_and_changes_nothing(
    filled: World, tmp_path: Path, change: Any, message: str
) -> None:
    backup = tmp_path / "b.jsonl.gz"
    call_command("backup", str(backup), stdout=open_devnull())
    damaged = tmp_path / "damaged.jsonl.gz"
    _rewrite(backup, damaged, change)
    ChildFactory.create(forenames="Dara", area=filled.area, school=filled.school)
    before = every_table()
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(damaged), "--yes")
    assert every_table() == before


def test_a_file_that_is_not_gzip_is_refused(filled: World, tmp_path: Path) -> None:
    bogus = tmp_path / "b.jsonl.gz"
    bogus.write_text("name,date\n")
    with pytest.raises(CommandError, match=r"damaged or cut short"):
        call_command("restore", str(bogus), "--yes")
    with pytest.raises(CommandError, match=r"There is no backup file at"):
        call_command("restore", str(tmp_path / "missing.jsonl.gz"), "--yes")
    with pytest.raises(CommandError, match=r"There is no folder"):
        call_command("backup", str(tmp_path / "missing" / "b.jsonl.gz"))


def test_a_backup_sealed_with_a_passphrase_restores_only_with_it(
    filled: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = every_table()
    backup = tmp_path / "sealed.jsonl.gz"
    monkeypatch.setenv(PASSPHRASE_VARIABLE, "a long passphrase kept apart from the backups")
    said = open_devnull()
    call_command("backup", str(backup), stdout=said)
    assert "(sealed with the passphrase)" in said.getvalue()
    assert backup.read_bytes().startswith(MAGIC)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    ChildFactory.create(forenames="Dara", area=filled.area, school=filled.school)
    changed = every_table()

    monkeypatch.delenv(PASSPHRASE_VARIABLE)
    with pytest.raises(CommandError, match=r"This backup is sealed with a passphrase\. Give it in"):
        call_command("restore", str(backup), "--yes")
    wrong = tmp_path / "wrong-passphrase"
    wrong.write_text("another passphrase\n")
    with pytest.raises(CommandError, match=r"The passphrase does not open this file.*Nothing was restored"):
        call_command("restore", str(backup), "--yes", "--passphrase-file", str(wrong))
    empty = tmp_path / "empty"
    empty.write_text("")
    with pytest.raises(CommandError, match=r"The passphrase file .* is empty"):
        call_command("restore", str(backup), "--yes", "--passphrase-file", str(empty))
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(backup.read_bytes()[:-40])
    right = tmp_path / "passphrase"
    right.write_text("a long passphrase kept apart from the backups\n")
    with pytest.raises(CommandError, match=r"cut short"):
        call_command("restore", str(cut), "--yes", "--passphrase-file", str(right))
    assert every_table() == changed

    call_command("restore", str(backup), "--yes", "--passphrase-file", str(right), stdout=open_devnull())
    after = every_table()
    after["audit_auditevent"] = [event for event in after["audit_auditevent"] if event["record_type"] != "database"]
    after["audit_auditchainhead"] = before["audit_auditchainhead"]
    assert after == before


def test_an_unsealed_backup_says_it_is_not_encrypted(filled: World, tmp_path: Path) -> None:
    said = open_devnull()
    call_command("backup", str(tmp_path / "b.jsonl.gz"), stdout=said)
    assert "(not sealed)" in said.getvalue()
    again = open_devnull()
    call_command("backup", str(tmp_path / "b.jsonl.gz"), stdout=again)
    assert "(not sealed; it replaced the earlier file of that name)" in again.getvalue()
    assert f"The file is not encrypted: set {PASSPHRASE_VARIABLE}" in said.getvalue()


def test_taking_a_backup_is_audited(filled: World, tmp_path: Path) -> None:
    call_command("backup", str(tmp_path / "b.jsonl.gz"), stdout=open_devnull())
    event = AuditEvent.objects.get(record_type="database")
    assert event.action == "export"
    assert event.detail["operation"] == "backup"
    assert event.detail["sealed"] is False


# Every kind of column the backup has been shown to carry. A model with a new kind fails here until
# the round trip above covers it.
CARRIED = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "DateField", "DateTimeField",
    "DecimalField", "DurationField", "EmailField", "FileField", "FloatField", "ForeignKey", "GenericIPAddressField",
    "IntegerField", "JSONField", "OneToOneField", "PositiveBigIntegerField", "PositiveIntegerField",
    "PositiveSmallIntegerField", "SlugField", "SmallIntegerField", "TextField", "TimeField", "URLField", "UUIDField",
}  # fmt: skip


def test_every_kind_of_column_is_one_the_backup_carries() -> None:
    kinds = {
        field.get_internal_type()
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if isinstance(field, models.Field)
    }
    assert kinds <= CARRIED, f"New kinds of column to round-trip in a test: {sorted(kinds - CARRIED)}"


def open_devnull() -> Any:
    import io

    return io.StringIO()


def test_a_database_that_is_not_set_up_is_named_as_the_reason(filled: World, tmp_path: Path) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE django_tasks_database_dbtaskresult")  # a table no other points at
    with pytest.raises(CommandError, match=r"The database could not be read .*joinedup migrate"):
        call_command("backup", str(tmp_path / "b.jsonl.gz"))
    # Nothing is left behind, not even the part written before the failure.
    assert list(tmp_path.iterdir()) == []
