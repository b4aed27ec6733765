"""A synthetic service directory for the demo boroughs: about 1,500 services in Open Referral UK 3.0.

Like the rest of the demo, it has two halves:

- :func:`demo_directory_build` is pure. From the demo data (for its seed,
  boroughs, schools, delivery partners and data leads) and a reference date it
  returns, per borough, ORUK 3.0 services exactly as a feed's
  ``/services/{id}`` would send them (the shape of
  ``directory/standard/examples/service_full.json``), plus what Joinedup knows
  locally about each one (:class:`ProfileRow`). No database, no clock, no
  global random state; ids are UUID 5s of a fixed namespace and a stable key,
  so the same arguments give the same ids and bytes on any machine.
- :func:`demo_directory_load` writes the local profiles in bulk, then each
  borough's services through ``content_import`` (the same checks, writes and
  search indexing as a real feed), in one transaction.

What is real and what is not: the boroughs, their postcode districts and
neighbourhood names, and the district centres (from ``postcode_districts.csv``)
are real. Organisations, venues, streets, people, phone numbers (Ofcom's drama
range) and email addresses (reserved example domains) are invented. Service
types follow what London boroughs really offer (Family Hubs, holiday
activities and food, CAMHS, food banks...).

What each kind of service offers, and the places, programmes and languages,
are tables in :mod:`joinedup.demo.directory_catalogue`.

Evidence ratings: the five programmes marked ``real`` in
``directory_catalogue.PROGRAMMES`` carry the rating and review date the
Foundations Guidebook gave them when this was written. Every other rated
programme is invented; its evidence link follows the Guidebook's address
pattern but leads nowhere. Ratings change: never commission from these.

Example::

    data = demo_data_build(seed=2026, children=1)
    directory = demo_directory_build(data, as_of=date(2026, 11, 1))
    directory.service_count  # 1500
    demo_directory_load(directory)
"""

from __future__ import annotations

import csv
import math
import random
import re
import unicodedata
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from joinedup.demo.directory_catalogue import (
    ACCESSIBILITY,
    BOROUGH_LANGUAGES,
    CAMHS_PROVIDER,
    COMMUNITY_KINDS,
    COUNCILS,
    FOCUS_KIND,
    KINDS,
    LANGUAGE_NAMES,
    NEIGHBOURHOODS,
    NHS_TRUST,
    PARTNER_OFFERS,
    PROGRAMMES,
    SAINTS,
    STATUTORY_PLAN,
    TERMS,
    VENUE_PLAN,
    VOLUNTARY_WEIGHTS,
    Offer,
    ServiceKind,
)
from joinedup.demo.names import (
    BOROUGHS,
    DELIVERY_PARTNERS,
    NAME_GROUPS,
    STREET_STEMS,
    STREET_SUFFIXES,
    TOWN_BY_DISTRICT,
    Borough,
)

if TYPE_CHECKING:
    from joinedup.core.jobs import Progress
    from joinedup.demo.generator import DemoData, OrganisationRow

__all__ = [
    "DEMO_FEED_PREFIX",
    "DIRECTORY_NAMESPACE",
    "SERVICES_PER_BOROUGH",
    "TAXONOMY_ID",
    "TAXONOMY_NAME",
    "BoroughDirectory",
    "DemoDirectory",
    "DirectoryLoadSummary",
    "DistrictCentre",
    "ProfileRow",
    "cost_options",
    "demo_directory_build",
    "demo_directory_load",
    "demo_directory_loaded",
    "district_centres",
    "jittered_point",
    "oruk_id",
    "schedules_for",
    "service_term",
    "service_types_taxonomy",
]

# Every id in the demo directory is uuid5(DIRECTORY_NAMESPACE, a stable key such as
# "demo:brent:service:0042"); never change it, or a reload would duplicate every record.
DIRECTORY_NAMESPACE = uuid.UUID("5b0f3c1e-2d4a-4e7b-9a61-0c8d2f4e6a17")
SERVICES_PER_BOROUGH = 375
DEMO_FEED_PREFIX = "demo:"
TAXONOMY_NAME = "Joinedup service types"
_DISTRICT_FILES = (
    Path(__file__).resolve().parents[1] / "geodata" / "data" / "postcode_districts.csv",
    # Where the geography data lived before the geodata app shipped its own copy.
    Path("/work/shared/data/postcode_districts.csv"),
)
# Letters allowed in the last two places of a UK postcode (never C, I, K, M, O or V).
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_DRAMA_LANDLINES = tuple(f"020 7946 0{n:03d}" for n in range(1000))
_ONS_URI = "http://statistics.data.gov.uk/id/statistical-geography/{code}"
# The council's and the NHS's own services in each borough, the smallest directory that makes sense.
_STATUTORY_SERVICES = sum(copies for _kind, _offer, copies, _locations in STATUTORY_PLAN)
# Values of Organisation.Kind and Role, written out so the builder needs no models.
_SCHOOL, _DELIVERY_PARTNER, _DATA_LEAD = "school", "delivery_partner", "data_lead"


def oruk_id(key: str) -> str:
    """The record id for a stable key: ``oruk_id("demo:brent:service:0001")`` is always the same UUID."""
    return str(uuid.uuid5(DIRECTORY_NAMESPACE, key))


# ---------------------------------------------------------------------------
# Geography
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DistrictCentre:
    """The centre of a postcode district (WGS84) and how many postcodes it holds."""

    district: str
    latitude: float
    longitude: float
    postcode_count: int


@cache
def district_centres(path: Path | None = None) -> dict[str, DistrictCentre]:
    """Every postcode district in Great Britain with its centre, read once from ``postcode_districts.csv``.

    Uses the copy shipped with the geodata app when it is there. Pure apart from
    reading the file.

    >>> district_centres()["NW10"].latitude  # doctest: +SKIP
    51.54123
    """
    candidates = (path,) if path is not None else _DISTRICT_FILES
    for candidate in candidates:
        if candidate.exists():
            with candidate.open(newline="", encoding="utf-8") as handle:
                return {
                    row["district"]: DistrictCentre(
                        row["district"], float(row["latitude"]), float(row["longitude"]), int(row["postcode_count"])
                    )
                    for row in csv.DictReader(handle)
                }
    raise FileNotFoundError(
        "postcode_districts.csv was not found (looked in "
        + ", ".join(str(c) for c in candidates)
        + "); it ships with joinedup.geodata."
    )


def jittered_point(rng: random.Random, latitude: float, longitude: float, *, km: float) -> tuple[float, float]:
    """A point spread evenly over a disc of radius ``km`` around (latitude, longitude), rounded to 6 places."""
    distance = km * math.sqrt(rng.random())
    bearing = rng.random() * 2 * math.pi
    north = distance * math.cos(bearing) / 111.2
    east = distance * math.sin(bearing) / (111.2 * math.cos(math.radians(latitude)))
    return round(latitude + north, 6), round(longitude + east, 6)


# ---------------------------------------------------------------------------
# The taxonomy of service types
# ---------------------------------------------------------------------------

TAXONOMY_ID = oruk_id("taxonomy:joinedup-service-types")

_TERM_BY_CODE = {code: (name, description, parent) for code, name, description, parent in TERMS}


def service_term(code: str) -> dict[str, Any]:
    """The taxonomy term with this code (``"counselling"``), as an attribute's ``taxonomy_term`` holds it."""
    name, description, parent = _TERM_BY_CODE[code]
    term: dict[str, Any] = {
        "id": oruk_id(f"taxonomy-term:{code}"),
        "code": code,
        "name": name,
        "description": description,
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": TAXONOMY_ID,
        "language": "en",
    }
    if parent:
        term["parent_id"] = oruk_id(f"taxonomy-term:{parent}")
    return term


def service_types_taxonomy() -> dict[str, Any]:
    """The "Joinedup service types" taxonomy with all its terms, as ``/taxonomies/{id}`` returns it."""
    return {
        "id": TAXONOMY_ID,
        "name": TAXONOMY_NAME,
        "description": "Kinds of service a Link Worker looks for, grouped under seven headings.",
        "version": "1.0",
        "taxonomy_terms": [service_term(code) for code, *_ in TERMS],
    }


# ---------------------------------------------------------------------------
# Schedules and costs
# ---------------------------------------------------------------------------

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAME = dict(
    zip(_DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True)
)
_Times = tuple[tuple[int, int], tuple[int, int]]
_SLOT_TIMES: dict[str, tuple[_Times, ...]] = {
    "office": (((9, 0), (17, 0)), ((9, 30), (17, 0)), ((9, 0), (16, 30)), ((10, 0), (16, 0))),
    "drop_in_morning": (((9, 30), (11, 30)), ((10, 0), (12, 0)), ((10, 0), (11, 30)), ((13, 30), (15, 0))),
    "after_school": (((15, 30), (17, 30)), ((16, 0), (18, 0)), ((15, 45), (17, 15)), ((16, 0), (17, 30))),
    "evening": (((18, 0), (20, 0)), ((18, 30), (20, 30)), ((19, 0), (21, 0)), ((18, 0), (19, 30))),
    "youth_evening": (((17, 0), (21, 0)), ((18, 0), (21, 0)), ((18, 30), (21, 30)), ((17, 30), (20, 30))),
    "weekend": (((10, 0), (12, 0)), ((10, 0), (13, 0)), ((9, 30), (11, 30)), ((13, 0), (15, 0)), ((11, 0), (16, 0))),
    "weekly_group": (((10, 0), (12, 0)), ((9, 30), (11, 30)), ((13, 0), (15, 0)), ((18, 30), (20, 30))),
    "food": (((10, 0), (12, 30)), ((12, 0), (14, 0)), ((17, 0), (19, 0)), ((10, 0), (13, 0))),
}


def _clock(hour: int, minute: int) -> str:
    """9am, 5:30pm, 12pm: how times are written for families."""
    suffix = "am" if hour < 12 else "pm"
    shown = hour % 12 or 12
    return f"{shown}{suffix}" if minute == 0 else f"{shown}:{minute:02d}{suffix}"


def _days_text(days: Sequence[str]) -> str:
    if list(days) == ["MO", "TU", "WE", "TH", "FR"]:
        return "Monday to Friday"
    if len(days) == 7:
        return "Every day"
    names = [_DAY_NAME[day] + "s" for day in days]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _weekly(
    key: str,
    days: Sequence[str],
    times: _Times,
    note: str = "",
    *,
    valid: tuple[date, date] | None = None,
    count: int | None = None,
    attending: str = "In person",
) -> dict[str, Any]:
    (open_h, open_m), (close_h, close_m) = times
    opens, closes = time(open_h, open_m), time(close_h, close_m)
    text = f"{_days_text(days)}, {_clock(open_h, open_m)} to {_clock(close_h, close_m)}"
    schedule: dict[str, Any] = {"id": oruk_id(key), "freq": "WEEKLY", "interval": 1, "byday": ",".join(days)}
    if valid is not None:
        schedule["valid_from"] = valid[0].isoformat()
        schedule["valid_to"] = valid[1].isoformat()
        schedule["dtstart"] = valid[0].isoformat()
    if count is not None:
        schedule["count"] = count
    schedule.update(
        opens_at=opens.isoformat(),
        closes_at=closes.isoformat(),
        description=text + (f", {note}" if note else "") + ".",
        attending_type=attending,
    )
    return schedule


def _weekdays(rng: random.Random, how_many: int) -> list[str]:
    chosen = rng.sample(_DAYS[:5], how_many)
    return sorted(chosen, key=_DAYS.index)


def _school_year(as_of: date) -> int:
    return as_of.year if as_of.month >= 9 else as_of.year - 1


def schedules_for(
    rng: random.Random, slot: str, key: str, *, as_of: date, weeks: int | None = None
) -> list[dict[str, Any]]:
    """ORUK schedules for a kind of time slot (``office``, ``after_school``, ``holiday``...).

    ``key`` makes the schedule ids; ``as_of`` places courses and holiday clubs in
    the coming months. Every schedule has a plain-English ``description``.
    """
    attending = "In person"
    if slot in ("office", "appointments"):
        times = rng.choice(_SLOT_TIMES["office"])
        note = "by appointment" if slot == "appointments" else ""
        return [_weekly(f"{key}:schedule:0", _DAYS[:5], times, note, attending=attending)]
    if slot == "always":
        return [_weekly(f"{key}:schedule:0", _DAYS, ((0, 0), (23, 59)), "24 hours a day")]
    if slot == "helpline":
        return [
            _weekly(f"{key}:schedule:0", _DAYS[:5], ((9, 0), (20, 0)), attending="By phone"),
            _weekly(f"{key}:schedule:1", ("SA",), ((10, 0), (14, 0)), attending="By phone"),
        ]
    if slot == "online":
        return [
            _weekly(f"{key}:schedule:0", _DAYS[:5], ((12, 0), (22, 0)), "live chat and video", attending="Online"),
            _weekly(f"{key}:schedule:1", ("SA", "SU"), ((18, 0), (22, 0)), "live chat", attending="Online"),
        ]
    if slot == "school_day":
        return [_weekly(f"{key}:schedule:0", _DAYS[:5], ((8, 45), (15, 15)), "in school, in term time")]
    if slot in ("holiday", "summer"):
        return _holiday_schedules(key, as_of, summer_only=slot == "summer")
    if slot.startswith("course"):
        base = {"course": "weekly_group", "course_evening": "evening", "course_after_school": "after_school"}[slot]
        times = rng.choice(_SLOT_TIMES[base])
        day = _weekdays(rng, 1)
        start = as_of + timedelta(days=7 * rng.randint(1, 8))
        start += timedelta(days=(_DAYS.index(day[0]) - start.weekday()) % 7)
        sessions = weeks or 8
        end = start + timedelta(days=7 * (sessions - 1))
        return [
            _weekly(f"{key}:schedule:0", day, times, f"{sessions} weekly sessions", valid=(start, end), count=sessions)
        ]
    if slot == "weekend":
        day = ["SA"] if rng.random() < 0.75 else ["SU"]
        return [_weekly(f"{key}:schedule:0", day, rng.choice(_SLOT_TIMES["weekend"]))]
    if slot == "food":
        days = _weekdays(rng, rng.choice((1, 1, 2)))
        if rng.random() < 0.25:
            days = ["SA"]
        return [_weekly(f"{key}:schedule:0", days, rng.choice(_SLOT_TIMES["food"]))]
    how_many = {"after_school": (1, 2), "evening": (1, 1, 2), "youth_evening": (2, 3), "drop_in_morning": (1, 2)}
    days = _weekdays(rng, rng.choice(how_many.get(slot, (1,))))
    note = "in term time" if slot in ("after_school", "drop_in_morning") else ""
    return [_weekly(f"{key}:schedule:0", days, rng.choice(_SLOT_TIMES[slot]), note)]


def _holiday_schedules(key: str, as_of: date, *, summer_only: bool) -> list[dict[str, Any]]:
    year = _school_year(as_of)
    if summer_only:
        return [
            _weekly(
                f"{key}:schedule:0",
                _DAYS[:6],
                ((10, 0), (17, 0)),
                "in the summer holidays",
                valid=(date(year + 1, 7, 20), date(year + 1, 8, 31)),
            )
        ]
    terms = (
        ("in the Christmas holidays", date(year, 12, 21), date(year, 12, 24)),
        ("in the Easter holidays", date(year + 1, 4, 6), date(year + 1, 4, 16)),
        ("in the summer holidays", date(year + 1, 7, 27), date(year + 1, 8, 20)),
    )
    return [
        _weekly(f"{key}:schedule:{index}", _DAYS[:4], ((10, 0), (14, 0)), note, valid=(start, end))
        for index, (note, start, end) in enumerate(terms)
    ]


def cost_options(rng: random.Random, cost: str, key: str) -> tuple[list[dict[str, Any]], str]:
    """ORUK cost options and a plain-English ``fees_description`` for a kind of charge.

    ``free`` gives no options and "Free."; the others give an amount in pounds
    and, where the service has them, free places.
    """

    def option(index: int, name: str, amount: float, per: str) -> dict[str, Any]:
        return {
            "id": oruk_id(f"{key}:cost:{index}"),
            "option": name,
            "currency": "GBP",
            "amount": amount,
            "amount_description": per,
        }

    def pounds(amount: float) -> str:
        return f"£{amount:,.2f}".replace(".00", "")

    if cost == "small_fee":
        amount = float(rng.choice((2, 3, 4, 5)))
        return (
            [option(0, "Per session", amount, "per session"), option(1, "Free school meals", 0, "per session")],
            f"{pounds(amount)} a session. Free for children who get free school meals.",
        )
    if cost == "swimming":
        amount = rng.choice((6.5, 7.0, 7.5))
        return (
            [option(0, "Per lesson", amount, "per 30-minute lesson, paid termly")],
            f"{pounds(amount)} a lesson, paid termly. Half price with a leisure card.",
        )
    if cost == "pantry":
        return [option(0, "Weekly membership", 3.5, "per week")], "£3.50 a week membership."
    if cost == "sliding":
        amount = float(rng.choice((30, 40)))
        return (
            [option(0, "Standard", amount, "per session"), option(1, "Low income", 0, "per session")],
            f"Pay what you can: free for families on a low income, up to {pounds(amount)} a session.",
        )
    if cost == "haf":
        amount = float(rng.choice((15, 20)))
        return (
            [option(0, "Free school meals", 0, "per day"), option(1, "Paid place", amount, "per day")],
            f"Free for children who get benefits-related free school meals. Other places {pounds(amount)} a day.",
        )
    if cost == "tutoring":
        amount = float(rng.choice((10, 12, 15)))
        return (
            [option(0, "Per session", amount, "per session"), option(1, "Pupil premium", 0, "per session")],
            f"{pounds(amount)} a session. Free for children who get the pupil premium.",
        )
    if cost == "class":
        amount = float(rng.choice((25, 30)))
        return (
            [option(0, "Per term", amount, "per term"), option(1, "On benefits", 0, "per term")],
            f"{pounds(amount)} a term. Free if you get benefits or earn under the London living wage.",
        )
    return [], "Free."


# ---------------------------------------------------------------------------
# The rows the builder returns
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileRow:
    """What Joinedup knows about one service beyond its feed: becomes a ``ServiceProfile``.

    Organisations and people are referred to by name and email, as the demo
    data's other rows are.
    """

    service_id: str
    evidence_level: str
    evidence_source_url: str
    evidence_rated_on: date | None
    need_domains: tuple[str, ...]
    is_delivery_partner: bool
    delivery_partner: str | None
    works_in_areas: tuple[str, ...]
    works_with_schools: tuple[str, ...]
    local_notes: str
    last_verified_at: datetime | None
    last_verified_by: str | None


@dataclass(frozen=True)
class BoroughDirectory:
    """One borough's feed: ORUK 3.0 services, and a profile for each."""

    area: str
    services: tuple[dict[str, Any], ...]
    profiles: tuple[ProfileRow, ...]

    @property
    def source(self) -> str:
        return DEMO_FEED_PREFIX + self.area


@dataclass(frozen=True)
class DemoDirectory:
    seed: int
    as_of: date
    taxonomy: dict[str, Any]
    boroughs: tuple[BoroughDirectory, ...]

    @property
    def service_count(self) -> int:
        return sum(len(borough.services) for borough in self.boroughs)

    def services(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for borough in self.boroughs:
            for service in borough.services:
                yield borough.area, service

    def profiles(self) -> Iterator[ProfileRow]:
        for borough in self.boroughs:
            yield from borough.profiles


# ---------------------------------------------------------------------------
# The pure half
# ---------------------------------------------------------------------------


def demo_directory_build(
    data: DemoData, *, as_of: date | None = None, per_borough: int = SERVICES_PER_BOROUGH
) -> DemoDirectory:
    """Build the demo directory for the demo data set ``data``: ``per_borough`` services in each borough.

    Pure: no database, no clock (``as_of`` defaults to the demo's reference
    date; ``joinedup seed-demo`` passes today, so verification dates and courses
    look current), no global random state. Each borough draws from its own
    stream, so the boroughs do not shift one another.

    >>> from joinedup.demo.generator import demo_data_build
    >>> data = demo_data_build(seed=1, children=1)
    >>> demo_directory_build(data, per_borough=100) == demo_directory_build(data, per_borough=100)
    True
    """
    from joinedup.demo.generator import REFERENCE_DATE

    if per_borough < _STATUTORY_SERVICES:
        raise ValueError(
            f"A borough's directory needs at least {_STATUTORY_SERVICES} services (the council's and the NHS's own), "
            f"not {per_borough}."
        )
    when = as_of or REFERENCE_DATE
    phones = list(_DRAMA_LANDLINES)
    random.Random(f"joinedup-demo-directory:{data.seed}:phones").shuffle(phones)
    boroughs = tuple(
        _BoroughBuilder(data, borough, when, per_borough, phones[index * 250 : (index + 1) * 250]).build()
        for index, borough in enumerate(BOROUGHS)
    )
    return DemoDirectory(seed=data.seed, as_of=when, taxonomy=service_types_taxonomy(), boroughs=boroughs)


@dataclass(frozen=True, slots=True)
class _Venue:
    key: str
    name: str
    place: str
    district: str
    address_1: str
    postcode: str
    latitude: float
    longitude: float
    accessibility: str


@dataclass
class _Provider:
    """An ORUK organization providing services, with its contact details."""

    name: str
    about: str
    phone: str
    domain: str
    sector: str
    home: _Venue | None
    partner: str | None = None  # the delivery partner Organisation's name
    partner_areas: tuple[str, ...] = ()
    document: dict[str, Any] = field(default_factory=dict)


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.replace("&", "and")).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _ages_text(ages: tuple[int | None, int | None]) -> str:
    low, high = ages
    if low is None and high is None:
        return "of any age"
    if low is None or low == 0:
        return f"aged {high} and under"
    if high is None:
        return f"aged {low} and over"
    return f"aged {low} to {high}"


class _BoroughBuilder:
    """Builds one borough's services; all randomness comes from streams named after the seed and borough."""

    def __init__(self, data: DemoData, borough: Borough, as_of: date, per_borough: int, phones: list[str]) -> None:
        self.data = data
        self.borough = borough
        self.as_of = as_of
        self.per_borough = per_borough
        self.phones = phones
        self.rng = random.Random(f"joinedup-demo-directory:{data.seed}:{borough.slug}")
        self.council = COUNCILS.get(borough.name, f"{borough.name} Council")
        self.centres = district_centres()
        self.places = NEIGHBOURHOODS.get(borough.name) or tuple((d, d) for d in borough.districts)
        self.schools = [org for org in data.organisations if org.kind == _SCHOOL and org.areas[0] == borough.name]
        self.partners = [
            org for org in data.organisations if org.kind == _DELIVERY_PARTNER and borough.name in org.areas
        ]
        self.data_lead = next(
            (
                user.email
                for user in data.users
                for m in user.memberships
                if m.role == _DATA_LEAD and m.area == borough.name
            ),
            None,
        )
        self.languages = BOROUGH_LANGUAGES.get(borough.name, (("ar", 1),))
        self.postcodes: set[str] = set()
        self.org_names: set[str] = set()
        self.services: list[dict[str, Any]] = []
        self.profiles: list[ProfileRow] = []
        self.venues: dict[str, list[_Venue]] = {}
        self.next_venue: dict[str, int] = {}
        self.school_venues: dict[str, _Venue] = {}

    # -- places ---------------------------------------------------------------------------------

    def _key(self, *parts: object) -> str:
        return ":".join(["demo", self.borough.slug, *map(str, parts)])

    def _postcode(self, district: str) -> str:
        while True:
            inward = f"{self.rng.randrange(10)}{self.rng.choice(_INWARD_LETTERS)}{self.rng.choice(_INWARD_LETTERS)}"
            postcode = f"{district} {inward}"
            if postcode not in self.postcodes:
                self.postcodes.add(postcode)
                return postcode

    def _street(self) -> str:
        return f"{self.rng.choice(STREET_STEMS)} {self.rng.choice(STREET_SUFFIXES)}"

    def _venue(self, key: str, name: str, place: str, district: str, postcode: str | None = None) -> _Venue:
        centre = self.centres[district]
        latitude, longitude = jittered_point(self.rng, centre.latitude, centre.longitude, km=0.9)
        return _Venue(
            key=key,
            name=name,
            place=place,
            district=district,
            address_1=f"{self.rng.randint(1, 240)} {self._street()}",
            postcode=postcode or self._postcode(district),
            latitude=latitude,
            longitude=longitude,
            accessibility=self.rng.choice(ACCESSIBILITY),
        )

    def _make_venues(self) -> None:
        used: set[str] = set()
        for kind, count, patterns in VENUE_PLAN:
            places = self.rng.sample(self.places, min(count, len(self.places)))
            rows = []
            for index in range(count):
                place, district = places[index % len(places)]
                for _ in range(20):
                    name = self.rng.choice(patterns).format(
                        place=place,
                        stem=self.rng.choice(STREET_STEMS),
                        street=self._street(),
                        saint=self.rng.choice(SAINTS),
                        council=self.council,
                    )
                    if name not in used:
                        break
                used.add(name)
                rows.append(self._venue(self._key("venue", kind, index), name, place, district))
            self.venues[kind] = rows
            self.next_venue[kind] = 0

    def _next_venues(self, kinds: Sequence[str], how_many: int) -> list[_Venue]:
        """The next ``how_many`` venues of the first type in ``kinds`` (round robin, so rooms are shared)."""
        kind = kinds[0] if len(kinds) == 1 else self.rng.choice(kinds)
        rows = self.venues[kind]
        start = self.next_venue[kind]
        self.next_venue[kind] = start + how_many
        return [rows[(start + offset) % len(rows)] for offset in range(min(how_many, len(rows)))]

    def _school_venue(self, school_name: str) -> _Venue:
        if school_name not in self.school_venues:
            school = next(org for org in self.schools if org.name == school_name)
            district = school.postcode.split(" ")[0]
            self.school_venues[school_name] = self._venue(
                self._key("school", _slug(school_name)), school_name, school_name, district, school.postcode
            )
        return self.school_venues[school_name]

    def _pick_schools(self, ages: tuple[int | None, int | None]) -> list[str]:
        low, high = ages
        if high is not None and high <= 11:
            pool = [s for s in self.schools if s.school_phase == "primary"]
        elif low is not None and low >= 11:
            pool = [s for s in self.schools if s.school_phase != "primary"]
        else:
            pool = list(self.schools)
        pool = pool or list(self.schools)
        return sorted(s.name for s in self.rng.sample(pool, min(len(pool), self.rng.randint(2, 4))))

    # -- providers -------------------------------------------------------------------------------

    def _provider(self, name: str, about: str, sector: str, *, partner: str | None = None) -> _Provider:
        self.org_names.add(name)
        domain = f"{_slug(name)[:40].strip('-')}.example.org"
        home = None if sector != "voluntary" else self._next_venues(("community",), 1)[0]
        provider = _Provider(
            name=name,
            about=about,
            phone=self.phones.pop() if self.phones else _DRAMA_LANDLINES[self.rng.randrange(1000)],
            domain=domain,
            sector=sector,
            home=home,
            partner=partner,
        )
        provider.document = {
            "id": oruk_id(self._key("organization", _slug(name))),
            "name": name,
            "description": about,
            "email": f"hello@{domain}",
            "website": f"https://{domain}",
            "organization_identifiers": [],
        }
        return provider

    def _voluntary_name(self, patterns: Sequence[str]) -> str:
        """A new organisation name from ``patterns`` that no other provider in the borough has."""
        attempt = 0
        while True:
            place, _ = self.rng.choice(self.places)
            name = self.rng.choice(patterns).format(place=place, stem=self.rng.choice(STREET_STEMS))
            if attempt > 40:  # every place is taken for this kind: name it after a street instead
                name = self.rng.choice(patterns).format(place=self._street(), stem=self.rng.choice(STREET_STEMS))
            if name not in self.org_names:
                return name
            attempt += 1

    # -- services --------------------------------------------------------------------------------

    def build(self) -> BoroughDirectory:
        self._make_venues()
        council = self._provider(self.council, f"The local council for {self.borough.name}.", "council")
        nhs = self._provider(
            NHS_TRUST,
            "Community health services for children and families across West London.",
            "nhs",
        )
        camhs = self._provider(
            CAMHS_PROVIDER,
            "NHS mental health services for children, young people and families.",
            "nhs",
        )
        for kind_key, offer_key, copies, locations in STATUTORY_PLAN:
            kind = KINDS[kind_key]
            provider = camhs if kind_key == "camhs" else council if kind.sector == "council" else nhs
            for _ in range(copies):
                self._service(provider, kind, kind.offer(offer_key), locations=locations, copies=copies)
        for partner in self.partners:
            self._partner_services(partner)
        self._voluntary_fill()
        return BoroughDirectory(self.borough.name, tuple(self.services), tuple(self.profiles))

    def _partner_services(self, partner: OrganisationRow) -> None:
        spec = next((p for p in DELIVERY_PARTNERS if p.name == partner.name), None)
        kind_key, offer_keys = PARTNER_OFFERS.get(
            partner.name, (FOCUS_KIND.get(spec.focus if spec else "", "community"), ())
        )
        kind = KINDS[kind_key]
        offers = [kind.offer(key) for key in offer_keys] or list(kind.offers)
        provider = self._provider(
            partner.name,
            f"A charity offering {kind.org_about or 'support for families'} in West London. A delivery partner "
            "of the West London Link Programme.",
            "voluntary",
            partner=partner.name,
        )
        provider.partner_areas = tuple(partner.areas)
        how_many = min(len(offers), self.rng.randint(2, 4))
        for offer in offers[:how_many]:
            self._service(provider, kind, offer)

    def _voluntary_fill(self) -> None:
        kinds = [key for key, _ in VOLUNTARY_WEIGHTS]
        weights = [weight for _, weight in VOLUNTARY_WEIGHTS]
        while len(self.services) < self.per_borough:
            if self.rng.random() < 0.12:
                name = self._voluntary_name(KINDS["community"].org_names)
                provider = self._provider(name, "A community organisation for local families.", "voluntary")
                chosen = ["community", *self.rng.sample(COMMUNITY_KINDS[1:], self.rng.randint(1, 3))]
                for kind_key in chosen:
                    kind = KINDS[kind_key]
                    if len(self.services) >= self.per_borough:
                        break
                    self._service(provider, kind, self._weighted_offer(kind.offers))
                continue
            kind = KINDS[self.rng.choices(kinds, weights=weights)[0]]
            first = self._weighted_offer(kind.offers)
            name = self._voluntary_name((first.org,) if first.org else kind.org_names)
            provider = self._provider(name, f"A local charity offering {kind.org_about}.", "voluntary")
            offers = [first]
            # Rare offers (weight 1 or less) are only ever a provider's first, so they stay rare.
            others = [
                offer for offer in kind.offers if offer.key != first.key and offer.org == first.org and offer.weight > 1
            ]
            extra = self.rng.choices((0, 1, 2), weights=(45, 40, 15))[0]
            offers += self.rng.sample(others, min(extra, len(others)))
            for offer in offers:
                if len(self.services) >= self.per_borough:
                    break
                self._service(provider, kind, offer)

    def _weighted_offer(self, offers: Sequence[Offer]) -> Offer:
        return self.rng.choices(list(offers), weights=[offer.weight for offer in offers])[0]

    def _service(
        self, provider: _Provider, kind: ServiceKind, offer: Offer, *, locations: int = 1, copies: int = 1
    ) -> None:
        if len(self.services) >= self.per_borough:
            return  # a small directory (tests, ``per_borough``) keeps the council's services first
        rng = self.rng
        number = len(self.services)
        key = self._key("service", f"{number:04d}")
        service_id = oruk_id(key)
        mode = offer.mode
        schools: list[str] = []
        venues: list[_Venue] = []
        if mode == "schools":
            schools = self._pick_schools(offer.ages)
            venues = [self._school_venue(name) for name in schools]
        elif mode == "in_person":
            # A charity mostly works from its own base, unless the offer needs a pool, a park or a stage.
            at_home = provider.home is not None and "community" in offer.venues and rng.random() < 0.6
            venues = [provider.home] if at_home and provider.home else self._next_venues(offer.venues, locations)
            if kind.key == "food" and rng.random() < 0.15:
                venues += self._next_venues(("faith", "community"), 1)  # a second distribution point
            venues = list({venue.key: venue for venue in venues}.values())
        elif mode == "online" and provider.sector == "voluntary" and rng.random() < 0.2:
            mode = "phone"  # some small charities run the "online" offer as phone calls instead

        fmt = {
            "place": venues[0].place if venues else self.borough.name,
            "borough": self.borough.name,
            "council": self.council,
            "ages": _ages_text(offer.ages),
        }
        name = offer.name
        if copies > 1 and venues:
            name = f"{offer.name} at {venues[0].name}"
        description = offer.description.format(**fmt)
        if mode == "hidden":
            description += " To keep everyone safe, we give the address when you book."
        if provider.partner:
            description += f" Run by {provider.name}, a delivery partner of the West London Link Programme."
        eligibility = (offer.eligibility or kind.eligibility).format(**fmt)
        access = (offer.access or kind.access).format(**fmt)
        wait = offer.wait or kind.wait
        costs, fees = cost_options(rng, offer.cost if rng.random() < 0.8 else "free", key)
        languages = self._languages(kind, key)
        schedules = schedules_for(rng, offer.slot, key, as_of=self.as_of, weeks=offer.weeks)
        modified = datetime.combine(
            self.as_of - timedelta(days=rng.randint(1, 420)), time(rng.randint(8, 17), rng.choice((0, 15, 30, 45)))
        ).replace(tzinfo=UTC)
        term_code = offer.term or kind.term

        service: dict[str, Any] = {
            "id": service_id,
            "name": name,
            "description": description,
            "url": f"https://{provider.domain}/{_slug(offer.name)}",
            "email": f"hello@{provider.domain}",
            "status": "active",
        }
        if provider.sector in ("council", "nhs"):
            service["interpretation_services"] = (
                "Free interpreters, including British Sign Language, for appointments. Ask when you book."
            )
        elif len(languages) > 1:
            service["interpretation_services"] = (
                "Staff speak " + ", ".join(language["name"] for language in languages[1:]) + "."
            )
        service["application_process"] = access
        service["fees_description"] = fees
        if wait:
            service["wait_time"] = wait
        service["eligibility_description"] = eligibility
        if offer.ages[0] is not None:
            service["minimum_age"] = offer.ages[0]
        if offer.ages[1] is not None:
            service["maximum_age"] = offer.ages[1]
        if offer.slot == "after_school" and rng.random() < 0.04:
            service["alert"] = "No sessions in the school holidays."
        if rng.random() < 0.006:
            service["status"] = "temporarily closed"
            service["alert"] = "Closed while the building is repaired. We expect to reopen next term."
        service["last_modified"] = modified.isoformat().replace("+00:00", "Z")
        service["schedules"] = schedules
        service["service_areas"] = [
            {
                "id": oruk_id(f"{key}:area"),
                "name": self.borough.name,
                "description": f"Families who live in {self.borough.name}",
                "extent_type": "other",
                "uri": _ONS_URI.format(code=self.borough.ons_code),
            }
        ]
        service["service_at_locations"] = self._service_at_locations(key, venues, mode, provider)
        service["languages"] = languages
        service["organization"] = provider.document
        service["funding"] = [{"id": oruk_id(f"{key}:funding"), "source": self._funding(provider, kind)}]
        service["cost_options"] = costs
        service["contacts"] = [self._contact(key, provider, kind)]
        service["attributes"] = [
            {
                "id": oruk_id(f"{key}:attribute:{term_code}"),
                "link_type": "service_type",
                "taxonomy_term": service_term(term_code),
            }
        ]
        self.services.append(service)
        self.profiles.append(self._profile(service_id, provider, kind, offer, schools, mode))

    def _service_at_locations(
        self, key: str, venues: Sequence[_Venue], mode: str, provider: _Provider
    ) -> list[dict[str, Any]]:
        if mode == "online":
            return [
                {
                    "id": oruk_id(f"{key}:at:online"),
                    "location": {
                        "id": oruk_id(f"{key}:location:online"),
                        "location_type": "virtual",
                        "name": "Online",
                        "url": f"https://{provider.domain}/online",
                        "addresses": [],
                        "accessibility": [],
                    },
                }
            ]
        return [
            {
                "id": oruk_id(f"{key}:at:{venue.key}"),
                "location": {
                    "id": oruk_id(venue.key),
                    "location_type": "physical",
                    "name": venue.name,
                    "latitude": venue.latitude,
                    "longitude": venue.longitude,
                    "addresses": [self._address(venue)],
                    "accessibility": [
                        {"id": oruk_id(f"{venue.key}:accessibility"), "description": venue.accessibility}
                    ],
                },
            }
            for venue in venues
        ]

    def _address(self, venue: _Venue) -> dict[str, Any]:
        address: dict[str, Any] = {"id": oruk_id(f"{venue.key}:address"), "address_1": venue.address_1}
        if venue.place not in venue.name:
            address["address_2"] = venue.place
        address.update(
            city=TOWN_BY_DISTRICT.get(venue.district, "London"),
            region=self.borough.name,
            state_province="Greater London",
            postal_code=venue.postcode,
            country="GB",
            address_type="physical",
        )
        return address

    def _languages(self, kind: ServiceKind, key: str) -> list[dict[str, Any]]:
        codes = ["en"]
        if self.rng.random() < kind.languages:
            pool = [code for code, _ in self.languages]
            weights = [weight for _, weight in self.languages]
            for _ in range(self.rng.choice((1, 1, 2, 3))):
                code = self.rng.choices(pool, weights=weights)[0]
                if code not in codes:
                    codes.append(code)
        return [{"id": oruk_id(f"{key}:language:{code}"), "name": LANGUAGE_NAMES[code], "code": code} for code in codes]

    def _funding(self, provider: _Provider, kind: ServiceKind) -> str:
        if kind.key == "holiday":
            return (
                f"Funded by the Department for Education's holiday activities and food programme, via {self.council}."
            )
        if provider.sector == "council":
            return f"Funded by {self.council}."
        if provider.sector == "nhs":
            return "NHS funded."
        if provider.partner:
            return "Commissioned by the West London Link Programme, with charitable grants."
        return self.rng.choice(
            (
                "Grants from charitable trusts, and donations.",
                f"Funded by {self.council} and the National Lottery Community Fund.",
                "Donations from local people, businesses and faith groups.",
                f"Commissioned by {self.council}.",
            )
        )

    def _contact(self, key: str, provider: _Provider, kind: ServiceKind) -> dict[str, Any]:
        group = self.rng.choices(NAME_GROUPS, weights=[g.weight for g in NAME_GROUPS])[0]
        female = self.rng.random() < 0.7
        given = (group.adult_female or group.female) if female else (group.adult_male or group.male)
        person = f"{self.rng.choice(given)} {self.rng.choice(group.surnames)}"
        contact: dict[str, Any] = {"id": oruk_id(f"{key}:contact"), "title": self.rng.choice(kind.titles)}
        if provider.sector == "voluntary":
            contact["name"] = person
            contact["email"] = f"{_slug(person).replace('-', '.')}@{provider.domain}"
        else:
            contact["department"] = kind.offers[0].name if kind.sector == "council" else provider.name
            contact["email"] = f"{_slug(contact['title'])}@{provider.domain}"
        contact["phones"] = [
            {"id": oruk_id(f"{key}:phone"), "number": provider.phone, "type": "voice", "description": "Main line"}
        ]
        return contact

    def _profile(
        self, service_id: str, provider: _Provider, kind: ServiceKind, offer: Offer, schools: list[str], mode: str
    ) -> ProfileRow:
        rng = self.rng
        programme = PROGRAMMES[offer.programme] if offer.programme else None
        domains = tuple(dict.fromkeys(str(domain) for domain in (*kind.domains, *offer.domains)))
        roll = rng.random()
        verified_at: datetime | None = None
        if roll < 0.82:
            days = rng.randint(3, 360)
        elif roll < 0.92:
            days = rng.randint(370, 720)
        else:
            days = -1
        if days >= 0:
            verified_at = datetime.combine(
                self.as_of - timedelta(days=days), time(rng.randint(9, 17), rng.choice((0, 10, 20, 30, 40, 50)))
            ).replace(tzinfo=UTC)
        areas: tuple[str, ...] = (self.borough.name,)
        if provider.partner:
            areas = tuple(name for name in (b.name for b in BOROUGHS) if name in provider.partner_areas)
        notes = ""
        if provider.partner and rng.random() < 0.3:
            notes = "Referrals go through Joinedup; the partner replies within five working days."
        elif kind.sector == "voluntary" and rng.random() < 0.05:
            notes = "Link Workers report families find this group welcoming; ask for the coordinator by name."
        return ProfileRow(
            service_id=service_id,
            evidence_level=programme.level if programme else "",
            evidence_source_url=programme.url if programme else "",
            evidence_rated_on=programme.rated_on if programme else None,
            need_domains=tuple(sorted(domains)),
            is_delivery_partner=provider.partner is not None,
            delivery_partner=provider.partner,
            works_in_areas=areas,
            works_with_schools=tuple(schools) if mode == "schools" else (),
            local_notes=notes,
            last_verified_at=verified_at,
            last_verified_by=self.data_lead if verified_at else None,
        )


# ---------------------------------------------------------------------------
# The database half
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryLoadSummary:
    services: int
    services_by_area: dict[str, int]
    profiles: int
    search_entries: int
    seconds: float


def demo_directory_loaded() -> bool:
    """Whether the demo directory is already in the database (any demo feed holds services)."""
    from joinedup.directory.models import DirectoryFeed, Service

    feeds = DirectoryFeed.objects.filter(kind=DirectoryFeed.Kind.GENERATED, source__startswith=DEMO_FEED_PREFIX)
    return Service.objects.filter(feed__in=feeds).exists()


def demo_directory_load(directory: DemoDirectory, *, progress: Progress | None = None) -> DirectoryLoadSummary:
    """Write ``directory`` in one transaction: the local profiles, then each borough's feed through ``content_import``.

    The boroughs (and, for profiles, the delivery partners, schools and data
    leads) must be loaded first: :func:`joinedup.demo.generator.demo_data_load`.
    Loading again changes nothing: the import finds every service unchanged,
    and profiles that exist are left as they are, so edits made in the demo
    survive. Raises ``ImportRejected`` if a feed has a problem (a bug in the
    builder, since the data is generated); nothing is written then.
    """
    import time as clock

    from django.db import transaction

    from joinedup.directory.models import SearchEntry

    started = clock.monotonic()
    with transaction.atomic():
        # Profiles go in before the services they describe. Foreign keys are checked at commit
        # (Django makes them deferrable on SQLite and PostgreSQL), and this way the index that
        # content_import builds already has need domains, evidence and delivery partners: one
        # index build instead of two, which is a fifth of the load.
        profiles = _write_profiles(directory)
        counts = _write_feeds(directory, progress)
        ids = [service["id"] for _, service in directory.services()]
        entries = sum(
            SearchEntry.objects.filter(service_id__in=ids[start : start + 2000]).count()
            for start in range(0, len(ids), 2000)
        )
    return DirectoryLoadSummary(
        services=sum(counts.values()),
        services_by_area=counts,
        profiles=profiles,
        search_entries=entries,
        seconds=clock.monotonic() - started,
    )


def _write_feeds(directory: DemoDirectory, progress: Progress | None) -> dict[str, int]:
    from joinedup.accounts.models import Area
    from joinedup.directory.models import DirectoryFeed
    from joinedup.directory.services import content_import
    from joinedup.directory.sources import FeedContent

    areas = {area.name: area for area in Area.objects.filter(name__in=[b.area for b in directory.boroughs])}
    missing = [b.area for b in directory.boroughs if b.area not in areas]
    if missing:
        raise ValueError(
            f"The boroughs {', '.join(missing)} are not in the database; load the demo data before its directory."
        )
    counts: dict[str, int] = {}
    total = directory.service_count
    done = 0
    for borough in directory.boroughs:
        feed, _ = DirectoryFeed.objects.get_or_create(
            area=areas[borough.area], source=borough.source, defaults={"kind": DirectoryFeed.Kind.GENERATED}
        )
        report = content_import(
            content=FeedContent(format="ORUK 3.0", services=list(borough.services), taxonomies=[directory.taxonomy]),
            feed=feed,
        )
        counts[borough.area] = report.services
        done += report.services
        if progress:
            progress(done, total)
    return counts


def _write_profiles(directory: DemoDirectory) -> int:
    from joinedup.accounts.models import Area, Organisation, User
    from joinedup.directory.models import ServiceProfile

    rows = list(directory.profiles())
    existing = set(
        ServiceProfile.objects.filter(service_id__in=[row.service_id for row in rows]).values_list(
            "service_id", flat=True
        )
    )
    rows = [row for row in rows if row.service_id not in existing]
    if not rows:
        return 0
    areas = dict(Area.objects.values_list("name", "pk"))
    partner_names = {row.delivery_partner for row in rows if row.delivery_partner}
    partners = dict(
        Organisation.objects.filter(kind=Organisation.Kind.DELIVERY_PARTNER, name__in=partner_names).values_list(
            "name", "pk"
        )
    )
    school_names = {name for row in rows for name in row.works_with_schools}
    schools = dict(
        Organisation.objects.filter(kind=Organisation.Kind.SCHOOL, name__in=school_names).values_list("name", "pk")
    )
    emails = {row.last_verified_by for row in rows if row.last_verified_by}
    users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))

    profiles = []
    for row in rows:
        profile = ServiceProfile(
            service_id=row.service_id,
            evidence_level=row.evidence_level,
            evidence_source_url=row.evidence_source_url,
            evidence_rated_on=row.evidence_rated_on,
            need_domains=list(row.need_domains),
            is_delivery_partner=row.is_delivery_partner and row.delivery_partner in partners,
            delivery_partner_id=partners.get(row.delivery_partner) if row.delivery_partner else None,
            local_notes=row.local_notes,
            last_verified_at=row.last_verified_at,
            last_verified_by_id=users.get(row.last_verified_by) if row.last_verified_by else None,
        )
        # The model's own rules (choices, URL, lengths); references were looked up just above.
        profile.full_clean(
            exclude=["service", "delivery_partner", "last_verified_by", "created_by", "modified_by"],
            validate_unique=False,
            validate_constraints=False,
        )
        profiles.append(profile)
    ServiceProfile.objects.bulk_create(profiles, batch_size=1000)
    Areas = ServiceProfile.works_in_areas.through
    Areas.objects.bulk_create(
        (
            Areas(serviceprofile_id=row.service_id, area_id=areas[name])
            for row in rows
            for name in row.works_in_areas
            if name in areas
        ),
        batch_size=2000,
    )
    Schools = ServiceProfile.works_with_schools.through
    Schools.objects.bulk_create(
        (
            Schools(serviceprofile_id=row.service_id, organisation_id=schools[name])
            for row in rows
            for name in row.works_with_schools
            if name in schools
        ),
        batch_size=2000,
    )
    return len(profiles)
