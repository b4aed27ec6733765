"""Cleaning a person's details before two lists are compared: names, postcodes and dates of birth.

Partner lists rarely agree on how a name or a date is written. Everything here is deterministic and
keeps what it cannot read as missing (``None`` or ""), never guessed.

>>> name_clean("  Mr. Seán  O'Brien-Smith ")
'sean obrien smith'
>>> postcode_clean("nw10 4ab"), postcode_clean("NW104AB"), postcode_clean("not a postcode")
('NW10 4AB', 'NW10 4AB', '')
>>> date_read("03/04/2015")
DateRead(value=datetime.date(2015, 4, 3), ambiguous=True)
>>> date_read("2015-04-03"), date_read("31/4/2015")
(DateRead(value=datetime.date(2015, 4, 3), ambiguous=False), DateRead(value=None, ambiguous=False))
>>> nhs_number_clean("943 476 5919"), nhs_number_clean("943 476 5910")
('9434765919', '')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Final

from joinedup.geo.postcodes import PostcodeError, postcode_normalise

# Titles and honorifics some lists put in the name fields.
TITLES: Final = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "master", "prof", "rev", "sir", "dame"})
_NOT_LETTERS: Final = re.compile(r"[^a-z ]+")
_SPACES: Final = re.compile(r"\s+")
# Characters that join or split parts of a name: a hyphen or an apostrophe joins; a dot or comma splits.
_JOINERS: Final = re.compile(r"['’`]")
_SPLITTERS: Final = re.compile(r"[-\u2010\u2011\u2013\u2014.,/_]")
# Letters Unicode does not decompose into a plain letter and an accent.
_UNDECOMPOSED: Final = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
        "Þ": "th",
        "\N{LATIN SMALL LETTER DOTLESS I}": "i",
        "ð": "d",
        "Ð": "d",
    }
)


def name_clean(text: str | None) -> str:
    """A name in lower-case ASCII letters and single spaces: accents, titles and punctuation gone.

    Apostrophes join (O'Brien -> obrien); hyphens, dots and commas split (Smith-Jones -> smith jones).
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    ascii_text = _SPLITTERS.sub(" ", _JOINERS.sub("", ascii_text))
    words = _SPACES.sub(" ", _NOT_LETTERS.sub(" ", ascii_text)).split()
    return " ".join(word for word in words if word not in TITLES)


def first_word(name: str) -> str:
    """The first word of a cleaned name ("mary jane" -> "mary"): most lists agree on it."""
    return name.split(" ", 1)[0] if name else ""


def postcode_clean(text: str | None) -> str:
    """A full UK postcode in its standard form ("NW10 4AB"), or "" if the text is not one."""
    if not text:
        return ""
    try:
        return postcode_normalise(text)
    except PostcodeError:
        return ""


@dataclass(frozen=True, slots=True)
class DateRead:
    """A date of birth as read, and whether its day and month could have been the other way round."""

    value: date | None
    ambiguous: bool


_ISO: Final = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_COMPACT: Final = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DAY_FIRST: Final = re.compile(r"^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{2}|\d{4})$")


def date_read(text: str | None, *, century_pivot: int = 30) -> DateRead:
    """Read a date of birth written as 2015-04-03, 20150403 or (the UK way) 3/4/2015, 03.04.15.

    A day-first date whose day and month are both 12 or under, and differ, is ``ambiguous``: the
    list may have been written month first. Two-digit years below ``century_pivot`` are 20xx.
    """
    text = (text or "").strip()
    if not text:
        return DateRead(None, False)
    for pattern in (_ISO, _COMPACT):
        found = pattern.match(text)
        if found:
            year, month, day = (int(part) for part in found.groups())
            return DateRead(_date_or_none(year, month, day), False)
    found = _DAY_FIRST.match(text)
    if not found:
        return DateRead(None, False)
    day, month, year = (int(part) for part in found.groups())
    if year < 100:
        year += 2000 if year < century_pivot else 1900
    value = _date_or_none(year, month, day)
    return DateRead(value, value is not None and day <= 12 and month <= 12 and day != month)


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


_DIGITS: Final = re.compile(r"\D")


def nhs_number_clean(text: str | None) -> str:
    """An NHS number as its ten digits if its check digit is right (modulus 11), else "".

    A mistyped number is missing, not a different child: used only when both lists have it.
    """
    digits = _DIGITS.sub("", text or "")
    if len(digits) != 10:
        return ""
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return digits if check != 10 and check == int(digits[9]) else ""
