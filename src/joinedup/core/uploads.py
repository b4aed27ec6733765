"""Checking an uploaded file, and keeping it where the background worker can read it."""

from __future__ import annotations

import contextlib
import re
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

#: The largest file a person may upload for an import or a match.
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def upload_check(upload: UploadedFile[Any], suffixes: tuple[str, ...], wrong_kind: str, too_large: str) -> None:
    """Refuse ``upload`` with ``wrong_kind`` when its name does not end in one of ``suffixes``, and with
    ``too_large`` when it is over ``MAX_UPLOAD_BYTES``."""
    if not (upload.name or "").lower().endswith(suffixes):
        raise ValidationError(wrong_kind)
    if (upload.size or 0) > MAX_UPLOAD_BYTES:
        raise ValidationError(too_large)


def upload_read[Read](upload: UploadedFile[Any], reader: Callable[[Path], Read], error: type[Exception]) -> Read:
    """Read a small uploaded file with a reader that takes a path (so a file's rules live in that reader);
    its ``error`` is refused as a form error naming the file the person chose."""
    chosen = upload.name or "upload"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("upload" + Path(chosen).suffix.lower())
        path.write_bytes(upload.read())
        try:
            return reader(path)
        except error as problem:
            raise ValidationError(str(problem).replace(str(path), chosen).replace(path.name, chosen)) from None


def upload_keep(upload: UploadedFile[Any]) -> Path:
    """Save ``upload`` in a new folder of its own under the uploads folder, and return its path.

    The file keeps its own name, so that messages about it name the file the person chose; any
    character but letters, digits, spaces and ``._-`` is replaced, and no path from the browser
    is used.
    """
    folder = Path(settings.VAR_DIR) / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    chosen = Path(upload.name or "upload")
    stem = re.sub(r"[^\w .-]", "_", chosen.stem).strip(" .") or "upload"
    saved = folder / (stem[:100] + chosen.suffix.lower())
    with saved.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return saved


def upload_delete(path: Path | str) -> None:
    """Delete a kept upload (nothing if ``path`` is empty), and its own folder with it once empty; no
    other folder is touched."""
    if not path:
        return
    file = Path(path)
    file.unlink(missing_ok=True)
    if file.parent.parent == Path(settings.VAR_DIR) / "uploads":
        with contextlib.suppress(OSError):
            file.parent.rmdir()
