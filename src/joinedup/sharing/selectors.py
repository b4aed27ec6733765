"""Reads for sharing, already scoped by the gates in ``access.py``."""

from __future__ import annotations

from dataclasses import dataclass

from joinedup.cases.models import Child
from joinedup.linkage import date_read
from joinedup.sharing.models import FIELD_LABELS, MatchPair, MatchRun

# The matcher's compared fields, by the column of a person list they come from.
LEVEL_OF_COLUMN = {
    "forenames": "forename",
    "surname": "surname",
    "date_of_birth": "dob",
    "sex": "sex",
    "postcode": "postcode",
    "address": "address",
    "school": "school",
    "nhs_number": "nhs_number",
    "upn": "upn",
}


@dataclass(frozen=True)
class ComparedField:
    label: str
    ours: str
    theirs: str
    level: str
    differs: bool


def _ours(child: Child) -> dict[str, str]:
    family = child.family
    return {
        "record_id": str(child.pk),
        "forenames": child.forenames,
        "surname": child.surname,
        "date_of_birth": f"{child.date_of_birth.day} {child.date_of_birth:%B %Y}",
        "sex": child.get_sex_display(),
        "postcode": child.home_postcode,
        "address": ", ".join(filter(None, [family.address_line_1, family.address_line_2, family.town])),
        "school": child.school.name,
        "nhs_number": "",
        "upn": "",
    }


def _plain(text: str) -> str:
    return " ".join(text.casefold().replace(",", " ").split())


def _same(column: str, child: Child, ours: str, theirs: str) -> bool:
    if column == "date_of_birth":
        return date_read(theirs).value == child.date_of_birth
    if column == "sex":
        return _plain(theirs)[:1] == child.sex.casefold()
    return _plain(ours) == _plain(theirs)


def pair_comparison(pair: MatchPair) -> list[ComparedField]:
    """Our child and the partner's record side by side, field by field, each with the level the matcher found
    and whether the two differ (said in words on the page, not by colour alone)."""
    ours = _ours(pair.child)
    if pair.run.kind == MatchRun.Kind.ENCODED:
        return _encoded_comparison(pair, ours)
    theirs = pair.partner_details
    rows = []
    for column, label in FIELD_LABELS.items():
        if column == "record_id" or column not in theirs:
            continue
        mine, partner = ours[column], theirs.get(column, "")
        level = pair.levels.get(LEVEL_OF_COLUMN.get(column, ""), "")
        if not mine or not partner:
            level = level or "missing"
        # The matcher's level says whether they agree: "HA09GT" and "HA0 9GT" are the same postcode.
        differs = (
            _differs(level) if level else (bool(mine and partner) and not _same(column, pair.child, mine, partner))
        )
        rows.append(ComparedField(label, mine, partner, level, differs))
    return rows


#: What the page shows for a partner's value the matcher saw only as an encoding.
ENCODED_VALUE = "Encoded, not seen"


def _encoded_comparison(pair: MatchPair, ours: dict[str, str]) -> list[ComparedField]:
    """An encoded list's record has no values to show: each field says only how it compared."""
    rows = []
    for column, label in FIELD_LABELS.items():
        level = pair.levels.get(LEVEL_OF_COLUMN.get(column, ""), "")
        if column == "record_id" or not level:
            continue
        rows.append(ComparedField(label, ours[column], ENCODED_VALUE, level, _differs(level)))
    return rows


def _differs(level: str) -> bool:
    return level not in ("the same", "missing")
