"""Reads for the directory pages: practitioner and family search, a service's page, management lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from joinedup.accounts.models import Area, Organisation
from joinedup.core.domains import DOMAIN_BITS, NeedDomain, domain_mask
from joinedup.directory.models import (
    EVIDENCE_RANK,
    VERIFY_EVERY,
    Contact,
    EvidenceLevel,
    Language,
    Phone,
    SearchEntry,
    Service,
    ServiceAtLocation,
)
from joinedup.directory.oruk_selectors import attributes_for
from joinedup.directory.search_index import DAY_NAMES, LANGUAGES_CACHE_KEY, TIME_BITS, TIMES, near
from joinedup.geo.distance import Point, miles_between
from joinedup.geo.postcodes import PostcodeError
from joinedup.geodata.selectors import postcode_point

DEFAULT_MILES = 3.0
TIME_REASONS = {
    "before_school": "before school",
    "school_day": "during the school day",
    "after_school": "after school",
    "evening": "in the evening",
}
PAGE_SIZE = 20
# A search without a postcode ranks at most this many candidates; words or a postcode narrow it.
CANDIDATE_LIMIT = 5000

EVIDENCE_LABELS = {
    "4": "Evidence level 4 (Foundations Guidebook)",
    "3": "Evidence level 3 (Foundations Guidebook)",
    "2": "Evidence level 2, preliminary (Foundations Guidebook)",
    "NL2": "Evidence below level 2 (Foundations Guidebook)",
    "NE": "Found not to be effective (Foundations Guidebook)",
}
_LEVEL_BY_RANK = {rank: level for level, rank in EVIDENCE_RANK.items()}


@dataclass(frozen=True)
class ServiceQuery:
    """What a person asked for. Every field is optional; an empty query lists everything in range."""

    text: str = ""
    domains: tuple[str, ...] = ()
    age: int | None = None
    origin: Point | None = None
    origin_label: str = ""
    miles: float = DEFAULT_MILES
    include_remote: bool = True
    free_only: bool = False
    language: str = ""
    day: int | None = None
    time: str = ""
    min_evidence: int | None = None
    partners_only: bool = False
    area: Area | None = None


@dataclass
class ServiceMatch:
    service_id: str
    score: float
    distance: float | None
    need_matches: list[str]
    evidence_level: str
    minimum_age: int
    maximum_age: int
    is_free: bool
    is_delivery_partner: bool
    reasons: list[str] = field(default_factory=list)
    service: Service | None = None


@dataclass
class SearchResults:
    matches: list[ServiceMatch]
    total: int
    truncated: bool


def _words(text: str) -> list[str]:
    return [word for word in text.lower().split() if len(word) > 1][:8]


def _entries(query: ServiceQuery) -> QuerySet[SearchEntry]:
    entries = SearchEntry.objects.all()
    if query.domains:
        entries = entries.annotate(need_hits=F("need_mask").bitand(domain_mask(query.domains))).filter(need_hits__gt=0)
    if query.age is not None:
        entries = entries.filter(minimum_age__lte=query.age, maximum_age__gte=query.age)
    if query.free_only:
        entries = entries.filter(is_free=True)
    if query.partners_only:
        entries = entries.filter(is_delivery_partner=True)
    if query.min_evidence is not None:
        entries = entries.filter(evidence_rank__gte=query.min_evidence)
    if query.language:
        entries = entries.filter(languages__contains=f"|{query.language.lower()}|")
    if query.day is not None:
        entries = entries.annotate(day_hit=F("day_mask").bitand(1 << query.day)).filter(day_hit__gt=0)
    if query.time:
        entries = entries.annotate(time_hit=F("time_mask").bitand(TIME_BITS[query.time])).filter(time_hit__gt=0)
    for word in _words(query.text):
        entries = entries.filter(text__contains=word)
    if query.origin is not None:
        nearby = near(query.origin, query.miles)
        entries = entries.filter(nearby | Q(latitude__isnull=True) if query.include_remote else nearby)
    elif query.area is not None:
        entries = entries.filter(area=query.area)
    return entries


_COLUMNS = (
    "service_id",
    "latitude",
    "longitude",
    "need_mask",
    "minimum_age",
    "maximum_age",
    "evidence_rank",
    "is_free",
    "is_delivery_partner",
)


# A candidate row's columns, in the order _COLUMNS fetches them.
Row = tuple[str, float | None, float | None, int, int, int, int, bool, bool]
EVIDENCE_POINTS = {4: 30, 3: 25, 2: 12, 1: 3, 0: 0, -1: -30}


def _fit(row: Row, distance: float | None, query: ServiceQuery, wanted: int) -> float:
    """How well a service fits: needs met, strength of evidence, nearness, how closely the ages fit, and
    being a delivery partner. Deliberately simple weights, so the reasons shown explain the order."""
    _service_id, _lat, _lng, need_mask, minimum_age, maximum_age, rank, _is_free, is_partner = row
    score = float(EVIDENCE_POINTS.get(rank, 0))
    if query.domains:
        score += 40 * (need_mask & wanted).bit_count() / len(query.domains)
    if distance is not None:
        score += 20 * max(0.0, 1 - distance / max(query.miles, 0.1))
    elif query.origin is not None:
        score += 5
    if query.age is not None:
        score += 10 * max(0.0, 1 - (maximum_age - minimum_age) / 18)
    if is_partner:
        score += 5
    return score


def _match(row: Row, distance: float | None, score: float, query: ServiceQuery, wanted: int) -> ServiceMatch:
    service_id, _lat, _lng, need_mask, minimum_age, maximum_age, rank, is_free, is_partner = row
    match = ServiceMatch(
        service_id=service_id,
        score=score,
        distance=distance,
        need_matches=[domain for domain, bit in DOMAIN_BITS.items() if wanted & bit and need_mask & bit],
        evidence_level=_LEVEL_BY_RANK.get(rank, ""),
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        is_free=is_free,
        is_delivery_partner=is_partner,
    )
    match.reasons = _reasons(match, query)
    return match


def _reasons(match: ServiceMatch, query: ServiceQuery) -> list[str]:
    """What counted for a service's place, in the order ``_fit`` weighs it, and the filters it met."""
    reasons: list[str] = []
    if query.domains:
        reasons.append("Helps with " + _and([NeedDomain(domain).label.lower() for domain in match.need_matches]))
    if match.evidence_level:
        reasons.append(EVIDENCE_LABELS[match.evidence_level])
    if match.distance is not None:
        reasons.append(f"{match.distance:.1f} miles from {query.origin_label or 'the postcode'}")
    elif query.origin is not None:
        reasons.append("Offered online, by phone or across the area, not at one place")
    if query.age is not None:
        reasons.append(f"For {_ages(match.minimum_age, match.maximum_age)}, so a child of {query.age} can use it")
    if query.language:
        reasons.append(f"Offered in {query.language.capitalize()}")
    if query.day is not None:
        reasons.append(f"Runs on {DAY_NAMES[query.day]}s")
    if query.time:
        reasons.append(f"Open {TIME_REASONS[query.time]}")
    if match.is_delivery_partner:
        reasons.append("A commissioned delivery partner: the programme can broker a place")
    return reasons


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _ages(minimum: int, maximum: int) -> str:
    if maximum >= 120:
        return f"ages {minimum} and over" if minimum else "all ages"
    return f"ages {minimum} to {maximum}"


def service_search(query: ServiceQuery, *, page: int = 1, page_size: int = PAGE_SIZE) -> SearchResults:
    """Services that fit the query, best fit first, with the reasons for each place in the order.

    One query finds the candidates (filters and a latitude/longitude box in SQL); distance and the fit
    are worked out on those rows as plain tuples; only the page's matches get their reasons, and one
    more query loads the page's services.
    """
    limit = None if query.origin is not None else CANDIDATE_LIMIT
    rows = _entries(query).values_list(*_COLUMNS)
    if limit is not None:
        rows = rows.order_by("-evidence_rank", "service_id")[: limit + 1]
    candidates: list[Row] = list(rows)
    truncated = limit is not None and len(candidates) > limit
    origin = query.origin
    # The nearest place of each service (a service offered in several places appears once).
    nearest: dict[str, tuple[Row, float | None]] = {}
    for row in candidates[:limit]:
        distance = None
        if origin is not None and row[1] is not None and row[2] is not None:
            distance = miles_between(origin, Point(row[1], row[2]))
            if distance > query.miles:
                continue
        kept = nearest.get(row[0])
        if kept is None or (distance is not None and kept[1] is not None and distance < kept[1]):
            nearest[row[0]] = (row, distance)
    wanted = domain_mask(query.domains)
    scored = [(_fit(row, distance, query, wanted), distance, row) for row, distance in nearest.values()]
    scored.sort(key=lambda item: (-item[0], item[1] if item[1] is not None else 1e9, item[2][0]))
    start = (page - 1) * page_size
    shown = [_match(row, distance, score, query, wanted) for score, distance, row in scored[start : start + page_size]]
    services = Service.objects.select_related("organization", "area").in_bulk([m.service_id for m in shown])
    for match in shown:
        match.service = services.get(match.service_id)
    return SearchResults(matches=shown, total=len(scored), truncated=truncated)


def service_detail(service_id: str) -> Service:
    """A service with everything its page shows. Raises Service.DoesNotExist."""
    return (
        Service.objects.select_related(
            "organization", "profile", "profile__delivery_partner", "profile__last_verified_by", "area"
        )
        .prefetch_related(
            "schedules",
            "cost_options",
            "languages",
            "service_areas",
            "funding",
            "profile__works_in_areas",
            "profile__works_with_schools",
            Prefetch(
                "contacts",
                queryset=Contact.objects.prefetch_related(Prefetch("phones", queryset=Phone.objects.all())),
            ),
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                    "location__addresses", "location__accessibility", "schedules"
                ),
            ),
        )
        .get(id=service_id)
    )


def service_terms(service: Service) -> list[str]:
    attributes = attributes_for(services=[service]).get(("service", service.id), [])
    return [attribute.taxonomy_term.name for attribute in attributes]


def language_choices() -> list[tuple[str, str]]:
    """Languages services are offered in, by name, for the search form. Kept in the cache (every form
    would otherwise scan every language row); rebuilding the search index clears it."""
    names: list[str] | None = cache.get(LANGUAGES_CACHE_KEY)
    if names is None:
        found = Language.objects.exclude(name__isnull=True).exclude(name="").values_list("name", flat=True)
        names = sorted({name.strip() for name in found.distinct() if name})
        cache.set(LANGUAGES_CACHE_KEY, names, timeout=3600)
    return [(name.lower(), name) for name in names]


def day_choices() -> list[tuple[str, str]]:
    return [(str(index), name) for index, name in enumerate(DAY_NAMES)]


def time_choices() -> list[tuple[str, str]]:
    return [(key, label) for key, label, _start, _end in TIMES]


def evidence_choices() -> list[tuple[str, str]]:
    return [("4", "Level 4 only"), ("3", "Level 3 or above (evidence-based)"), ("2", "Level 2 or above")]


def evidence_label(level: str) -> str:
    """The rating in full, as the service page shows it."""
    return str(EvidenceLevel(level).label) if level in EvidenceLevel.values else str(EvidenceLevel.NOT_ASSESSED.label)


# -- provision gaps ---------------------------------------------------------------------------

AGE_BANDS: tuple[tuple[str, str, int, int], ...] = (
    ("0-4", "Under 5", 0, 4),
    ("5-7", "5 to 7", 5, 7),
    ("8-11", "8 to 11", 8, 11),
    ("12-14", "12 to 14", 12, 14),
    ("15-18", "15 to 18", 15, 18),
)
STRONG_EVIDENCE = 3


@dataclass
class GapCell:
    domain: str
    band: str
    services: int = 0
    evidence_based: int = 0


@dataclass
class SchoolGaps:
    school: Organisation
    place: str
    cells: dict[tuple[str, str], GapCell]
    located: bool = True
    precision: str = "postcode"

    @property
    def cell_list(self) -> list[GapCell]:
        return list(self.cells.values())


def provision_gaps(
    *, area: Area, miles: float, domains: Sequence[str], bands: Sequence[tuple[str, str, int, int]] = AGE_BANDS
) -> list[SchoolGaps]:
    """For each school in the borough: per need domain and age band, how many active services are
    within ``miles`` of it, and how many of those are rated level 3 or above."""
    rows: list[SchoolGaps] = []
    for school in Organisation.objects.filter(kind=Organisation.Kind.SCHOOL, areas=area).order_by("name"):
        try:
            match = postcode_point(school.postcode)
        except PostcodeError:
            rows.append(SchoolGaps(school=school, place=school.postcode, cells={}, located=False))
            continue
        cells = {(domain, band[0]): GapCell(domain, band[0]) for domain in domains for band in bands}
        entries = SearchEntry.objects.filter(near(match.point, miles)).values_list(
            "service_id", "latitude", "longitude", "need_mask", "minimum_age", "maximum_age", "evidence_rank"
        )
        counted: set[tuple[str, str, str]] = set()
        for service_id, latitude, longitude, need_mask, minimum_age, maximum_age, rank in entries:
            # The box query only returns placed entries.
            assert latitude is not None
            assert longitude is not None
            if miles_between(match.point, Point(latitude, longitude)) > miles:
                continue
            for domain in domains:
                if not need_mask & DOMAIN_BITS[domain]:
                    continue
                for key, _label, low, high in bands:
                    if minimum_age > high or maximum_age < low or (service_id, domain, key) in counted:
                        continue
                    counted.add((service_id, domain, key))
                    cell = cells[(domain, key)]
                    cell.services += 1
                    cell.evidence_based += rank >= STRONG_EVIDENCE
        rows.append(SchoolGaps(school=school, place=match.text, cells=cells, precision=match.precision))
    return rows


# -- management ---------------------------------------------------------------------------------

MANAGE_FILTERS = (
    ("", "All listed services"),
    ("unverified", "Not checked in the last year"),
    ("unrated", "No evidence rating"),
    ("partners", "Delivery partners"),
    ("removed", "No longer in the feed"),
)


def manageable_services(area: Area, *, show: str = "", text: str = "") -> QuerySet[Service]:
    """The services a borough's data lead looks after: those its feeds (or the demo) brought in."""
    services = Service.objects.filter(area=area).select_related("organization", "profile").order_by("name", "id")
    if show != "removed":
        services = services.filter(removed_from_feed_at__isnull=True)
    if text:
        services = services.filter(Q(name__icontains=text) | Q(organization__name__icontains=text))
    if show == "unverified":
        cutoff = timezone.now() - VERIFY_EVERY
        services = services.filter(
            Q(profile__isnull=True)
            | Q(profile__last_verified_at__isnull=True)
            | Q(profile__last_verified_at__lt=cutoff)
        )
    elif show == "unrated":
        services = services.filter(Q(profile__isnull=True) | Q(profile__evidence_level=""))
    elif show == "partners":
        services = services.filter(profile__is_delivery_partner=True)
    elif show == "removed":
        services = services.filter(removed_from_feed_at__isnull=False)
    return services
