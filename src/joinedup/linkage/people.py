"""Person lists: reading a partner's file in the standard schema and cleaning it for matching.

A list is a CSV, XLSX or Parquet file with one row per child. Its columns are the standard ones
(``COLUMNS``) or are named by a column mapping (standard name → the file's column). Only
``record_id`` must have a value; the other required columns must be present but may be blank.

Reading is all or nothing: a file with a missing column, a blank or repeated record id, or a date
of birth that is not a date is refused with every problem listed by row, and nothing is matched.

>>> import pyarrow as pa
>>> raw = pa.table({"record_id": ["7"], "forenames": ["Bobby James"], "surname": ["O'Neil-Smith"],
...                 "date_of_birth": ["03/04/2015"], "postcode": ["nw104ab"]})
>>> people = people_clean(raw, "list.csv")
>>> row = people.table.to_pylist()[0]
>>> row["forename"], row["forename_group"], row["surname"], row["dob"], row["dob_swapped"], row["postcode"]
('bobby', 'robert', 'oneil smith', '2015-04-03', '2015-03-04', 'NW10 4AB')
>>> people.notes
('1 date of birth could be read either way round (03/04/2015); read day first, as UK lists write them.',)
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

import pyarrow as pa
import pyarrow.compute as pc

from joinedup.linkage.names import canonical_given_name, name_groups
from joinedup.linkage.normalise import date_read, first_word, name_clean, nhs_number_clean, postcode_clean

#: The standard schema of a person list: every column is text, "" when missing.
COLUMNS: Final = (
    "record_id",
    "forenames",
    "surname",
    "date_of_birth",
    "sex",
    "postcode",
    "address",
    "school",
    "nhs_number",
    "upn",
)
#: Columns a list must have (named directly or through the mapping).
REQUIRED: Final = ("record_id", "forenames", "surname", "date_of_birth")
#: The cleaned columns the matcher compares; null where the list gave nothing usable. All are text
#: except ``forename_groups`` (every name the forename may stand for: "alex" is Alexander, Alexandra
#: or Alexis) and ``address_words``, the address's words, which are lists.
CLEAN_COLUMNS: Final = (
    "record_id",
    "forename",
    "forename_group",
    "forename_groups",
    "forenames",
    "surname",
    "dob",
    "dob_swapped",
    "birth_year",
    "sex",
    "postcode",
    "postcode_sector",
    "postcode_district",
    "address",
    "address_words",
    "school",
    "nhs_number",
    "upn",
)
SUFFIXES: Final = (".csv", ".xlsx", ".parquet")
#: What to do with a date of birth that is not a date.
UNREADABLE_DATES: Final = ("refuse", "missing")
# At most this many problems are listed; the count says how many more there were.
_SHOWN: Final = 20
_SEX: Final = {"f": "f", "female": "f", "girl": "f", "m": "m", "male": "m", "boy": "m"}
_NOT_ALPHANUMERIC: Final = re.compile(r"[^a-z0-9]+")
# A code that is not a UK postcode but looks like another country's (2913, 10115, K1A0B1).
_FOREIGN_POSTCODE: Final = re.compile(r"^(?=.*[0-9])[0-9A-Z]{3,8}$")
_UPN: Final = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")


class ListError(ValueError):
    """A person list cannot be used; the message names the file, the rows and what to do."""


class UnreadableDates(ListError):
    """Dates of birth that are not dates, refused (``unreadable_dates="refuse"``): reading them as missing
    is the other choice."""


@dataclass(frozen=True, slots=True)
class PersonList:
    """A cleaned list (``CLEAN_COLUMNS``) and notes for the person who supplied it."""

    name: str
    table: pa.Table
    notes: tuple[str, ...] = ()

    @property
    def rows(self) -> int:
        return int(self.table.num_rows)


def people_read(
    path: str | Path, *, mapping: Mapping[str, str | Sequence[str]] | None = None, unreadable_dates: str = "refuse"
) -> PersonList:
    """Read and clean a person list from a CSV (UTF-8), XLSX or Parquet file.

    Args:
        path: the file.
        mapping: standard column name → the file's column name, for files that name them otherwise;
            a list of names joins those columns with spaces (``"address": ["Line 1", "Town"]``).
        unreadable_dates: "refuse" (the default) refuses a list with a date of birth that is not a
            date; "missing" reads such dates as missing and says how many in the notes.

    Raises:
        ListError: the file cannot be read, lacks a column, or has rows that cannot be used.
    """
    path = Path(path)
    return people_clean(people_raw(path, mapping=mapping), path.name, unreadable_dates=unreadable_dates)


def mapping_read(path: str | Path) -> dict[str, str | list[str]]:
    """A column mapping from a TOML or JSON file: ``surname = "Last name"``, ``address = ["Line 1", "Town"]``.

    Raises:
        ListError: the file cannot be read, or names a column a person list does not have.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
        loaded: object = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except OSError as error:
        raise ListError(f"The column mapping {path.name} cannot be opened: {error.strerror or error}") from None
    except (ValueError, RecursionError, tomllib.TOMLDecodeError) as error:
        raise ListError(f"{path.name} is not a valid column mapping (TOML or JSON): {error}") from None
    if not isinstance(loaded, dict):
        raise ListError(f"{path.name}: expected a table of standard column = the file's column")
    mapping: dict[str, str | list[str]] = {}
    for key, value in loaded.items():
        if key not in COLUMNS:
            raise ListError(
                f"{path.name}: ‘{key}’ is not a column of a person list; expected one of {', '.join(COLUMNS)}"
            )
        names = [value] if isinstance(value, str) else value
        if (
            not isinstance(names, list)
            or not names
            or not all(isinstance(name, str) and name.strip() for name in names)
        ):
            raise ListError(f"{path.name}: {key} must name a column of the file, or a list of them; found {value!r}")
        mapping[key] = value
    return mapping


def people_raw(path: str | Path, *, mapping: Mapping[str, str | Sequence[str]] | None = None) -> pa.Table:
    """A person list's standard columns as the file wrote them (trimmed text, "" when missing),
    before cleaning: what a reviewer is shown of a partner's record. ``people_clean`` cleans it.

    Raises:
        ListError: the file cannot be read, lacks a required column, or has no rows.
    """
    path = Path(path)
    mapping = mapping or {}
    unknown = sorted(set(mapping) - set(COLUMNS))
    if unknown:
        raise ListError(
            f"The column mapping names {', '.join(unknown)}, which a person list does not have;"
            f" expected some of {', '.join(COLUMNS)}"
        )
    with _reading(path) as suffix:
        table = _read_file(path, suffix)
    if not table.num_rows:
        raise ListError(f"{path.name} has a header row but no children: expected one row per child under it")
    return _standard_columns(table, mapping, path.name)


def people_columns(path: str | Path) -> list[str]:
    """The names in a list's header row, without reading its rows.

    Raises:
        ListError: the file is not a CSV, XLSX or Parquet file that can be read.
    """
    path = Path(path)
    with _reading(path) as suffix:
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return [name.strip() for name in pq.read_schema(path).names]
        if suffix == ".xlsx":
            with _xlsx(path) as (header, _rows):
                return [cell.strip() for cell in header if cell.strip()]
        return [name.strip() for name in _csv_header(path)]


@contextmanager
def _reading(path: Path) -> Iterator[str]:
    """The file's kind; what goes wrong reading it becomes a ``ListError`` saying what to do."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ListError(
            f"{path.name}: expected a .csv, .xlsx or .parquet file, not ‘{path.suffix or '(no extension)'}’"
        )
    try:
        yield suffix
    except UnicodeDecodeError:
        raise ListError(
            f"{path.name} is not text in UTF-8, as a CSV file must be: open it in the spreadsheet it came from"
            " and save it as ‘CSV UTF-8’, or as an Excel workbook (.xlsx)"
        ) from None
    except pa.ArrowInvalid as error:
        if "invalid UTF8" in str(error):  # Arrow's word for a CSV file in another encoding
            raise ListError(
                f"{path.name} is not text in UTF-8, as a CSV file must be: open it in the spreadsheet it came from"
                " and save it as ‘CSV UTF-8’, or as an Excel workbook (.xlsx)"
            ) from None
        raise ListError(
            f"{path.name} cannot be read as {suffix[1:].upper()} ({_first_line(error)}): check it is the list"
            " itself, saved from the spreadsheet as CSV UTF-8, Excel workbook or Parquet"
        ) from None
    except OSError as error:
        raise ListError(f"{path.name} cannot be opened: {error.strerror or error}") from None


@contextmanager
def _xlsx(path: Path) -> Iterator[tuple[list[str], Iterator[list[str]]]]:
    from joinedup.rules.reading import ReadingError, xlsx_rows

    try:
        with xlsx_rows(path) as (header, rows):
            yield header, rows
    except ReadingError as error:
        raise ListError(str(error)) from None


def _csv_delimiter(path: Path) -> str:
    """What separates the file's columns: a comma, or the semicolon or tab some spreadsheets save with,
    whichever its header row has most of."""
    with path.open("rb") as handle:
        first = handle.readline().decode("utf-8-sig").strip()
    if not first:
        raise ListError(f"{path.name} is empty: expected a header row naming the columns")
    return max((",", ";", "\t"), key=first.count)


def _csv_header(path: Path) -> list[str]:
    import pyarrow.csv as csv

    parse = csv.ParseOptions(delimiter=_csv_delimiter(path))
    with csv.open_csv(path, parse_options=parse) as reader:
        return list(reader.schema.names)


def _read_file(path: Path, suffix: str) -> pa.Table:
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path)
    if suffix == ".xlsx":
        with _xlsx(path) as (header, rows):
            body = [row for row in rows if row]
        names = [cell.strip() for cell in header]
        return pa.table({name: [row[index] for row in body] for index, name in enumerate(names) if name})
    import pyarrow.csv as csv

    # Every column is read as text: identifiers keep their leading zeros and dates are read here.
    names = _csv_header(path)
    text = csv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False, quoted_strings_can_be_null=False
    )
    return csv.read_csv(path, parse_options=csv.ParseOptions(delimiter=_csv_delimiter(path)), convert_options=text)


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _standard_columns(table: pa.Table, mapping: Mapping[str, str | Sequence[str]], name: str) -> pa.Table:
    """The standard columns from the file's; a column mapped to several (address lines) joins them."""
    present = {column.strip(): column for column in table.column_names}
    header = ", ".join(table.column_names) or "(none)"
    sources = {column: _sources(mapping.get(column, column)) for column in COLUMNS}
    named = [column.strip() for column in table.column_names]
    for source in dict.fromkeys(source for column in COLUMNS for source in sources[column]):
        if named.count(source) > 1:
            raise ListError(f"{name} has two columns named ‘{source}’; keep one of them and upload it again.")
        if source in present and pa.types.is_nested(table.schema.field(present[source]).type):
            found = table.schema.field(present[source]).type
            raise ListError(f"{name}: the column ‘{source}’ holds {found}, not text; a list has one value a cell.")
    for column in mapping:
        for source in sources[column]:
            if source not in present:
                raise ListError(
                    f"{name} has no ‘{source}’ column, which the column mapping gives for {column};"
                    f" its columns are: {header}."
                )
    missing = [source for column in REQUIRED for source in sources[column] if source not in present]
    if missing:
        raise ListError(
            f"{name} has no {_either(f'‘{source}’' for source in missing)} column; its columns are: {header}."
            " Name the file's columns in a column mapping if they are called something else."
        )
    columns = {}
    for column in COLUMNS:
        parts = [_text(table.column(present[source])) for source in sources[column] if source in present]
        if not parts:
            columns[column] = pa.array([""] * table.num_rows, pa.string())
        elif len(parts) == 1:
            columns[column] = parts[0]
        else:
            columns[column] = pc.utf8_trim_whitespace(pc.binary_join_element_wise(*parts, " "))
    return pa.table(columns)


def _sources(mapped: str | Sequence[str]) -> list[str]:
    return [mapped] if isinstance(mapped, str) else list(mapped)


def _either(names: Iterable[str]) -> str:
    """Names as "has no a, b or c column" lists them."""
    listed = list(names)
    return listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} or {listed[-1]}"


def _text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.fill_null(pc.utf8_trim_whitespace(column.cast(pa.string())), "")


def people_clean(raw: pa.Table, name: str, *, unreadable_dates: str = "refuse") -> PersonList:
    """Clean a list in the standard schema (``COLUMNS``, missing ones blank) for matching.

    Each distinct value is cleaned once, so a list of a million children with the usual repeats
    of names and dates takes seconds.

    Raises:
        ListError: a record id is blank or repeated, or (unless ``unreadable_dates`` is "missing")
            a date of birth is not a date.
    """
    if unreadable_dates not in UNREADABLE_DATES:
        raise ValueError(f"unreadable_dates must be one of {', '.join(UNREADABLE_DATES)}, not {unreadable_dates!r}")
    raw = _standard_columns(raw, {}, name) if raw.column_names != list(COLUMNS) else raw
    _check_ids(raw.column("record_id"), name)
    forenames = _mapped(raw.column("forenames"), _clean_or_none)
    forename = _mapped(forenames, lambda text: first_word(text) or None)
    dates = raw.column("date_of_birth")
    dob = _mapped(dates, _iso_or_none)
    unread = _unread_dates(dates, dob)
    if unread and unreadable_dates == "refuse":
        _refuse_dates(dates, unread, name)
    postcode = _mapped(raw.column("postcode"), _postcode_or_none)
    address = _mapped(raw.column("address"), _address_or_none)
    table = pa.table(
        {
            "record_id": raw.column("record_id"),
            "forename": forename,
            "forename_group": _mapped(forename, canonical_given_name),
            "forename_groups": pc.split_pattern(
                _mapped(forename, lambda name: " ".join(sorted(name_groups(name)))), " "
            ),
            "forenames": forenames,
            "surname": _mapped(raw.column("surname"), _clean_or_none),
            "dob": dob,
            "dob_swapped": _mapped(dob, _swapped_or_none),
            "birth_year": pc.utf8_slice_codeunits(dob, 0, 4),
            "sex": _mapped(raw.column("sex"), lambda text: _SEX.get(text.strip().lower())),
            "postcode": postcode,
            "postcode_sector": _mapped(postcode, lambda code: code[:-2] if " " in code else None),
            "postcode_district": _mapped(postcode, lambda code: code.split(" ", 1)[0] if " " in code else None),
            "address": address,
            "address_words": pc.split_pattern(address, " "),
            "school": _mapped(raw.column("school"), _address_or_none),
            "nhs_number": _mapped(raw.column("nhs_number"), lambda text: nhs_number_clean(text) or None),
            "upn": _mapped(raw.column("upn"), _upn_or_none),
        }
    )
    return PersonList(name, table, _notes(raw, dates, postcode, len(unread)))


def _mapped(column: pa.ChunkedArray | pa.Array, clean: Callable[[str], str | None]) -> pa.Array:
    """``clean`` applied to each distinct value once; null stays null."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    encoded = pc.dictionary_encode(array)
    cleaned = pa.array([clean(value) for value in encoded.dictionary.to_pylist()], pa.string())
    return cleaned.take(encoded.indices)


def _clean_or_none(text: str) -> str | None:
    return name_clean(text) or None


def _iso_or_none(text: str) -> str | None:
    value = date_read(text).value
    return value.isoformat() if value else None


def _swapped_or_none(iso: str) -> str | None:
    """The date with day and month the other way round, where that is a different date."""
    year, month, day = (int(part) for part in iso.split("-"))
    if day > 12 or day == month:
        return None
    return date(year, day, month).isoformat()


def _postcode_or_none(text: str) -> str | None:
    """A UK postcode in its standard form; another country's code as written, without spaces."""
    code = postcode_clean(text)
    if code:
        return code
    written = _NOT_ALPHANUMERIC.sub("", text.lower()).upper()
    return written if _FOREIGN_POSTCODE.match(written) else None


def _address_or_none(text: str) -> str | None:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NOT_ALPHANUMERIC.sub(" ", plain).split()) or None


def _upn_or_none(text: str) -> str | None:
    upn = text.replace(" ", "").upper()
    return upn if _UPN.match(upn) else None


def _check_ids(ids: pa.ChunkedArray, name: str) -> None:
    blank = pc.indices_nonzero(pc.equal(ids, "")).to_pylist()
    if blank:
        raise ListError(
            f"{name}: {_rows(blank)} {'has' if len(blank) == 1 else 'have'} no record number (record_id, or the"
            " column the mapping names for it); every child needs one"
        )
    counts = pc.value_counts(ids)
    repeated = counts.filter(pc.greater(counts.field("counts"), 1)).field("values").to_pylist()
    if repeated:
        listed = []
        for value in repeated[:_SHOWN]:
            rows = pc.indices_nonzero(pc.equal(ids, value)).to_pylist()
            listed.append(f"‘{value}’ ({_rows(rows)})")
        more = f" and {len(repeated) - _SHOWN} more" if len(repeated) > _SHOWN else ""
        each = "is on more than one row" if len(repeated) == 1 else "are each on more than one row"
        raise ListError(f"{name}: record_id {'; '.join(listed)}{more} {each}; every child needs their own")


def _unread_dates(dates: pa.ChunkedArray, dob: pa.Array) -> list[int]:
    """The rows whose date of birth is given but is not a date."""
    return list(pc.indices_nonzero(pc.and_(pc.is_null(dob), pc.not_equal(dates, ""))).to_pylist())


def _refuse_dates(dates: pa.ChunkedArray, unread: list[int], name: str) -> None:
    texts = dates.take(unread[:_SHOWN]).to_pylist()
    shown = "; ".join(f"row {index + 2}: ‘{text}’" for index, text in zip(unread, texts, strict=False))
    more = f"; and {len(unread) - _SHOWN} more" if len(unread) > _SHOWN else ""
    raise UnreadableDates(
        f"{name}: {len(unread)} date{'s' if len(unread) != 1 else ''} of birth {'are' if len(unread) != 1 else 'is'}"
        f" not a date ({shown}{more}). Write {'them' if len(unread) != 1 else 'it'} as 31/01/2015 or 2015-01-31,"
        " or leave the cell blank if unknown."
    )


def _rows(indices: list[int]) -> str:
    """Row numbers as a spreadsheet shows them (the header is row 1)."""
    shown = ", ".join(str(index + 2) for index in indices[:_SHOWN])
    more = f" and {len(indices) - _SHOWN} more" if len(indices) > _SHOWN else ""
    return f"row{'s' if len(indices) > 1 else ''} {shown}{more}"


def _notes(raw: pa.Table, dates: pa.ChunkedArray, postcode: pa.Array, unread_dates: int) -> tuple[str, ...]:
    notes = []
    if unread_dates:
        notes.append(
            f"{unread_dates} date{'s' if unread_dates != 1 else ''} of birth"
            f" {'are' if unread_dates != 1 else 'is'} not a date and {'are' if unread_dates != 1 else 'is'}"
            " treated as missing."
        )
    ambiguous = [text for text in pc.unique(dates).to_pylist() if text and date_read(text).ambiguous]
    if ambiguous:
        count = pc.sum(pc.is_in(dates, pa.array(ambiguous))).as_py()
        example = ambiguous[0]
        notes.append(
            f"{count} date{'s' if count != 1 else ''} of birth could be read either way round ({example});"
            " read day first, as UK lists write them."
        )
    unread = pc.sum(pc.and_(pc.is_null(postcode), pc.not_equal(raw.column("postcode"), ""))).as_py()
    if unread:
        notes.append(
            f"{unread} postcode{'s are' if unread != 1 else ' is'} not a postcode and"
            f" {'are' if unread != 1 else 'is'} treated as missing."
        )
    return tuple(notes)
