"""The search index: one ``SearchEntry`` per place a service is offered, rebuilt from the records.

Rebuilt for the services an import or an edit touched, in the same transaction,
so search never shows a service differently from its page.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import time
from typing import Any

from django.core.cache import cache
from django.db.models import Q

from joinedup.core.domains import domain_mask
from joinedup.directory.models import (
    EVIDENCE_RANK,
    Attribute,
    CostOption,
    Language,
    Schedule,
    SearchEntry,
    Service,
    ServiceAtLocation,
)
from joinedup.geo.distance import Point, bounding_box

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Parts of the day a family can ask for, as (label, start, end); a schedule that is
# open at any moment in the span counts.
TIMES: tuple[tuple[str, str, time, time], ...] = (
    ("before_school", "Before school (before 9am)", time(0, 0), time(9, 0)),
    ("school_day", "During the school day (9am to 3pm)", time(9, 0), time(15, 0)),
    ("after_school", "After school (3pm to 6pm)", time(15, 0), time(18, 0)),
    ("evening", "Evenings (after 6pm)", time(18, 0), time(23, 59, 59)),
)
TIME_BITS = {key: 1 << index for index, (key, _label, _start, _end) in enumerate(TIMES)}

_BATCH = 1000
# The languages the search form offers, cached by the selectors; cleared whenever the index changes.
LANGUAGES_CACHE_KEY = "directory:languages"


def day_mask(byday: str | None) -> int:
    """Monday is bit 0. ``byday`` is an iCalendar list such as "MO,WE" or "1SA" (the first Saturday)."""
    mask = 0
    for part in (byday or "").upper().split(","):
        day = re.sub(r"[^A-Z]", "", part)
        if day in DAYS:
            mask |= 1 << DAYS.index(day)
    return mask


def time_mask(opens_at: time | None, closes_at: time | None) -> int:
    if opens_at is None or closes_at is None:
        return 0
    mask = 0
    for key, _label, start, end in TIMES:
        if opens_at < end and closes_at > start:
            mask |= TIME_BITS[key]
    return mask


BAND_DEGREES = 10  # bands per degree of latitude


def lat_band(latitude: float) -> int:
    return math.floor(latitude * BAND_DEGREES)


def near(point: Point, miles: float) -> Q:
    """Entries in the box around ``point`` that holds every place within ``miles`` (then check the distance)."""
    min_lat, max_lat, min_lng, max_lng = bounding_box(point, miles)
    return Q(
        lat_band__in=range(lat_band(min_lat), lat_band(max_lat) + 1),
        longitude__range=(min_lng, max_lng),
        latitude__range=(min_lat, max_lat),
    )


def _is_free(amounts: list[float], fees: str | None) -> bool:
    if amounts:
        return all(amount == 0 for amount in amounts)
    text = (fees or "").strip().lower()
    return not text or "free" in text


def _age(value: float | None, default: int) -> int:
    return default if value is None else max(0, min(200, int(value)))


def _grouped(rows: Iterable[tuple[Any, ...]]) -> dict[str, list[tuple[Any, ...]]]:
    """Rows keyed by their first column (a service id), the rest kept in order."""
    grouped: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for key, *rest in rows:
        grouped[key].append(tuple(rest))
    return grouped


def _entries_for_chunk(ids: list[str]) -> list[SearchEntry]:
    """The entries of these services, read as plain values (a handful of queries for the whole chunk)."""
    services = Service.objects.filter(
        id__in=ids, status=Service.Status.ACTIVE, removed_from_feed_at__isnull=True
    ).values_list(
        "id",
        "area_id",
        "name",
        "alternate_name",
        "description",
        "organization__name",
        "minimum_age",
        "maximum_age",
        "fees",
        "fees_description",
        "profile__need_domains",
        "profile__evidence_level",
        "profile__is_delivery_partner",
    )
    schedules = _grouped(
        (service_id or via_location, byday, freq, opens_at, closes_at)
        for service_id, via_location, byday, freq, opens_at, closes_at in Schedule.objects.filter(
            Q(service_id__in=ids) | Q(service_at_location__service_id__in=ids)
        ).values_list("service_id", "service_at_location__service_id", "byday", "freq", "opens_at", "closes_at")
    )
    amounts = _grouped(
        CostOption.objects.filter(service_id__in=ids, amount__isnull=False).values_list("service_id", "amount")
    )
    languages = _grouped(Language.objects.filter(service_id__in=ids).values_list("service_id", "code", "name"))
    places = _grouped(
        ServiceAtLocation.objects.filter(
            service_id__in=ids, location__latitude__isnull=False, location__longitude__isnull=False
        ).values_list("service_id", "location_id", "location__latitude", "location__longitude")
    )
    terms = _grouped(
        Attribute.objects.filter(link_entity="service", link_id__in=ids).values_list("link_id", "taxonomy_term__name")
    )
    entries = []
    for (
        service_id,
        area_id,
        name,
        alternate_name,
        description,
        organization_name,
        minimum_age,
        maximum_age,
        fees,
        fees_description,
        need_domains,
        evidence_level,
        is_partner,
    ) in services:
        days = hours = 0
        for byday, freq, opens_at, closes_at in schedules.get(service_id, ()):
            days |= day_mask(byday) if byday else (0b1111111 if freq == "WEEKLY" else 0)
            hours |= time_mask(opens_at, closes_at)
        spoken = {(value or "").lower() for row in languages.get(service_id, ()) for value in row} - {""}
        words = [name, alternate_name, description, organization_name, *(t for (t,) in terms.get(service_id, ()))]
        common = {
            "service_id": service_id,
            "area_id": area_id,
            "need_mask": domain_mask(need_domains or []),
            "minimum_age": _age(minimum_age, 0),
            "maximum_age": _age(maximum_age, 200),
            "evidence_rank": EVIDENCE_RANK.get(evidence_level or "", 0),
            "is_free": _is_free([a for (a,) in amounts.get(service_id, ())], fees or fees_description),
            "is_delivery_partner": bool(is_partner),
            "day_mask": days,
            "time_mask": hours,
            "languages": ("|" + "|".join(sorted(spoken)) + "|" if spoken else "")[:300],
            "text": " ".join(word for word in words if word).lower(),
        }
        located = {location_id: (lat, lng) for location_id, lat, lng in places.get(service_id, ())}
        if not located:
            entries.append(SearchEntry(**common))
        for location_id, (latitude, longitude) in located.items():
            entries.append(
                SearchEntry(
                    location_id=location_id,
                    latitude=latitude,
                    longitude=longitude,
                    lat_band=lat_band(latitude),
                    **common,
                )
            )
    return entries


def search_entries_rebuild(*, service_ids: Iterable[str] | None = None) -> int:
    """Rebuild the entries of these services (every service when None). Returns the number written."""
    if service_ids is None:
        SearchEntry.objects.all().delete()
        ids = list(Service.objects.values_list("id", flat=True))
    else:
        ids = list(dict.fromkeys(service_ids))
        for start in range(0, len(ids), _BATCH):
            SearchEntry.objects.filter(service_id__in=ids[start : start + _BATCH]).delete()
    cache.delete(LANGUAGES_CACHE_KEY)
    written = 0
    for start in range(0, len(ids), _BATCH):
        entries = _entries_for_chunk(ids[start : start + _BATCH])
        SearchEntry.objects.bulk_create(entries, batch_size=_BATCH)
        written += len(entries)
    return written
