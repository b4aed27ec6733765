"""Finding where a postcode is."""

from __future__ import annotations

from dataclasses import dataclass

from joinedup.geo import Point, PostcodeError, Precision, postcode_parse
from joinedup.geo.postcodes import quoted
from joinedup.geodata.models import Postcode, PostcodeDistrict


class PostcodeNotFound(PostcodeError):
    """A well-formed postcode or district that is in neither table."""


@dataclass(frozen=True)
class PostcodeMatch:
    """Where a postcode is. ``precision`` is "district" when only its district's centre was known."""

    text: str
    point: Point
    precision: Precision


def postcode_point(text: str) -> PostcodeMatch:
    """The location of a postcode or district as typed: the postcode itself if Code-Point
    Open has been loaded and holds it, otherwise the centre of its district. At most two queries.

    Raises PostcodeError for text that is not a postcode, PostcodeNotFound for one we do not know.
    """
    query = postcode_parse(text)
    if query.precision == "postcode":
        found = Postcode.objects.filter(postcode=query.text).values_list("latitude", "longitude").first()
        if found is not None:
            return PostcodeMatch(query.text, Point(*found), "postcode")
    # A postcode newer than the last Code-Point load still has a known district.
    found = PostcodeDistrict.objects.filter(district=query.district).values_list("latitude", "longitude").first()
    if found is not None:
        return PostcodeMatch(query.text, Point(*found), "district")
    if query.precision == "postcode":
        raise PostcodeNotFound(
            f"We could not find {quoted(query.text)}. Check the postcode, or enter just its first part, like NW10."
        )
    raise PostcodeNotFound(
        f"We could not find {quoted(query.text)}. Check it, or enter the whole postcode, like NW10 4AB."
    )
