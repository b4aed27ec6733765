"""Reads for the Open Referral UK API: pages of records, fully nested, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet

from joinedup.directory.models import (
    Attribute,
    Contact,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
)
from joinedup.directory.oruk import service_to_oruk

LOCATION_PARTS = ("addresses", "accessibility")


def published_services() -> QuerySet[Service]:
    """What our feed publishes: every service with its feed's status, except those the feed has dropped."""
    return Service.objects.filter(removed_from_feed_at__isnull=True)


def services_nested(services: QuerySet[Service]) -> QuerySet[Service]:
    """Services with everything ``service_to_oruk`` reads, fetched in one query per kind of part."""
    return services.select_related("organization").prefetch_related(
        "schedules",
        "service_areas",
        "languages",
        "funding",
        "cost_options",
        "organization__organization_identifiers",
        Prefetch(
            "contacts",
            queryset=Contact.objects.prefetch_related(
                Prefetch("phones", queryset=Phone.objects.prefetch_related("languages"))
            ),
        ),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                *(f"location__{part}" for part in LOCATION_PARTS)
            ),
        ),
    )


def attributes_for(
    *, services: Iterable[Service] = (), locations: Iterable[Location] = (), organizations: Iterable[Organization] = ()
) -> dict[tuple[str, str], list[Attribute]]:
    """Every attribute of these records, keyed by (entity, id), in one query."""
    wanted = {
        "service": {item.id for item in services},
        "location": {item.id for item in locations},
        "organization": {item.id for item in organizations},
    }
    found: dict[tuple[str, str], list[Attribute]] = {}
    ids = set().union(*wanted.values())
    if not ids:
        return found
    for attribute in Attribute.objects.filter(link_id__in=ids).select_related("taxonomy_term").order_by("id"):
        if attribute.link_id in wanted.get(attribute.link_entity, ()):
            found.setdefault((attribute.link_entity, attribute.link_id), []).append(attribute)
    return found


def services_to_oruk(services: Iterable[Service]) -> list[dict[str, Any]]:
    """Fully nested ORUK services; ``services`` should come from ``services_nested``."""
    services = list(services)
    locations = [at.location for service in services for at in service.service_at_locations.all()]
    organizations = [service.organization for service in services if service.organization]
    attributes = attributes_for(services=services, locations=locations, organizations=organizations)
    return [service_to_oruk(service, attributes) for service in services]
