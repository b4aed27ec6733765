"""The two lists of a match run: ours, built from the children the programme knows, and the partner's file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pyarrow as pa

from joinedup.cases.models import Child
from joinedup.linkage import COLUMNS, ListError
from joinedup.sharing.models import FIELD_LABELS, DataSharingAgreement


def file_columns(path: Path) -> list[str]:
    """The names in a CSV, XLSX or Parquet file's header row, without reading its rows."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return [name.strip() for name in pq.read_schema(path).names]
        if suffix == ".xlsx":
            from joinedup.rules.reading import ReadingError, xlsx_rows

            try:
                with xlsx_rows(path) as (header, _rows):
                    return [cell.strip() for cell in header if cell.strip()]
            except ReadingError as error:
                raise ListError(str(error)) from None
        if suffix == ".csv":
            with path.open("rb") as handle:
                first = handle.readline().decode("utf-8-sig").strip()
            if not first:
                raise ListError(f"{path.name} is empty: expected a header row naming the columns")
            import pyarrow.csv as csv

            with csv.open_csv(path) as reader:
                return [name.strip() for name in reader.schema.names]
    except (pa.ArrowInvalid, UnicodeDecodeError, OSError) as error:
        raise ListError(f"{path.name} cannot be read: {str(error).strip().splitlines()[0]}") from None
    raise ListError(f"{path.name}: expected a .csv, .xlsx or .parquet file, not ‘{path.suffix or '(no extension)'}’")


def columns_refused(
    columns: Sequence[str], mapping: Mapping[str, str | Sequence[str]], agreement: DataSharingAgreement
) -> str:
    """Why the file's columns go beyond what the agreement lets the partner send us, or "" if they do not.

    A column counts as the standard field the mapping names it for, or as itself; a column that is no
    field of a person list at all is refused too, since the agreement does not cover it.
    """
    field_of: dict[str, str] = {}
    for standard, mapped in mapping.items():
        for source in [mapped] if isinstance(mapped, str) else mapped:
            field_of[source] = standard
    allowed = set(agreement.fields_we_receive)
    extra = []
    for column in columns:
        standard = field_of.get(column, column)
        if standard not in allowed:
            label = f" ({FIELD_LABELS[standard].lower()})" if standard in FIELD_LABELS else ""
            extra.append(f"‘{column}’{label}")
    if not extra:
        return ""
    allowed_labels = ", ".join(agreement.fields_we_receive_labels()).lower()
    return (
        f"The file has {'a column' if len(extra) == 1 else 'columns'} the agreement with {agreement.partner} does "
        f"not let them send us: {', '.join(extra)}. The agreement covers only {allowed_labels}. "
        "Ask them for a file without these columns, or remove them, and upload it again."
    )


def our_list(agreement: DataSharingAgreement) -> pa.Table:
    """The children our programme knows in the agreement's borough, in the standard schema (``COLUMNS``).

    Only the fields the agreement lets us send are filled in; the rest are blank, so the match compares
    nothing we could not share.
    """
    children = (
        Child.objects.filter(
            area_id=agreement.area_id,
            programme_organisation_id=agreement.organisation_id,
            archived_at__isnull=True,
        )
        .select_related("family", "school")
        .order_by("pk")
    )
    send = set(agreement.fields_we_send) | {"record_id"}
    rows: dict[str, list[str]] = {column: [] for column in COLUMNS}
    for child in children:
        family = child.family
        values = {
            "record_id": str(child.pk),
            "forenames": child.forenames,
            "surname": child.surname,
            "date_of_birth": child.date_of_birth.isoformat(),
            "sex": child.sex,
            "postcode": child.home_postcode,
            "address": " ".join(filter(None, [family.address_line_1, family.address_line_2, family.town])),
            "school": child.school.name,
            "nhs_number": "",
            "upn": "",
        }
        for column in COLUMNS:
            rows[column].append(values[column] if column in send else "")
    return pa.table({column: pa.array(rows[column], pa.string()) for column in COLUMNS})
