"""Loading Ordnance Survey Code-Point Open into the postcode table."""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from joinedup.core.jobs import Progress
from joinedup.geo import CodepointRowError, codepoint_row
from joinedup.geodata.models import GeodataLoad, Postcode

if TYPE_CHECKING:
    from joinedup.accounts.models import User

BATCH_SIZE = 5000
# Enough to show a pattern (a wrong file, a shifted column) without burying it.
MAX_PROBLEMS = 20
# Inside codepo_gb.zip the data is Data/CSV/<area>.csv; Doc/ holds other CSVs we must not read.
_ZIP_MEMBER = re.compile(r"(?:^|/)Data/CSV/[^/]+\.csv", re.IGNORECASE)
_WHAT_TO_GIVE = "Give the Code-Point Open zip (codepo_gb.zip), its Data/CSV folder, or one of its CSV files."


@dataclass(frozen=True)
class CodepointProblem:
    file: str
    line: int
    where: str  # "column 3 (Eastings)", or "" when the problem is the whole row
    message: str

    def __str__(self) -> str:
        place = f"{self.file}, line {self.line}" + (f", {self.where}" if self.where else "")
        return f"{place}: {self.message}"


class CodepointError(ValueError):
    """Nothing was loaded. The message says which file, line and column, and what was expected."""

    def __init__(self, message: str, problems: list[CodepointProblem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class CodepointReport:
    files: int
    loaded: int
    without_coordinates: int

    @property
    def summary(self) -> str:
        """For example "Loaded 1,234 postcodes from 3 files; 12 had no coordinates and were skipped." """
        files = "1 file" if self.files == 1 else f"{self.files:,} files"
        text = f"Loaded {self.loaded:,} postcode{'' if self.loaded == 1 else 's'} from {files}"
        if self.without_coordinates == 1:
            return f"{text}; 1 had no coordinates and was skipped."
        if self.without_coordinates:
            return f"{text}; {self.without_coordinates:,} had no coordinates and were skipped."
        return f"{text}."

    def as_dict(self) -> dict[str, int]:
        return {"files": self.files, "loaded": self.loaded, "without_coordinates": self.without_coordinates}


@dataclass(frozen=True)
class _Source:
    path: Path
    member: str | None = None  # the CSV inside the zip at ``path``

    @property
    def name(self) -> str:
        return self.member or self.path.name


def _sources(path: Path) -> list[_Source]:
    """The Code-Point CSV files at ``path``: a zip as downloaded, a folder of CSVs, or one CSV."""
    if not path.exists():
        raise CodepointError(f"There is no file or folder at {path}. {_WHAT_TO_GIVE}")
    if path.is_dir():
        # The unzipped download keeps its CSVs in Data/CSV; accept the top folder too.
        for folder in (path, path / "Data" / "CSV"):
            files = sorted(f for f in folder.glob("*") if f.is_file() and f.suffix.lower() == ".csv")
            if files:
                return [_Source(f) for f in files]
        raise CodepointError(f"{path} holds no CSV files. {_WHAT_TO_GIVE}")
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = sorted(name for name in archive.namelist() if _ZIP_MEMBER.search(name))
        if not members:
            raise CodepointError(f"{path.name} is not Code-Point Open: there are no Data/CSV/*.csv files inside it.")
        return [_Source(path, member) for member in members]
    if path.suffix.lower() != ".csv":
        raise CodepointError(
            f"{path.name} is not Code-Point Open: it is neither a zip file nor a CSV file. {_WHAT_TO_GIVE}"
        )
    return [_Source(path)]


@contextmanager
def _open(source: _Source) -> Iterator[IO[bytes]]:
    if source.member is None:
        with source.path.open("rb") as file:
            yield file
    else:
        with zipfile.ZipFile(source.path) as archive, archive.open(source.member) as file:
            yield file


def _line_count(source: _Source) -> int:
    with _open(source) as file:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))


def _decoded(file: IO[bytes]) -> Iterator[str]:
    # Line by line, so a byte that is not text is reported on its own line.
    for number, raw in enumerate(file, start=1):
        yield (raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw).decode("utf-8")


def _rows(source: _Source, problems: list[CodepointProblem]) -> Iterator[tuple[int, list[str]]]:
    """``(line number, cells)`` for each row; a file that is not CSV text adds one problem and stops."""
    with _open(source) as file:
        reader = csv.reader(_decoded(file))
        try:
            for cells in reader:
                if not cells:
                    continue  # a blank line, often at the end
                if reader.line_num == 1 and cells[0].strip().lower() == "postcode":
                    continue  # a header row someone added; Code-Point has none
                yield reader.line_num, cells
        except UnicodeDecodeError:
            line = reader.line_num + 1  # the line that failed to decode was never counted
            problems.append(CodepointProblem(source.name, line, "", "expected CSV text, found bytes that are not text"))
        except csv.Error as error:
            problems.append(CodepointProblem(source.name, reader.line_num, "", f"expected CSV text ({error})"))


def _all_rows(sources: list[_Source], problems: list[CodepointProblem]) -> Iterator[tuple[_Source, int, list[str]]]:
    for source in sources:
        for line, cells in _rows(source, problems):
            yield source, line, cells


def _upsert(batch: dict[str, tuple[float, float]]) -> None:
    Postcode.objects.bulk_create(
        [Postcode(postcode=postcode, latitude=lat, longitude=lng) for postcode, (lat, lng) in batch.items()],
        update_conflicts=True,
        unique_fields=["postcode"],
        update_fields=["latitude", "longitude"],
    )


def codepoint_load(*, path: Path, progress: Progress | None = None, loaded_by: User | None = None) -> CodepointReport:
    """Load Ordnance Survey Code-Point Open into ``Postcode``, all or nothing.

    ``path`` is the zip as downloaded (codepo_gb.zip), a folder of its CSV
    files, or one CSV file. Rows with positional quality 90 have no
    coordinates and are skipped and counted. If any row is malformed nothing
    is written, and CodepointError lists the first ``MAX_PROBLEMS`` problems.
    Postcodes already in the table are updated, so loading the same data twice
    leaves the same table; postcodes missing from a newer load are kept, so an
    old (terminated) postcode someone still uses can still be placed.
    """
    sources = _sources(path)
    # Counting lines costs a quick extra read, and buys a progress bar with an end.
    total = sum(_line_count(source) for source in sources) if progress is not None else None
    problems: list[CodepointProblem] = []
    batch: dict[str, tuple[float, float]] = {}
    done = loaded = without_coordinates = 0
    # One transaction: a failure part-way through, or a bad row found after
    # thousands of good ones, leaves the table as it was.
    with transaction.atomic():
        for source, line, cells in _all_rows(sources, problems):
            done += 1
            try:
                row = codepoint_row(cells)
            except CodepointRowError as error:
                problems.append(CodepointProblem(source.name, line, error.where, error.message))
            else:
                if row.point is None:
                    without_coordinates += 1
                elif not problems:  # after a problem, only keep checking, so we can list them all
                    batch[row.postcode] = (row.point.latitude, row.point.longitude)
            if len(problems) >= MAX_PROBLEMS:
                break
            if len(batch) >= BATCH_SIZE:
                _upsert(batch)
                loaded += len(batch)
                batch = {}
                if progress is not None:
                    progress(done, total)
        if problems:
            # A file that is not text adds its problem outside the count above, so trim here.
            del problems[MAX_PROBLEMS:]
            raise CodepointError(_problems_message(problems), problems)
        if batch:
            _upsert(batch)
            loaded += len(batch)
        if loaded == 0 and without_coordinates == 0:
            raise CodepointError(f"Nothing was loaded: {path.name} holds no postcodes. {_WHAT_TO_GIVE}")
        record = GeodataLoad(
            loaded_at=timezone.now(),
            file_name=path.name,
            files=len(sources),
            rows_loaded=loaded,
            rows_without_coordinates=without_coordinates,
            loaded_by=loaded_by,
        )
        # The load record is checked like any other model; the postcode rows
        # are checked by codepoint_row instead, as full_clean on each of 1.7
        # million rows would multiply the load time.
        record.full_clean()
        record.save()
    if progress is not None:
        progress(done, done)
    return CodepointReport(files=len(sources), loaded=loaded, without_coordinates=without_coordinates)


def _problems_message(problems: list[CodepointProblem]) -> str:
    lines = [
        "Nothing was loaded. Fix these problems in the Code-Point Open files, or check you have the right files, "
        "then load again:",
        *(f"  {problem}" for problem in problems),
    ]
    if len(problems) >= MAX_PROBLEMS:
        lines.append(f"Only the first {MAX_PROBLEMS} problems are listed; there may be more.")
    return "\n".join(lines)
