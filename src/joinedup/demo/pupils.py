"""Synthetic school returns and wellbeing surveys for the demo schools, for identification.

:func:`pupil_returns_build` is pure: from the demo schools and a seed it returns what each
school's MIS export and the survey tool would give, in the canonical columns of
:data:`~joinedup.rules.SCHOOL_DATA_COLUMNS` and :data:`~joinedup.rules.SURVEY_COLUMNS`, every
cell as text exactly as a CSV holds it ("" is blank). The demo writes the rows out with
:meth:`PupilReturns.write_csv` and loads them through the real importer, so the demo shows what a
borough would see.

The point is the correlations. Each pupil has two hidden factors: economic disadvantage (partly
shared by the school's intake) and a wider need that goes with it. Free school meals and pupil
premium follow the first; attendance, attainment, special educational needs, SDQ scores,
exclusions and social care involvement follow both, each with its own noise. So disadvantaged
pupils attend less, more of them are below the expected standard, and more of them report
difficulties (the gaps a little smaller than the published national ones), and some are at risk
in several areas at once: with the default rule set about one pupil in eight is proposed.
Ethnicity and home language are drawn from the name groups and do not move the hidden factors
(only learning English as an additional language lowers attainment a little in the first years).

Everything is synthetic. Names are common forenames and surnames combined at random; UPNs have a
valid check letter and the boroughs' real LA numbers, but invented establishment numbers in the
9000s; postcodes are random inward codes in the schools' real districts. Each part draws from its
own ``random.Random`` stream derived from the seed, and ages are measured from a fixed
``reference`` date, so the same arguments give identical rows on any machine on any day.

Example::

    schools = [DemoSchool("912345", "primary", ("W6", "W12"))]
    returns = pupil_returns_build(schools, seed=2026, pupils=200)
    school_data, survey = returns.write_csv(folder)
    data = read_pupils(school_data, survey)  # no problems
"""

from __future__ import annotations

import csv
import math
import random
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Final

from joinedup.demo.names import BOROUGHS, NAME_GROUPS, NameGroup
from joinedup.rules import SCHOOL_DATA_COLUMNS, SURVEY_COLUMNS

__all__ = [
    "REFERENCE_DATE",
    "DemoSchool",
    "PlantedError",
    "PupilReturns",
    "pupil_returns_build",
    "upn_check_letter",
]

# The same date as joinedup.demo.generator.REFERENCE_DATE (a test keeps them equal). Not imported
# from there: that module needs Django set up, and this one is pure.
REFERENCE_DATE: Final = date(2026, 9, 1)

SCHOOL_DATA_FILE: Final = "school-data.csv"
SURVEY_FILE: Final = "survey.csv"

_YEARS: Final = {"primary": tuple(range(7)), "secondary": tuple(range(7, 12))}
# The measures the programme uses: reading, writing and maths in primary; English and maths in
# secondary, where the reading and writing columns are left blank, as a secondary export has them.
_SUBJECTS: Final = {"primary": ("reading", "writing", "maths"), "secondary": ("maths", "english")}
# DfE local authority numbers, the first three digits of a UPN after the check letter.
_LA_NUMBERS: Final = {
    "Brent": "304",
    "Westminster": "213",
    "Hammersmith and Fulham": "205",
    "Kensington and Chelsea": "207",
}
_LA_BY_DISTRICT: Final = {district: _LA_NUMBERS[b.name] for b in BOROUGHS for district in b.districts}
_UNKNOWN_LA: Final = "999"
# Invented establishment numbers for the UPNs (real schools' numbers are given by the DfE).
_FIRST_ESTABLISHMENT: Final = 9000
# The check letter stands for the weighted sum modulo 23; I, O and S are never used.
_CHECK_LETTERS: Final = "ABCDEFGHJKLMNPQRTUVWXYZ"
# Letters allowed in the last two places of a UK postcode (never C, I, K, M, O or V).
_INWARD_LETTERS: Final = "ABDEFGHJLNPQRSTUWXYZ"

# Short labels for the DfE major ethnic groups, one per name group; mixed-heritage households
# (the second parent from another group) are "Mixed".
_ETHNICITY: Final = {
    "english": "White British",
    "irish": "White Irish",
    "caribbean": "Black Caribbean",
    "west_african": "Black African",
    "somali": "Black African",
    "eritrean_ethiopian": "Black African",
    "pakistani": "Asian Pakistani",
    "indian": "Asian Indian",
    "bangladeshi": "Asian Bangladeshi",
    "arabic": "Other",
    "polish": "White Other",
    "romanian": "White Other",
    "portuguese_brazilian": "White Other",
    "spanish_latin_american": "Other",
    "filipino": "Asian Other",
    "afghan": "Asian Other",
    "iranian": "Other",
}
_MIXED_SHARE: Final = 0.07

# The model's parameters. Each hidden factor is about normal, mean 0, spread 1.
#
# With the default rule set (at risk in three areas or more) a pupil is proposed when risks
# coincide, and with the subjects about as correlated as real teacher assessments, each subject
# a third below, more than a fifth of pupils would be: at random alone, three primary subjects
# a third below with the other areas gives 16%. So a subject is below the expected standard for
# about 22% of pupils (at KS2 about a quarter nationally, fewer in London), and about 12% of pupils
# are proposed (11% to 15% across seeds).
#
# Spread of the schools' intakes on the disadvantage factor (some schools are much poorer).
_SCHOOL_SPREAD: Final = 0.35
# Free school meals when the disadvantage factor is above this: about a quarter of pupils.
_FSM_CUT: Final = 0.72
# Pupil premium also covers some pupils on free school meals in the last six years (just under the
# cut) and looked-after children: about 28% in all.
_EVER_FSM_BAND: Final = 0.45
_EVER_FSM_SHARE: Final = 0.2
# Absence (per cent of sessions) is log-normal: mean attendance about 94%, about 16% persistently
# absent (below 90%), 28% of pupils on free school meals and 12% of the others.
_ABSENCE_LOG: Final = 1.5
_ABSENCE_SPREAD: Final = 0.72
_ABSENCE_DISADVANTAGE: Final = 0.17
_ABSENCE_NEED: Final = 0.15
# Attainment: a general level from the factors, then each subject with its own noise; a subject
# below _BELOW_CUT is below the expected standard (about 31% of pupils on free school meals, 19% of
# the others), above _ABOVE_CUT is above it (about 21%).
_ATTAINMENT_DISADVANTAGE: Final = 0.2
_ATTAINMENT_NEED: Final = 0.3
_GENERAL_WEIGHT: Final = 0.55
_SUBJECT_NOISE: Final = 0.85
_BELOW_CUT: Final = -0.8
_ABOVE_CUT: Final = 0.75
# Girls do a little better in reading and writing, boys a little in maths: (girl, boy).
_SUBJECT_SHIFT: Final = {
    "reading": (0.1, -0.1),
    "writing": (0.2, -0.2),
    "maths": (-0.05, 0.05),
    "english": (0.15, -0.15),
}
# Share of primary schools whose Year 6 reading and maths come as KS2-style scaled scores.
_SCALED_SCORE_SCHOOLS: Final = 0.25
# SEN: EHC plan above the first cut (about 3%), SEN support above the second (about 12%).
_EHC_CUT: Final = 2.35
_SEN_SUPPORT_CUT: Final = 1.35
# Suspensions: at least one above this cut (about 2% in primary, 10% in secondary).
_EXCLUSION_CUT: Final = 2.7
# Social care: looked after (0.6%), child protection (0.6%), child in need (2.5%) above these cuts.
_LAC_CUT: Final = 3.55
_CP_CUT: Final = 3.25
_CIN_CUT: Final = 2.55
# SDQ subscale scores: exp(base + spread * factor), by who answered; at or over the default
# thresholds about 6% (teacher) to 10% (pupil) on emotional symptoms, 5% to 7% on peer problems.
_SDQ_BASE: Final = {
    "emotional": {"teacher": 0.5, "parent": 0.6, "pupil": 0.75},
    "peer": {"teacher": 0.4, "parent": 0.4, "pupil": 0.35},
    "conduct": {"teacher": 0.05, "parent": 0.4, "pupil": 0.6},
    "hyperactivity": {"teacher": 0.7, "parent": 1.1, "pupil": 1.3},
}
_SDQ_SPREAD: Final = 0.6
# Survey: who answers in each phase (parents now and then), and how many return it.
_RESPONDENTS: Final = {"primary": (("teacher", 92), ("parent", 8)), "secondary": (("pupil", 90), ("parent", 10))}
_NO_RETURN: Final = 0.11
_NO_RETURN_ABSENT: Final = 0.2  # extra, for persistently absent pupils: away on the day
# The Stirling scale is for ages 8 to 15: Years 4 to 10.
_STIRLING_YEARS: Final = range(4, 11)

# Missing cells: each optional column is blank this often (about 1.2% of all cells; 2% of scores).
_MISSING: Final = {
    "postcode": 0.01,
    "attendance_pct": 0.025,
    "reading": 0.025,
    "writing": 0.025,
    "maths": 0.025,
    "english": 0.025,
    "fsm": 0.015,
    "pupil_premium": 0.015,
    "sen": 0.01,
    "eal": 0.02,
    "ethnicity": 0.04,
    "exclusions": 0.02,
}
_SURVEY_MISSING: Final = 0.02


@dataclass(frozen=True, slots=True)
class DemoSchool:
    """A demo school: its URN (six digits), phase (``primary`` or ``secondary``), and its borough's districts."""

    urn: str
    phase: str
    districts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlantedError:
    """A bad cell put in on purpose (``with_errors=True``): where it is, as the importer reports it.

    ``row`` is numbered as a spreadsheet shows it (the header is row 1).
    """

    file: str
    row: int
    column: str
    value: str


@dataclass(frozen=True, slots=True)
class PupilReturns:
    """The school data and survey rows, every value text ("" is blank), and any planted bad cells."""

    school_rows: tuple[dict[str, str], ...]
    survey_rows: tuple[dict[str, str], ...]
    errors: tuple[PlantedError, ...] = ()

    def write_csv(self, folder: Path) -> tuple[Path, Path]:
        """Write ``school-data.csv`` and ``survey.csv`` into ``folder`` (made if need be); return their paths."""
        folder.mkdir(parents=True, exist_ok=True)
        school_data, survey = folder / SCHOOL_DATA_FILE, folder / SURVEY_FILE
        for path, columns, rows in (
            (school_data, SCHOOL_DATA_COLUMNS, self.school_rows),
            (survey, SURVEY_COLUMNS, self.survey_rows),
        ):
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(columns)
                writer.writerows([row[column] for column in columns] for row in rows)
        return school_data, survey


def upn_check_letter(digits: str) -> str:
    """The check letter of a UPN whose other twelve characters are ``digits`` (DfE's modulo 23 rule).

    Each digit is multiplied by its position in the UPN (the first digit is in position 2), the
    products are added, and the remainder after dividing by 23 picks the letter (A = 0, skipping
    I, O and S).

    >>> upn_check_letter("801200005001")
    'B'
    """
    if len(digits) != 12 or not digits.isdigit():
        raise ValueError(f"A UPN has twelve digits after its check letter; got ‘{digits}’.")
    total = sum(int(digit) * position for position, digit in enumerate(digits, start=2))
    return _CHECK_LETTERS[total % 23]


def pupil_returns_build(
    schools: Sequence[DemoSchool],
    *,
    seed: int,
    pupils: int = 12_000,
    reference: date = REFERENCE_DATE,
    with_errors: bool = False,
) -> PupilReturns:
    """Whole year groups for ``schools``: each school's return and the wellbeing survey, as text cells.

    Pure: no database, no clock, no global random state. Pupils are spread evenly over the
    schools and over their year groups (Reception to Year 6, or Years 7 to 11), with dates of
    birth in the school year that starts on the 1 September on or before ``reference``. About
    85% of pupils have a survey return (a teacher answers in primary, the pupil in secondary,
    now and then a parent).

    Args:
        schools: the demo schools; at least one.
        seed: the same seed (and other arguments) gives identical rows.
        pupils: how many pupils in all.
        reference: the date ages and year groups are measured from.
        with_errors: plant a handful (at most ten) of bad cells, listed in
            :attr:`PupilReturns.errors`, for the demo to show how the importer reports them.
            Off by default, so the rows import without a problem.

    Raises:
        ValueError: no schools, a school's phase is unknown, or a negative number of pupils.

    >>> school = DemoSchool("912345", "primary", ("W6", "W12"))
    >>> returns = pupil_returns_build([school], seed=1, pupils=14)
    >>> len(returns.school_rows), sorted({row["year_group"] for row in returns.school_rows})
    (14, ['0', '1', '2', '3', '4', '5', '6'])
    """
    if not schools:
        raise ValueError("The pupil returns need at least one school.")
    if pupils < 0:
        raise ValueError(f"The number of pupils cannot be negative; {pupils} was asked for.")
    for school in schools:
        if school.phase not in _YEARS:
            raise ValueError(f"School {school.urn}: phase ‘{school.phase}’; expected primary or secondary.")
        if not school.districts:
            raise ValueError(f"School {school.urn}: no postcode districts to give its pupils addresses in.")
    first_year = reference.year if (reference.month, reference.day) >= (9, 1) else reference.year - 1
    builder = _Builder(seed, first_year)
    school_rows: list[dict[str, str]] = []
    survey_rows: list[dict[str, str]] = []
    base, extra = divmod(pupils, len(schools))
    for index, school in enumerate(schools):
        builder.school(school, base + (index < extra), school_rows, survey_rows)
    errors: tuple[PlantedError, ...] = ()
    if with_errors:
        errors = _plant_errors(_stream(seed, "errors"), school_rows, survey_rows)
    return PupilReturns(tuple(school_rows), tuple(survey_rows), errors)


def _stream(seed: int, name: str) -> random.Random:
    # A string seed is hashed with SHA-512 by random.Random: stable across runs and Python builds.
    return random.Random(f"joinedup-demo-pupils:{seed}:{name}")


def _flag(value: bool) -> str:
    return "Y" if value else "N"


class _Builder:
    """Draws pupils school by school; each kind of value has its own stream."""

    def __init__(self, seed: int, first_year: int) -> None:
        self.first_year = first_year
        self.schools_rng = _stream(seed, "schools")
        self.names_rng = _stream(seed, "names")
        self.rng = _stream(seed, "pupils")
        self.survey_rng = _stream(seed, "survey")
        self.missing_rng = _stream(seed, "missing")
        self.groups: tuple[NameGroup, ...] = NAME_GROUPS
        self.group_weights = list(accumulate(group.weight for group in NAME_GROUPS))
        # Per LA and year of allocation, how many UPNs have been handed out.
        self.allocated: dict[tuple[str, int], int] = {}

    def school(
        self, school: DemoSchool, count: int, school_rows: list[dict[str, str]], survey_rows: list[dict[str, str]]
    ) -> None:
        effect = self.schools_rng.gauss(0.0, _SCHOOL_SPREAD)
        scaled_scores = school.phase == "primary" and self.schools_rng.random() < _SCALED_SCORE_SCHOOLS
        years = _YEARS[school.phase]
        base, extra = divmod(count, len(years))
        for index, year in enumerate(years):
            rows = [self.pupil(school, year, effect, scaled_scores) for _ in range(base + (index < extra))]
            # An MIS export lists a year group by surname, then forenames.
            rows.sort(key=lambda pair: (pair[0]["surname"], pair[0]["forenames"]))
            for school_row, survey_row in rows:
                school_rows.append(school_row)
                if survey_row is not None:
                    survey_rows.append(survey_row)

    def upn(self, la: str, allocated_in: int) -> str:
        key = (la, allocated_in)
        number = self.allocated.get(key, 0)
        self.allocated[key] = number + 1
        establishment, serial = divmod(number, 1000)
        if establishment > 9999 - _FIRST_ESTABLISHMENT:
            raise ValueError("Too many demo pupils for the UPN numbering: at most a million per LA and year.")
        digits = f"{la}{_FIRST_ESTABLISHMENT + establishment:04d}{allocated_in % 100:02d}{serial:03d}"
        return upn_check_letter(digits) + digits

    def pupil(
        self, school: DemoSchool, year: int, school_effect: float, scaled_scores: bool
    ) -> tuple[dict[str, str], dict[str, str] | None]:
        gauss, uniform = self.rng.gauss, self.rng.random
        names = self.names_rng
        secondary = school.phase == "secondary"

        # Who: names, sex, date of birth, address, heritage and home language.
        group = self.groups[bisect(self.group_weights, names.random() * self.group_weights[-1])]
        mixed = names.random() < _MIXED_SHARE
        surname_group = (
            self.groups[bisect(self.group_weights, names.random() * self.group_weights[-1])] if mixed else group
        )
        sex = "F" if names.random() < 0.5 else "M"
        given = group.female if sex == "F" else group.male
        forenames = names.choice(given)
        if names.random() < 0.15:
            middle = names.choice(given)
            if middle != forenames:
                forenames = f"{forenames} {middle}"
        surname = names.choice(surname_group.surnames)
        # English school years run from 1 September to 31 August; Reception children turn 5 in theirs.
        born_from = date(self.first_year - 5 - year, 9, 1)
        born_to = date(self.first_year - 4 - year, 8, 31)
        date_of_birth = born_from + timedelta(days=names.randrange((born_to - born_from).days + 1))
        district = names.choice(school.districts)
        postcode = f"{district} {names.randrange(10)}{names.choice(_INWARD_LETTERS)}{names.choice(_INWARD_LETTERS)}"
        languages = group.languages
        language = names.choices([name for name, _ in languages], [weight for _, weight in languages])[0]
        ethnicity = "Mixed" if mixed and surname_group.key != group.key else _ETHNICITY.get(group.key, "Other")
        # The UPN is given in Reception, by the school's LA.
        upn = self.upn(_LA_BY_DISTRICT.get(school.districts[0], _UNKNOWN_LA), self.first_year - year)

        # The hidden factors: disadvantage (partly the school's intake), and need that goes with it.
        disadvantage = school_effect + gauss(0.0, 1.0)
        need = 0.5 * disadvantage + 0.85 * gauss(0.0, 1.0)
        boy = sex == "M"

        fsm = disadvantage > _FSM_CUT
        care_factor = 0.6 * disadvantage + 0.8 * need + 0.7 * gauss(0.0, 1.0)
        social_care = ""
        if care_factor > _LAC_CUT:
            social_care = "LAC"
        elif care_factor > _CP_CUT:
            social_care = "CP"
        elif care_factor > _CIN_CUT:
            social_care = "CIN"
        # Pupil premium: free school meals now or in the last six years, and looked-after children.
        ever_fsm = disadvantage > _FSM_CUT - _EVER_FSM_BAND and uniform() < _EVER_FSM_SHARE
        pupil_premium = fsm or ever_fsm or social_care == "LAC"

        sen_factor = need + (0.3 if boy else 0.0) + 0.6 * gauss(0.0, 1.0)
        sen = "E" if sen_factor > _EHC_CUT else "K" if sen_factor > _SEN_SUPPORT_CUT else "N"

        absence = math.exp(
            _ABSENCE_LOG
            + _ABSENCE_DISADVANTAGE * disadvantage
            + _ABSENCE_NEED * need
            + (0.15 if secondary else 0.0)
            + _ABSENCE_SPREAD * gauss(0.0, 1.0)
        )
        attendance = max(40.0, 100.0 - absence)

        # Attainment: a general level, then each subject with its own noise.
        general = (
            -_ATTAINMENT_DISADVANTAGE * disadvantage
            - _ATTAINMENT_NEED * need
            - (0.4 if sen == "E" else 0.0)
            + 0.75 * gauss(0.0, 1.0)
        )
        if language != "English" and year <= 2:
            general -= 0.2  # still learning English in the first years of school
        attainment = {"reading": "", "writing": "", "maths": "", "english": ""}
        for subject in _SUBJECTS[school.phase]:
            score = _GENERAL_WEIGHT * general + _SUBJECT_SHIFT[subject][boy] + _SUBJECT_NOISE * gauss(0.0, 1.0)
            if scaled_scores and year == 6 and subject in ("reading", "maths"):
                # KS2 scaled scores: 100 is the expected standard, 80 to 120 the range.
                scaled = round(100 + 8 * (score - _BELOW_CUT))
                attainment[subject] = str(min(120, max(80, scaled)))
            else:
                level = "below" if score < _BELOW_CUT else "above" if score > _ABOVE_CUT else "expected"
                attainment[subject] = level

        exclusion_factor = (
            0.45 * need + 0.25 * disadvantage + (0.4 if boy else 0.0) + (0.9 if secondary else 0.0) + gauss(0.0, 1.0)
        )
        exclusions = 0
        if exclusion_factor > _EXCLUSION_CUT:
            exclusions = 1
            while exclusions < 9 and uniform() < 0.35:
                exclusions += 1

        school_row = {
            "upn": upn,
            "forenames": forenames,
            "surname": surname,
            "date_of_birth": date_of_birth.strftime("%d/%m/%Y"),
            "sex": sex,
            "year_group": str(year),
            "school_urn": school.urn,
            "postcode": postcode,
            "attendance_pct": f"{attendance:.1f}",
            **attainment,
            "fsm": _flag(fsm),
            "pupil_premium": _flag(pupil_premium),
            "sen": sen,
            "eal": _flag(language != "English"),
            "ethnicity": ethnicity,
            "exclusions": str(exclusions),
            "social_care_status": social_care,
        }
        missing = self.missing_rng.random
        for column, share in _MISSING.items():
            if missing() < share:
                school_row[column] = ""
        return school_row, self.survey(upn, school.phase, year, sex, disadvantage, need, attendance)

    def survey(
        self, upn: str, phase: str, year: int, sex: str, disadvantage: float, need: float, attendance: float
    ) -> dict[str, str] | None:
        rng = self.survey_rng
        gauss = rng.gauss
        if rng.random() < _NO_RETURN + (_NO_RETURN_ABSENT if attendance < 90 else 0.0):
            return None
        respondents = _RESPONDENTS[phase]
        respondent = rng.choices([who for who, _ in respondents], [weight for _, weight in respondents])[0]
        girl = sex == "F"
        teenage_girl = girl and year >= 7
        factors = {
            "emotional": 0.2 * disadvantage + 0.5 * need + (0.45 if teenage_girl else 0.1 if girl else 0.0),
            "peer": 0.2 * disadvantage + 0.45 * need + (0.0 if girl else 0.15),
            "conduct": 0.25 * disadvantage + 0.4 * need + (0.0 if girl else 0.3),
            "hyperactivity": 0.15 * disadvantage + 0.45 * need + (0.0 if girl else 0.4),
        }
        scores = {
            scale: min(10, int(math.exp(_SDQ_BASE[scale][respondent] + _SDQ_SPREAD * (factor + gauss(0.0, 1.0)))))
            for scale, factor in factors.items()
        }
        emotional, peer = scores["emotional"], scores["peer"]
        stirling = ""
        if year in _STIRLING_YEARS:
            # Lower wellbeing goes with more difficulties.
            value = 46 - 1.1 * emotional - 0.8 * peer - 0.5 * need + gauss(0.0, 5.5)
            stirling = str(min(60, max(12, round(value))))
        row = {
            "upn": upn,
            "respondent": respondent,
            "sdq_emotional": str(emotional),
            "sdq_peer": str(peer),
            "sdq_total": str(sum(scores.values())),
            "stirling_total": stirling,
        }
        missing = self.missing_rng.random
        for column in ("sdq_emotional", "sdq_peer", "stirling_total"):
            if missing() < _SURVEY_MISSING:
                row[column] = ""
        # The total is the sum of four subscales: unknown when one of them is.
        if not row["sdq_emotional"] or not row["sdq_peer"]:
            row["sdq_total"] = ""
        return row


# A mistake: the column, the bad value to write given the row, and which rows it fits.
_Mistake = tuple[str, Callable[[dict[str, str]], str], Callable[[dict[str, str]], bool]]


def _plant_errors(
    rng: random.Random, school_rows: list[dict[str, str]], survey_rows: list[dict[str, str]]
) -> tuple[PlantedError, ...]:
    """Put in mistakes real returns have, each where the importer reports exactly one problem.

    A bad cell in the school data drops the pupil's row, and a survey return for a dropped pupil
    would be a second problem, so the school data mistakes go to pupils without a return. Each
    mistake goes to a row where it is plausible (Reception written as "R", a KS2 teacher
    assessment code in a primary subject); one mistake a row, at most ten in all.
    """
    surveyed = {row["upn"] for row in survey_rows}
    upns = {row["upn"] for row in school_rows}
    levels = ("below", "expected", "above")

    def swapped(row: dict[str, str]) -> str:
        # A typing slip: two neighbouring digits swapped, giving a UPN that matches no pupil.
        upn = row["upn"]
        swaps = (upn[: i - 1] + upn[i] + upn[i - 1] + upn[i + 1 :] for i in range(12, 1, -1))
        return next((swap for swap in swaps if swap not in upns), upn[0] + "9" * 12)

    school_mistakes: list[_Mistake] = [
        ("date_of_birth", lambda row: f"31/02/{row['date_of_birth'][-4:]}", lambda row: True),
        ("attendance_pct", lambda row: "105", lambda row: row["attendance_pct"] != ""),
        ("reading", lambda row: "4b", lambda row: row["reading"] in levels),  # an old national curriculum level
        ("maths", lambda row: "n/k", lambda row: row["maths"] in levels and row["english"] == ""),  # "not known"
        ("fsm", lambda row: "Yes", lambda row: row["fsm"] == "Y"),
        ("year_group", lambda row: "R", lambda row: row["year_group"] == "0"),
        ("exclusions", lambda row: "n/a", lambda row: row["exclusions"] == "0"),
    ]
    survey_mistakes: list[_Mistake] = [
        ("sdq_emotional", lambda row: "12", lambda row: row["sdq_emotional"] != ""),
        ("stirling_total", lambda row: "8", lambda row: row["stirling_total"] != ""),
        ("upn", swapped, lambda row: True),
    ]
    return (
        *_plant(rng, SCHOOL_DATA_FILE, school_rows, school_mistakes, lambda row: row["upn"] not in surveyed),
        *_plant(rng, SURVEY_FILE, survey_rows, survey_mistakes, lambda row: True),
    )


def _plant(
    rng: random.Random,
    file: str,
    rows: list[dict[str, str]],
    mistakes: list[_Mistake],
    allowed: Callable[[dict[str, str]], bool],
) -> list[PlantedError]:
    """Write each mistake into a different row that fits it; a mistake no row fits is left out."""
    used: set[int] = set()
    errors: list[PlantedError] = []
    for column, bad_value, fits in mistakes:
        candidates = [i for i, row in enumerate(rows) if i not in used and allowed(row) and fits(row)]
        if not candidates:
            continue
        index = rng.choice(candidates)
        used.add(index)
        value = rows[index][column] = bad_value(rows[index])
        errors.append(PlantedError(file, index + 2, column, value))
    return sorted(errors, key=lambda error: error.row)
