"""Keeping an uploaded file where the background worker can read it."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile


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
