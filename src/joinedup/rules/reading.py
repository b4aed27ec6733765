"""Read a school's return and the wellbeing survey from CSV into :class:`~joinedup.rules.Pupil` rows.

Every bad cell is reported (file, row as a spreadsheet numbers it, column, value, what was
expected) and the valid rows are kept: the caller decides whether to go on without the bad ones.
A blank cell is missing (``None``), never a default.

Built for a million rows a run. Rows are read a block at a time and converted a column at a
time: each typed column has a memo from the cell's text to its value, so a value seen before (a
date of birth, ``Y``, ``expected``, ``87.5``) costs one dict look-up inside a C-level ``map``;
only a new or bad value goes through a converter.
"""

from __future__ import annotations

import csv
import gc
import json
import tomllib
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, islice, repeat
from operator import attrgetter
from pathlib import Path
from typing import Any, Final, NamedTuple

from joinedup.rules.model import LEVELS, RESPONDENTS, Pupil
from joinedup.rules.scoring import Result

__all__ = [
    "COHORT_COLUMNS",
    "SCHOOL_DATA_COLUMNS",
    "SURVEY_COLUMNS",
    "PupilData",
    "ReadingError",
    "RowProblem",
    "SurveyReturn",
    "mapping_from_file",
    "read_pupils",
    "read_school_data",
    "read_survey",
    "write_cohort",
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
#: Columns every file must have; any other column may be left out (all missing).
_REQUIRED: Final = {"school data": ("upn", "year_group", "school_urn"), "survey": ("upn",)}

# Free-text columns, kept as written ("" is missing); the rest are converted.
_TEXT: Final = ("upn", "forenames", "surname", "sex", "school_urn", "postcode", "sen", "ethnicity")
_SURVEY_TYPED: Final = SURVEY_COLUMNS[1:]
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


def _attainment(text: str) -> str | float:
    expected = f"{', '.join(LEVELS)} or a score"
    lowered = text.lower()
    if lowered in LEVELS:
        return lowered
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
    "social_care_status": _one_of({status: status for status in _SOCIAL_CARE}, ", ".join(_SOCIAL_CARE) + " or blank"),
    "respondent": _one_of({r.upper(): r for r in RESPONDENTS}, ", ".join(RESPONDENTS)),
    "sdq_emotional": _whole(0, 10),
    "sdq_peer": _whole(0, 10),
    "sdq_total": _whole(0, 40),
    "stirling_total": _whole(12, 60),
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
    except (ValueError, tomllib.TOMLDecodeError) as error:
        raise ReadingError(f"{path.name} is not a valid column mapping: {error}") from None
    return _check_mapping(loaded, path.name)


def _check_mapping(loaded: object, name: str) -> dict[str, str]:
    if not isinstance(loaded, dict):
        raise ReadingError(f"{name}: expected a table of canonical column = file column")
    known = set(SCHOOL_DATA_COLUMNS) | set(SURVEY_COLUMNS)
    mapping: dict[str, str] = {}
    for key, value in loaded.items():
        if key not in known:
            raise ReadingError(f"{name}: ‘{key}’ is not a column Joinedup reads; expected one of {', '.join(known)}")
        if not isinstance(value, str) or not value.strip():
            raise ReadingError(f"{name}: {key} must name a column in the file, found {value!r}")
        mapping[key] = value
    return mapping


def _layout(
    header: list[str], columns: tuple[str, ...], mapping: Mapping[str, str], kind: str, name: str
) -> tuple[list[int], int]:
    """Where each canonical column is in the file; an absent optional column points past the row's end."""
    positions = {cell.strip(): index for index, cell in enumerate(header)}
    absent = len(header)
    indices = [positions.get(mapping.get(column, column), absent) for column in columns]
    for column in _REQUIRED[kind]:
        if positions.get(mapping.get(column, column)) is None:
            shown = mapping.get(column, column)
            raise ReadingError(
                f"{name} has no ‘{shown}’ column, which {kind} needs; its header is: {', '.join(header) or '(empty)'}"
                + ("" if shown != column else ". Use a column mapping if the file names it differently.")
            )
    return indices, absent


@contextmanager
def _no_gc() -> Iterator[None]:
    # A million long-lived objects and no cycles: the cyclic collector would walk them again
    # and again for nothing (see identify()).
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class _Block(NamedTuple):
    """Up to ``_CHUNK`` good-width rows, converted column by column."""

    numbers: Sequence[int]  # each row's number as a spreadsheet shows it
    columns: dict[str, list[Any]]  # canonical column → values, one per row
    bad: set[int]  # offsets of rows with a problem


def _blocks(
    path: Path,
    columns: tuple[str, ...],
    text: frozenset[str],
    mapping: Mapping[str, str],
    kind: str,
    problems: list[RowProblem],
    progress: Progress | None = None,
) -> Iterator[_Block]:
    """Read ``path`` a block of rows at a time and convert it a column at a time.

    Column-wise, every step is one C-level ``map`` over a column (a memo look-up, or a slot
    assignment later), instead of a Python loop over a million rows times twenty cells.
    """
    name = path.name
    shown = {column: mapping.get(column, column) for column in columns}
    # Plain utf-8 and the byte order mark taken off by hand: the utf-8-sig codec decodes in Python.
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise ReadingError(f"{name} is empty: expected a header row naming the columns")
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        indices, absent = _layout(header, columns, mapping, kind, name)
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
            yield _Block(numbers, converted, bad)
            if progress is not None:
                progress(first - 2, None)


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
    convert = _CONVERTERS[column]
    for offset, value in enumerate(values):
        if value is not _UNSEEN:
            continue
        cell = raw[offset]
        stripped = cell.strip()
        if not stripped and column != "year_group":
            values[offset] = memo[cell] = None
            continue
        try:
            values[offset] = memo[cell] = convert(stripped)
        except _Bad as expected:
            problems.append(RowProblem(name, numbers[offset], shown, cell, str(expected)))
            bad.add(offset)


def _check_upns(
    block: _Block, first_row: dict[str, int], problems: list[RowProblem], name: str, shown: str, duplicate: str
) -> None:
    """A UPN is required, and used once in a file."""
    upns = block.columns["upn"]
    numbers = block.numbers
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
        path: a CSV file with a header row naming the columns (:data:`SCHOOL_DATA_COLUMNS`).
        mapping: canonical column name → the file's column name, where they differ.
        progress: called with (rows read, ``None``) now and then.

    Raises:
        ReadingError: a required column (``upn``, ``year_group``, ``school_urn``) is absent.
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
    with _no_gc():
        return _read_school_data(Path(path), dict(mapping or {}), progress)


def _read_school_data(path: Path, mapping: dict[str, str], progress: Progress | None) -> PupilData:
    name = path.name
    data = PupilData()
    problems = data.problems
    first_row: dict[str, int] = {}
    duplicate = "a UPN used once (it is also on row {row})"
    for block in _blocks(path, SCHOOL_DATA_COLUMNS, frozenset(_TEXT), mapping, "school data", problems, progress):
        _check_upns(block, first_row, problems, name, mapping.get("upn", "upn"), duplicate)
        urns = block.columns["school_urn"]
        if None in urns:
            for offset, urn in enumerate(urns):
                if urn is None:
                    urn_column = mapping.get("school_urn", "school_urn")
                    problems.append(RowProblem(name, block.numbers[offset], urn_column, "", "the school's URN"))
                    block.bad.add(offset)
        data.rows += len(block.numbers)
        columns = block.columns
        pupils = list(map(_pupil, *[columns[column] for column in SCHOOL_DATA_COLUMNS]))
        data.pupils += _kept(pupils, block.bad)
    if progress is not None:
        progress(data.rows, data.rows)
    return data


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
) -> Pupil:
    # Positional, in the order of SCHOOL_DATA_COLUMNS, so that map() can build a block of pupils.
    return Pupil(
        upn=upn,
        forenames=forenames,
        surname=surname,
        date_of_birth=date_of_birth,
        sex=sex,
        year_group=year_group,
        school_urn=school_urn,
        postcode=postcode,
        attendance_pct=attendance_pct,
        reading=reading,
        writing=writing,
        maths=maths,
        english=english,
        fsm=fsm,
        pupil_premium=pupil_premium,
        sen=sen,
        eal=eal,
        ethnicity=ethnicity,
        exclusions=exclusions,
        social_care_status=social_care_status,
    )


# The survey fields are set on existing pupils a column at a time, through the slots' setters.
_PUPIL_SLOTS: Final[tuple[str, ...]] = Pupil.__slots__
_SETTERS: Final[dict[str, Callable[[Pupil, Any], None]]] = {slot: getattr(Pupil, slot).__set__ for slot in _PUPIL_SLOTS}


def read_survey(
    path: str | Path, mapping: Mapping[str, str] | None = None
) -> tuple[dict[str, SurveyReturn], list[RowProblem]]:
    """Read the survey return: each UPN's answers, and a :class:`RowProblem` per bad cell.

    Args:
        path: a CSV file with a header row naming the columns (:data:`SURVEY_COLUMNS`).
        mapping: canonical column name → the file's column name, where they differ.

    Raises:
        ReadingError: the ``upn`` column is absent.
        OSError: the file cannot be opened.
    """
    with _no_gc():
        returns, problems, _ = _read_survey(Path(path), dict(mapping or {}))
    return returns, problems


def _read_survey(
    path: Path, mapping: dict[str, str]
) -> tuple[dict[str, SurveyReturn], list[RowProblem], dict[str, int]]:
    name = path.name
    returns: dict[str, SurveyReturn] = {}
    first_row: dict[str, int] = {}
    problems: list[RowProblem] = []
    duplicate = "one survey return per UPN (this UPN is also on row {row})"
    make = tuple.__new__
    for block in _blocks(path, SURVEY_COLUMNS, frozenset({"upn"}), mapping, "survey", problems):
        _check_upns(block, first_row, problems, name, mapping.get("upn", "upn"), duplicate)
        columns = block.columns
        respondents = columns["respondent"]
        if None in respondents:
            scores = zip(*(columns[column] for column in _SURVEY_TYPED[1:]), strict=True)
            for offset, (respondent, row_scores) in enumerate(zip(respondents, scores, strict=True)):
                if respondent is None and any(score is not None for score in row_scores):
                    expected = "who answered (teacher, parent or pupil) when there are scores"
                    column = mapping.get("respondent", "respondent")
                    problems.append(RowProblem(name, block.numbers[offset], column, "", expected))
                    block.bad.add(offset)
        answers = map(make, repeat(SurveyReturn), zip(*(columns[column] for column in _SURVEY_TYPED), strict=True))
        returns.update(zip(_kept(columns["upn"], block.bad), _kept(list(answers), block.bad), strict=True))
    return returns, problems, first_row


def read_pupils(
    school_data: str | Path,
    survey: str | Path | None = None,
    mapping: Mapping[str, str] | None = None,
    *,
    progress: Progress | None = None,
) -> PupilData:
    """Read the school data and, if given, the survey, joined by UPN.

    A survey row whose UPN is not in the school data is reported as a problem; a pupil with no
    survey return keeps ``None`` (missing) for every survey field.

    Args:
        school_data: the school's return (see :func:`read_school_data`).
        survey: the survey return (see :func:`read_survey`), or ``None``.
        mapping: canonical column name → file column name, for both files.
        progress: called with (rows read, ``None``) now and then.

    Raises:
        ReadingError: a required column is absent.
        OSError: a file cannot be opened.
    """
    data = read_school_data(school_data, mapping, progress=progress)
    if survey is None:
        return data
    with _no_gc():
        returns, problems, survey_rows = _read_survey(Path(survey), dict(mapping or {}))
    data.problems.extend(problems)
    # Column by column again: pop each pupil's answers (or none), then set each survey slot.
    none = SurveyReturn(None, None, None, None, None)
    answers = list(map(returns.pop, map(attrgetter("upn"), data.pupils), repeat(none)))
    if answers:
        for column, values in zip(_SURVEY_TYPED, zip(*answers, strict=True), strict=True):
            deque(map(_SETTERS[column], data.pupils, values), maxlen=0)
    if returns:
        name = Path(survey).name
        column = (mapping or {}).get("upn", "upn")
        # A survey UPN with no pupil is a typo, or a pupil who has left; listed in file order.
        for upn in returns:
            data.problems.append(RowProblem(name, survey_rows[upn], column, upn, "a UPN in the school data"))
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
    """One row per pupil, in the order read; domains are separated by semicolons."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(COHORT_COLUMNS)
        out.writerows(
            (
                r.upn,
                r.school_urn,
                r.year_group,
                r.rank,
                r.n_domains,
                ";".join([flag.domain for flag in r.domains_at_risk]),
                ";".join(r.domains_missing),
                "Y" if r.proposed else "N",
                r.route,
                r.explanation,
            )
            for r in results
        )
