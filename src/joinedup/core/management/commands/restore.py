from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.core.backup import BackupError, backup_header, backup_passphrase, restore


class Command(BaseCommand):
    help = (
        "Replace the whole database with a file from `joinedup backup`: all of it or, if anything is wrong with "
        "the file, none of it. Every table is read back and compared with the backup before the change is kept. "
        "Everyone is signed out. A sealed backup needs its passphrase (JOINEDUP_BACKUP_PASSPHRASE, or "
        "--passphrase-file)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="A file written by `joinedup backup`.")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm that everything now in the database is to be replaced."
        )
        parser.add_argument(
            "--passphrase-file",
            type=Path,
            help="A file whose first line is the passphrase the backup was sealed with (instead of the "
            "JOINEDUP_BACKUP_PASSPHRASE environment variable).",
        )

    def handle(self, *args: Any, file: Path, yes: bool, passphrase_file: Path | None, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"There is no backup file at {file}.")
        try:
            passphrase = backup_passphrase(passphrase_file)
            header = backup_header(file, passphrase)
            if not yes:
                raise CommandError(
                    f"This replaces everything in the database with the backup taken at {header['taken_at']}. "
                    "Run again with --yes to go ahead."
                )
            counts = restore(file, passphrase)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(count.rows for count in counts)
        audit_record(
            action=AuditAction.CHANGE,
            record_type="database",
            record_id="restore",
            detail={"operation": "restore", "file": file.name, "taken_at": header["taken_at"], "rows": rows},
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {rows} rows in {len(counts)} tables from the backup taken at {header['taken_at']}. "
                "Every table matches the backup."
            )
        )
