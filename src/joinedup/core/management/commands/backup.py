from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.core.backup import PASSPHRASE_VARIABLE, BackupError, backup_passphrase, backup_write


class Command(BaseCommand):
    help = (
        "Write the whole database (everything but sign-in sessions) to one gzipped file, readable by its owner "
        "only, from one consistent snapshot. `joinedup restore FILE` puts it back, on SQLite or PostgreSQL. "
        "With a passphrase (in JOINEDUP_BACKUP_PASSPHRASE, or --passphrase-file) the file is sealed: encrypted "
        "and checked, and only that passphrase restores it. Without one, the file holds children's records as "
        "they are: keep it as safely as the database."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="Where to write the backup, e.g. joinedup-2026-11-27.jsonl.gz")
        parser.add_argument(
            "--passphrase-file",
            type=Path,
            help="A file whose first line is the passphrase to seal the backup with (instead of the "
            "JOINEDUP_BACKUP_PASSPHRASE environment variable).",
        )

    def handle(self, *args: Any, file: Path, passphrase_file: Path | None, **options: Any) -> None:
        if not file.parent.is_dir():
            raise CommandError(f"There is no folder {file.parent} to write the backup into.")
        try:
            passphrase = backup_passphrase(passphrase_file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        replaced = file.exists()
        try:
            counts = backup_write(file, passphrase)
        except DatabaseError as error:
            raise CommandError(
                f"The database could not be read ({str(error).splitlines()[0]}). "
                "If it is new, set it up first with `joinedup migrate`."
            ) from error
        rows = sum(count.rows for count in counts)
        audit_record(
            action=AuditAction.EXPORT,
            record_type="database",
            record_id="backup",
            detail={
                "operation": "backup",
                "file": file.name,
                "tables": len(counts),
                "rows": rows,
                "sealed": passphrase is not None,
            },
        )
        sealed = "sealed with the passphrase" if passphrase else "not sealed"
        if replaced:
            sealed += "; it replaced the earlier file of that name"
        self.stdout.write(self.style.SUCCESS(f"Backed up {rows} rows from {len(counts)} tables to {file} ({sealed})."))
        if not passphrase:
            self.stdout.write(
                f"The file is not encrypted: set {PASSPHRASE_VARIABLE} (or give --passphrase-file) to seal backups."
            )
