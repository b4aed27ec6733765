"""The two lists of a match run: ours, built from the children the programme knows, and the partner's file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyarrow as pa

from joinedup.cases.models import Child
from joinedup.linkage import COLUMNS, REQUIRED
from joinedup.sharing.models import FIELD_LABELS, DataSharingAgreement


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
    given = {field_of.get(column, column) for column in columns}
    missing = [standard for standard in REQUIRED if standard not in given]
    if missing:
        # Most often the file names them otherwise: say so before calling its columns forbidden.
        wanted = ", ".join(f"{FIELD_LABELS[standard].lower()} (‘{standard}’)" for standard in missing)
        return (
            f"The file has no column for {wanted}; its columns are {', '.join(columns) or '(none)'}. If it names"
            " them differently, say which of its columns is which under ‘The file names its columns"
            " differently’, or in a column mapping file."
        )
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
