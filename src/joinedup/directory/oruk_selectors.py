"""Reads for the Open Referral UK API: pages of records, fully nested, in a fixed number of queries."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from functools import reduce
from typing import Any

from django.db import models
from django.db.models import Prefetch, Q, QuerySet

from joinedup.directory.models import (
    Attribute,
    Contact,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from joinedup.directory.oruk import service_to_oruk
from joinedup.geo import Point, bounding_box, miles_between

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


# -- the public ORUK API (oruk_api.py) --------------------------------------------------------
# Every list is read the same way: a COUNT, one page of ids in a fixed order, then the
# records for those ids with everything they need. The query count does not grow with the
# page size, and the ids query only reads an index when one covers its filter and order.

SERVICE_ORDER = ("name", "id")
# By id alone: ordering by the service's name would join and sort every row for every page.
SERVICE_AT_LOCATION_ORDER = ("id",)
NAME_ORDER = ("name", "id")
METRES_PER_MILE = 1609.344
# Words of a search beyond this many are ignored: each one is a scan of the text columns.
SEARCH_WORDS = 8


def published_organizations() -> QuerySet[Organization]:
    """Organizations our feed publishes: all but those their feed has dropped."""
    return Organization.objects.filter(removed_from_feed_at__isnull=True)


def published_service_at_locations() -> QuerySet[ServiceAtLocation]:
    """A service at a location is published while its service is.

    Written as "not one of the few dropped services" rather than a join to every published
    service: at 100,000 rows on SQLite the COUNT takes 7 ms instead of 90 ms."""
    dropped = Service.objects.filter(removed_from_feed_at__isnull=False).values("id")
    return ServiceAtLocation.objects.exclude(service_id__in=dropped)


def text_search(search: str | None, fields: Sequence[str]) -> Q:
    """Every word of ``search`` appears (ignoring case) in at least one of ``fields``."""
    condition = Q()
    for word in (search or "").split()[:SEARCH_WORDS]:
        condition &= reduce(operator.or_, (Q(**{f"{name}__icontains": word}) for name in fields))
    return condition


def _linked_to_term(
    link_entity: str, *, taxonomy_term_id: str | None, taxonomy_id: str | None
) -> QuerySet[Attribute, Any]:
    """The ids of records of one kind that carry the term, or any term of the taxonomy."""
    attributes = Attribute.objects.filter(link_entity=link_entity)
    if taxonomy_term_id is not None:
        attributes = attributes.filter(taxonomy_term_id=taxonomy_term_id)
    if taxonomy_id is not None:
        attributes = attributes.filter(taxonomy_term__taxonomy_id=taxonomy_id)
    return attributes.values("link_id")


def services_matching(
    *,
    search: str | None = None,
    taxonomy_term_id: str | None = None,
    taxonomy_id: str | None = None,
    organization_id: str | None = None,
    modified_after: datetime | None = None,
) -> QuerySet[Service]:
    """Published services that meet every filter given (``None`` means no filter).

    ``search`` looks in the name, description and organization's name; the taxonomy filters
    look at the service's own attributes; ``modified_after`` includes that moment, as the
    standard says ("modified on or after").
    """
    services = published_services().filter(text_search(search, ("name", "description", "organization__name")))
    if taxonomy_term_id is not None or taxonomy_id is not None:
        services = services.filter(
            id__in=_linked_to_term("service", taxonomy_term_id=taxonomy_term_id, taxonomy_id=taxonomy_id)
        )
    if organization_id is not None:
        services = services.filter(organization_id=organization_id)
    if modified_after is not None:
        services = services.filter(last_modified__gte=modified_after)
    return services


def service_at_locations_matching(
    *,
    search: str | None = None,
    taxonomy_term_id: str | None = None,
    taxonomy_id: str | None = None,
    organization_id: str | None = None,
    modified_after: datetime | None = None,
) -> QuerySet[ServiceAtLocation]:
    """Published services at locations meeting every filter given; the filters are those of
    ``services_matching`` applied to the service, except that a term on the location counts too."""
    items = published_service_at_locations().filter(
        text_search(search, ("service__name", "service__description", "service__organization__name", "location__name"))
    )
    if taxonomy_term_id is not None or taxonomy_id is not None:
        terms = {"taxonomy_term_id": taxonomy_term_id, "taxonomy_id": taxonomy_id}
        items = items.filter(
            Q(service_id__in=_linked_to_term("service", **terms))
            | Q(location_id__in=_linked_to_term("location", **terms))
        )
    if organization_id is not None:
        items = items.filter(service__organization_id=organization_id)
    if modified_after is not None:
        items = items.filter(service__last_modified__gte=modified_after)
    return items


def service_at_locations_near(
    items: QuerySet[ServiceAtLocation], *, centre: Point, metres: float
) -> list[tuple[float, str]]:
    """``(metres away, id)`` of each of ``items`` whose location is within ``metres`` of ``centre``,
    nearest first (ties by id). One query: a latitude/longitude box, then the exact distance here."""
    miles = metres / METRES_PER_MILE
    min_lat, max_lat, min_lng, max_lng = bounding_box(centre, miles)
    rows = items.filter(
        location__latitude__range=(min_lat, max_lat), location__longitude__range=(min_lng, max_lng)
    ).values_list("id", "location__latitude", "location__longitude")
    found = []
    for item_id, latitude, longitude in rows:
        if latitude is None or longitude is None:  # never, given the range; for the type checker
            continue
        away = miles_between(centre, Point(latitude, longitude))
        if away <= miles:
            found.append((away * METRES_PER_MILE, item_id))
    found.sort()
    return found


def taxonomies_matching(*, search: str | None = None) -> QuerySet[Taxonomy]:
    return Taxonomy.objects.filter(text_search(search, ("name", "description")))


def taxonomy_terms_matching(
    *,
    search: str | None = None,
    taxonomy_id: str | None = None,
    top_only: bool = False,
    parent_id: str | None = None,
) -> QuerySet[TaxonomyTerm]:
    """Terms meeting every filter; ``top_only`` keeps the terms with no parent (the top of each tree)."""
    terms = TaxonomyTerm.objects.filter(text_search(search, ("name", "description", "code")))
    if taxonomy_id is not None:
        terms = terms.filter(taxonomy_id=taxonomy_id)
    if top_only:
        terms = terms.filter(parent_id__isnull=True)
    if parent_id is not None:
        terms = terms.filter(parent_id=parent_id)
    return terms


def organizations_matching(*, search: str | None = None) -> QuerySet[Organization]:
    return published_organizations().filter(text_search(search, ("name", "description")))


def id_page(queryset: QuerySet[Any], order: Sequence[str], *, offset: int, limit: int) -> list[str]:
    """One page of ids in ``order`` (whose last field must be unique, so the order is stable)."""
    return list(queryset.order_by(*order).values_list("id", flat=True)[offset : offset + limit])


def id_chunks(queryset: QuerySet[Any], order: Sequence[str], *, size: int) -> Iterator[list[str]]:
    """Every id of ``queryset`` in ``order``, ``size`` at a time, each chunk a query that starts
    after the last row of the one before (keyset paging), so memory stays flat and a deep chunk
    costs no more than the first. ``order`` must end with ``id`` and hold no null values."""
    if order[-1] != "id":
        raise ValueError(f"The order must end with id to be stable, not {order}.")
    last: tuple[Any, ...] | None = None
    while True:
        chunk = queryset if last is None else queryset.filter(_after(order, last))
        rows = list(chunk.order_by(*order).values_list(*order)[:size])
        if not rows:
            return
        yield [row[-1] for row in rows]
        if len(rows) < size:
            return
        last = rows[-1]


def _after(order: Sequence[str], last: Sequence[Any]) -> Q:
    """Rows that sort after ``last`` in ``order``, written so that the database can seek an index:
    a >= x AND (a > x OR (b >= y AND (b > y OR c > z))), rather than a flat OR it must scan."""
    condition = Q(**{f"{order[-1]}__gt": last[-1]})
    for name, value in zip(reversed(order[:-1]), reversed(last[:-1]), strict=True):
        condition = Q(**{f"{name}__gte": value}) & (Q(**{f"{name}__gt": value}) | condition)
    return condition


def in_order[T: models.Model](records: Iterable[T], ids: Sequence[str]) -> list[T]:
    """``records`` in the order of ``ids`` (a query with ``id__in`` returns them in any order)."""
    position = {record_id: index for index, record_id in enumerate(ids)}
    return sorted(records, key=lambda record: position[record.pk])


def services_for_list(ids: Sequence[str]) -> list[Service]:
    """Services with their organizations, for list items with one-to-one fields only. One query."""
    return in_order(Service.objects.filter(id__in=ids).select_related("organization"), ids)


def services_nested_for(ids: Sequence[str]) -> list[Service]:
    """Services with every part ``services_to_oruk`` reads, in the order of ``ids``."""
    return in_order(services_nested(Service.objects.filter(id__in=ids)), ids)


def service_at_locations_for_list(ids: Sequence[str]) -> list[ServiceAtLocation]:
    """Services at locations with their location, service and its organization. One query."""
    return in_order(
        ServiceAtLocation.objects.filter(id__in=ids).select_related("location", "service__organization"), ids
    )


def organizations_nested_for(ids: Sequence[str]) -> list[Organization]:
    """Organizations with their identifiers, for ``organization_to_oruk``. Two queries."""
    return in_order(Organization.objects.filter(id__in=ids).prefetch_related("organization_identifiers"), ids)


def services_of_organizations(organization_ids: Iterable[str], *, nested: bool) -> list[Service]:
    """The published services of these organizations, by name; with every part if ``nested``."""
    services = published_services().filter(organization_id__in=list(organization_ids)).order_by(*SERVICE_ORDER)
    return list(services_nested(services) if nested else services)


def terms_of_taxonomy(taxonomy_id: str) -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.filter(taxonomy_id=taxonomy_id).order_by(*NAME_ORDER)
