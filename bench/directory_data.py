"""Benchmark data for the service directory: a national directory of N services (100,000 by default).

Three things, for ``bench/bench_directory.py``:

- :func:`build_services` (and :func:`build_directory`, which adds the local
  profiles): ORUK 3.0 services spread over Great Britain in proportion to the
  number of postcodes in each postcode district (``postcode_districts.csv``),
  so cities are dense and the Highlands sparse, as a national directory would
  be. The words, ages, times, costs and need domains come from the demo
  directory's catalogue. Deterministic: the same ``n`` and ``seed`` give the
  same services. Pure: no Django settings or database needed.
- :func:`write_json`: a JSON file of n services, for the import benchmark.
- :func:`load_directory`: fills the current database, either through
  ``content_import`` as a real feed would be (``method="import"``) or with
  plain bulk inserts (``method="bulk"``), then the profiles and the search
  index. Returns the time each step took.

Example::

    services = build_services(1_000, seed=1)
    write_json(Path("var/bench/services-10k.json"), 10_000)
    report = load_directory(100_000)  # after django.setup(), in a throwaway database
    print(report.summary())
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from bench.common import raw_insert
from joinedup.demo.directory import (
    cost_options,
    district_centres,
    jittered_point,
    schedules_for,
    service_term,
    service_types_taxonomy,
)
from joinedup.demo.directory_catalogue import KINDS, LANGUAGE_NAMES, PROGRAMMES, VOLUNTARY_WEIGHTS, Offer, ServiceKind
from joinedup.demo.names import NAME_GROUPS, STREET_STEMS, STREET_SUFFIXES

if TYPE_CHECKING:
    from joinedup.accounts.models import Area
    from joinedup.directory.models import DirectoryFeed

__all__ = [
    "AS_OF",
    "BenchDirectory",
    "BenchProfile",
    "LoadReport",
    "build_directory",
    "build_services",
    "load_directory",
    "write_json",
]

# Dates in the data are measured from here, not from today, so a file built today equals one built next year.
AS_OF = date(2026, 11, 1)
DEFAULT_SERVICES = 100_000

# How often each kind of service appears nationally. Council and NHS services are about a fifth.
_STATUTORY_WEIGHTS: dict[str, int] = {
    "family_hub": 6,
    "parenting_council": 2,
    "early_help": 2,
    "send_council": 1,
    "youth_council": 4,
    "library": 6,
    "council_money": 2,
    "health_visiting": 2,
    "school_nursing": 1,
    "camhs": 1,
    "speech_nhs": 1,
    "health_nhs": 1,
    "speech": 1,
}
_NATIONAL_LANGUAGES = (
    ("pl", 8),
    ("ro", 6),
    ("ur", 5),
    ("ar", 4),
    ("bn", 3),
    ("pt", 3),
    ("es", 3),
    ("gu", 2),
    ("fr", 2),
    ("tr", 2),
    ("so", 1),
    ("ti", 1),
    ("ta", 1),
)
_POSTCODE_AREA = re.compile(r"^[A-Z]+")
# Share of services delivered by a programme's commissioned delivery partners.
_DELIVERY_PARTNER_SHARE = 0.03


@dataclass(frozen=True, slots=True)
class BenchProfile:
    """The local details of one benchmark service (a ``ServiceProfile`` without relations)."""

    service_id: str
    need_domains: tuple[str, ...]
    evidence_level: str
    evidence_source_url: str
    evidence_rated_on: date | None
    is_delivery_partner: bool
    last_verified_at: datetime | None


@dataclass(frozen=True)
class BenchDirectory:
    """Services, their profiles, and the postcode area each belongs to (all three in the same order)."""

    seed: int
    services: list[dict[str, Any]]
    profiles: list[BenchProfile]
    postcode_areas: list[str]

    def by_postcode_area(self) -> dict[str, list[int]]:
        """Indexes of the services in each postcode area ("B", "NW"...), areas in alphabetical order."""
        groups: dict[str, list[int]] = defaultdict(list)
        for index, area in enumerate(self.postcode_areas):
            groups[area].append(index)
        return dict(sorted(groups.items()))


def build_services(n: int = DEFAULT_SERVICES, seed: int = 1) -> list[dict[str, Any]]:
    """``n`` ORUK 3.0 services (nested, as ``/services/{id}`` returns them) spread over Great Britain.

    >>> services = build_services(10, seed=3)
    >>> len(services), services == build_services(10, seed=3)
    (10, True)
    """
    return build_directory(n, seed).services


def build_directory(n: int = DEFAULT_SERVICES, seed: int = 1) -> BenchDirectory:
    """``n`` services with their local profiles: about 15 to 20 seconds for 100,000 on the 2-core bench machine."""
    if n < 1:
        raise ValueError(f"A directory needs at least one service; {n} was asked for.")
    return _NationalBuilder(seed).build(n)


@dataclass
class _Org:
    document: dict[str, Any]
    domain: str
    phone: str


@dataclass(frozen=True, slots=True)
class _Place:
    location_id: str
    name: str
    address: dict[str, Any]
    latitude: float
    longitude: float


class _NationalBuilder:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(f"joinedup-bench-directory:{seed}")
        centres = [centre for centre in district_centres().values() if centre.postcode_count > 0]
        self.centres = centres
        self.district_weights = [centre.postcode_count for centre in centres]
        self.pairs, self.pair_weights = _offer_pool()
        self.orgs: dict[tuple[str, str], list[_Org]] = defaultdict(list)
        self.places: dict[str, list[_Place]] = defaultdict(list)
        self.taxonomy_terms = {code: service_term(code) for code in {kind.term for kind in KINDS.values()}}
        self.taxonomy_terms.update({offer.term: service_term(offer.term) for _, offer in self.pairs if offer.term})

    def uuid(self) -> str:
        """A random (version 4) UUID from the seeded stream: as deterministic as uuid5, and five times faster."""
        digits = f"{self.rng.getrandbits(128):032x}"
        variant = "89ab"[int(digits[16], 16) & 3]
        return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{variant}{digits[17:20]}-{digits[20:]}"

    def build(self, n: int) -> BenchDirectory:
        rng = self.rng
        districts = rng.choices(self.centres, weights=self.district_weights, k=n)
        offers = rng.choices(self.pairs, cum_weights=self.pair_weights, k=n)
        services: list[dict[str, Any]] = []
        profiles: list[BenchProfile] = []
        areas: list[str] = []
        for index in range(n):
            centre = districts[index]
            kind, offer = offers[index]
            service, profile = self.service(index, centre.district, centre.latitude, centre.longitude, kind, offer)
            services.append(service)
            profiles.append(profile)
            match = _POSTCODE_AREA.match(centre.district)
            areas.append(match.group() if match else centre.district)
        return BenchDirectory(seed=self.seed, services=services, profiles=profiles, postcode_areas=areas)

    def org(self, area: str, kind: ServiceKind, offer: Offer) -> _Org:
        """A provider in the postcode area: an existing one of this kind more often than not."""
        pool = self.orgs[(area, kind.key)]
        if pool and self.rng.random() < 0.6:
            return self.rng.choice(pool)
        stem = self.rng.choice(STREET_STEMS)
        if kind.sector == "council":
            name = f"{stem} Council"
        elif kind.sector == "nhs":
            name = f"{stem} Community Health NHS Trust"
        else:
            pattern = offer.org or self.rng.choice(kind.org_names or ("{place} Community Trust",))
            name = pattern.format(place=stem, stem=self.rng.choice(STREET_STEMS))
        domain = f"{name.lower().replace(' ', '-').replace(chr(39), '')[:40].strip('-')}.example.org"
        org = _Org(
            document={
                "id": self.uuid(),
                "name": name,
                "description": f"Provides {kind.org_about or 'services for children and families'}.",
                "email": f"hello@{domain}",
                "website": f"https://{domain}",
                "organization_identifiers": [],
            },
            domain=domain,
            phone=f"020 7946 0{self.rng.randrange(1000):03d}",
        )
        pool.append(org)
        return org

    def place(self, district: str, latitude: float, longitude: float, venue: str) -> _Place:
        pool = self.places[district]
        if len(pool) > 3 and self.rng.random() < 0.5:
            return self.rng.choice(pool)
        rng = self.rng
        lat, lon = jittered_point(rng, latitude, longitude, km=1.5)
        stem = rng.choice(STREET_STEMS)
        name = {
            "hub": f"{stem} Family Hub",
            "library": f"{stem} Library",
            "youth": f"{stem} Youth Centre",
            "sports": f"{stem} Leisure Centre",
            "park": f"{stem} Park",
            "faith": f"St {stem}'s Church Hall",
            "arts": f"{stem} Arts Centre",
            "health": f"{stem} Health Centre",
            "school": f"{stem} Primary School",
        }.get(venue, f"{stem} Community Centre")
        location_id = self.uuid()
        inward = f"{rng.randrange(10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        address = {
            "id": self.uuid(),
            "address_1": f"{rng.randint(1, 240)} {rng.choice(STREET_STEMS)} {rng.choice(STREET_SUFFIXES)}",
            "city": stem,
            "state_province": "",
            "postal_code": f"{district} {inward}",
            "country": "GB",
            "address_type": "physical",
        }
        place = _Place(location_id, name, address, lat, lon)
        pool.append(place)
        return place

    def service(
        self, index: int, district: str, latitude: float, longitude: float, kind: ServiceKind, offer: Offer
    ) -> tuple[dict[str, Any], BenchProfile]:
        rng = self.rng
        key = f"bench:{self.seed}:service:{index}"
        service_id = self.uuid()
        match = _POSTCODE_AREA.match(district)
        org = self.org(match.group() if match else district, kind, offer)
        mode = offer.mode
        places: list[_Place] = []
        if mode == "in_person":
            places = [self.place(district, latitude, longitude, rng.choice(offer.venues))]
        elif mode == "schools":
            places = [self.place(district, latitude, longitude, "school") for _ in range(rng.randint(1, 3))]
        fmt = {
            "place": places[0].address["city"] if places else "the area",
            "borough": "the local area",
            "council": "the local council",
            "ages": _ages(offer.ages),
        }
        costs, fees = cost_options(rng, offer.cost if rng.random() < 0.8 else "free", key)
        codes = ["en"]
        if rng.random() < kind.languages * 0.6:
            code = rng.choices([c for c, _ in _NATIONAL_LANGUAGES], weights=[w for _, w in _NATIONAL_LANGUAGES])[0]
            codes.append(code)
        group = NAME_GROUPS[rng.randrange(len(NAME_GROUPS))]
        person = f"{rng.choice(group.adult_female or group.female)} {rng.choice(group.surnames)}"
        term = offer.term or kind.term
        service: dict[str, Any] = {
            "id": service_id,
            "name": offer.name,
            "description": offer.description.format(**fmt),
            "url": f"https://{org.domain}/{offer.key}",
            "email": f"hello@{org.domain}",
            "status": "active",
            "application_process": (offer.access or kind.access).format(**fmt),
            "fees_description": fees,
            "eligibility_description": (offer.eligibility or kind.eligibility).format(**fmt),
        }
        if offer.ages[0] is not None:
            service["minimum_age"] = offer.ages[0]
        if offer.ages[1] is not None:
            service["maximum_age"] = offer.ages[1]
        modified = datetime.combine(AS_OF - timedelta(days=rng.randint(1, 700)), clock_time(10)).replace(tzinfo=UTC)
        service["last_modified"] = modified.isoformat().replace("+00:00", "Z")
        service["schedules"] = schedules_for(rng, offer.slot, key, as_of=AS_OF, weeks=offer.weeks)
        service["service_at_locations"] = [
            {
                "id": self.uuid(),
                "location": {
                    "id": place.location_id,
                    "location_type": "physical",
                    "name": place.name,
                    "latitude": place.latitude,
                    "longitude": place.longitude,
                    "addresses": [place.address],
                },
            }
            for place in places
        ]
        if mode == "online":
            service["service_at_locations"] = [
                {
                    "id": self.uuid(),
                    "location": {
                        "id": self.uuid(),
                        "location_type": "virtual",
                        "name": "Online",
                        "url": f"https://{org.domain}/online",
                    },
                }
            ]
        service["languages"] = [{"id": self.uuid(), "name": LANGUAGE_NAMES[c], "code": c} for c in codes]
        service["organization"] = org.document
        service["cost_options"] = costs
        service["contacts"] = [
            {
                "id": self.uuid(),
                "name": person,
                "title": kind.titles[0],
                "phones": [{"id": self.uuid(), "number": org.phone, "type": "voice"}],
            }
        ]
        service["attributes"] = [
            {"id": self.uuid(), "link_type": "service_type", "taxonomy_term": self.taxonomy_terms[term]}
        ]
        programme = PROGRAMMES[offer.programme] if offer.programme else None
        verified = rng.random()
        profile = BenchProfile(
            service_id=service_id,
            need_domains=tuple(sorted({str(d) for d in (*kind.domains, *offer.domains)})),
            evidence_level=programme.level if programme else "",
            evidence_source_url=programme.url if programme else "",
            evidence_rated_on=programme.rated_on if programme else None,
            is_delivery_partner=kind.sector == "voluntary" and rng.random() < _DELIVERY_PARTNER_SHARE,
            last_verified_at=(
                datetime.combine(AS_OF - timedelta(days=rng.randint(1, 540)), clock_time(11)).replace(tzinfo=UTC)
                if verified < 0.85
                else None
            ),
        )
        return service, profile


def _offer_pool() -> tuple[list[tuple[ServiceKind, Offer]], list[float]]:
    """Every (kind, offer) with cumulative weights: a kind's weight shared among its offers by their weights."""
    kind_weights = dict(VOLUNTARY_WEIGHTS) | _STATUTORY_WEIGHTS
    pairs: list[tuple[ServiceKind, Offer]] = []
    cumulative: list[float] = []
    total = 0.0
    for key, weight in sorted(kind_weights.items()):
        kind = KINDS[key]
        offers = [offer for offer in kind.offers if offer.weight > 0]
        offer_total = sum(offer.weight for offer in offers)
        for offer in offers:
            total += weight * offer.weight / offer_total
            pairs.append((kind, offer))
            cumulative.append(total)
    return pairs, cumulative


def _ages(ages: tuple[int | None, int | None]) -> str:
    low, high = ages
    if low is None and high is None:
        return "of any age"
    if not low:
        return f"aged {high} and under"
    return f"aged {low} and over" if high is None else f"aged {low} to {high}"


def write_json(path: Path, n: int, *, seed: int = 1, paged: bool = False) -> Path:
    """Write ``n`` services to ``path`` as a JSON list (or, with ``paged``, as one ORUK ``/services`` page).

    Returns the path. The file for 10,000 services is about 24 MB and takes about 3 seconds to write.
    """
    services = build_services(n, seed)
    document: Any = services
    if paged:
        document = {
            "total_items": n,
            "total_pages": 1,
            "page_number": 1,
            "size": n,
            "first_page": True,
            "last_page": True,
            "empty": n == 0,
            "contents": services,
        }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, separators=(",", ":"))
    return path


# ---------------------------------------------------------------------------
# Loading into the database (call django.setup() first)
# ---------------------------------------------------------------------------


@dataclass
class LoadReport:
    """How long each step of :func:`load_directory` took, in seconds.

    For ``method="import"`` the search index is built inside each import, so
    its time is part of ``write`` and ``index`` is zero.
    """

    method: str
    services: int
    feeds: int = 0
    build: float = 0.0
    write: float = 0.0
    profiles: float = 0.0
    index: float = 0.0
    search_entries: int = 0
    rows: int = 0  # records of every kind written (services, locations, schedules...); bulk only
    chunks: list[tuple[int, float]] = field(default_factory=list)  # (services, seconds) per import call

    @property
    def total(self) -> float:
        return self.build + self.write + self.profiles + self.index

    def summary(self) -> str:
        rate = self.services / self.write if self.write else 0.0
        return (
            f"{self.services:,} services in {self.feeds} feeds by {self.method}: build {self.build:.1f} s, "
            f"write {self.write:.1f} s ({rate:,.0f} services/s), profiles {self.profiles:.1f} s, "
            f"index {self.index:.1f} s ({self.search_entries:,} entries); total {self.total:.1f} s"
        )


def load_directory(
    n: int = DEFAULT_SERVICES,
    *,
    seed: int = 1,
    chunk: int = 5_000,
    method: Literal["import", "bulk"] = "bulk",
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    """Fill the current (empty) directory with ``n`` services, their profiles and the search index.

    One feed, and one Area ("Benchmark B", "Benchmark NW"...), per postcode area.

    ``method="import"`` writes each postcode area through ``content_import``,
    ``chunk`` services per call, exactly as a real feed: every field checked,
    rows upserted, the index rebuilt. Each chunk's profiles go in first, in the
    same transaction (foreign keys are checked at commit), so the import's
    index build already sees them. Use it to measure import throughput.

    ``method="bulk"`` (the default) reads the services with the import's own
    ``BundleReader`` (same ids, parsing and checks) and inserts the rows with
    plain ``executemany``, skipping the ORM, the upserts and the digest
    comparison; then builds the index with the real ``search_entries_rebuild``,
    ``chunk`` services at a time. The quickest way to a big directory for the
    search and API benchmarks.
    """
    from django.db import transaction

    say = progress or (lambda _message: None)
    started = time.perf_counter()
    directory = build_directory(n, seed)
    report = LoadReport(method=method, services=n, build=time.perf_counter() - started)
    say(f"built {n:,} services in {report.build:.1f} s")
    with transaction.atomic():
        areas = _bench_areas(directory.by_postcode_area())
    if method == "import":
        _load_by_import(directory, areas, chunk, report, say)
    else:
        _load_in_bulk(directory, areas, chunk, report, say)
    return report


def _load_by_import(
    directory: BenchDirectory, areas: dict[str, Area], chunk: int, report: LoadReport, say: Callable[[str], None]
) -> None:
    from django.db import transaction

    from joinedup.directory.models import SearchEntry
    from joinedup.directory.services import content_import
    from joinedup.directory.sources import FeedContent

    taxonomy = service_types_taxonomy()
    done = 0
    for letters, indexes, part in _chunks(directory, chunk):
        feed = _feed(areas[letters], f"bench:{directory.seed}:{letters}:{part}")
        report.feeds += 1
        services = [directory.services[i] for i in indexes]
        t0 = time.perf_counter()
        with transaction.atomic():
            _insert_profiles([directory.profiles[i] for i in indexes])
            t1 = time.perf_counter()
            content_import(content=FeedContent(format="ORUK 3.0", services=services, taxonomies=[taxonomy]), feed=feed)
        t2 = time.perf_counter()
        report.profiles += t1 - t0
        report.write += t2 - t1
        report.chunks.append((len(indexes), t2 - t1))
        done += len(indexes)
        say(f"imported {done:,} of {report.services:,} services ({letters}: {len(indexes):,} in {t2 - t1:.1f} s)")
    report.search_entries = SearchEntry.objects.count()


def _load_in_bulk(
    directory: BenchDirectory, areas: dict[str, Area], chunk: int, report: LoadReport, say: Callable[[str], None]
) -> None:
    from django.db import transaction

    from joinedup.directory.models import Location, Organization, Service
    from joinedup.directory.oruk import BundleReader
    from joinedup.directory.search_index import search_entries_rebuild
    from joinedup.directory.services import WRITE_ORDER

    taxonomy = service_types_taxonomy()
    written: set[str] = set()  # organisations, places and terms are shared between services
    t0 = time.perf_counter()
    with transaction.atomic():
        for letters, indexes in directory.by_postcode_area().items():
            feed = _feed(areas[letters], f"bench:{directory.seed}:{letters}:0")
            report.feeds += 1
            reader = BundleReader(namespace=areas[letters].ons_code)
            reader.taxonomy(taxonomy)
            for index in indexes:
                reader.service(directory.services[index])
            reader.check_references(set())
            if reader.bundle.problems:
                raise ValueError(f"The benchmark services have problems: {reader.bundle.problems[:5]}")
            digests = reader.bundle.service_digests
            owned = {"area_id": feed.area_id, "feed_id": feed.pk, "removed_from_feed_at": None}
            for model in WRITE_ORDER:
                rows = [row for key, row in reader.bundle.rows.get(model, {}).items() if key not in written]
                written.update(row["id"] for row in rows)
                if model in (Organization, Service, Location):
                    rows = [row | owned for row in rows]
                if model is Service:
                    rows = [row | {"feed_digest": digests[row["id"]]} for row in rows]
                report.rows += raw_insert(model, rows)
            say(f"wrote {letters}: {len(indexes):,} services ({report.rows:,} rows so far)")
        report.write = time.perf_counter() - t0
        t1 = time.perf_counter()
        _insert_profiles(directory.profiles)
        report.profiles = time.perf_counter() - t1
    ids = [service["id"] for service in directory.services]
    t2 = time.perf_counter()
    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            report.search_entries += search_entries_rebuild(service_ids=ids[start : start + chunk])
        say(f"indexed {min(start + chunk, len(ids)):,} of {len(ids):,} services")
    report.index = time.perf_counter() - t2


def _chunks(directory: BenchDirectory, size: int) -> Iterator[tuple[str, list[int], int]]:
    """(postcode area, service indexes, part number) for every import, at most ``size`` services each."""
    for letters, indexes in directory.by_postcode_area().items():
        for part, start in enumerate(range(0, len(indexes), size)):
            yield letters, indexes[start : start + size], part


def _bench_areas(groups: dict[str, list[int]]) -> dict[str, Area]:
    """An Area for each postcode area, with made-up ONS codes (E98...) that no real authority has."""
    from joinedup.accounts.models import Area

    every_area = sorted(
        {m.group() for centre in district_centres().values() if (m := _POSTCODE_AREA.match(centre.district))}
    )
    areas = {}
    for letters in groups:
        code = f"E98{every_area.index(letters):06d}"
        areas[letters], _ = Area.objects.get_or_create(ons_code=code, defaults={"name": f"Benchmark {letters}"})
    return areas


def _feed(area: Area, source: str) -> DirectoryFeed:
    from joinedup.directory.models import DirectoryFeed

    feed, _ = DirectoryFeed.objects.get_or_create(area=area, source=source, defaults={"kind": DirectoryFeed.Kind.JSON})
    return feed


def _insert_profiles(profiles: Sequence[BenchProfile]) -> int:
    from django.utils import timezone

    from joinedup.directory.models import ServiceProfile

    now = timezone.now()
    return raw_insert(
        ServiceProfile,
        (
            {
                "service_id": row.service_id,
                "created_at": now,
                "modified_at": now,
                "evidence_level": row.evidence_level,
                "evidence_source_url": row.evidence_source_url,
                "evidence_rated_on": row.evidence_rated_on,
                "need_domains": list(row.need_domains),
                "is_delivery_partner": row.is_delivery_partner,
                "last_verified_at": row.last_verified_at,
            }
            for row in profiles
        ),
    )
