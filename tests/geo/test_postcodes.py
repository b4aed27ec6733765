"""Postcode tidying and checking, with property-based tests."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.geo import PostcodeError, PostcodeQuery, postcode_district, postcode_normalise, postcode_parse

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
# Written independently of the code under test: the six outward shapes, then 9AA.
CANONICAL = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}")

letter = st.sampled_from(LETTERS)
digit = st.sampled_from(DIGITS)
outward_codes = st.one_of(
    st.tuples(letter, digit),  # A9
    st.tuples(letter, digit, digit),  # A99
    st.tuples(letter, letter, digit),  # AA9
    st.tuples(letter, letter, digit, digit),  # AA99
    st.tuples(letter, digit, letter),  # A9A
    st.tuples(letter, letter, digit, letter),  # AA9A
).map("".join)
inward_codes = st.tuples(digit, letter, letter).map("".join)
postcodes = st.tuples(outward_codes, inward_codes).map(" ".join)
whitespace = st.text(alphabet=" \t\u00a0", max_size=3)


@st.composite
def as_typed(draw: st.DrawFn, text: str) -> str:
    """The same characters in any case, with any whitespace between and around them."""
    out = draw(whitespace)
    for char in text.replace(" ", ""):
        out += (char.lower() if draw(st.booleans()) else char) + draw(whitespace)
    return out


@given(postcodes)
def test_normalising_twice_is_normalising_once(postcode: str) -> None:
    once = postcode_normalise(postcode)
    assert postcode_normalise(once) == once


@given(postcodes, st.data())
def test_any_case_and_spacing_normalises_to_the_same_postcode(postcode: str, data: st.DataObject) -> None:
    typed = data.draw(as_typed(postcode))
    assert postcode_normalise(typed) == postcode
    assert CANONICAL.fullmatch(postcode_normalise(typed))


@given(st.text(max_size=12))
def test_any_text_is_a_canonical_postcode_or_a_postcode_error(text: str) -> None:
    try:
        result = postcode_normalise(text)
    except PostcodeError:
        return
    assert CANONICAL.fullmatch(result)


@given(postcodes, st.sampled_from(LETTERS + DIGITS))
def test_an_extra_character_on_the_end_is_not_a_postcode(postcode: str, extra: str) -> None:
    with pytest.raises(PostcodeError):
        postcode_normalise(postcode + extra)


@given(st.text(min_size=1, max_size=10).filter(lambda t: any(not c.isalnum() and not c.isspace() for c in t)))
def test_punctuation_is_never_a_postcode(text: str) -> None:
    with pytest.raises(PostcodeError):
        postcode_parse(text)


@given(outward_codes, st.data())
def test_a_district_alone_is_recognised_as_a_district(district: str, data: st.DataObject) -> None:
    assert postcode_parse(data.draw(as_typed(district))) == PostcodeQuery(district, "district")


def test_examples() -> None:
    assert postcode_normalise(" nw10  4ab") == "NW10 4AB"
    assert postcode_normalise("sw1a1aa") == "SW1A 1AA"
    assert postcode_normalise("N1  6AA") == "N1 6AA"  # Code-Point pads short outward codes
    assert postcode_district("NW10 4AB") == "NW10"
    assert postcode_district("w1a") == "W1A"
    assert postcode_parse("NW10 4AB") == PostcodeQuery("NW10 4AB", "postcode")
    assert postcode_parse("NW10 4AB").district == "NW10"


def test_messages_are_for_the_person_typing() -> None:
    with pytest.raises(PostcodeError) as error:
        postcode_parse(" XYZ ")
    assert str(error.value) == "‘XYZ’ is not a UK postcode. Enter a postcode like NW10 4AB, or a district like NW10."
    with pytest.raises(PostcodeError, match="Enter a postcode, like NW10 4AB"):
        postcode_parse("   ")
    with pytest.raises(PostcodeError, match="‘NW10’ is only the first part of a postcode"):
        postcode_normalise("NW10")
    assert issubclass(PostcodeError, ValueError)
