from __future__ import annotations

from typing import Any

import pytest

from joinedup.directory.models import DirectoryFeed, Service, ServiceProfile
from joinedup.directory.search_index import search_entries_rebuild
from joinedup.directory.services import content_import
from joinedup.directory.sources import FeedContent
from tests.conftest import World
from tests.directory.feeds import example_service, variant

# Kilburn (NW6) and a little further out; the world's borough is Brent.
NEAR = (51.5362, -0.2034)
FAR = (51.5600, -0.2800)


def located(service: dict[str, Any], latitude: float, longitude: float) -> dict[str, Any]:
    location = service["service_at_locations"][0]["location"]
    location["latitude"], location["longitude"] = latitude, longitude
    return service


@pytest.fixture
def directory(world: World) -> dict[str, Service]:
    return directory_build(world)


def directory_build(world: World) -> dict[str, Service]:
    """Three services in Brent's directory: counselling near NW6 (level 3, ages 12+), tutoring
    further away (not assessed, ages 8-11, free), and a delivery partner's mentoring for 8-14."""
    counselling = located(example_service(), *NEAR)
    tutoring = located(
        variant(example_service(), 2, name="Maths Tutoring Club", description="Free maths tutoring after school."),
        *FAR,
    )
    tutoring.update(minimum_age=8, maximum_age=11, cost_options=[], fees="Free")
    mentoring = located(
        variant(example_service(), 3, name="Step Up Mentoring", description="Weekly mentoring for young people."),
        51.5380,
        -0.2100,
    )
    mentoring.update(minimum_age=8, maximum_age=14)
    feed = DirectoryFeed.objects.create(area=world.area, source="demo:tests", kind=DirectoryFeed.Kind.GENERATED)
    content_import(content=FeedContent(format="ORUK 3.0", services=[counselling, tutoring, mentoring]), feed=feed)
    services = {
        "counselling": Service.objects.get(id=counselling["id"]),
        "tutoring": Service.objects.get(id=tutoring["id"]),
        "mentoring": Service.objects.get(id=mentoring["id"]),
    }
    ServiceProfile.objects.create(
        service=services["counselling"], evidence_level="3", need_domains=["emotional_wellbeing"]
    )
    ServiceProfile.objects.create(service=services["tutoring"], need_domains=["attainment"])
    ServiceProfile.objects.create(
        service=services["mentoring"],
        evidence_level="2",
        need_domains=["emotional_wellbeing", "relationships", "attendance"],
        is_delivery_partner=True,
    )
    search_entries_rebuild(service_ids=[service.id for service in services.values()])
    return services
