from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.core.backup import backup_write


class Command(BaseCommand):
    help = (
        "Write the whole database (everything but sign-in sessions) to one gzipped file, readable by its owner "
        "only, from one consistent snapshot. `joinedup restore FILE` puts it back, on SQLite or PostgreSQL. "
        "The file holds children's records: keep it as safely as the database."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="Where to write the backup, e.g. joinedup-2026-11-27.jsonl.gz")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        if not file.parent.is_dir():
            raise CommandError(f"There is no folder {file.parent} to write the backup into.")
        counts = backup_write(file)
        rows = sum(count.rows for count in counts)
        audit_record(
            action=AuditAction.EXPORT,
            record_type="database",
            record_id="backup",
            detail={"operation": "backup", "file": file.name, "tables": len(counts), "rows": rows},
        )
        self.stdout.write(self.style.SUCCESS(f"Backed up {rows} rows from {len(counts)} tables to {file}."))
