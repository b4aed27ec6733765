"""Synthetic demo data: four West London boroughs, their schools and partners, staff, and families.

The generator has two halves, so that "same seed, same data" can be tested
without a database and the slow part stays small:

- :func:`demo_data_build` is pure. From a seed and a number of children it
  returns plain frozen dataclasses (:class:`DemoData`). It uses its own
  ``random.Random`` streams, never the global one, and measures ages from a
  fixed reference date (1 September 2026, the start of a school year), so the
  same arguments give identical rows on any machine on any day.
- :func:`demo_data_load` writes a :class:`DemoData` to the database in one
  transaction with bulk inserts, validating each row with the models' own
  rules first, and leaves a marker (a finished ``Job`` and one audit event)
  recording the seed, so a second run can see the data is already there.

Everything generated is synthetic: names are common forenames and surnames
combined at random, streets and organisations are invented, school URNs start
with 9 (real URNs do not yet reach 900000), phone numbers are in Ofcom's
ranges reserved for drama, and email addresses use the reserved example
domains. Only the boroughs and postcode districts are real.

Example::

    data = demo_data_build(seed=2026, children=200)
    summary = demo_data_load(data)
    summary.children  # 200
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from joinedup.accounts.models import Area, Membership, Organisation, Role, User
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.cases.models import Child, Family, FamilyMember
from joinedup.core.models import Job
from joinedup.demo.names import (
    BOROUGHS,
    DELIVERY_PARTNERS,
    DIMINUTIVES,
    NAME_GROUPS,
    OTHER_ORGANISATIONS,
    PROGRAMME_NAME,
    SCHOOLS,
    STREET_STEMS,
    STREET_SUFFIXES,
    TOWN_BY_DISTRICT,
    Borough,
    NameGroup,
)

__all__ = [
    "CASELOAD",
    "DEFAULT_CHILDREN",
    "DEFAULT_SEED",
    "DEMO_EMAIL_DOMAIN",
    "DEMO_JOB_KIND",
    "DEMO_PASSWORD",
    "REFERENCE_DATE",
    "AdultRow",
    "AreaRow",
    "ChildRow",
    "DemoData",
    "DemoDataConflict",
    "DemoSummary",
    "FamilyRow",
    "LoadedDemo",
    "MembershipRow",
    "OrganisationRow",
    "UserRow",
    "database_has_other_data",
    "demo_data_build",
    "demo_data_load",
    "demo_data_loaded",
    "demo_logins",
]

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - a published demo password for synthetic accounts
DEMO_EMAIL_DOMAIN = "demo.joinedup.test"
DEFAULT_SEED = 2026
DEFAULT_CHILDREN = 2000
# Ages and school years are measured from here, not from today, so the data never drifts.
REFERENCE_DATE = date(2026, 9, 1)
# One published caseload (domain notes): link workers are created to match.
CASELOAD = 24
DEMO_JOB_KIND = "demo.seed"

# Letters allowed in the last two places of a UK postcode (never C, I, K, M, O or V).
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# Ofcom reserves these ranges for drama: they will never ring a real person.
_DRAMA_MOBILES = tuple(f"07700 900{n:03d}" for n in range(1000))
_DRAMA_LANDLINES = tuple(f"020 7946 0{n:03d}" for n in range(1000))
_EMAIL_DOMAINS = ("example.org", "example.com")

# Year groups on the programme: Reception (0) to Year 9, weighted towards
# primary and lower secondary as the programme is.
_YEAR_GROUP_WEIGHTS = {0: 3, 1: 8, 2: 9, 3: 10, 4: 10, 5: 10, 6: 9, 7: 7, 8: 6, 9: 5}
_LAST_PRIMARY_YEAR = 6
_CHILDREN_PER_HOUSEHOLD = ((1, 50), (2, 35), (3, 15))
# Relative sizes of the boroughs' child populations, roughly.
_BOROUGH_WEIGHTS = {"Brent": 35, "Westminster": 23, "Hammersmith and Fulham": 22, "Kensington and Chelsea": 20}
_UNASSIGNED_SHARE = 0.1  # households found but not yet allocated a link worker
_STREETS_PER_BOROUGH = 18


def _email(local: str) -> str:
    return f"{local}@{DEMO_EMAIL_DOMAIN}"


# The headline sign-ins, one per role, all in Brent: what the demo command prints.
_HEADLINE: tuple[tuple[Role, str], ...] = (
    (Role.LINK_WORKER, _email("linkworker")),
    (Role.TEAM_MANAGER, _email("manager")),
    (Role.DELIVERY_PRACTITIONER, _email("partner")),
    (Role.PARTNER_PROFESSIONAL, _email("professional")),
    (Role.SCHOOL_STAFF, _email("school")),
    (Role.DATA_LEAD, _email("datalead")),
    (Role.COMMISSIONER, _email("commissioner")),
    (Role.ADMINISTRATOR, _email("admin")),
)
_HEADLINE_EMAIL = dict(_HEADLINE)


def demo_logins() -> list[tuple[str, str]]:
    """The headline demo sign-ins as (role label, email), one per role, all in Brent.

    They share :data:`DEMO_PASSWORD`. The list does not depend on the seed, so
    it can be printed before or after loading.
    """
    return [(str(role.label), email) for role, email in _HEADLINE]


# ---------------------------------------------------------------------------
# The rows: plain data, compared field by field in the determinism tests.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaRow:
    name: str
    ons_code: str


@dataclass(frozen=True)
class OrganisationRow:
    """An organisation; ``name`` is unique in the demo data and is how other rows refer to it."""

    name: str
    kind: str
    areas: tuple[str, ...]
    postcode: str
    urn: str | None = None
    school_phase: str = ""


@dataclass(frozen=True)
class MembershipRow:
    organisation: str
    area: str
    role: str


@dataclass(frozen=True)
class UserRow:
    email: str
    full_name: str
    memberships: tuple[MembershipRow, ...]


@dataclass(frozen=True)
class AdultRow:
    full_name: str
    relationship: str
    parental_responsibility: bool
    phone: str
    email: str


@dataclass(frozen=True)
class ChildRow:
    forenames: str
    surname: str
    preferred_name: str
    date_of_birth: date
    sex: str
    school: str
    link_worker: str | None  # the link worker's email

    def age_on(self, on: date) -> int:
        dob = self.date_of_birth
        return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


@dataclass(frozen=True)
class FamilyRow:
    """A household; its children live at its address, so they share its postcode and area."""

    family_name: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    area: str
    home_language: str
    adults: tuple[AdultRow, ...]
    children: tuple[ChildRow, ...]


@dataclass(frozen=True)
class DemoData:
    seed: int
    areas: tuple[AreaRow, ...]
    organisations: tuple[OrganisationRow, ...]
    users: tuple[UserRow, ...]
    families: tuple[FamilyRow, ...]

    @property
    def programme(self) -> OrganisationRow:
        return next(org for org in self.organisations if org.kind == Organisation.Kind.PROGRAMME)

    def children(self) -> Iterator[tuple[FamilyRow, ChildRow]]:
        for family in self.families:
            for child in family.children:
                yield family, child

    @property
    def child_count(self) -> int:
        return sum(len(family.children) for family in self.families)


# ---------------------------------------------------------------------------
# The pure half.
# ---------------------------------------------------------------------------


def demo_data_build(*, seed: int = DEFAULT_SEED, children: int = DEFAULT_CHILDREN) -> DemoData:
    """Build the whole demo data set from ``seed``, with exactly ``children`` children.

    Pure: no database, no clock, no global random state. Organisations, streets,
    families and staff each draw from their own stream derived from the seed, so
    changing ``children`` leaves the schools, URNs and streets as they were.

    >>> demo_data_build(seed=1, children=10) == demo_data_build(seed=1, children=10)
    True
    """
    if children < 1:
        raise ValueError(f"The demo needs at least one child; {children} was asked for.")
    postcodes = _Postcodes(_stream(seed, "postcodes"))
    areas = tuple(AreaRow(borough.name, borough.ons_code) for borough in BOROUGHS)
    organisations = _organisations(_stream(seed, "organisations"), postcodes)
    streets = _streets(_stream(seed, "streets"), postcodes)
    households = _families(_stream(seed, "families"), organisations, streets, children)
    families, link_workers = _allocate_link_workers(_stream(seed, "allocation"), households)
    users = _users(_stream(seed, "staff"), organisations, link_workers)
    return DemoData(seed=seed, areas=areas, organisations=organisations, users=users, families=families)


def _stream(seed: int, name: str) -> random.Random:
    # A string seed is hashed with SHA-512 by random.Random, so this is stable across runs and Python builds.
    return random.Random(f"joinedup-demo:{seed}:{name}")


class _Postcodes:
    """Hands out full postcodes in a district, never the same one twice."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def new(self, district: str) -> str:
        while True:
            inward = f"{self._rng.randrange(10)}{self._rng.choice(_INWARD_LETTERS)}{self._rng.choice(_INWARD_LETTERS)}"
            postcode = f"{district} {inward}"
            if postcode not in self._used:
                self._used.add(postcode)
                return postcode


def _council_names(borough: Borough) -> tuple[str, str]:
    return f"{borough.name} Council Early Help", f"{borough.name} Children's Social Care"


def _organisations(rng: random.Random, postcodes: _Postcodes) -> tuple[OrganisationRow, ...]:
    all_areas = tuple(borough.name for borough in BOROUGHS)
    kind = Organisation.Kind
    rows = [OrganisationRow(PROGRAMME_NAME, kind.PROGRAMME, all_areas, postcodes.new("W10"))]
    for borough in BOROUGHS:
        early_help, social_care = _council_names(borough)
        rows.append(OrganisationRow(early_help, kind.EARLY_HELP, (borough.name,), postcodes.new(borough.districts[0])))
        rows.append(
            OrganisationRow(social_care, kind.SOCIAL_CARE, (borough.name,), postcodes.new(borough.districts[0]))
        )
    school_count = sum(len(schools) for schools in SCHOOLS.values())
    urns = rng.sample(range(900000, 1000000), school_count)
    for borough in BOROUGHS:
        for school in SCHOOLS[borough.name]:
            rows.append(
                OrganisationRow(
                    school.name,
                    kind.SCHOOL,
                    (borough.name,),
                    postcodes.new(school.district),
                    urn=str(urns.pop(0)),
                    school_phase=school.phase,
                )
            )
    for index, partner in enumerate(DELIVERY_PARTNERS):
        how_many = rng.choices((1, 2, 3, 4), weights=(30, 35, 20, 15))[0]
        chosen = set(rng.sample(all_areas, how_many))
        if index == 0:
            chosen.add("Brent")  # the headline practitioner works in Brent with everyone else
        partner_areas = tuple(name for name in all_areas if name in chosen)
        home = next(borough for borough in BOROUGHS if borough.name == partner_areas[0])
        rows.append(
            OrganisationRow(
                partner.name, kind.DELIVERY_PARTNER, partner_areas, postcodes.new(rng.choice(home.districts))
            )
        )
    for name, other_kind in OTHER_ORGANISATIONS:
        rows.append(OrganisationRow(name, other_kind, all_areas, postcodes.new(rng.choice(BOROUGHS[0].districts))))
    return tuple(rows)


@dataclass(frozen=True)
class _Street:
    name: str
    district: str
    postcodes: tuple[str, ...]


def _streets(rng: random.Random, postcodes: _Postcodes) -> dict[str, tuple[_Street, ...]]:
    """Invented streets per borough, each in one district with a few postcodes that neighbours share."""
    stems = rng.sample(STREET_STEMS, _STREETS_PER_BOROUGH * len(BOROUGHS))
    streets: dict[str, tuple[_Street, ...]] = {}
    for borough in BOROUGHS:
        rows = []
        for index in range(_STREETS_PER_BOROUGH):
            # Round-robin over the districts so every district has homes in it.
            district = borough.districts[index % len(borough.districts)]
            name = f"{stems.pop()} {rng.choice(STREET_SUFFIXES)}"
            rows.append(_Street(name, district, tuple(postcodes.new(district) for _ in range(rng.randint(2, 5)))))
        streets[borough.name] = tuple(rows)
    return streets


def _weighted[T](rng: random.Random, options: Sequence[tuple[T, int]]) -> T:
    return rng.choices([value for value, _ in options], weights=[weight for _, weight in options])[0]


def _pick_group(rng: random.Random) -> NameGroup:
    return _weighted(rng, [(group, group.weight) for group in NAME_GROUPS])


def _given_names(group: NameGroup, sex: str, *, adult: bool) -> tuple[str, ...]:
    if sex == "F":
        return (group.adult_female or group.female) if adult else group.female
    return (group.adult_male or group.male) if adult else group.male


def _other_surname(rng: random.Random, group: NameGroup, not_this: str) -> str:
    choices = [surname for surname in group.surnames if surname != not_this]
    return rng.choice(choices)


def _ascii_slug(text: str, separator: str = "") -> str:
    text = text.replace("ł", "l").replace("Ł", "L").replace("'", "")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", separator, plain).strip(separator)


class _Contacts:
    """Synthetic phone numbers and email addresses for adults, spread so few are shared."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._mobiles = list(_DRAMA_MOBILES)
        self._landlines = list(_DRAMA_LANDLINES)
        rng.shuffle(self._mobiles)
        rng.shuffle(self._landlines)
        self._next_mobile = 0
        self._next_landline = 0

    def phone(self) -> str:
        if self._rng.random() < 0.12:
            return ""
        # Mostly mobiles; the landline range is used too, so numbers repeat only in very large demos.
        use_mobile = self._rng.random() < 0.85
        if self._next_mobile >= len(self._mobiles) and self._next_landline < len(self._landlines):
            use_mobile = False
        if self._next_landline >= len(self._landlines) and self._next_mobile < len(self._mobiles):
            use_mobile = True
        if use_mobile:
            number = self._mobiles[self._next_mobile % len(self._mobiles)]
            self._next_mobile += 1
        else:
            number = self._landlines[self._next_landline % len(self._landlines)]
            self._next_landline += 1
        return number

    def email(self, full_name: str) -> str:
        if self._rng.random() < 0.3:
            return ""
        parts = full_name.split(" ")
        local = f"{_ascii_slug(parts[0])}.{_ascii_slug(' '.join(parts[1:]))}"
        if self._rng.random() < 0.5:
            local += str(self._rng.randint(1, 99))
        return f"{local}@{self._rng.choice(_EMAIL_DOMAINS)}"


def _schools_by_borough(organisations: Sequence[OrganisationRow]) -> dict[tuple[str, str], list[OrganisationRow]]:
    by: dict[tuple[str, str], list[OrganisationRow]] = defaultdict(list)
    for org in organisations:
        if org.kind == Organisation.Kind.SCHOOL:
            by[(org.areas[0], org.school_phase)].append(org)
    return by


def _choose_school(rng: random.Random, candidates: Sequence[OrganisationRow], district: str) -> OrganisationRow:
    # Most children go to a school near home, in their own postcode district.
    nearby = [school for school in candidates if school.postcode.split(" ")[0] == district]
    if nearby and rng.random() < 0.7:
        return rng.choice(nearby)
    return rng.choice(candidates)


def _year_groups(rng: random.Random, count: int) -> list[int]:
    """Distinct year groups for siblings (no twins), weighted as the programme's intake."""
    remaining = dict(_YEAR_GROUP_WEIGHTS)
    chosen = []
    for _ in range(count):
        year = _weighted(rng, list(remaining.items()))
        chosen.append(year)
        del remaining[year]
    return chosen


def _date_of_birth(rng: random.Random, year_group: int) -> date:
    # English school years run from 1 September to 31 August of the following year.
    start = date(REFERENCE_DATE.year - 5 - year_group, 9, 1)
    end = date(REFERENCE_DATE.year - 4 - year_group, 8, 31)
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _adults(
    rng: random.Random, contacts: _Contacts, group: NameGroup, partner_group: NameGroup, surname: str
) -> list[AdultRow]:
    """The adults in a household: a plausible mix of one- and two-parent families and kinship care."""
    relationship = FamilyMember.Relationship
    shape = _weighted(
        rng,
        [
            ("two_parents", 44),
            ("mother", 30),
            ("father", 5),
            ("mother_step_parent", 7),
            ("grandparents", 5),
            ("kinship", 4),
            ("mother_grandparent", 5),
        ],
    )

    def person(sex: str, person_group: NameGroup, person_surname: str, rel: str, responsibility: bool) -> AdultRow:
        full_name = f"{rng.choice(_given_names(person_group, sex, adult=True))} {person_surname}"
        return AdultRow(full_name, rel, responsibility, contacts.phone(), contacts.email(full_name))

    def mother_surname() -> str:
        if rng.random() < group.mother_keeps_own_surname:
            return _other_surname(rng, group, surname)
        return surname

    adults: list[AdultRow] = []
    if shape in ("two_parents", "mother", "mother_step_parent", "mother_grandparent"):
        adults.append(person("F", group, mother_surname(), relationship.MOTHER, True))
    if shape in ("two_parents", "father"):
        adults.append(person("M", partner_group, surname, relationship.FATHER, True))
    if shape == "mother_step_parent":
        step_group = _pick_group(rng)
        adults.append(person("M", step_group, rng.choice(step_group.surnames), relationship.STEP_PARENT, False))
    if shape == "grandparents":
        # Grandparents bringing the children up usually hold a special guardianship order.
        adults.append(person("F", group, surname, relationship.GRANDPARENT, True))
        if rng.random() < 0.5:
            adults.append(person("M", group, surname, relationship.GRANDPARENT, True))
    if shape == "kinship":
        sex = "F" if rng.random() < 0.75 else "M"
        kin_surname = surname if rng.random() < 0.5 else _other_surname(rng, group, surname)
        adults.append(person(sex, group, kin_surname, relationship.KINSHIP_CARER, True))
    if shape == "mother_grandparent":
        adults.append(person("F", group, _other_surname(rng, group, surname), relationship.GRANDPARENT, False))
    if rng.random() < 0.05:
        sex = "F" if rng.random() < 0.5 else "M"
        full_name = f"{rng.choice(_given_names(group, sex, adult=False))} {surname}"
        adults.append(AdultRow(full_name, relationship.OLDER_SIBLING, False, contacts.phone(), ""))
    return adults


def _child(
    rng: random.Random, group: NameGroup, surname: str, year_group: int, school: str, taken: set[str]
) -> ChildRow:
    sex = "F" if rng.random() < 0.5 else "M"
    names = _given_names(group, sex, adult=False)
    first = rng.choice([name for name in names if name not in taken] or names)
    taken.add(first)
    forenames = first
    if rng.random() < 0.35:
        forenames = f"{first} {rng.choice([name for name in names if name != first])}"
    preferred = ""
    if first in DIMINUTIVES and rng.random() < 0.5:
        preferred = rng.choice(DIMINUTIVES[first])
    return ChildRow(forenames, surname, preferred, _date_of_birth(rng, year_group), sex, school, None)


def _families(
    rng: random.Random,
    organisations: Sequence[OrganisationRow],
    streets: dict[str, tuple[_Street, ...]],
    children: int,
) -> list[FamilyRow]:
    contacts = _Contacts(rng)
    schools = _schools_by_borough(organisations)
    families: list[FamilyRow] = []
    remaining = children
    while remaining > 0:
        size = min(remaining, _weighted(rng, _CHILDREN_PER_HOUSEHOLD))
        remaining -= size
        # The first household is in Brent, so the headline link worker always has a caseload.
        borough = "Brent" if not families else _weighted(rng, list(_BOROUGH_WEIGHTS.items()))
        street = rng.choice(streets[borough])
        postcode = rng.choice(street.postcodes)
        if rng.random() < 0.6:
            block = f"{rng.choice(STREET_STEMS)} {rng.choice(('House', 'Court', 'Point', 'Tower'))}"
            line_1, line_2 = f"Flat {rng.randint(1, 120)}, {block}", street.name
        else:
            line_1, line_2 = f"{rng.randint(1, 180)} {street.name}", ""

        group = _pick_group(rng)
        # Some households are of mixed heritage: the second parent's names come from another group.
        partner_group = _pick_group(rng) if rng.random() < 0.08 else group
        surname = rng.choice(partner_group.surnames)
        language = _weighted(rng, group.languages)
        adults = _adults(rng, contacts, group, partner_group, surname)

        primary = _choose_school(rng, schools[(borough, Organisation.SchoolPhase.PRIMARY)], street.district)
        secondary = _choose_school(rng, schools[(borough, Organisation.SchoolPhase.SECONDARY)], street.district)
        # Children are not given the first name of a parent or of a brother or sister.
        taken = {adult.full_name.split(" ")[0] for adult in adults}
        kids = []
        for year_group in sorted(_year_groups(rng, size)):
            in_primary = year_group <= _LAST_PRIMARY_YEAR
            school = primary if in_primary else secondary
            # Siblings mostly share a school; now and then one goes elsewhere in the borough.
            if rng.random() < 0.1:
                phase = Organisation.SchoolPhase.PRIMARY if in_primary else Organisation.SchoolPhase.SECONDARY
                school = rng.choice(schools[(borough, phase)])
            kids.append(_child(rng, group, surname, year_group, school.name, taken))
        families.append(
            FamilyRow(
                family_name=surname,
                address_line_1=line_1,
                address_line_2=line_2,
                town=TOWN_BY_DISTRICT.get(street.district, "London"),
                postcode=postcode,
                area=borough,
                home_language=language,
                adults=tuple(adults),
                children=tuple(kids),
            )
        )
    return families


def _link_worker_email(borough: Borough, number: int) -> str:
    if borough.name == "Brent" and number == 1:
        return _HEADLINE_EMAIL[Role.LINK_WORKER]
    return _email(f"linkworker.{borough.slug}.{number}")


def _allocate_link_workers(
    rng: random.Random, families: list[FamilyRow]
) -> tuple[tuple[FamilyRow, ...], dict[str, list[str]]]:
    """Give most children a link worker from their borough, in caseloads of at most :data:`CASELOAD`.

    A link worker is based in schools, so children are taken school by school:
    each link worker covers part of a school or a few schools, and brothers and
    sisters at the same school share a link worker. About one household in ten
    is left unallocated (found, not yet taken on).
    """
    school_order = {name: index for index, name in enumerate(sorted({c.school for f in families for c in f.children}))}
    # A unit is the children of one household at one school: they keep the same link worker.
    units: dict[str, dict[tuple[int, int], list[int]]] = defaultdict(lambda: defaultdict(list))
    for family_index, family in enumerate(families):
        if family_index > 0 and rng.random() < _UNASSIGNED_SHARE:
            continue
        for child_index, child in enumerate(family.children):
            units[family.area][(school_order[child.school], family_index)].append(child_index)

    assignment: dict[tuple[int, int], str] = {}
    link_workers: dict[str, list[str]] = {}
    for borough in BOROUGHS:
        # Every borough has at least one link worker, even in a tiny demo.
        emails = [_link_worker_email(borough, 1)]
        load = 0
        for (_, family_index), child_indexes in sorted(units[borough.name].items()):
            if load and load + len(child_indexes) > CASELOAD:
                emails.append(_link_worker_email(borough, len(emails) + 1))
                load = 0
            for child_index in child_indexes:
                assignment[(family_index, child_index)] = emails[-1]
            load += len(child_indexes)
        link_workers[borough.name] = emails

    allocated = tuple(
        replace(
            family,
            children=tuple(
                replace(child, link_worker=assignment.get((family_index, child_index)))
                for child_index, child in enumerate(family.children)
            ),
        )
        for family_index, family in enumerate(families)
    )
    return allocated, link_workers


def _users(
    rng: random.Random, organisations: Sequence[OrganisationRow], link_workers: dict[str, list[str]]
) -> tuple[UserRow, ...]:
    """Staff for every role: the headline sign-ins in Brent, and their counterparts elsewhere."""

    def name() -> str:
        group = _pick_group(rng)
        sex = "F" if rng.random() < 0.65 else "M"
        return f"{rng.choice(_given_names(group, sex, adult=True))} {rng.choice(group.surnames)}"

    def user(email: str, *memberships: MembershipRow) -> UserRow:
        return UserRow(email, name(), memberships)

    def borough_email(role: Role, borough: Borough, prefix: str) -> str:
        return _HEADLINE_EMAIL[role] if borough.name == "Brent" else _email(f"{prefix}.{borough.slug}")

    programme = PROGRAMME_NAME
    users: list[UserRow] = []
    for borough in BOROUGHS:
        area = borough.name
        early_help, social_care = _council_names(borough)
        for email in link_workers[area]:
            users.append(user(email, MembershipRow(programme, area, Role.LINK_WORKER)))
        users.append(
            user(
                borough_email(Role.TEAM_MANAGER, borough, "manager"), MembershipRow(programme, area, Role.TEAM_MANAGER)
            )
        )
        users.append(
            user(borough_email(Role.DATA_LEAD, borough, "datalead"), MembershipRow(programme, area, Role.DATA_LEAD))
        )
        users.append(
            user(
                borough_email(Role.ADMINISTRATOR, borough, "admin"),
                MembershipRow(programme, area, Role.ADMINISTRATOR),
            )
        )
        users.append(
            user(
                borough_email(Role.COMMISSIONER, borough, "commissioner"),
                MembershipRow(early_help, area, Role.COMMISSIONER),
            )
        )
        users.append(
            user(
                borough_email(Role.PARTNER_PROFESSIONAL, borough, "professional"),
                MembershipRow(early_help, area, Role.PARTNER_PROFESSIONAL),
            )
        )
        users.append(
            user(_email(f"socialworker.{borough.slug}"), MembershipRow(social_care, area, Role.PARTNER_PROFESSIONAL))
        )

    first_school = first_partner = True
    for org in organisations:
        if org.kind == Organisation.Kind.SCHOOL:
            email = _HEADLINE_EMAIL[Role.SCHOOL_STAFF] if first_school else _email(f"school.{_slug_without(org.name)}")
            first_school = False
            users.append(user(email, MembershipRow(org.name, org.areas[0], Role.SCHOOL_STAFF)))
        elif org.kind == Organisation.Kind.DELIVERY_PARTNER:
            email = (
                _HEADLINE_EMAIL[Role.DELIVERY_PRACTITIONER]
                if first_partner
                else _email(f"partner.{_ascii_slug(org.name, '-')}")
            )
            first_partner = False
            # A partner working in several boroughs takes referrals in each: one membership per borough.
            memberships = tuple(MembershipRow(org.name, area, Role.DELIVERY_PRACTITIONER) for area in org.areas)
            users.append(user(email, *memberships))
    return tuple(users)


def _slug_without(school_name: str) -> str:
    return _ascii_slug(school_name.removesuffix(" School"), "-")


# ---------------------------------------------------------------------------
# The database half.
# ---------------------------------------------------------------------------


class DemoDataConflict(Exception):
    """The database already holds rows the demo data would collide with."""


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    areas: int
    organisations: int
    schools: int
    delivery_partners: int
    users: int
    memberships: int
    link_workers: int
    families: int
    adults: int
    children: int
    children_with_link_worker: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class LoadedDemo:
    """What the marker says about demo data already in the database (``None`` where unknown)."""

    seed: int | None
    children: int | None
    loaded_at: datetime | None


def demo_data_loaded() -> LoadedDemo | None:
    """The demo data already in the database, or ``None`` if there is none.

    The marker job holds the seed; the programme organisation and the headline
    administrator are checked too, so data loaded by hand or with the marker
    removed is still recognised.
    """
    marker = Job.objects.filter(kind=DEMO_JOB_KIND, status=Job.Status.SUCCEEDED).order_by("-created_at").first()
    if marker is not None:
        return LoadedDemo(
            seed=marker.result.get("seed"), children=marker.result.get("children"), loaded_at=marker.finished_at
        )
    programme = Organisation.objects.filter(kind=Organisation.Kind.PROGRAMME, name=PROGRAMME_NAME)
    if programme.exists() or User.objects.filter(email=_HEADLINE_EMAIL[Role.ADMINISTRATOR]).exists():
        return LoadedDemo(seed=None, children=None, loaded_at=None)
    return None


def database_has_other_data() -> bool:
    """Whether the database holds organisations or children already.

    Synthetic children must not be mixed into a database with real ones by
    accident; areas and users alone (a superuser, say) do not count.
    """
    return Organisation.objects.exists() or Child.objects.exists()


def _validated[M: models.Model](obj: M) -> M:
    """Run the model's own validation, without a database lookup per foreign key.

    The related rows were created a moment ago in this transaction, so checking
    each reference again would cost thousands of queries and prove nothing.
    Uniqueness is checked once, up front, in :func:`_check_conflicts`.
    """
    relations = [field.name for field in obj._meta.fields if field.is_relation]
    obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    return obj


def _check_conflicts(data: DemoData) -> None:
    emails = [row.email for row in data.users]
    taken_emails = sorted(User.objects.filter(email__in=emails).values_list("email", flat=True))
    if taken_emails:
        raise DemoDataConflict(
            f"These demo sign-ins already exist: {', '.join(taken_emails[:5])}. Load the demo into an empty database."
        )
    urns = [row.urn for row in data.organisations if row.urn]
    taken_urns = sorted(str(urn) for urn in Organisation.objects.filter(urn__in=urns).values_list("urn", flat=True))
    if taken_urns:
        raise DemoDataConflict(
            f"Schools with these URNs already exist: {', '.join(taken_urns[:5])}. Load the demo into an empty database."
        )


@transaction.atomic
def demo_data_load(data: DemoData) -> DemoSummary:
    """Write ``data`` to the database in one transaction and leave a marker recording its seed.

    Either everything is written or nothing is: a failed row rolls the whole
    load back. Raises :class:`DemoDataConflict` if a demo email or URN is
    already taken; callers check :func:`demo_data_loaded` first.
    """
    _check_conflicts(data)

    areas: dict[str, Area] = {}
    for row in data.areas:
        # Reuse a borough someone has already set up, rather than failing on its unique name.
        existing = Area.objects.filter(ons_code=row.ons_code).first() or Area.objects.filter(name=row.name).first()
        areas[row.name] = existing or _validated(Area(name=row.name, ons_code=row.ons_code))
        if existing is None:
            areas[row.name].save()

    organisations = {
        row.name: _validated(
            Organisation(
                name=row.name, kind=row.kind, urn=row.urn, school_phase=row.school_phase, postcode=row.postcode
            )
        )
        for row in data.organisations
    }
    Organisation.objects.bulk_create(organisations.values())
    Through = Organisation.areas.through
    Through.objects.bulk_create(
        Through(organisation_id=organisations[row.name].pk, area_id=areas[area].pk)
        for row in data.organisations
        for area in row.areas
    )

    # Hashing is deliberately slow; every demo account shares the one password, so hash it once.
    password = make_password(DEMO_PASSWORD)
    users = {
        row.email: _validated(User(email=row.email, full_name=row.full_name, password=password)) for row in data.users
    }
    User.objects.bulk_create(users.values())
    memberships = [
        _validated(
            Membership(
                user=users[row.email],
                organisation=organisations[membership.organisation],
                area=areas[membership.area],
                role=membership.role,
            )
        )
        for row in data.users
        for membership in row.memberships
    ]
    Membership.objects.bulk_create(memberships)

    families = [
        _validated(
            Family(
                family_name=row.family_name,
                address_line_1=row.address_line_1,
                address_line_2=row.address_line_2,
                town=row.town,
                postcode=row.postcode,
                area=areas[row.area],
                home_language=row.home_language,
            )
        )
        for row in data.families
    ]
    Family.objects.bulk_create(families)
    FamilyMember.objects.bulk_create(
        _validated(
            FamilyMember(
                family=family,
                full_name=adult.full_name,
                relationship=adult.relationship,
                parental_responsibility=adult.parental_responsibility,
                phone=adult.phone,
                email=adult.email,
            )
        )
        for family, row in zip(families, data.families, strict=True)
        for adult in row.adults
    )
    programme = organisations[data.programme.name]
    Child.objects.bulk_create(
        _validated(
            Child(
                forenames=child.forenames,
                surname=child.surname,
                preferred_name=child.preferred_name,
                date_of_birth=child.date_of_birth,
                sex=child.sex,
                family=family,
                school=organisations[child.school],
                home_postcode=row.postcode,
                area=areas[row.area],
                programme_organisation=programme,
                link_worker=users[child.link_worker] if child.link_worker else None,
            )
        )
        for family, row in zip(families, data.families, strict=True)
        for child in row.children
    )

    summary = DemoSummary(
        seed=data.seed,
        areas=len(data.areas),
        organisations=len(data.organisations),
        schools=sum(1 for row in data.organisations if row.kind == Organisation.Kind.SCHOOL),
        delivery_partners=sum(1 for row in data.organisations if row.kind == Organisation.Kind.DELIVERY_PARTNER),
        users=len(data.users),
        memberships=len(memberships),
        link_workers=sum(1 for row in data.users if any(m.role == Role.LINK_WORKER for m in row.memberships)),
        families=len(data.families),
        adults=sum(len(row.adults) for row in data.families),
        children=data.child_count,
        children_with_link_worker=sum(1 for _, child in data.children() if child.link_worker),
    )
    _record_marker(summary, administrator=users[_HEADLINE_EMAIL[Role.ADMINISTRATOR]], programme=programme)
    return summary


def _record_marker(summary: DemoSummary, *, administrator: User, programme: Organisation) -> None:
    """Record the load as a finished job (which holds the seed) and one audit event."""
    now = timezone.now()
    job = Job.objects.create(
        kind=DEMO_JOB_KIND,
        title=f"Synthetic demo data loaded (seed {summary.seed}, {summary.children} children)",
        started_by=administrator,
        organisation=programme,
        status=Job.Status.SUCCEEDED,
        done=summary.children,
        total=summary.children,
        result=summary.as_dict(),
        started_at=now,
        finished_at=now,
    )
    audit_record(
        action=AuditAction.CREATE,
        record_type="demo_data",
        record_id=job.pk,
        detail={"synthetic": True, **summary.as_dict()},
    )
