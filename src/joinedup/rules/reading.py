"""Read a school's return and the wellbeing survey from CSV or XLSX into :class:`~joinedup.rules.Pupil` rows.

Every bad cell is reported (file, row as a spreadsheet numbers it, column, value, what was
expected) and the valid rows are kept: the caller decides whether to go on without the bad ones.
A blank cell is missing (``None``), never a default.

Built for a million rows a run. Rows are read a block at a time and converted a column at a
time: each typed column has a memo from the cell's text to its value, so a value seen before (a
date of birth, ``Y``, ``expected``, ``87.5``) costs one dict look-up inside a C-level ``map``;
only a new or bad value goes through a converter.

A CSV file is first parsed by Arrow's multi-threaded reader (every column as text, repeated
values dictionary-encoded, so each distinct value is converted once). Any problem at all (a bad
cell, a short row, a duplicate UPN, a quirk Arrow reads differently) sends the whole file
through the plain Python reader instead, which finds and numbers every bad cell: a clean file is
fast, a file with problems is read twice but reported exactly.

An XLSX file (first sheet, header in row 1) is read with openpyxl; each typed cell is first
written as the text a CSV export would hold (a date as 2016-09-01, 5.0 as 5, a percentage cell
as 87.5), so both formats share one set of rules and messages.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import re
import tomllib
import unicodedata
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import chain, islice, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, Final, Literal, NamedTuple, overload

from joinedup.rules.measures import sdq_scores, stirling_total
from joinedup.rules.model import LEVELS, RESPONDENTS, Pupil
from joinedup.rules.scoring import Result

__all__ = [
    "COHORT_COLUMNS",
    "SCHOOL_DATA_COLUMNS",
    "SDQ_ITEM_COLUMNS",
    "SESSION_COLUMNS",
    "STIRLING_ITEM_COLUMNS",
    "SURVEY_COLUMNS",
    "SURVEY_MATCH_COLUMNS",
    "PupilData",
    "ReadingError",
    "RowProblem",
    "SurveyReturn",
    "gc_paused",
    "mapping_from_file",
    "read_pupils",
    "read_school_data",
    "read_survey",
    "write_cohort",
    "xlsx_rows",
]

#: The columns of a school's return, in the order the template lists them.
SCHOOL_DATA_COLUMNS: Final = (
    "upn",
    "forenames",
    "surname",
    "date_of_birth",
    "sex",
    "year_group",
    "school_urn",
    "postcode",
    "attendance_pct",
    "reading",
    "writing",
    "maths",
    "english",
    "fsm",
    "pupil_premium",
    "sen",
    "eal",
    "ethnicity",
    "exclusions",
    "social_care_status",
)
#: The columns of the survey return, joined to the school data by UPN.
SURVEY_COLUMNS: Final = ("upn", "respondent", "sdq_emotional", "sdq_peer", "sdq_total", "stirling_total")
#: Survey columns that find the pupil by name and date of birth when a row has no UPN.
SURVEY_MATCH_COLUMNS: Final = ("forenames", "surname", "date_of_birth")
#: SDQ item answers (0, 1, 2) in the published order, used where a subscale cell is blank.
SDQ_ITEM_COLUMNS: Final = tuple(f"sdq_{item}" for item in range(1, 26))
#: Stirling Children's Wellbeing Scale item answers (1-5), used where ``stirling_total`` is blank.
STIRLING_ITEM_COLUMNS: Final = tuple(f"stirling_{item}" for item in range(1, 16))
# Everything the survey reader looks for.
_SURVEY_READ: Final = SURVEY_COLUMNS + SURVEY_MATCH_COLUMNS + SDQ_ITEM_COLUMNS + STIRLING_ITEM_COLUMNS
#: Columns every school data file must have; any other column may be left out (all missing).
SCHOOL_DATA_REQUIRED: Final = ("upn", "year_group", "school_urn")
_REQUIRED: Final = {"school data": SCHOOL_DATA_REQUIRED, "survey": ()}

# Free-text columns, kept as written ("" is missing); the rest are converted.
#: Optional columns an MIS may give instead of ``attendance_pct``: the year's possible and attended
#: sessions (half days). Attendance is worked out from them where ``attendance_pct`` is blank.
SESSION_COLUMNS: Final = ("sessions_possible", "sessions_attended")
_SCHOOL_READ: Final = SCHOOL_DATA_COLUMNS + SESSION_COLUMNS
_TEXT: Final = ("upn", "forenames", "surname", "sex", "school_urn", "postcode", "sen", "ethnicity")
_SURVEY_TEXT: Final = frozenset({"upn", "forenames", "surname"})
_SURVEY_TYPED: Final = SURVEY_COLUMNS[1:]
_SURVEY_SCORES: Final = SURVEY_COLUMNS[2:]
# An XLSX file is refused when it would unpack to more than this, or a part unpacks to more than
# _XLSX_MAX_RATIO times its packed size (a zip bomb): a real return is a few megabytes.
_XLSX_MAX_BYTES: Final = 200 * 1024 * 1024
_XLSX_MAX_RATIO: Final = 100
_SUFFIXES: Final = (".csv", ".xlsx")
_SOCIAL_CARE: Final = ("CIN", "CP", "LAC")
_UNSEEN: Final = object()
_EMPTY_IS_MISSING: Final = {"": None}.get
# Rows are read and converted this many at a time (bounded memory, C-level loops).
_CHUNK: Final = 65_536

Progress = Callable[[int, int | None], None]


class ReadingError(ValueError):
    """A whole file cannot be read (a column is absent, a mapping is wrong); the message says which."""


class RowProblem(NamedTuple):
    """One bad cell: ``row`` is numbered as a spreadsheet shows it (the header is row 1)."""

    file: str
    row: int
    column: str
    value: str
    expected: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, column {self.column}: ‘{self.value}’; expected {self.expected}"


class SurveyReturn(NamedTuple):
    """One pupil's survey answers: who answered, and the scores (``None`` where blank)."""

    respondent: str | None
    sdq_emotional: int | None
    sdq_peer: int | None
    sdq_total: int | None
    stirling_total: int | None


@dataclass(slots=True)
class PupilData:
    """The valid pupils, in file order, and every problem found.

    ``rows`` counts the data rows with one cell per column, valid or not.
    """

    pupils: list[Pupil] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0
    #: Each kept pupil's row, numbered as a spreadsheet shows it, for problems found later.
    row_numbers: list[int] = field(default_factory=list)


class _Bad(ValueError):
    """A converter's refusal; the message is what was expected."""


def _whole(low: int, high: int) -> Callable[[str], int]:
    expected = f"a whole number from {low} to {high}"

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise _Bad(expected) from None
        if not low <= value <= high:
            raise _Bad(expected)
        return value

    return convert


def _percentage(text: str) -> float:
    expected = "a percentage from 0 to 100"
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise _Bad(expected) from None
    if not 0 <= value <= 100:
        raise _Bad(expected)
    return value


# What schools' exports write for teacher assessments, as our levels: the KS1/KS2 codes (working
# towards, expected, greater depth; pre-key stage and "has not met" are below) and plain words.
ATTAINMENT_WORDS: Final[dict[str, str]] = {
    **{level: level for level in LEVELS},
    **dict.fromkeys(("wts", "wt", "pkf", "pk", "htm", "hnm", "working towards", "below expected"), "below"),
    **dict.fromkeys(("exs", "ex", "at expected", "expected standard", "met"), "expected"),
    **dict.fromkeys(("gds", "gd", "greater depth", "above expected"), "above"),
}


def _attainment(text: str) -> str | float:
    expected = f"{', '.join(LEVELS)}, a teacher assessment code (WTS, EXS, GDS) or a score"
    level = ATTAINMENT_WORDS.get(" ".join(text.lower().split()))
    if level is not None:
        return level
    try:
        value = float(text)
    except ValueError:
        raise _Bad(expected) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise _Bad(expected)
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:  # day/month/year, as UK spreadsheets write dates
        day, month, year = (int(part) for part in text.split("/"))
        return date(year, month, day)
    except ValueError:
        raise _Bad("a date such as 2016-09-01 or 01/09/2016") from None


def _one_of(choices: Mapping[str, object], expected: str) -> Callable[[str], object]:
    def convert(text: str) -> object:
        try:
            return choices[text.upper()]
        except KeyError:
            raise _Bad(expected) from None

    return convert


_CONVERTERS: Final[dict[str, Callable[[str], object]]] = {
    "date_of_birth": _date,
    "year_group": _whole(-1, 14),
    "attendance_pct": _percentage,
    "reading": _attainment,
    "writing": _attainment,
    "maths": _attainment,
    "english": _attainment,
    "fsm": _one_of({"Y": True, "N": False}, "Y or N"),
    "pupil_premium": _one_of({"Y": True, "N": False}, "Y or N"),
    "eal": _one_of({"Y": True, "N": False}, "Y or N"),
    "exclusions": _whole(0, 999),
    "sessions_possible": _whole(1, 999),
    "sessions_attended": _whole(0, 999),
    "social_care_status": _one_of({status: status for status in _SOCIAL_CARE}, ", ".join(_SOCIAL_CARE) + " or blank"),
    "respondent": _one_of({r.upper(): r for r in RESPONDENTS}, ", ".join(RESPONDENTS)),
    "sdq_emotional": _whole(0, 10),
    "sdq_peer": _whole(0, 10),
    "sdq_total": _whole(0, 40),
    "stirling_total": _whole(12, 60),
    **{column: _whole(0, 2) for column in SDQ_ITEM_COLUMNS},
    **{column: _whole(1, 5) for column in STIRLING_ITEM_COLUMNS},
}


def _memo(column: str) -> dict[str, object]:
    # The year group is required, so a blank one goes to the converter and is reported.
    return {} if column == "year_group" else {"": None}


def mapping_from_file(path: str | Path) -> dict[str, str]:
    """A column mapping (canonical name → the file's column) from a ``.toml`` or ``.json`` file.

    The file is a flat table, for example ``upn = "UPN"`` and ``fsm = "FSM Eligible"``; the
    mapping serves both the school data and the survey file.

    Raises:
        ReadingError: the file is not TOML or JSON, or a key is not a canonical column.
        OSError: the file cannot be opened.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    try:
        loaded: object = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, RecursionError, tomllib.TOMLDecodeError) as error:
        raise ReadingError(f"{path.name} is not a valid column mapping: {error}") from None
    return _check_mapping(loaded, path.name)


def _check_mapping(loaded: object, name: str) -> dict[str, str]:
    if not isinstance(loaded, dict):
        raise ReadingError(f"{name}: expected a table of canonical column = file column")
    known = set(SCHOOL_DATA_COLUMNS) | set(_SURVEY_READ)
    mapping: dict[str, str] = {}
    for key, value in loaded.items():
        if key not in known:
            expected = ", ".join(sorted(known))
            raise ReadingError(f"{name}: ‘{key}’ is not a column Joinedup reads; expected one of {expected}")
        if not isinstance(value, str) or not value.strip():
            raise ReadingError(f"{name}: {key} must name a column in the file, found {value!r}")
        mapping[key] = value
    return mapping


def _separator(header: list[str]) -> str | None:
    """What separates the columns of a header read as one column, when it is plainly not a comma."""
    if len(header) != 1:
        return None
    for mark, called in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
        if mark in header[0]:
            return called
    return None


def _layout(
    header: list[str], columns: tuple[str, ...], mapping: Mapping[str, str], kind: str, name: str
) -> tuple[list[int], int]:
    """Where each canonical column is in the file; an absent optional column points past the row's end."""
    positions = {cell.strip(): index for index, cell in enumerate(header)}
    absent = len(header)
    indices = [positions.get(mapping.get(column, column), absent) for column in columns]
    shown_header = ", ".join(header) or "(empty)"
    # Two columns of the same name read: which one holds the pupil's value cannot be known.
    named = [cell.strip() for cell in header]
    for column in columns:
        shown = mapping.get(column, column)
        if named.count(shown) > 1:
            raise ReadingError(
                f"{name} has two columns named ‘{shown}’; keep one of them (or rename the other) and upload it again"
            )
    # A mapping names a column on purpose: if the file lacks it, say so rather than read it as blank.
    for column in columns:
        if column in mapping and mapping[column] not in positions:
            raise ReadingError(
                f"{name} has no ‘{mapping[column]}’ column, which the column mapping gives for {column}; "
                f"its header is: {shown_header}"
            )
    missing = [column for column in _REQUIRED[kind] if positions.get(mapping.get(column, column)) is None]
    separator = _separator(header)
    if missing and separator:
        raise ReadingError(
            f"{name} has its columns separated by {separator}, not commas, so Joinedup cannot read them. "
            "Save it as CSV (comma-separated) from the spreadsheet, or upload the spreadsheet itself (.xlsx)"
        )
    if missing:
        named_in_file = [mapping.get(column, column) for column in missing]
        quoted = [f"‘{column}’" for column in named_in_file]
        lacking = (
            f"has no {quoted[0]} column"
            if len(quoted) == 1
            else f"lacks the columns {', '.join(quoted[:-1])} and {quoted[-1]}"
        )
        raise ReadingError(
            f"{name} {lacking}, which {kind} needs; "
            f"its header is: {shown_header}"
            + ("" if named_in_file != missing else ". Use a column mapping if the file names them differently.")
        )
    if kind == "survey":
        present = {column for column, index in zip(columns, indices, strict=True) if index != absent}
        if "upn" not in present and not present.issuperset(SURVEY_MATCH_COLUMNS):
            raise ReadingError(
                f"{name} has no ‘{mapping.get('upn', 'upn')}’ column, nor forenames, surname and date_of_birth"
                f" to find each pupil by name; its header is: {shown_header}"
            )
    return indices, absent


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a whole read, score and write.

    A million long-lived objects and no cycles: the collector would walk them again and again
    for nothing (see ``identify``). Each step pauses it too; pausing around all three also saves
    the collections between them (about 0.4 s at a million pupils).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class _Block(NamedTuple):
    """Up to ``_CHUNK`` good-width rows (or a whole clean CSV file), converted column by column."""

    numbers: Sequence[int]  # each row's number as a spreadsheet shows it
    columns: dict[str, list[Any]]  # canonical column → values, one per row
    bad: set[int]  # offsets of rows with a problem
    present: frozenset[str]  # the canonical columns the file has
    whole_file: bool = False  # read by Arrow in one go (nothing is reported from such a block)


def _kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise ReadingError(
            f"{path.name}: expected a .csv or .xlsx file, not ‘{path.suffix or '(no extension)'}’;"
            " save it from the spreadsheet as CSV (UTF-8) or Excel workbook (.xlsx)"
        )
    return suffix


def _text_lines(lines: Iterable[str], name: str) -> Iterator[str]:
    """The file's lines, refusing a NUL character: no spreadsheet writes one into text, and PostgreSQL
    cannot store one, so it means the file is not the CSV it claims to be."""
    for number, line in enumerate(lines, start=1):
        if "\x00" in line:
            raise ReadingError(
                f"{name} has a NUL character on line {number}, which a CSV file never holds; save it from the"
                " spreadsheet as ‘CSV UTF-8’ or as an Excel workbook (.xlsx) and try again"
            )
        yield line


@contextmanager
def _open_rows(path: Path) -> Iterator[tuple[list[str], Iterator[list[str]]]]:
    """The header row and an iterator over the other rows, each a list of cell texts."""
    name = path.name
    if _kind_of(path) == ".xlsx":
        with xlsx_rows(path) as (header, rows):
            yield header, rows
        return
    # Plain utf-8 and the byte order mark taken off by hand: the utf-8-sig codec decodes in Python.
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(_text_lines(handle, name))
        first = next(reader, None)
        if first is None:
            raise ReadingError(f"{name} is empty: expected a header row naming the columns")
        if first and first[0].startswith("\ufeff"):
            first[0] = first[0][1:]
        yield first, reader


def _check_xlsx(path: Path) -> None:
    """Refuse a file that is not a zip archive, or would unpack to far more than a real return."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile:
        raise ReadingError(
            f"{name} is not a valid XLSX file; open it in Excel and save it again as .xlsx, or as CSV"
        ) from None
    unpacked = sum(part.file_size for part in parts)
    if unpacked > _XLSX_MAX_BYTES:
        raise ReadingError(
            f"{name} would unpack to {unpacked // (1024 * 1024)} MB, more than the"
            f" {_XLSX_MAX_BYTES // (1024 * 1024)} MB Joinedup accepts; export it as CSV instead"
        )
    for part in parts:
        if part.file_size > 1024 * 1024 and part.file_size > _XLSX_MAX_RATIO * max(part.compress_size, 1):
            raise ReadingError(
                f"{name} is refused: its part {part.filename} unpacks to more than {_XLSX_MAX_RATIO} times"
                " its size, which real spreadsheets do not; export it as CSV instead"
            )


def _xlsx_text(value: object, number_format: str) -> str:
    """A typed Excel cell as the text a CSV export holds, for the same converters to read."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int | float):
        if "%" in number_format:  # 0.875 shown as 87.5%
            value = round(value * 100, 9)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))  # Excel stores every number as a float: year group 5.0 is 5
        return repr(value)
    return str(value)


def _xlsx_cells(row: Iterable[Any]) -> list[str]:
    return [_xlsx_text(cell.value, getattr(cell, "number_format", None) or "") for cell in row]


@contextmanager
def xlsx_rows(path: Path) -> Iterator[tuple[list[str], Iterator[list[str]]]]:
    """The first sheet's header and other rows as cell texts, as a CSV export would hold them.

    Raises:
        ReadingError: the file is not a workbook, has no sheet, or would unpack to far more than
            a real list (a zip bomb).
    """
    from openpyxl import load_workbook  # imported here: only XLSX readers pay for it

    name = path.name
    _check_xlsx(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (KeyError, ValueError, TypeError, IndexError, SyntaxError, zipfile.BadZipFile) as error:
        raise ReadingError(f"{name} is not a valid XLSX file ({error}); open it in Excel and save it again") from None
    try:
        if not workbook.worksheets:
            raise ReadingError(f"{name} has no worksheet: expected the data on the first sheet")
        rows: Iterator[Any] = workbook.worksheets[0].iter_rows()
        header = _xlsx_cells(next(rows, ()))
        while header and not header[-1].strip():
            header.pop()  # formatted but empty cells after the last column
        if not header:
            raise ReadingError(f"{name} is empty: expected a header row naming the columns in row 1")
        yield header, _xlsx_body(rows, len(header), name)
    finally:
        workbook.close()


def _xlsx_body(rows: Iterator[Any], width: int, name: str) -> Iterator[list[str]]:
    # openpyxl yields a row for every row number, blank ones too, so row numbers stay as Excel shows
    # them. A blank row becomes [] (skipped, like a blank line in a CSV file); cells past the last
    # named column are ignored; a short row is padded with blank cells.
    try:
        for row in rows:
            cells = _xlsx_cells(row[:width])
            if not any(cells):
                yield []
                continue
            if len(cells) < width:
                cells += [""] * (width - len(cells))
            yield cells
    except (KeyError, ValueError, TypeError, IndexError, SyntaxError) as error:
        raise ReadingError(f"{name} is not a valid XLSX file ({error}); open it in Excel and save it again") from None


def _blocks(
    name: str,
    header: list[str],
    reader: Iterator[list[str]],
    columns: tuple[str, ...],
    text: frozenset[str],
    mapping: Mapping[str, str],
    kind: str,
    problems: list[RowProblem],
    progress: Progress | None = None,
) -> Iterator[_Block]:
    """Read the rows a block at a time and convert each block a column at a time.

    Column-wise, every step is one C-level ``map`` over a column (a memo look-up, or a slot
    assignment later), instead of a Python loop over a million rows times twenty cells.
    """
    shown = {column: mapping.get(column, column) for column in columns}
    indices, absent = _layout(header, columns, mapping, kind, name)
    present = frozenset(column for column, index in zip(columns, indices, strict=True) if index != absent)
    width = len(header)
    memos = {column: _memo(column) for column in columns if column not in text}
    first = 2
    while True:
        rows = list(islice(reader, _CHUNK))
        if not rows:
            break
        numbers: Sequence[int] = range(first, first + len(rows))
        first += len(rows)
        if set(map(len, rows)) != {width}:
            rows, numbers = _whole_rows(rows, numbers, width, name, problems)
            if not rows:
                continue
        # All rows are now `width` long: flatten them, and each column is one strided slice
        # (much faster than transposing with zip(*rows)).
        flat = list(chain.from_iterable(rows))
        converted: dict[str, list[Any]] = {}
        bad: set[int] = set()
        for column, index in zip(columns, indices, strict=True):
            if index == absent:
                converted[column] = [None] * len(rows)
                continue
            raw = flat[index::width]
            if column in text:
                # Most text columns have no blank cell; then the strings are kept as they are.
                converted[column] = list(map(_EMPTY_IS_MISSING, raw, raw)) if "" in raw else raw
                continue
            memo = memos[column]
            values: list[Any] = list(map(memo.get, raw, repeat(_UNSEEN)))
            if _UNSEEN in values:
                _convert_slow(values, raw, column, memo, numbers, bad, problems, name, shown[column])
            converted[column] = values
        yield _Block(numbers, converted, bad, present)
        if progress is not None:
            progress(first - 2, None)


class _Parsed(NamedTuple):
    """A CSV file as Arrow parsed it, and where each canonical column is in it."""

    table: Any
    indices: list[int]
    absent: int
    upn_index: int


def _holds_nul(path: Path) -> bool:
    """Whether the file has a NUL byte anywhere (a fast scan; the Python reader then names the line)."""
    with path.open("rb") as handle:
        return any(b"\x00" in chunk for chunk in iter(lambda: handle.read(1 << 20), b""))


def _parse_csv(path: Path, columns: tuple[str, ...], mapping: Mapping[str, str], kind: str) -> _Parsed | None:
    """Parse a CSV file with Arrow (which lets go of the interpreter lock meanwhile); ``None`` if it cannot.

    A file it cannot parse (a short row, bad UTF-8, a stray quote) goes to the Python reader,
    which reports what is wrong.
    """
    if _kind_of(path) != ".csv" or _holds_nul(path):
        return None
    try:
        import pyarrow as pa
        import pyarrow.csv as pa_csv
    except ImportError:  # pragma: no cover - a declared dependency; the Python reader still works
        return None
    name = path.name
    with path.open(encoding="utf-8", newline="") as handle:
        try:
            header = next(csv.reader(handle), None)
        except (csv.Error, UnicodeDecodeError):
            return None
    if not header or any("\n" in cell or "\r" in cell for cell in header):
        return None  # let the Python reader say what is wrong, or read a header spread over lines
    if header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    indices, absent = _layout(header, columns, mapping, kind, name)
    wanted = sorted({index for index in indices if index != absent})
    upn_index = indices[columns.index("upn")]
    dictionary = pa.dictionary(pa.int32(), pa.string())
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(skip_rows=1, column_names=[str(i) for i in range(len(header))]),
            # A blank line is kept, so it makes a short row and sends the file to the Python reader:
            # then the rows here are numbered exactly as that reader numbers them.
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                include_columns=[str(i) for i in wanted],
                # UPNs are all different; every other column repeats a few values, converted once each.
                column_types={str(i): pa.string() if i == upn_index else dictionary for i in wanted},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException, ValueError):
        return None
    return _Parsed(table, indices, absent, upn_index)


def _fast_block(
    path: Path,
    columns: tuple[str, ...],
    text: frozenset[str],
    mapping: Mapping[str, str],
    kind: str,
    parsed: Callable[[], _Parsed | None] | None = None,
) -> _Block | None:
    """The whole of a clean CSV file as one block, parsed by Arrow; ``None`` at the first sign of trouble.

    ``None`` sends the file to the Python reader, which reports every problem with its row number:
    rows are numbered as that reader would (a blank line sends the file there), but problems are
    still found and reported only by it, so that there is one way of reporting them. ``parsed``
    gives the file already parsed (in another thread).
    """
    found = parsed() if parsed is not None else _parse_csv(path, columns, mapping, kind)
    if found is None:
        return None
    table, indices, absent, upn_index = found
    count = table.num_rows
    converted: dict[str, list[Any]] = {}
    for column, index in zip(columns, indices, strict=True):
        if index == absent:
            converted[column] = [None] * count
            continue
        arrow = table.column(str(index))
        if index == upn_index:
            raw = arrow.to_pylist()
            values: list[Any] | None = list(map(_EMPTY_IS_MISSING, raw, raw)) if "" in raw else raw
        elif column in text:
            values = _decode(arrow, _text_cell)
        else:
            values = _decode(arrow, _CONVERTERS_BY_CELL[column])
        if values is None:
            return None
        converted[column] = values
    present = frozenset(column for column, index in zip(columns, indices, strict=True) if index != absent)
    return _Block(range(2, count + 2), converted, set(), present, whole_file=True)


def _text_cell(cell: str) -> str | None:
    return cell or None


def _decode(arrow: Any, convert: Callable[[str], object]) -> list[Any] | None:
    """A dictionary-encoded Arrow column as Python values, each distinct cell converted once; ``None`` if one is bad."""
    memo: dict[str, object] = {}
    values: list[Any] = []
    for chunk in arrow.chunks:
        cells = chunk.dictionary.to_pylist()
        distinct = list(map(memo.get, cells, repeat(_UNSEEN)))
        if _UNSEEN in distinct:
            for offset, cell in enumerate(cells):
                if distinct[offset] is _UNSEEN:
                    try:
                        distinct[offset] = memo[cell] = convert(cell)
                    except _Bad:
                        return None
        values += map(distinct.__getitem__, chunk.indices.to_pylist())
    return values


def _cell_converter(column: str) -> Callable[[str], object]:
    """Convert one cell as written: a blank (or spaces) is missing, except a year group, which is required."""
    convert = _CONVERTERS[column]
    required = column == "year_group"

    def convert_cell(cell: str) -> object:
        stripped = cell.strip()
        if not stripped and not required:
            return None
        return convert(stripped)

    return convert_cell


_CONVERTERS_BY_CELL: Final = {column: _cell_converter(column) for column in _CONVERTERS}


def _whole_rows(
    rows: list[list[str]], numbers: Sequence[int], width: int, name: str, problems: list[RowProblem]
) -> tuple[list[list[str]], list[int]]:
    """The rows with one cell per column; a problem for each other row that is not blank."""
    kept, kept_numbers = [], []
    for row, number in zip(rows, numbers, strict=True):
        if len(row) == width:
            kept.append(row)
            kept_numbers.append(number)
        elif any(row):  # a blank line, as spreadsheets leave at the end, is not a problem
            cells = f"{len(row)} cell{'s' if len(row) != 1 else ''}"
            problems.append(RowProblem(name, number, "(whole row)", cells, f"{width} cells, one per column"))
    return kept, kept_numbers


def _convert_slow(
    values: list[Any],
    raw: Sequence[str],
    column: str,
    memo: dict[str, object],
    numbers: Sequence[int],
    bad: set[int],
    problems: list[RowProblem],
    name: str,
    shown: str,
) -> None:
    """Convert the cells the memo has not seen; record a problem (and the row as bad) for each bad one."""
    convert = _CONVERTERS_BY_CELL[column]
    for offset, value in enumerate(values):
        if value is not _UNSEEN:
            continue
        cell = raw[offset]
        known = memo.get(cell, _UNSEEN)  # converted earlier in this block
        if known is not _UNSEEN:
            values[offset] = known
            continue
        try:
            values[offset] = memo[cell] = convert(cell)
        except _Bad as expected:
            problems.append(RowProblem(name, numbers[offset], shown, cell, str(expected)))
            bad.add(offset)


def _check_upns(
    block: _Block, first_row: dict[str, int], problems: list[RowProblem], name: str, shown: str, duplicate: str
) -> None:
    """A UPN is required, and used once in a file."""
    upns = block.columns["upn"]
    numbers = block.numbers
    if block.whole_file:  # the only block, and its row numbers are not wanted: a set will do
        distinct = set(upns)
        if len(distinct) == len(upns) and None not in distinct:
            return
    new = dict(zip(upns, numbers, strict=True))
    if len(new) == len(upns) and None not in new and first_row.keys().isdisjoint(new):
        first_row.update(new)
        return
    for offset, upn in enumerate(upns):
        if upn is None:
            problems.append(RowProblem(name, numbers[offset], shown, "", "a UPN (it is blank)"))
            block.bad.add(offset)
        elif first_row.setdefault(upn, numbers[offset]) != numbers[offset]:
            problems.append(RowProblem(name, numbers[offset], shown, upn, duplicate.format(row=first_row[upn])))
            block.bad.add(offset)


def _kept(values: list[Any], bad: set[int]) -> list[Any]:
    return [value for offset, value in enumerate(values) if offset not in bad] if bad else values


def read_school_data(
    path: str | Path, mapping: Mapping[str, str] | None = None, *, progress: Progress | None = None
) -> PupilData:
    """Read a school's return: one :class:`Pupil` per valid row, and a :class:`RowProblem` per bad cell.

    Args:
        path: a ``.csv`` or ``.xlsx`` file with a header row naming the columns
            (:data:`SCHOOL_DATA_COLUMNS`); from an XLSX file, the first sheet.
        mapping: canonical column name → the file's column name, where they differ.
        progress: called with (rows read, ``None``) now and then.

    Raises:
        ReadingError: a required column (``upn``, ``year_group``, ``school_urn``) is absent, the
            file is neither ``.csv`` nor ``.xlsx``, or it is not a valid (or is a suspiciously large) XLSX file.
        OSError: the file cannot be opened.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "s.csv").write_text("upn,school_urn,year_group,fsm\\nA1,100001,5,Y\\nA2,100001,five,\\n")
    >>> data = read_school_data(folder / "s.csv")
    >>> [(p.upn, p.fsm, p.reading) for p in data.pupils]
    [('A1', True, None)]
    >>> print(data.problems[0])
    s.csv, row 3, column year_group: ‘five’; expected a whole number from -1 to 14
    """
    with gc_paused():
        return _read_school_data(Path(path), dict(mapping or {}), progress)


def _read_school_data(
    path: Path, mapping: dict[str, str], progress: Progress | None, *, fast: bool = True
) -> PupilData:
    block = _fast_block(path, _SCHOOL_READ, frozenset(_TEXT), mapping, "school data") if fast else None
    if block is not None:
        data = _school_data_from([block], path.name, mapping, PupilData())
        if not data.problems:
            if progress is not None:
                progress(data.rows, data.rows)
            return data
    data = PupilData()
    with _open_rows(path) as (header, rows):
        text = frozenset(_TEXT)
        blocks = _blocks(path.name, header, rows, _SCHOOL_READ, text, mapping, "school data", data.problems, progress)
        _school_data_from(blocks, path.name, mapping, data)
    if progress is not None:
        progress(data.rows, data.rows)
    return data


def _school_data_from(blocks: Iterable[_Block], name: str, mapping: dict[str, str], data: PupilData) -> PupilData:
    first_row: dict[str, int] = {}
    for block in blocks:
        _check_school_block(block, first_row, data.problems, name, mapping)
        data.rows += len(block.numbers)
        columns = block.columns
        pupils = list(map(_pupil, *[columns[column] for column in SCHOOL_DATA_COLUMNS]))
        data.pupils += _kept(pupils, block.bad)
        data.row_numbers += _kept(list(block.numbers), block.bad)
    return data


def _check_school_block(
    block: _Block, first_row: dict[str, int], problems: list[RowProblem], name: str, mapping: dict[str, str]
) -> None:
    """Each row needs a UPN, used once in the file, and the school's URN."""
    duplicate = "a UPN used once (it is also on row {row})"
    _check_upns(block, first_row, problems, name, mapping.get("upn", "upn"), duplicate)
    _attendance_from_sessions(block, problems, name, mapping)
    urns = block.columns["school_urn"]
    if None in urns:
        for offset, urn in enumerate(urns):
            if urn is None:
                urn_column = mapping.get("school_urn", "school_urn")
                problems.append(RowProblem(name, block.numbers[offset], urn_column, "", "the school's URN"))
                block.bad.add(offset)


def _attendance_from_sessions(block: _Block, problems: list[RowProblem], name: str, mapping: dict[str, str]) -> None:
    """Where ``attendance_pct`` is blank, attended ÷ possible sessions, as a percentage to one place."""
    possible, attended = block.columns["sessions_possible"], block.columns["sessions_attended"]
    if not any(possible) and not any(attended):
        return
    percentages = block.columns["attendance_pct"]
    for offset, (pct, total, present) in enumerate(zip(percentages, possible, attended, strict=True)):
        if pct is not None or total is None or present is None or offset in block.bad:
            continue  # a bad cell in the row is reported already, and gives no percentage
        if present > total:
            column = mapping.get("sessions_attended", "sessions_attended")
            expected = f"no more than the sessions possible ({total})"
            problems.append(RowProblem(name, block.numbers[offset], column, str(present), expected))
            block.bad.add(offset)
        else:
            percentages[offset] = round(100 * present / total, 1)


_new = object.__new__


def _pupil(
    upn: str,
    forenames: str | None,
    surname: str | None,
    date_of_birth: date | None,
    sex: str | None,
    year_group: int,
    school_urn: str,
    postcode: str | None,
    attendance_pct: float | None,
    reading: str | float | None,
    writing: str | float | None,
    maths: str | float | None,
    english: str | float | None,
    fsm: bool | None,
    pupil_premium: bool | None,
    sen: str | None,
    eal: bool | None,
    ethnicity: str | None,
    exclusions: int | None,
    social_care_status: str | None,
    respondent: str | None = None,
    sdq_emotional: int | None = None,
    sdq_peer: int | None = None,
    sdq_total: int | None = None,
    stirling_total: int | None = None,
) -> Pupil:
    # Positional, in the order of SCHOOL_DATA_COLUMNS then the survey's, so that map() can build
    # a block of pupils.
    # Slots set directly: three times faster than Pupil(**by_keyword) for a million pupils.
    # Every slot is set (tests/rules/test_reading.py checks this against Pupil's fields).
    pupil: Pupil = _new(Pupil)
    pupil.upn = upn
    pupil.school_urn = school_urn
    pupil.year_group = year_group
    pupil.forenames = forenames
    pupil.surname = surname
    pupil.date_of_birth = date_of_birth
    pupil.sex = sex
    pupil.postcode = postcode
    pupil.attendance_pct = attendance_pct
    pupil.reading = reading
    pupil.writing = writing
    pupil.maths = maths
    pupil.english = english
    pupil.fsm = fsm
    pupil.pupil_premium = pupil_premium
    pupil.sen = sen
    pupil.eal = eal
    pupil.ethnicity = ethnicity
    pupil.exclusions = exclusions
    pupil.social_care_status = social_care_status
    pupil.respondent = respondent
    pupil.sdq_emotional = sdq_emotional
    pupil.sdq_peer = sdq_peer
    pupil.sdq_total = sdq_total
    pupil.stirling_total = stirling_total
    return pupil


# The survey fields are set on existing pupils a column at a time, through the slots' setters.
_PUPIL_SLOTS: Final[tuple[str, ...]] = Pupil.__slots__
_SETTERS: Final[dict[str, Callable[[Pupil, Any], None]]] = {slot: getattr(Pupil, slot).__set__ for slot in _PUPIL_SLOTS}


@overload
def read_survey(
    path: str | Path,
    mapping: Mapping[str, str] | None = None,
    *,
    pupils: Sequence[Pupil] | None = None,
    with_rows: Literal[False] = False,
) -> tuple[dict[str, SurveyReturn], list[RowProblem]]: ...


@overload
def read_survey(
    path: str | Path,
    mapping: Mapping[str, str] | None = None,
    *,
    pupils: Sequence[Pupil] | None = None,
    with_rows: Literal[True],
) -> tuple[dict[str, SurveyReturn], list[RowProblem], dict[str, int]]: ...


def read_survey(
    path: str | Path,
    mapping: Mapping[str, str] | None = None,
    *,
    pupils: Sequence[Pupil] | None = None,
    with_rows: bool = False,
) -> (
    tuple[dict[str, SurveyReturn], list[RowProblem]] | tuple[dict[str, SurveyReturn], list[RowProblem], dict[str, int]]
):
    """Read the survey return: each UPN's answers, and a :class:`RowProblem` per bad cell.

    A row is the pupil with its UPN; where the UPN is blank (or there is no UPN column), the
    pupil in ``pupils`` with the same forenames, surname and date of birth (ignoring case, accents
    and extra spaces). Scores may be given as subscales or as item answers (:data:`SDQ_ITEM_COLUMNS`,
    :data:`STIRLING_ITEM_COLUMNS`); a subscale cell, where filled in, wins.

    Args:
        path: a ``.csv`` or ``.xlsx`` file with a header row naming the columns (:data:`SURVEY_COLUMNS`
            and the optional ones above).
        mapping: canonical column name → the file's column name, where they differ.
        pupils: the school data, to find pupils by name and date of birth.
        with_rows: also return each UPN's row number (as a spreadsheet shows it), for reporting
            UPNs the caller cannot place.

    Raises:
        ReadingError: there is neither a ``upn`` column nor the three name and birth date columns,
            or the file is not a readable CSV or XLSX file.
        OSError: the file cannot be opened.
    """
    school = None if pupils is None else _school_names(pupils)
    with gc_paused():
        survey = _read_survey(Path(path), dict(mapping or {}), school, fast=not with_rows)
        returns = survey.returns()
    if with_rows:
        return returns, survey.problems, survey.first_row
    return returns, survey.problems


# (forenames, surname, date of birth, UPN) for each pupil of the school data, made when wanted.
SchoolNames = Callable[[], Iterable[tuple[str | None, str | None, date | None, str]]]


def _school_names(pupils: Sequence[Pupil]) -> SchoolNames:
    return lambda: ((pupil.forenames, pupil.surname, pupil.date_of_birth, pupil.upn) for pupil in pupils)


class _Survey:
    """What reading one survey file accumulates, block after block."""

    def __init__(self, name: str, mapping: dict[str, str], school: SchoolNames | None) -> None:
        self.name = name
        self.mapping = mapping
        self.school = school
        # The valid rows' UPNs and answers, column by column.
        self.upns: list[str] = []
        self.answers: dict[str, list[Any]] = {column: [] for column in _SURVEY_TYPED}
        self.fast = False
        self.first_row: dict[str, int] = {}
        self.problems: list[RowProblem] = []
        self._by_name: dict[tuple[str, str, date], list[str]] | None = None

    def by_name(self) -> dict[tuple[str, str, date], list[str]]:
        """The school data's UPNs by (forenames, surname, date of birth), built when first needed."""
        if self._by_name is None:
            self._by_name = {}
            for forenames, surname, born, upn in self.school() if self.school else ():
                if forenames and surname and born:
                    self._by_name.setdefault((_name_key(forenames), _name_key(surname), born), []).append(upn)
        return self._by_name

    def returns(self) -> dict[str, SurveyReturn]:
        """Each UPN's answers."""
        answers = zip(*(self.answers[column] for column in _SURVEY_TYPED), strict=True)
        return dict(zip(self.upns, map(tuple.__new__, repeat(SurveyReturn), answers), strict=True))

    def add(self, block: _Block) -> None:
        columns = block.columns
        present = block.present
        if not present.isdisjoint(SDQ_ITEM_COLUMNS) or not present.isdisjoint(STIRLING_ITEM_COLUMNS):
            _score_items(columns, present)
        self._check_respondents(block)
        self._identify(block)
        self.upns += _kept(columns["upn"], block.bad)
        for column, answers in self.answers.items():
            answers += _kept(columns[column], block.bad)

    def _check_respondents(self, block: _Block) -> None:
        columns = block.columns
        respondents = columns["respondent"]
        if None not in respondents:
            return
        scores = zip(*(columns[column] for column in _SURVEY_SCORES), strict=True)
        for offset, (respondent, row_scores) in enumerate(zip(respondents, scores, strict=True)):
            if respondent is None and any(score is not None for score in row_scores):
                expected = "who answered (teacher, parent or pupil) when there are scores"
                problem = RowProblem(self.name, block.numbers[offset], self.shown("respondent"), "", expected)
                self.problems.append(problem)
                block.bad.add(offset)

    def _identify(self, block: _Block) -> None:
        """Fill in each blank UPN from the name and date of birth, then check each UPN is used once."""
        upns = block.columns["upn"]
        numbers = block.numbers
        problems = self.problems
        by_name = block.present.issuperset(SURVEY_MATCH_COLUMNS)
        reported: set[int] = set()
        if None in upns and by_name:
            forenames, surnames, births = (block.columns[column] for column in SURVEY_MATCH_COLUMNS)
            for offset, upn in enumerate(upns):
                if upn is None and offset in block.bad:
                    reported.add(offset)  # a bad name or date is reported already: no pupil is looked up by it
                    continue
                fore, sur, born = forenames[offset], surnames[offset], births[offset]
                if upn is not None or not (fore and sur and born):
                    continue  # a blank name or date is reported below, with the blank UPN
                found = self.by_name().get((_name_key(fore), _name_key(sur), born), [])
                if len(found) == 1:
                    upns[offset] = found[0]
                    continue
                if self.school is None:
                    expected = "a UPN (finding pupils by name and date of birth needs the school data)"
                elif found:
                    expected = f"one pupil with this name and date of birth (UPNs {', '.join(found)}); add the UPN"
                else:
                    expected = "a pupil in the school data with this name and date of birth, or a UPN"
                who = f"{fore} {sur}, born {born.isoformat()}"
                problems.append(RowProblem(self.name, numbers[offset], self.shown("surname"), who, expected))
                reported.add(offset)
        if block.whole_file:  # the only block, and its row numbers are not wanted: a set will do
            distinct = set(upns)
            if len(distinct) == len(upns) and None not in distinct:
                return
        new = dict(zip(upns, numbers, strict=True))
        if len(new) == len(upns) and None not in new and self.first_row.keys().isdisjoint(new):
            self.first_row.update(new)
            return
        if by_name:
            blank = "a UPN, or forenames, surname and date_of_birth to find the pupil by"
        else:
            blank = "a UPN (it is blank)"
        shown = self.shown("upn")
        for offset, upn in enumerate(upns):
            if upn is None:
                if offset not in reported:
                    problems.append(RowProblem(self.name, numbers[offset], shown, "", blank))
                block.bad.add(offset)
            elif self.first_row.setdefault(upn, numbers[offset]) != numbers[offset]:
                expected = f"one survey return per UPN (this UPN is also on row {self.first_row[upn]})"
                problems.append(RowProblem(self.name, numbers[offset], shown, upn, expected))
                block.bad.add(offset)

    def shown(self, column: str) -> str:
        """The column as the file names it."""
        return self.mapping.get(column, column)


def _name_key(name: str) -> str:
    """A name as matched: no accents, case or extra spaces (``Zoë  O'Brien`` matches ``zoe o'brien``)."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


def _score_items(columns: dict[str, list[Any]], present: frozenset[str]) -> None:
    """Fill each blank subscale or Stirling total from the row's item answers, where it has them."""
    emotional, peer, total, stirling = (columns[column] for column in _SURVEY_SCORES)
    if not present.isdisjoint(SDQ_ITEM_COLUMNS):
        items = zip(*(columns[column] for column in SDQ_ITEM_COLUMNS), strict=True)
        for offset, answers in enumerate(items):
            if (emotional[offset] is None or peer[offset] is None or total[offset] is None) and any(
                answer is not None for answer in answers
            ):
                scores = sdq_scores(answers)
                if emotional[offset] is None:
                    emotional[offset] = scores.emotional
                if peer[offset] is None:
                    peer[offset] = scores.peer
                if total[offset] is None:
                    total[offset] = scores.total
    if not present.isdisjoint(STIRLING_ITEM_COLUMNS):
        items = zip(*(columns[column] for column in STIRLING_ITEM_COLUMNS), strict=True)
        for offset, answers in enumerate(items):
            if stirling[offset] is None and any(answer is not None for answer in answers):
                stirling[offset] = stirling_total(answers)


def _read_survey(
    path: Path,
    mapping: dict[str, str],
    school: SchoolNames | None,
    *,
    fast: bool = True,
    parsed: Callable[[], _Parsed | None] | None = None,
) -> _Survey:
    name = path.name
    if fast:
        block = _fast_block(path, _SURVEY_READ, _SURVEY_TEXT, mapping, "survey", parsed)
        if block is not None:
            survey = _Survey(name, mapping, school)
            survey.fast = True
            survey.add(block)
            if not survey.problems:
                return survey
    survey = _Survey(name, mapping, school)
    with _open_rows(path) as (header, rows):
        for block in _blocks(name, header, rows, _SURVEY_READ, _SURVEY_TEXT, mapping, "survey", survey.problems):
            survey.add(block)
    return survey


def read_pupils(
    school_data: str | Path,
    survey: str | Path | None = None,
    mapping: Mapping[str, str] | None = None,
    *,
    progress: Progress | None = None,
) -> PupilData:
    """Read the school data and, if given, the survey, joined by UPN (or by name and date of birth).

    A survey row whose UPN is not in the school data is reported as a problem; a pupil with no
    survey return keeps ``None`` (missing) for every survey field.

    Args:
        school_data: the school's return (see :func:`read_school_data`).
        survey: the survey return (see :func:`read_survey`), or ``None``.
        mapping: canonical column name → file column name, for both files.
        progress: called with (rows read, ``None``) now and then.

    Raises:
        ReadingError: a required column is absent, or a file is not a readable CSV or XLSX file.
        OSError: a file cannot be opened.
    """
    school_path = Path(school_data)
    columns_mapping = dict(mapping or {})
    if survey is None:
        with gc_paused():
            return _read_school_data(school_path, columns_mapping, progress)
    with gc_paused():
        return _read_pupils(school_path, Path(survey), columns_mapping, progress)


def _read_pupils(school_path: Path, survey_path: Path, mapping: dict[str, str], progress: Progress | None) -> PupilData:
    # A clean CSV school return is read as columns and its pupils made only once the survey is
    # joined, so each is made with its answers in one go.
    with ThreadPoolExecutor(max_workers=1) as parser:
        # Arrow parses the survey while this thread turns the school data into Python values.
        survey_parsed = parser.submit(_parse_csv, survey_path, _SURVEY_READ, mapping, "survey")
        return _join(school_path, survey_path, mapping, progress, survey_parsed.result)


def _join(
    school_path: Path,
    survey_path: Path,
    mapping: dict[str, str],
    progress: Progress | None,
    survey_parsed: Callable[[], _Parsed | None],
) -> PupilData:
    data = PupilData()
    fast = _fast_block(school_path, _SCHOOL_READ, frozenset(_TEXT), mapping, "school data")
    if fast is not None:
        _check_school_block(fast, {}, data.problems, school_path.name, mapping)
    if fast is not None and not data.problems:
        columns = fast.columns
        upns: list[str] = columns["upn"]
        names = tuple(columns[column] for column in ("forenames", "surname", "date_of_birth"))
        school: SchoolNames = lambda: zip(*names, upns, strict=True)  # noqa: E731
        data.rows = len(upns)
        data.row_numbers = list(fast.numbers)
    else:
        fast = None
        data = _read_school_data(school_path, mapping, progress, fast=False)
        upns = list(map(attrgetter("upn"), data.pupils))
        school = _school_names(data.pupils)
    survey = _read_survey(survey_path, mapping, school, parsed=survey_parsed)
    index = dict(zip(survey.upns, range(len(survey.upns)), strict=True))
    rows = list(map(index.pop, upns, repeat(-1)))
    if index and survey.fast:
        # Unknown UPNs are reported with row numbers, which only the Python reader gives.
        survey = _read_survey(survey_path, mapping, school, fast=False)
        index = dict(zip(survey.upns, range(len(survey.upns)), strict=True))
        rows = list(map(index.pop, upns, repeat(-1)))
    # Each pupil's answers column by column: row -1 (no return) is the None put at the end.
    answers = [list(map([*survey.answers[column], None].__getitem__, rows)) for column in _SURVEY_TYPED]
    if fast is not None:
        school_columns = [fast.columns[column] for column in SCHOOL_DATA_COLUMNS]
        data.pupils = list(map(_pupil, *school_columns, *answers))
    else:
        for column, values in zip(_SURVEY_TYPED, answers, strict=True):
            deque(map(_SETTERS[column], data.pupils, values), maxlen=0)
    data.problems += survey.problems
    upn_column = mapping.get("upn", "upn")
    # A survey UPN with no pupil is a typo, or a pupil who has left; listed in file order.
    for upn in index:
        data.problems.append(
            RowProblem(survey_path.name, survey.first_row[upn], upn_column, upn, "a UPN in the school data")
        )
    if progress is not None:
        progress(data.rows, data.rows)
    return data


#: The columns of the cohort file `joinedup identify run` writes.
COHORT_COLUMNS: Final = (
    "upn",
    "school_urn",
    "year_group",
    "rank",
    "n_domains",
    "domains_at_risk",
    "domains_missing",
    "proposed",
    "route",
    "explanation",
)


def write_cohort(path: str | Path, results: Sequence[Result]) -> None:
    """One row per pupil, in the order read; domains are separated by semicolons.

    Written byte for byte as :func:`csv.writer` writes it (minimal quoting, CRLF line ends). The
    end of a line (areas, proposed, route, explanation) is the same for every pupil with the same
    explanation, so it is quoted once per explanation and reused; a thread writes each block of
    lines to disk while the next is made.
    """
    with gc_paused():
        header = io.StringIO(newline="")
        csv.writer(header).writerow(COHORT_COLUMNS)
        # UPNs and URNs are free text from the school: quoted only if one needs it (rare).
        upns = "".join(map(itemgetter(0), results))
        plain = _NEEDS_QUOTES.search(upns + "".join(set(map(itemgetter(1), results)))) is None
        # explanation → (the line's end, and the fields it was made from, to check it applies).
        tails: dict[str, tuple[str, tuple[Any, ...], tuple[str, ...], str]] = {}
        lines: list[str] = []
        append = lines.append
        with Path(path).open("wb") as handle, ThreadPoolExecutor(max_workers=1) as disk:
            pending = disk.submit(handle.write, header.getvalue().encode())
            for upn, urn, year, route, proposed, n, flags, missing, _, _, explanation, rank in results:
                known = tails.get(explanation)
                if known is not None and known[1] is flags and known[2] is missing and known[3] == route:
                    tail = known[0]
                else:
                    tail = _tail((n, flags, missing, proposed, route), explanation)
                    tails[explanation] = (tail, flags, missing, route)
                if plain:
                    append(f"{upn},{urn},{year},{rank},{tail}")
                else:
                    append(f"{_csv_field(upn)},{_csv_field(urn)},{year},{rank},{tail}")
                if len(lines) >= _CHUNK:
                    data = "".join(lines).encode()
                    lines.clear()
                    pending.result()  # one block on its way at a time: bounded memory, errors raised here
                    pending = disk.submit(handle.write, data)
            pending.result()
            handle.write("".join(lines).encode())


def _tail(made_from: tuple[Any, ...], explanation: str) -> str:
    """The end of a cohort line, from the number of domains on, with its line break."""
    n, flags, missing, proposed, route = made_from
    fields = (
        str(n),
        _csv_field(";".join([flag.domain for flag in flags])),
        _csv_field(";".join(missing)),
        "Y" if proposed else "N",
        _csv_field(route),
        _csv_field(explanation),
    )
    return ",".join(fields) + "\r\n"


_NEEDS_QUOTES: Final = re.compile('[,"\r\n]')


def _csv_field(text: str) -> str:
    """A field as csv.writer writes it with minimal quoting."""
    if _NEEDS_QUOTES.search(text) is None:
        return text
    return '"' + text.replace('"', '""') + '"'
