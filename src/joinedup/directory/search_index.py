"""The search index: one ``SearchEntry`` per place a service is offered, rebuilt from the records.

Rebuilt for the services an import or an edit touched, in the same transaction,
so search never shows a service differently from its page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import time

from django.db.models import Prefetch

from joinedup.core.domains import domain_mask
from joinedup.directory.models import (
    EVIDENCE_RANK,
    Attribute,
    Schedule,
    SearchEntry,
    Service,
    ServiceAtLocation,
    ServiceProfile,
)

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


def _schedule_masks(schedules: Iterable[Schedule]) -> tuple[int, int]:
    days = hours = 0
    for schedule in schedules:
        days |= day_mask(schedule.byday) if schedule.byday else (0b1111111 if schedule.freq == "WEEKLY" else 0)
        hours |= time_mask(schedule.opens_at, schedule.closes_at)
    return days, hours


def _is_free(service: Service) -> bool:
    amounts = [option.amount for option in service.cost_options.all() if option.amount is not None]
    if amounts:
        return all(amount == 0 for amount in amounts)
    fees = (service.fees or service.fees_description or "").strip().lower()
    return not fees or "free" in fees


def _language_text(service: Service) -> str:
    names = {(language.code or "").lower() for language in service.languages.all()}
    names |= {(language.name or "").lower() for language in service.languages.all()}
    names.discard("")
    return "|" + "|".join(sorted(names)) + "|" if names else ""


def _profile(service: Service) -> ServiceProfile | None:
    try:
        return service.profile
    except ServiceProfile.DoesNotExist:
        return None


def _age(value: float | None, default: int) -> int:
    return default if value is None else max(0, min(200, int(value)))


def search_text(service: Service, terms: Sequence[str]) -> str:
    parts = [service.name, service.alternate_name, service.description]
    if service.organization:
        parts.append(service.organization.name)
    parts.extend(terms)
    return " ".join(part for part in parts if part).lower()


def _entries_for(service: Service, terms: Sequence[str]) -> list[SearchEntry]:
    profile = _profile(service)
    schedules = list(service.schedules.all())
    for at_location in service.service_at_locations.all():
        schedules.extend(at_location.schedules.all())
    days, hours = _schedule_masks(schedules)
    common = {
        "service_id": service.id,
        "area_id": service.area_id,
        "need_mask": domain_mask(profile.need_domains) if profile else 0,
        "minimum_age": _age(service.minimum_age, 0),
        "maximum_age": _age(service.maximum_age, 200),
        "evidence_rank": EVIDENCE_RANK.get(profile.evidence_level, 0) if profile else 0,
        "is_free": _is_free(service),
        "is_delivery_partner": bool(profile and profile.is_delivery_partner),
        "day_mask": days,
        "time_mask": hours,
        "languages": _language_text(service)[:300],
        "text": search_text(service, terms),
    }
    places = [
        at.location
        for at in service.service_at_locations.all()
        if at.location.latitude is not None and at.location.longitude is not None
    ]
    if not places:
        return [SearchEntry(**common)]
    return [
        SearchEntry(location_id=place.id, latitude=place.latitude, longitude=place.longitude, **common)
        for place in {place.id: place for place in places}.values()
    ]


def search_entries_rebuild(*, service_ids: Iterable[str] | None = None) -> int:
    """Rebuild the entries of these services (every service when None). Returns the number written."""
    if service_ids is None:
        SearchEntry.objects.all().delete()
        ids = list(Service.objects.values_list("id", flat=True))
    else:
        ids = list(dict.fromkeys(service_ids))
        for start in range(0, len(ids), _BATCH):
            SearchEntry.objects.filter(service_id__in=ids[start : start + _BATCH]).delete()
    written = 0
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        services = (
            Service.objects.filter(id__in=chunk, status=Service.Status.ACTIVE, removed_from_feed_at__isnull=True)
            .select_related("organization", "profile")
            .prefetch_related(
                "schedules",
                "cost_options",
                "languages",
                Prefetch(
                    "service_at_locations",
                    queryset=ServiceAtLocation.objects.select_related("location").prefetch_related("schedules"),
                ),
            )
        )
        terms: dict[str, list[str]] = {}
        for link_id, name in Attribute.objects.filter(link_entity="service", link_id__in=chunk).values_list(
            "link_id", "taxonomy_term__name"
        ):
            terms.setdefault(link_id, []).append(name)
        entries = [entry for service in services for entry in _entries_for(service, terms.get(service.id, []))]
        SearchEntry.objects.bulk_create(entries, batch_size=_BATCH)
        written += len(entries)
    return written
