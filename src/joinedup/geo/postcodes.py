"""UK postcodes as people type them: tidying, checking, and their first half (the district).

A postcode is an outward code (the district: ``NW10``) and an inward code
(``4AB``). Outward codes take the shapes A9, A99, AA9, AA99, A9A and AA9A; the
inward code is always a digit and two letters. This checks the shape only:
whether a postcode exists is a question for the postcode tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Precision = Literal["postcode", "district"]

_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_INWARD = r"[0-9][A-Z]{2}"
_FULL = re.compile(rf"({_OUTWARD})({_INWARD})")
_DISTRICT = re.compile(_OUTWARD)


class PostcodeError(ValueError):
    """Text that is not a postcode. The message is written for the person who typed it."""


@dataclass(frozen=True)
class PostcodeQuery:
    """What someone typed into a postcode box, tidied.

    ``text`` is ``"NW10 4AB"`` for a full postcode or ``"NW10"`` for a district,
    and ``precision`` says which.
    """

    text: str
    precision: Precision

    @property
    def district(self) -> str:
        return self.text.split(" ")[0]


def _squash(text: str) -> str:
    # Any whitespace anywhere, including non-breaking spaces pasted from documents.
    return "".join(text.split()).upper()


def quoted(text: str) -> str:
    """Text as someone typed it, in curly quotes (as GOV.UK content does), for messages."""
    # Escapes, not the characters, so the linter does not mistake them for backticks.
    return "\u2018" + " ".join(text.split()) + "\u2019"


def postcode_parse(text: str) -> PostcodeQuery:
    """Accept a full postcode or just a district (its first half), and say which it is.

    Args:
        text: what the person typed, in any case and spacing.

    Raises:
        PostcodeError: the text is neither a postcode nor a district.

    Example:
        >>> postcode_parse(" nw10  4ab")
        PostcodeQuery(text='NW10 4AB', precision='postcode')
        >>> postcode_parse("nw10")
        PostcodeQuery(text='NW10', precision='district')
    """
    squashed = _squash(text)
    if full := _FULL.fullmatch(squashed):
        return PostcodeQuery(f"{full[1]} {full[2]}", "postcode")
    # A district is at most four characters and a full postcode at least five,
    # so a string can never be both.
    if _DISTRICT.fullmatch(squashed):
        return PostcodeQuery(squashed, "district")
    if not squashed:
        raise PostcodeError("Enter a postcode, like NW10 4AB, or a district, like NW10.")
    raise PostcodeError(
        f"{quoted(text)} is not a UK postcode. Enter a postcode like NW10 4AB, or a district like NW10."
    )


def postcode_normalise(text: str) -> str:
    """A full postcode in its standard form: capitals, one space before the last three characters.

    Args:
        text: the postcode in any case and spacing.

    Raises:
        PostcodeError: the text is not a full postcode (a district alone is not enough).

    Example:
        >>> postcode_normalise(" nw10  4ab")
        'NW10 4AB'
        >>> postcode_normalise("sw1a1aa")
        'SW1A 1AA'
    """
    query = postcode_parse(text)
    if query.precision != "postcode":
        raise PostcodeError(
            f"{quoted(text)} is only the first part of a postcode. Enter the whole postcode, like NW10 4AB."
        )
    return query.text


def postcode_district(postcode: str) -> str:
    """The district (outward code, the part before the space) of a postcode or a district.

    Args:
        postcode: a full postcode or a district, in any case and spacing.

    Raises:
        PostcodeError: the text is neither.

    Example:
        >>> postcode_district("NW10 4AB")
        'NW10'
        >>> postcode_district("w1a")
        'W1A'
    """
    return postcode_parse(postcode).district
