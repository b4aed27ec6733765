"""Back up the whole database to one file and restore it, on SQLite and PostgreSQL alike.

The file is gzipped JSON lines, written table by table from Django's own description of the
tables, so a backup taken on one database restores on the other:

    {"format": "joinedup-backup", "version": 1, "taken_at": ..., "vendor": ..., "migrations": [...]}
    {"table": "cases_child", "columns": [...]}
    [row values], one line per row, in primary-key order
    ...
    {"end": {"cases_child": {"rows": 3, "sha256": "..."}, ...}}

A restore replaces every table in one transaction. It refuses a file from another version of the
schema, and it reads the restored tables back and compares each one's digest with the file's
before it commits, so a restore either reproduces the backup exactly or changes nothing.
Sessions are left out: a restore signs everyone out. Given a passphrase, the file is sealed with it
(``core.sealed``: AES-256-GCM piece by piece, the key from scrypt) and a restore needs it.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

from joinedup.core.sealed import SealedReader, SealedWriter, SealError, is_sealed

FORMAT = "joinedup-backup"
VERSION = 1
LEFT_OUT = frozenset({"django_session"})
BATCH = 2_000


class BackupError(Exception):
    """The file cannot be restored; nothing was changed."""


@dataclass(frozen=True)
class TableCount:
    table: str
    rows: int


@dataclass(frozen=True)
class TableDigest:
    rows: int
    sha256: str


def _tables() -> list[type[models.Model]]:
    """Every table Django manages (many-to-many tables included), in a stable order."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.db_table not in LEFT_OUT
    ]
    return sorted(found, key=lambda model: model._meta.db_table)


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def _columns(model: type[models.Model]) -> list[str]:
    return [str(field.column) for field in _fields(model)]


def json_value(value: object) -> object:
    """A column's value as JSON can hold it; ``field.to_python`` reads each form back. (The subject access
    export writes values the same way.)"""
    match value:
        case None | bool() | int() | float() | str():
            return value
        case dt.datetime() | dt.date() | dt.time():
            return value.isoformat()
        case dt.timedelta():
            return duration_iso_string(value)
        case Decimal() | uuid.UUID():
            return str(value)
        case bytes() | memoryview():
            return base64.b64encode(bytes(value)).decode("ascii")
        case dict() | list():
            return value
    raise TypeError(f"No backup form for {type(value).__name__}")


def _line(values: list[object]) -> str:
    # Sorted keys: PostgreSQL's jsonb does not keep a JSON object's key order.
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _rows(model: type[models.Model]) -> Iterator[str]:
    queryset = model._base_manager.order_by("pk").values_list(*(field.attname for field in _fields(model)))
    for values in queryset.iterator(chunk_size=BATCH):
        yield _line([json_value(value) for value in values])


def table_digests() -> dict[str, TableDigest]:
    """Each table's row count and the SHA-256 of its rows as a backup writes them."""
    digests = {}
    for model in _tables():
        digest = hashlib.sha256()
        rows = 0
        for line in _rows(model):
            digest.update(line.encode() + b"\n")
            rows += 1
        digests[model._meta.db_table] = TableDigest(rows=rows, sha256=digest.hexdigest())
    return digests


def _applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    return sorted([app, name] for app, name in recorder.applied_migrations())


PASSPHRASE_VARIABLE = "JOINEDUP_BACKUP_PASSPHRASE"  # noqa: S105 (the name of the variable, not a passphrase)


def backup_passphrase(file: Path | None) -> str | None:
    """The passphrase to seal or open a backup with: the first line of ``file``, or else the
    ``JOINEDUP_BACKUP_PASSPHRASE`` environment variable; None when neither gives one."""
    if file is None:
        return os.environ.get(PASSPHRASE_VARIABLE) or None
    try:
        first = file.read_text(encoding="utf-8").splitlines()[:1]
    except (OSError, UnicodeDecodeError) as error:
        raise BackupError(f"The passphrase file {file} cannot be read ({error}).") from error
    if not first or not first[0]:
        raise BackupError(f"The passphrase file {file} is empty: its first line is the passphrase.")
    return first[0]


def backup_write(path: Path, passphrase: str | None = None) -> list[TableCount]:
    """Write the whole database to ``path`` (readable by its owner only), from one consistent snapshot;
    sealed with ``passphrase`` when one is given (``core.sealed``)."""
    temporary = path.with_name(path.name + ".partial")
    counts = []
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table; SQLite's read transaction already is one.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with (
                os.fdopen(descriptor, "wb") as raw,
                SealedWriter(raw, passphrase) if passphrase else contextlib.nullcontext(raw) as target,
                gzip.open(target, "wt", encoding="utf-8") as out,
            ):
                header = {
                    "format": FORMAT,
                    "version": VERSION,
                    "taken_at": timezone.now().isoformat(),
                    "vendor": connection.vendor,
                    "migrations": _applied_migrations(),
                }
                out.write(json.dumps(header) + "\n")
                end = {}
                for model in _tables():
                    table = model._meta.db_table
                    out.write(json.dumps({"table": table, "columns": _columns(model)}) + "\n")
                    digest = hashlib.sha256()
                    rows = 0
                    for line in _rows(model):
                        out.write(line + "\n")
                        digest.update(line.encode() + b"\n")
                        rows += 1
                    end[table] = {"rows": rows, "sha256": digest.hexdigest()}
                    counts.append(TableCount(table, rows))
                out.write(json.dumps({"end": end}) + "\n")
        except BaseException:
            # Half a backup is no backup, and it holds children's records: it goes.
            temporary.unlink(missing_ok=True)
            raise
    os.replace(temporary, path)
    return counts


def _lines(path: Path, passphrase: str | None) -> IO[str]:
    """The backup's lines, opened with the passphrase when the file is sealed."""
    if not is_sealed(path):
        return gzip.open(path, "rt", encoding="utf-8")
    if not passphrase:
        raise BackupError(
            "This backup is sealed with a passphrase. Give it in the JOINEDUP_BACKUP_PASSPHRASE environment "
            "variable or with --passphrase-file."
        )
    raw = path.open("rb")
    try:
        plain = io.BufferedReader(SealedReader(raw, passphrase))
    except SealError as error:
        raw.close()
        raise BackupError(f"{error} Nothing was restored.") from error
    return gzip.open(plain, "rt", encoding="utf-8")


def backup_header(path: Path, passphrase: str | None = None) -> dict[str, Any]:
    """The first line of a backup file, checked to be one."""
    try:
        with _lines(path, passphrase) as lines:
            return _header(next(lines, ""))
    except SealError as error:
        raise BackupError(f"{error} Nothing was restored.") from error
    except (OSError, EOFError, ValueError) as error:
        raise BackupError(f"The backup file is damaged or cut short ({error}); nothing was restored.") from error


def _header(line: str) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError("This is not a Joinedup backup file.")
    if header.get("version") != VERSION:
        raise BackupError(f"This backup is format version {header.get('version')}; this Joinedup reads {VERSION}.")
    return header


def restore(path: Path, passphrase: str | None = None) -> list[TableCount]:
    """Replace every table with the backup's rows, all or nothing. Raises ``BackupError``."""
    try:
        with _lines(path, passphrase) as lines, transaction.atomic():
            return _restore_from(lines)
    except SealError as error:
        raise BackupError(f"{error} Nothing was restored.") from error
    except (OSError, EOFError, ValueError, KeyError, TypeError) as error:
        # gzip and JSON errors are OSError and ValueError; a row of the wrong shape is a KeyError or TypeError.
        raise BackupError(f"The backup file is damaged or cut short ({error}); nothing was restored.") from error
    except DatabaseError as error:
        raise BackupError(f"The database refused the backup's rows ({error}); nothing was restored.") from error


def _restore_from(lines: IO[str]) -> list[TableCount]:
    header = _header(next(lines, ""))
    here = _applied_migrations()
    if header["migrations"] != here:
        theirs = {tuple(pair) for pair in header["migrations"]}
        ours = {tuple(pair) for pair in here}
        only_here = sorted(f"{app}.{name}" for app, name in ours - theirs)
        only_there = sorted(f"{app}.{name}" for app, name in theirs - ours)
        raise BackupError(
            "The backup's database schema differs from this one: "
            + (f"migrations here but not in the backup: {', '.join(only_here[:5])}. " if only_here else "")
            + (f"migrations in the backup but not here: {', '.join(only_there[:5])}. " if only_there else "")
            + "Restore with the Joinedup version that took it. Nothing was restored."
        )
    models_by_table = {model._meta.db_table: model for model in _tables()}
    emptied = [*models_by_table, *LEFT_OUT]  # sessions too: a session's user number may now be someone else's
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Rows written earlier in the same transaction would leave checks pending, which TRUNCATE refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in connection.ops.sql_flush(no_style(), emptied, allow_cascade=True):
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # tables arrive in name order, not dependency order
    expected: dict[str, Any] = {}
    model: type[models.Model] | None = None
    batch: list[list[object]] = []
    for line in lines:
        if line.startswith("["):
            if model is None:
                raise BackupError("The backup file has rows before any table; nothing was restored.")
            batch.append(json.loads(line))
            if len(batch) >= BATCH:
                _insert(model, batch)
                batch = []
            continue
        if model is not None:
            _insert(model, batch)
            batch = []
        marker = json.loads(line)
        if "end" in marker:
            expected = marker["end"]
            break
        model = models_by_table.get(marker["table"])
        if model is None or marker["columns"] != _columns(model):
            raise BackupError(
                f"The backup's table {marker['table']} does not match this database; nothing was restored."
            )
    else:
        raise BackupError("The backup file is cut short (no end marker); nothing was restored.")
    _sequences_reset(list(models_by_table.values()))
    written = table_digests()
    wanted = {table: TableDigest(rows=value["rows"], sha256=value["sha256"]) for table, value in expected.items()}
    if written != wanted:
        differ = sorted(table for table in written.keys() | wanted.keys() if written.get(table) != wanted.get(table))
        raise BackupError(
            f"The restored tables did not match the backup ({', '.join(differ[:5])}); nothing was restored."
        )
    return [TableCount(table, digest.rows) for table, digest in written.items()]


def _insert(model: type[models.Model], rows: list[list[object]]) -> None:
    if not rows:
        return
    fields = _fields(model)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in _columns(model))
    slots = ", ".join(["%s"] * len(fields))
    statement = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({slots})"  # noqa: S608
    prepared = [
        [field.get_db_prep_save(_python(field, value), connection) for field, value in zip(fields, row, strict=True)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(statement, prepared)


def _python(field: models.Field[Any, Any], value: object) -> object:
    if value is None or isinstance(field, models.JSONField):
        return value
    return field.to_python(value)


def _sequences_reset(tables: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), tables)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
