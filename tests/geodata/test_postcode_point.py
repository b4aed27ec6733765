"""Placing a postcode: its own location once Code-Point is loaded, else its district's centre."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from pytest_django import DjangoAssertNumQueries

from joinedup.geo import Point, PostcodeError, osgb36_to_wgs84
from joinedup.geodata.models import PostcodeDistrict
from joinedup.geodata.selectors import PostcodeMatch, PostcodeNotFound, postcode_point
from joinedup.geodata.services import codepoint_load

NW10_CENTRE = Point(51.54123, -0.24816)  # from the shipped districts file


def test_the_migration_loads_every_district_and_running_it_again_changes_nothing() -> None:
    assert PostcodeDistrict.objects.count() == 2865
    migration = importlib.import_module("joinedup.geodata.migrations.0002_postcode_districts")
    migration.districts_load(django_apps, None)
    assert PostcodeDistrict.objects.count() == 2865


def test_a_postcode_is_placed_at_its_district_centre_before_codepoint_is_loaded(
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_max_num_queries(2):
        match = postcode_point(" nw10  4ab")
    assert match == PostcodeMatch("NW10 4AB", NW10_CENTRE, "district")


def test_a_district_alone_is_placed_at_its_centre(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    with django_assert_num_queries(1):
        assert postcode_point("nw10") == PostcodeMatch("NW10", NW10_CENTRE, "district")


def test_after_a_load_the_postcode_itself_is_used(
    codepoint: Path, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    codepoint_load(path=codepoint)
    with django_assert_num_queries(1):
        match = postcode_point("nw10 9zx")
    assert match == PostcodeMatch("NW10 9ZX", osgb36_to_wgs84(521500, 183900), "postcode")
    # A postcode the load did not hold (one newer than it, say) still has its district.
    assert postcode_point("NW10 4AB").precision == "district"
    # And one Code-Point has no coordinates for is placed by its district, not at 0, 0.
    assert postcode_point("NW10 9ZZ") == PostcodeMatch("NW10 9ZZ", NW10_CENTRE, "district")


def test_an_unknown_postcode_says_what_to_do() -> None:
    with pytest.raises(PostcodeNotFound) as error:
        postcode_point("zz99 9zz")
    assert str(error.value) == (
        "We could not find ‘ZZ99 9ZZ’. Check the postcode, or enter just its first part, like NW10."
    )
    assert isinstance(error.value, PostcodeError)
    with pytest.raises(PostcodeNotFound, match="We could not find ‘ZZ99’"):
        postcode_point("ZZ99")


def test_text_that_is_not_a_postcode_is_a_postcode_error_not_a_miss() -> None:
    with pytest.raises(PostcodeError, match="is not a UK postcode") as error:
        postcode_point("XYZ")
    assert not isinstance(error.value, PostcodeNotFound)
