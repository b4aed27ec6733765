"""Paired lists of synthetic children with known truth, for measuring record linkage.

:func:`paired_lists` makes "our" list (left: the programme's own records of children) and a
partner's list (right: a council Early Help caseload, a school's safeguarding list), with some
children on both, and the table of true pairs. Everything is synthetic: names are common names
combined at random from :mod:`joinedup.demo.names`; NHS numbers and UPNs have valid check digits
but are made up; postcodes are random units in real West London districts.

What makes linkage hard is there on purpose, each part at a rate set by a constant below:

* households: brothers and sisters share a surname, an address and mostly a school, and a
  family's children tend to be on the same lists, so a sibling is the nearest wrong match; twins
  share a date of birth as well;
* the partner's record of a child differs by the errors real lists make: typos, nicknames, a
  middle name dropped or added, one half of a double surname, names swapped, a date of birth
  mistyped, a house move, blank fields, accents dropped;
* the two lists are written differently, as real exports are: ISO dates, "F"/"M" and tidy
  postcodes on the left; day-first dates, "Female"/"Male", often capitals and untidy postcodes on
  the right.

The partner's way of writing and its errors apply to every row of the right list, not only to the
children on both lists, so how a row looks says nothing about whether it has a match.

Same arguments, same bytes: one ``random.Random(seed)`` draws everything in a fixed order, and
ages are measured from a fixed :data:`REFERENCE_DATE`.

>>> lists = paired_lists(120, 90, overlap=0.5, seed=7)
>>> lists.left.num_rows, lists.right.num_rows, lists.truth.num_rows
(120, 90, 45)
>>> lists.left.column_names == list(COLUMNS)
True
>>> lists.left["record_id"][0].as_py(), lists.right["record_id"][0].as_py()
('L0000001', 'R0000001')
"""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple

from joinedup.demo.names import BOROUGHS, DIMINUTIVES, NAME_GROUPS, SCHOOLS, STREET_STEMS, STREET_SUFFIXES
from joinedup.demo.names import TOWN_BY_DISTRICT as _TOWNS
from joinedup.linkage.names import VARIANTS
from joinedup.linkage.normalise import name_clean
from joinedup.linkage.people import COLUMNS

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["PairedLists", "paired_lists"]

# The standard person-list schema: every column is text, "" where the list has nothing.

# Ages are measured on this day, so the same seed gives the same children on any day.
REFERENCE_DATE: Final = date(2026, 9, 1)

# --- The population: families -------------------------------------------------------------------
#
# Children aged 3 to 18 on REFERENCE_DATE: nursery to year 13 in the school year starting then.
OLDEST_BORN: Final = date(2008, 9, 1)
YOUNGEST_BORN: Final = date(2023, 8, 31)
# Children in a family with any child on a list: 1, 2, 3 or 4 (about 2 on average).
FAMILY_SIZE_WEIGHTS: Final = (0.38, 0.36, 0.18, 0.08)
# Families whose first two children are twins (born the same day), and twins of the same sex.
TWIN_FAMILY_RATE: Final = 0.02
TWINS_SAME_SEX_RATE: Final = 0.65
# Days between the births of brothers and sisters who are not twins.
SIBLING_GAP_DAYS: Final = (330, 1800)
# Children with a middle name, which our list records.
MIDDLE_NAME_RATE: Final = 0.30
# Families whose children's forenames come from another name group than their surname.
MIXED_FAMILY_RATE: Final = 0.07
# Families with a hyphenated double surname ("Smith-Jones"); some Spanish surnames are double too.
DOUBLE_SURNAME_RATE: Final = 0.05
# Children at another school than the family's school for their phase (primary or secondary).
OTHER_SCHOOL_RATE: Final = 0.15
# Families whose school is one in their own postcode district (if their borough has one there).
LOCAL_SCHOOL_RATE: Final = 0.70
# Households in a flat ("Flat 3, 12 Alderwick Road").
FLAT_RATE: Final = 0.35
# Streets in each postcode district, and postcode units along one street.
STREETS_PER_DISTRICT: Final = 60
UNITS_PER_STREET: Final = 4
# Children on the same list(s) as the rest of their family (the others are placed one by one), so
# a family is often on both lists, and sometimes one child is on ours and a brother on the partner's.
FAMILY_SAME_LISTS_RATE: Final = 0.70

# --- Identifiers ----------------------------------------------------------------------------------
#
# Rows that give the child's NHS number or UPN, on each side. The UPN is the school's identifier,
# so our list has it more often.
LEFT_NHS_NUMBER_RATE: Final = 0.60
RIGHT_NHS_NUMBER_RATE: Final = 0.45
LEFT_UPN_RATE: Final = 0.85
RIGHT_UPN_RATE: Final = 0.30
# Partner's identifiers mistyped (two digits swapped or one wrong, so the check digit fails).
IDENTIFIER_ERROR_RATE: Final = 0.01
# Partner's NHS numbers written in three groups ("943 476 5919").
NHS_NUMBER_SPACED_RATE: Final = 0.50

# --- The partner's errors (right list), each drawn independently per row --------------------------
#
FORENAME_TYPO_RATE: Final = 0.04  # one letter inserted, deleted, changed or two swapped
SURNAME_TYPO_RATE: Final = 0.04
NICKNAME_RATE: Final = 0.08  # another form of the first forename (of names that have one)
MIDDLE_NAME_CHANGED_RATE: Final = 0.05  # dropped if our list has one, added if not
DOUBLE_SURNAME_ONE_PART_RATE: Final = 0.30  # of double surnames: only one half given
NAMES_SWAPPED_RATE: Final = 0.02  # forenames in the surname column and the other way round
DAY_MONTH_SWAPPED_RATE: Final = 0.02  # of dates whose day is 12 or under (and not the month)
DATE_DIGIT_WRONG_RATE: Final = 0.02  # one digit of the day, month or year wrong
YEAR_OFF_BY_ONE_RATE: Final = 0.01
MOVED_HOUSE_RATE: Final = 0.07  # of families: the partner has another address and postcode
POSTCODE_MISSING_RATE: Final = 0.04
ADDRESS_MISSING_RATE: Final = 0.04
SEX_MISSING_RATE: Final = 0.04
SEX_WRONG_RATE: Final = 0.005
SCHOOL_MISSING_RATE: Final = 0.08
ACCENTS_DROPPED_RATE: Final = 0.60  # of rows whose names have accents ("Sean" for "Seán")

# --- How each list writes things --------------------------------------------------------------
#
# Our list drops accents on some rows too (older systems), so "SEÁN" meets "Sean".
LEFT_ACCENTS_DROPPED_RATE: Final = 0.20
# Partner rows in capitals (names and address), postcodes with no space or in lower case, street
# types abbreviated with the town left off ("12 Alderwick Rd"), schools without "School".
UPPER_CASE_RATE: Final = 0.25
POSTCODE_NO_SPACE_RATE: Final = 0.15
POSTCODE_LOWER_CASE_RATE: Final = 0.10
ADDRESS_ABBREVIATED_RATE: Final = 0.20
SCHOOL_SHORT_NAME_RATE: Final = 0.30

# DfE local authority numbers, the first three digits of a UPN after the check letter.
_LA_NUMBERS: Final = {
    "Brent": "304",
    "Westminster": "213",
    "Hammersmith and Fulham": "205",
    "Kensington and Chelsea": "207",
}
# Spanish double surnames in the name tables (others with a space, "El Amrani", are one surname).
_SPACED_DOUBLE_SURNAMES: Final = frozenset({"García López", "Vargas Ortiz"})
# Letters allowed in the last two places of a UK postcode (never C, I, K, M, O or V).
_INWARD_LETTERS: Final = "ABDEFGHJLNPQRSTUWXYZ"
# A UPN's check letter stands for the weighted sum modulo 23; I, O and S are never used.
_UPN_CHECK_LETTERS: Final = "ABCDEFGHJKLMNPQRTUVWXYZ"
_TYPO_LETTERS: Final = "abcdefghijklmnopqrstuvwxyz"
_STREET_ABBREVIATIONS: Final = {
    "Road": "Rd",
    "Street": "St",
    "Avenue": "Ave",
    "Gardens": "Gdns",
    "Close": "Cl",
    "Grove": "Gr",
    "Crescent": "Cres",
    "Terrace": "Terr",
    "Place": "Pl",
    "Lane": "Ln",
}
# Letters Unicode does not decompose into a plain letter and an accent.
_UNDECOMPOSED: Final = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "Đ": "D"})
# Our list's index in a child's lists, the partner's, and both.
_BOTH, _LEFT, _RIGHT = 0, 1, 2


@dataclass(frozen=True)
class PairedLists:
    """Our list (``left``), a partner's list (``right``) and the true pairs (``truth``).

    ``left`` and ``right`` have the :data:`COLUMNS`, all text; ``truth`` has ``left_id``
    and ``right_id``, one row per child on both lists, in ``left_id`` order.
    """

    left: pa.Table
    right: pa.Table
    truth: pa.Table

    def write(self, directory: Path, *, format: str = "csv") -> tuple[Path, Path, Path]:
        """Write ``left``, ``right`` and ``truth`` as CSV or Parquet files in ``directory``.

        Args:
            directory: created if it is not there; files of the same names are replaced.
            format: ``"csv"`` (every value quoted; read it back with every column as text, or
                ``"0123"`` would become a number) or ``"parquet"``.

        Returns:
            The paths of ``left``, ``right`` and ``truth``, in that order.
        """
        if format not in ("csv", "parquet"):
            raise ValueError(f"Cannot write the lists as {format!r}: use format='csv' or format='parquet'.")
        directory.mkdir(parents=True, exist_ok=True)
        paths = tuple(directory / f"{name}.{format}" for name in ("left", "right", "truth"))
        for table, path in zip((self.left, self.right, self.truth), paths, strict=True):
            if format == "csv":
                import pyarrow.csv as pa_csv

                pa_csv.write_csv(table, path)
            else:
                import pyarrow.parquet as pa_parquet

                pa_parquet.write_table(table, path)
        left, right, truth = paths
        return left, right, truth


def paired_lists(left_size: int, right_size: int, *, overlap: float = 0.5, seed: int = 1) -> PairedLists:
    """Make our list and a partner's list of synthetic children, and which rows are the same child.

    Args:
        left_size: rows in our list (``left``), ids ``L0000001`` on.
        right_size: rows in the partner's list (``right``), ids ``R0000001`` on.
        overlap: the share of the smaller list's children who are on both lists (0 to 1).
        seed: the same seed and sizes give byte-identical tables.

    Rows are in id order, and ids are given in a random order, so the row order tells nothing.
    The children on one list only come from the same families as those on both.

    >>> lists = paired_lists(10, 10, overlap=0.3, seed=3)
    >>> lists.truth.num_rows, lists.truth.column_names
    (3, ['left_id', 'right_id'])
    """
    if left_size < 0 or right_size < 0:
        raise ValueError(f"List sizes cannot be negative: got left_size={left_size}, right_size={right_size}.")
    if not 0.0 <= overlap <= 1.0:
        raise ValueError(f"overlap is the share of the smaller list on both lists, from 0 to 1: got {overlap}.")
    # Arrow is imported where it is used, so importing the linkage core stays quick.
    import pyarrow as pa

    shared = int(overlap * min(left_size, right_size) + 0.5)
    # Synthetic data for tests and benchmarks: a reproducible stream is the point, not secrecy.
    rng = random.Random(seed)  # noqa: S311
    left_rows, right_rows, pairs = _Generator(rng).generate(left_size - shared, right_size - shared, shared)
    left_ids, left_order, left_position = _shuffled_ids(rng, "L", len(left_rows))
    right_ids, right_order, right_position = _shuffled_ids(rng, "R", len(right_rows))
    truth = sorted((left_position[a], right_position[b]) for a, b in pairs)
    return PairedLists(
        left=_table([left_rows[row] for row in left_order], left_ids),
        right=_table([right_rows[row] for row in right_order], right_ids),
        truth=pa.table(
            {
                "left_id": pa.array([left_ids[a] for a, _ in truth], type=pa.string()),
                "right_id": pa.array([right_ids[b] for _, b in truth], type=pa.string()),
            }
        ),
    )


_Row = tuple[str, str, str, str, str, str, str, str, str]


def _shuffled_ids(rng: random.Random, prefix: str, count: int) -> tuple[list[str], list[int], list[int]]:
    """Ids in output order; the row (as generated, families together) at each output position; and its inverse."""
    width = max(7, len(str(count)))
    ids = [f"{prefix}{number:0{width}d}" for number in range(1, count + 1)]
    order = list(range(count))
    rng.shuffle(order)
    position = [0] * count
    for output, generated in enumerate(order):
        position[generated] = output
    return ids, order, position


def _table(rows: list[_Row], ids: list[str]) -> pa.Table:
    import pyarrow as pa

    columns = list(zip(*rows, strict=True)) if rows else [() for _ in COLUMNS[1:]]
    return pa.table(
        {name: pa.array(values, type=pa.string()) for name, values in zip(COLUMNS, [ids, *columns], strict=True)}
    )


class _School(NamedTuple):
    name: str
    short_name: str
    district: str
    primary: bool


@dataclass(frozen=True)
class _Names:
    """One name group's tables, ready for drawing."""

    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]


@cache
def _name_groups() -> tuple[tuple[_Names, ...], tuple[float, ...]]:
    groups = tuple(_Names(group.female, group.male, group.surnames) for group in NAME_GROUPS)
    return groups, tuple(accumulate(float(group.weight) for group in NAME_GROUPS))


@cache
def _other_forms() -> dict[tuple[str, bool], tuple[str, ...]]:
    """Each forename in the tables (with whether it is a girl's), and the other forms a partner may write.

    The forms come from ``joinedup.linkage.names.VARIANTS`` (a canonical name's forms, and the
    canonical names a form stands for) and the demo's diminutives, so each is a form the linkage
    core knows to be the same name. A form the tables give the other sex is left out, so Charlie
    the boy never becomes Charlotte.
    """
    canonical_of: dict[str, list[str]] = {}
    for canonical, forms in VARIANTS.items():
        for form in forms:
            canonical_of.setdefault(form, []).append(canonical)
    girls = {name for group in NAME_GROUPS for name in group.female}
    boys = {name for group in NAME_GROUPS for name in group.male}
    found: dict[tuple[str, bool], tuple[str, ...]] = {}
    for female, names, other_sex in ((True, girls, boys - girls), (False, boys, girls - boys)):
        for name in sorted(names):
            clean = name_clean(name)
            related = {*VARIANTS.get(clean, ()), *canonical_of.get(clean, ())}
            others = {form.title() for form in related if form != clean} | set(DIMINUTIVES.get(name, ()))
            if others - other_sex:
                found[name, female] = tuple(sorted(others - other_sex))
    return found


@cache
def _plain(text: str) -> str:
    """``text`` without accents, keeping its case and punctuation ("Seán" -> "Sean")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _chunk_sums(weights: tuple[int, int, int]) -> tuple[int, ...]:
    """Weighted digit sums of every three-digit number, so a check digit costs three look-ups."""
    return tuple(
        (number // 100) * weights[0] + (number // 10 % 10) * weights[1] + (number % 10) * weights[2]
        for number in range(1000)
    )


_NHS_SUMS: Final = (_chunk_sums((10, 9, 8)), _chunk_sums((7, 6, 5)), _chunk_sums((4, 3, 2)))
_UPN_SUMS: Final = (_chunk_sums((2, 3, 4)), _chunk_sums((5, 6, 7)), _chunk_sums((8, 9, 10)), _chunk_sums((11, 12, 13)))


class _Home(NamedTuple):
    address: str  # as our list writes it: "Flat 3, 12 Alderwick Road, London"
    short_address: str  # abbreviated, no town: "Flat 3, 12 Alderwick Rd"
    postcode: str  # "NW10 4AB"
    district: str
    borough: str


class _Family(NamedTuple):
    names: _Names  # the group the children's forenames come from
    surname: str
    double_surname: bool
    home: _Home
    partner_home: _Home  # the home on the partner's list: another one if they moved
    la_number: str
    primary: _School
    secondary: _School


# A child: first forename, middle name ("" if none), female, date of birth (ordinal), serial, school.
_Child = tuple[str, str, bool, int, int, _School]


class _Generator:
    """Draws families and their children, and writes each child as each list would."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.random = rng.random
        self.groups, self.group_weights = _name_groups()
        self.other_forms = _other_forms()
        self.districts = tuple(district for borough in BOROUGHS for district in borough.districts)
        self.borough_of = {district: borough.name for borough in BOROUGHS for district in borough.districts}
        self.districts_of = {borough.name: borough.districts for borough in BOROUGHS}
        streets = sorted(f"{stem} {suffix}" for stem in STREET_STEMS for suffix in set(STREET_SUFFIXES))
        self.streets = {district: tuple(rng.sample(streets, STREETS_PER_DISTRICT)) for district in self.districts}
        # A borough's schools of each phase, and those in each district (empty if none there).
        self.schools: dict[tuple[str, bool], tuple[_School, ...]] = {}
        for borough, specs in SCHOOLS.items():
            for primary in (True, False):
                self.schools[borough, primary] = tuple(
                    _School(spec.name, spec.name.removesuffix(" School"), spec.district, primary)
                    for spec in specs
                    if (spec.phase == "primary") == primary
                )
        self.local_schools = {
            (district, primary): tuple(s for s in self.schools[borough, primary] if s.district == district)
            for borough, districts in self.districts_of.items()
            for district in districts
            for primary in (True, False)
        }
        # Children born on or after this day are in primary school (or its nursery) that year.
        self.first_primary_birthday = date(REFERENCE_DATE.year - 11, 9, 1).toordinal()
        # Each child's NHS number and UPN come from its serial number through a random
        # one-to-one map (multiplier coprime to 10), so they are all different.
        self.nhs_map = (self._coprime_to_ten(10**8), rng.randrange(10**8))
        self.upn_map = (self._coprime_to_ten(10**9), rng.randrange(10**9))
        first, last = OLDEST_BORN.toordinal(), YOUNGEST_BORN.toordinal()
        self.first_born, self.last_born = first, last
        # Dates written both ways for every day a child (or a year-off mistake) can be born.
        self.date_base = first - 400
        days = [date.fromordinal(day) for day in range(self.date_base, last + 401)]
        self.iso_dates = [day.isoformat() for day in days]
        self.uk_dates = [f"{day.day:02d}/{day.month:02d}/{day.year}" for day in days]
        self.family_size_weights = tuple(accumulate(FAMILY_SIZE_WEIGHTS))

    def _coprime_to_ten(self, below: int) -> int:
        while True:
            number = self.rng.randrange(1, below)
            if number % 2 and number % 5:
                return number

    # --- Drawing people --------------------------------------------------------------------------

    def _group(self) -> _Names:
        return self.groups[bisect(self.group_weights, self.random() * self.group_weights[-1])]

    def _pick(self, options: tuple[str, ...]) -> str:
        return options[int(self.random() * len(options))]

    def _home(self, borough: str | None = None) -> _Home:
        random_ = self.random
        if borough is None:
            district = self._pick(self.districts)
            borough = self.borough_of[district]
        else:
            district = self._pick(self.districts_of[borough])
        sector = int(random_() * 10)
        first, second = int(random_() * 20), int(random_() * 20)
        postcode = f"{district} {sector}{_INWARD_LETTERS[first]}{_INWARD_LETTERS[second]}"
        # Neighbouring units share a street, so families with one postcode live on one street.
        unit = (sector * 400 + first * 20 + second) // UNITS_PER_STREET
        streets = self.streets[district]
        street = streets[unit * 2654435761 % len(streets)]
        number = int(random_() * 180) + 1
        house = f"Flat {int(random_() * 24) + 1}, {number}" if random_() < FLAT_RATE else str(number)
        stem, _, suffix = street.rpartition(" ")
        town = _TOWNS.get(district, "London")
        short = f"{house} {stem} {_STREET_ABBREVIATIONS.get(suffix, suffix)}"
        return _Home(f"{house} {street}, {town}", short, postcode, district, borough)

    def _school(self, home: _Home, primary: bool) -> _School:
        schools = self.local_schools[home.district, primary]
        if not schools or self.random() >= LOCAL_SCHOOL_RATE:
            schools = self.schools[home.borough, primary]
        return schools[int(self.random() * len(schools))]

    def _family(self) -> _Family:
        random_ = self.random
        surname_group = self._group()
        names = self._group() if random_() < MIXED_FAMILY_RATE else surname_group
        surname = self._pick(surname_group.surnames)
        double = surname in _SPACED_DOUBLE_SURNAMES
        if random_() < DOUBLE_SURNAME_RATE:
            other = self._pick(surname_group.surnames)
            if other != surname and " " not in surname + other:
                surname, double = f"{surname}-{other}", True
        home = self._home()
        partner_home = self._home(home.borough) if random_() < MOVED_HOUSE_RATE else home
        return _Family(
            names=names,
            surname=surname,
            double_surname=double,
            home=home,
            partner_home=partner_home,
            la_number=_LA_NUMBERS[home.borough],
            primary=self._school(home, primary=True),
            secondary=self._school(home, primary=False),
        )

    def _births(self, count: int, twins: bool) -> list[int]:
        """Dates of birth (ordinals) of a family's children, eldest first."""
        low, high = SIBLING_GAP_DAYS
        gaps = [0 if twins and index == 1 else low + int(self.random() * (high - low)) for index in range(1, count)]
        room = self.last_born - self.first_born - sum(gaps)
        day = self.first_born + int(self.random() * max(room, 1))
        births = [day]
        for gap in gaps:
            day = min(day + gap, self.last_born)
            births.append(day)
        return births

    # --- The loop --------------------------------------------------------------------------------

    def generate(
        self, left_only: int, right_only: int, both: int
    ) -> tuple[list[_Row], list[_Row], list[tuple[int, int]]]:
        """Rows of our list and the partner's, families together, and the (left, right) rows of each shared child."""
        random_ = self.random
        remaining = [both, left_only, right_only]
        left_rows: list[_Row] = []
        right_rows: list[_Row] = []
        pairs: list[tuple[int, int]] = []
        serial = 0
        while True:
            to_place = remaining[0] + remaining[1] + remaining[2]
            if not to_place:
                break
            family = self._family()
            twins = random_() < TWIN_FAMILY_RATE
            size = bisect(self.family_size_weights, random_() * self.family_size_weights[-1]) + 1
            size = min(max(size, 2) if twins else size, to_place)
            family_lists = self._lists(remaining)
            given: list[str] = []
            female = False
            for index, born in enumerate(self._births(size, twins)):
                serial += 1
                if not (twins and index == 1):
                    female = random_() < 0.5
                elif random_() >= TWINS_SAME_SEX_RATE:
                    female = not female  # twins of different sexes
                options = family.names.female if female else family.names.male
                first = self._pick(options)
                while first in given:
                    first = self._pick(options)
                given.append(first)
                middle = ""
                if random_() < MIDDLE_NAME_RATE:
                    middle = self._pick(options)
                    if middle == first:
                        middle = ""
                lists = family_lists if random_() < FAMILY_SAME_LISTS_RATE and remaining[family_lists] else None
                if lists is None:
                    lists = self._lists(remaining)
                remaining[lists] -= 1
                child = (first, middle, female, born, serial, self._school_of(family, born))
                if lists != _RIGHT:
                    left_rows.append(self._left_row(family, child))
                if lists != _LEFT:
                    right_rows.append(self._right_row(family, child, options))
                if lists == _BOTH:
                    pairs.append((len(left_rows) - 1, len(right_rows) - 1))
        return left_rows, right_rows, pairs

    def _lists(self, remaining: list[int]) -> int:
        """Both lists, ours only or the partner's only, in proportion to the places still to fill."""
        draw = self.random() * (remaining[0] + remaining[1] + remaining[2])
        if draw < remaining[0]:
            return _BOTH
        return _LEFT if draw < remaining[0] + remaining[1] else _RIGHT

    def _school_of(self, family: _Family, born: int) -> _School:
        school = family.primary if born >= self.first_primary_birthday else family.secondary
        if self.random() < OTHER_SCHOOL_RATE:
            school = self._school(family.home, school.primary)
        return school

    # --- Writing a child as each list does -------------------------------------------------------

    def _left_row(self, family: _Family, child: _Child) -> _Row:
        random_ = self.random
        first, middle, female, born, serial, school = child
        forenames = f"{first} {middle}" if middle else first
        surname = family.surname
        if random_() < LEFT_ACCENTS_DROPPED_RATE:
            forenames, surname = _plain(forenames), _plain(surname)
        home = family.home
        return (
            forenames,
            surname,
            self.iso_dates[born - self.date_base],
            "F" if female else "M",
            home.postcode,
            home.address,
            school.name,
            self._nhs_number(serial) if random_() < LEFT_NHS_NUMBER_RATE else "",
            self._upn(serial, family.la_number) if random_() < LEFT_UPN_RATE else "",
        )

    def _right_row(self, family: _Family, child: _Child, options: tuple[str, ...]) -> _Row:
        random_ = self.random
        first, middle, female, born, serial, school = child
        surname = family.surname
        if family.double_surname and random_() < DOUBLE_SURNAME_ONE_PART_RATE:
            parts = surname.replace("-", " ").split(" ")
            surname = parts[0] if random_() < 0.7 else parts[-1]
        if random_() < NICKNAME_RATE and (first, female) in self.other_forms:
            first = self._pick(self.other_forms[first, female])
        if random_() < MIDDLE_NAME_CHANGED_RATE:
            middle = "" if middle else self._pick(options)
        if random_() < ACCENTS_DROPPED_RATE:
            first, middle, surname = _plain(first), _plain(middle), _plain(surname)
        if random_() < FORENAME_TYPO_RATE:
            first = self._typo(first)
        if random_() < SURNAME_TYPO_RATE:
            surname = self._typo(surname)
        forenames = f"{first} {middle}" if middle else first
        if random_() < NAMES_SWAPPED_RATE:
            forenames, surname = surname, forenames

        home = family.partner_home
        upper = random_() < UPPER_CASE_RATE
        address = home.short_address if random_() < ADDRESS_ABBREVIATED_RATE else home.address
        if random_() < ADDRESS_MISSING_RATE:
            address = ""
        if upper:
            forenames, surname, address = forenames.upper(), surname.upper(), address.upper()
        postcode = home.postcode
        if random_() < POSTCODE_NO_SPACE_RATE:
            postcode = postcode.replace(" ", "")
        if random_() < POSTCODE_LOWER_CASE_RATE:
            postcode = postcode.lower()
        if random_() < POSTCODE_MISSING_RATE:
            postcode = ""

        draw = random_()
        sex = "Female" if female else "Male"
        if draw < SEX_MISSING_RATE:
            sex = ""
        elif draw < SEX_MISSING_RATE + SEX_WRONG_RATE:
            sex = "Male" if female else "Female"
        school_name = school.short_name if random_() < SCHOOL_SHORT_NAME_RATE else school.name
        if random_() < SCHOOL_MISSING_RATE:
            school_name = ""

        nhs_number = ""
        if random_() < RIGHT_NHS_NUMBER_RATE:
            nhs_number = self._nhs_number(serial)
            if random_() < IDENTIFIER_ERROR_RATE:
                nhs_number = self._digits_swapped(nhs_number)
            if random_() < NHS_NUMBER_SPACED_RATE:
                nhs_number = f"{nhs_number[:3]} {nhs_number[3:6]} {nhs_number[6:]}"
        upn = ""
        if random_() < RIGHT_UPN_RATE:
            upn = self._upn(serial, family.la_number)
            if random_() < IDENTIFIER_ERROR_RATE:
                upn = self._digit_changed(upn, 1 + int(random_() * 12))
        return (
            forenames,
            surname,
            self._partner_date(born),
            sex,
            postcode,
            address,
            school_name,
            nhs_number,
            upn,
        )

    def _partner_date(self, born: int) -> str:
        """The date of birth day first ("03/04/2015"), sometimes with a mistake in it."""
        draw = self.random()
        if draw >= DAY_MONTH_SWAPPED_RATE + DATE_DIGIT_WRONG_RATE + YEAR_OFF_BY_ONE_RATE:
            return self.uk_dates[born - self.date_base]
        day = date.fromordinal(born)
        if draw < DAY_MONTH_SWAPPED_RATE:
            if day.day <= 12 and day.day != day.month:
                return f"{day.month:02d}/{day.day:02d}/{day.year}"
            return self.uk_dates[born - self.date_base]
        if draw < DAY_MONTH_SWAPPED_RATE + DATE_DIGIT_WRONG_RATE:
            written = self.uk_dates[born - self.date_base]
            for _ in range(10):
                wrong = self._digit_changed(written, (0, 1, 3, 4, 8, 9)[int(self.random() * 6)])
                if _valid_uk_date(wrong):
                    return wrong
        year = day.year + (1 if self.random() < 0.5 else -1)
        return f"{min(day.day, 28) if day.month == 2 else day.day:02d}/{day.month:02d}/{year}"

    # --- Mistakes --------------------------------------------------------------------------------

    def _typo(self, text: str) -> str:
        """One letter inserted, deleted, changed, or two neighbours swapped."""
        if len(text) < 2:
            return text
        random_ = self.random
        at = int(random_() * len(text))
        letter = _TYPO_LETTERS[int(random_() * 26)]
        if text[at].isupper():
            letter = letter.upper()
        kind = int(random_() * 4)
        if kind == 0:
            return text[:at] + letter + text[at:]
        if kind == 1:
            return text[:at] + text[at + 1 :]
        if kind == 2:
            if letter == text[at]:
                letter = "e" if letter != "e" else "a"
            return text[:at] + letter + text[at + 1 :]
        at = min(at, len(text) - 2)
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]

    def _digits_swapped(self, digits: str) -> str:
        at = int(self.random() * (len(digits) - 1))
        if digits[at] == digits[at + 1]:
            return self._digit_changed(digits, at)
        return digits[:at] + digits[at + 1] + digits[at] + digits[at + 2 :]

    def _digit_changed(self, text: str, at: int) -> str:
        digit = (int(text[at]) + 1 + int(self.random() * 9)) % 10
        return f"{text[:at]}{digit}{text[at + 1 :]}"

    # --- Identifiers -----------------------------------------------------------------------------

    def _nhs_number(self, serial: int) -> str:
        """A valid NHS number (modulus 11 check digit), the same one for the same serial."""
        multiplier, offset = self.nhs_map
        rest = (serial * multiplier + offset) % 10**8
        first_sums, middle_sums, last_sums = _NHS_SUMS
        # At most one first digit makes the check digit 10 (not allowed), so one of two will do.
        for first in (4, 6) if serial % 2 else (6, 4):
            body = first * 10**8 + rest
            total = first_sums[body // 10**6] + middle_sums[body // 1000 % 1000] + last_sums[body % 1000]
            check = (11 - total % 11) % 11
            if check != 10:
                break
        return f"{body:09d}{check}"

    def _upn(self, serial: int, la_number: str) -> str:
        """A UPN: check letter, the local authority's number and nine more digits."""
        multiplier, offset = self.upn_map
        rest = (serial * multiplier + offset) % 10**9
        sums = _UPN_SUMS
        total = sums[0][int(la_number)] + sums[1][rest // 10**6] + sums[2][rest // 1000 % 1000] + sums[3][rest % 1000]
        return f"{_UPN_CHECK_LETTERS[total % 23]}{la_number}{rest:09d}"


def _valid_uk_date(text: str) -> bool:
    try:
        date(int(text[6:]), int(text[3:5]), int(text[:2]))
    except ValueError:
        return False
    return True
