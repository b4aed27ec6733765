"""Cleaning names, postcodes and dates the way partner lists write them."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.linkage import (
    DateRead,
    canonical_given_name,
    date_read,
    first_word,
    name_clean,
    name_groups,
    postcode_clean,
    same_given_name,
)


@pytest.mark.parametrize(
    ("written", "clean"),
    [
        ("Zoë", "zoe"),
        ("  ANNA-MARIE  ", "anna marie"),
        ("O'Connor", "oconnor"),
        ("D’Souza", "dsouza"),
        ("Mrs J. Smith", "j smith"),
        ("Miss Chloé Dubois", "chloe dubois"),
        ("Nguyễn Văn An", "nguyen van an"),
        ("Łukasz", "lukasz"),
        ("Smith, John", "smith john"),
        ("", ""),
        (None, ""),
        ("123", ""),
    ],
)
def test_names_are_cleaned_to_plain_letters(written: str | None, clean: str) -> None:
    assert name_clean(written) == clean


def test_the_first_word_of_a_name() -> None:
    assert first_word("mary jane") == "mary"
    assert first_word("") == ""


@given(st.text())
def test_cleaning_is_idempotent_and_leaves_only_letters_and_single_spaces(text: str) -> None:
    clean = name_clean(text)
    assert name_clean(clean) == clean
    assert set(clean) <= set("abcdefghijklmnopqrstuvwxyz ")
    assert "  " not in clean
    assert clean == clean.strip()


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        ("Bob", "Robert", True),
        ("bobby", "rob", True),
        ("Liz", "Beth", True),
        ("Bill", "Liam", True),
        ("Alex", "Alexandra", True),
        ("Alex", "Alexander", True),
        ("Alexander", "Alexandra", False),
        ("Sam", "Samantha", True),
        ("Samuel", "Samantha", False),
        ("Jack", "John", True),
        ("Amara", "Amara", True),
        ("Amara", "Amira", False),
    ],
)
def test_given_names_and_their_other_forms(left: str, right: str, same: bool) -> None:
    assert same_given_name(left, right) is same
    assert same_given_name(right, left) is same


def test_each_name_has_one_canonical_form_for_blocking() -> None:
    assert canonical_given_name("bobby") == "robert"
    assert canonical_given_name("alex") == "alexander"
    assert canonical_given_name("amara") == "amara"
    assert name_groups("amara") == frozenset({"amara"})


@pytest.mark.parametrize(
    ("written", "clean"),
    [("nw10 4ab", "NW10 4AB"), ("NW104AB", "NW10 4AB"), (" w2 1hb ", "W2 1HB"), ("NW10", ""), ("", ""), (None, "")],
)
def test_postcodes_in_their_standard_form_or_missing(written: str | None, clean: str) -> None:
    assert postcode_clean(written) == clean


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("2015-04-03", DateRead(date(2015, 4, 3), False)),
        ("20150403", DateRead(date(2015, 4, 3), False)),
        ("3/4/2015", DateRead(date(2015, 4, 3), True)),
        ("03.04.15", DateRead(date(2015, 4, 3), True)),
        ("13/04/2015", DateRead(date(2015, 4, 13), False)),
        ("04/04/2015", DateRead(date(2015, 4, 4), False)),
        ("1/2/98", DateRead(date(1998, 2, 1), True)),
        ("31/04/2015", DateRead(None, False)),
        ("2015-02-30", DateRead(None, False)),
        ("next Tuesday", DateRead(None, False)),
        ("", DateRead(None, False)),
        (None, DateRead(None, False)),
    ],
)
def test_dates_of_birth_with_day_month_ambiguity_flagged(written: str | None, read: DateRead) -> None:
    assert date_read(written) == read


def test_every_short_form_the_demo_gives_a_child_is_known() -> None:
    from joinedup.demo.names import DIMINUTIVES

    for name, forms in DIMINUTIVES.items():
        for form in forms:
            assert same_given_name(name_clean(name), name_clean(form)), (name, form)


def test_spellings_of_one_name_match() -> None:
    assert same_given_name("Mohamed", "Muhammad")
    assert same_given_name("mohammed", "mo")
    assert same_given_name("Jakub", "Kuba")


@pytest.mark.parametrize(
    ("written", "clean"),
    [
        ("943 476 5919", "9434765919"),
        ("943-476-5919", "9434765919"),
        ("9434765919", "9434765919"),
        ("943 476 5910", ""),  # wrong check digit
        ("94347659", ""),  # too short
        ("", ""),
        (None, ""),
    ],
)
def test_nhs_numbers_are_kept_only_when_their_check_digit_is_right(written: str | None, clean: str) -> None:
    from joinedup.linkage import nhs_number_clean

    assert nhs_number_clean(written) == clean
