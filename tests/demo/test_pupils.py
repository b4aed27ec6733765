"""Synthetic school returns and surveys: deterministic, importable as they are, and realistic enough to screen."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from statistics import mean

import pytest

from joinedup.demo import generator
from joinedup.demo.names import BOROUGHS, SCHOOLS
from joinedup.demo.pupils import REFERENCE_DATE, DemoSchool, PupilReturns, pupil_returns_build, upn_check_letter
from joinedup.rules import SCHOOL_DATA_COLUMNS, SURVEY_COLUMNS, Pupil, PupilData, RuleSet, identify, read_pupils

PUPILS = 2000
SEED = 2026
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$")
UPN = re.compile(r"^[A-HJ-NP-RT-Z]\d{12}$")
DEMO_SCHOOLS = tuple(
    DemoSchool(str(900001 + index), spec.phase, borough.districts)
    for index, (borough, spec) in enumerate((borough, spec) for borough in BOROUGHS for spec in SCHOOLS[borough.name])
)
PHASE = {school.urn: school.phase for school in DEMO_SCHOOLS}


@pytest.fixture(scope="module")
def returns() -> PupilReturns:
    return pupil_returns_build(DEMO_SCHOOLS, seed=SEED, pupils=PUPILS)


@pytest.fixture(scope="module")
def read_back(returns: PupilReturns, tmp_path_factory: pytest.TempPathFactory) -> PupilData:
    school_data, survey = returns.write_csv(tmp_path_factory.mktemp("returns"))
    return read_pupils(school_data, survey)


def _below(value: str | float | None) -> bool:
    return value == "below" or (isinstance(value, float) and value < 100)


def _share(pupils: list[Pupil], test: Callable[[Pupil], object]) -> float:
    return sum(1 for pupil in pupils if test(pupil)) / len(pupils)


def test_same_seed_gives_the_same_rows_and_another_seed_different_ones(returns: PupilReturns) -> None:
    again = pupil_returns_build(DEMO_SCHOOLS, seed=SEED, pupils=PUPILS)
    other = pupil_returns_build(DEMO_SCHOOLS, seed=SEED + 1, pupils=PUPILS)

    assert again == returns
    assert other.school_rows != returns.school_rows
    assert other.survey_rows != returns.survey_rows


def test_rows_are_text_in_the_canonical_columns(returns: PupilReturns) -> None:
    assert len(returns.school_rows) == PUPILS
    assert all(tuple(row) == SCHOOL_DATA_COLUMNS for row in returns.school_rows)
    assert all(tuple(row) == SURVEY_COLUMNS for row in returns.survey_rows)
    cells = [value for row in (*returns.school_rows, *returns.survey_rows) for value in row.values()]
    assert all(isinstance(value, str) for value in cells)
    assert returns.errors == ()


def test_the_default_rows_import_without_a_problem(returns: PupilReturns, read_back: PupilData) -> None:
    assert read_back.problems == []
    assert len(read_back.pupils) == PUPILS
    assert 0.8 <= len(returns.survey_rows) / PUPILS <= 0.9


def test_pupils_are_spread_evenly_over_schools_and_year_groups(read_back: PupilData) -> None:
    by_school: dict[str, int] = {}
    by_year: dict[tuple[str, int], int] = {}
    for pupil in read_back.pupils:
        by_school[pupil.school_urn] = by_school.get(pupil.school_urn, 0) + 1
        by_year[(pupil.school_urn, pupil.year_group)] = by_year.get((pupil.school_urn, pupil.year_group), 0) + 1

    assert set(by_school) == set(PHASE)
    assert max(by_school.values()) - min(by_school.values()) <= 1
    for (urn, year), count in by_year.items():
        expected_years = range(7) if PHASE[urn] == "primary" else range(7, 12)
        assert year in expected_years
        assert abs(count - by_school[urn] / len(expected_years)) <= 1


def test_dates_of_birth_fit_the_year_group(read_back: PupilData) -> None:
    for pupil in read_back.pupils:
        assert pupil.date_of_birth is not None
        # Year 6 in 2026/27: born 1 September 2015 to 31 August 2016.
        first = date(REFERENCE_DATE.year - 5 - pupil.year_group, 9, 1)
        last = date(REFERENCE_DATE.year - 4 - pupil.year_group, 8, 31)
        assert first <= pupil.date_of_birth <= last, pupil


def test_a_later_reference_date_moves_the_school_year() -> None:
    school = DemoSchool("900001", "primary", ("W6",))
    rows = pupil_returns_build([school], seed=1, pupils=70, reference=date(2028, 3, 1)).school_rows
    # 1 March 2028 is in the school year that started on 1 September 2027.
    year_six = [row["date_of_birth"] for row in rows if row["year_group"] == "6"]
    assert year_six
    assert all(date(2016, 9, 1) <= _uk_date(text) <= date(2017, 8, 31) for text in year_six)


def _uk_date(text: str) -> date:
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)


def test_reference_date_is_the_demo_generators() -> None:
    assert REFERENCE_DATE == generator.REFERENCE_DATE


def test_upns_are_unique_and_valid(read_back: PupilData) -> None:
    upns = [pupil.upn for pupil in read_back.pupils]

    assert len(set(upns)) == len(upns)
    assert all(UPN.match(upn) for upn in upns)
    assert all(upn[0] == upn_check_letter(upn[1:]) for upn in upns)
    # Issued by the school's LA (Brent is 304), with invented establishment numbers in the 9000s.
    assert {upn[1:4] for upn in upns} == {"304", "213", "205", "207"}
    assert all(upn[4] == "9" for upn in upns)


def test_upn_check_letter_matches_published_examples() -> None:
    # python-stdnum's example of a valid UPN.
    assert upn_check_letter("801200005001") == "B"
    # By hand: 2*2 + 7*4 + 1*9 + 6*10 + 4*12 + 9*13 = 266, and 266 = 11*23 + 13; the 14th letter
    # without I and O is P.
    assert upn_check_letter("207000016049") == "P"
    with pytest.raises(ValueError, match="twelve digits"):
        upn_check_letter("2070000160")


def test_postcodes_are_in_the_schools_borough(read_back: PupilData) -> None:
    districts = {school.urn: set(school.districts) for school in DEMO_SCHOOLS}
    postcodes = [(pupil.school_urn, pupil.postcode) for pupil in read_back.pupils if pupil.postcode is not None]

    assert len(postcodes) > 0.95 * PUPILS
    for urn, postcode in postcodes:
        assert POSTCODE.match(postcode), postcode
        assert postcode.split(" ")[0] in districts[urn]


def test_subjects_follow_the_phase(read_back: PupilData) -> None:
    for pupil in read_back.pupils:
        if PHASE[pupil.school_urn] == "primary":
            assert pupil.english is None
        else:
            assert pupil.reading is None
            assert pupil.writing is None
    # A few primary schools send Year 6 reading and maths as KS2 scaled scores.
    scores = [
        (p.year_group, PHASE[p.school_urn], value)
        for p in read_back.pupils
        for value in (p.reading, p.writing, p.maths)
        if isinstance(value, float)
    ]
    assert 0 < len(scores) < 0.05 * PUPILS
    assert all(year == 6 and phase == "primary" and 80 <= value <= 120 for year, phase, value in scores)


def test_survey_answers_hang_together(read_back: PupilData) -> None:
    answered = [pupil for pupil in read_back.pupils if pupil.respondent is not None]

    for pupil in answered:
        expected = {"teacher", "parent"} if PHASE[pupil.school_urn] == "primary" else {"pupil", "parent"}
        assert pupil.respondent in expected
        if pupil.sdq_total is not None:
            assert pupil.sdq_emotional is not None
            assert pupil.sdq_peer is not None
            assert pupil.sdq_total >= pupil.sdq_emotional + pupil.sdq_peer
        if pupil.stirling_total is not None:
            assert 4 <= pupil.year_group <= 10
    assert 0.05 < _share(answered, lambda p: p.respondent == "parent") < 0.15
    # Lower wellbeing goes with more emotional difficulties.
    pairs = [
        (p.sdq_emotional, p.stirling_total)
        for p in answered
        if p.stirling_total is not None and p.sdq_emotional is not None
    ]
    high = [stirling for emotional, stirling in pairs if emotional >= 5]
    low = [stirling for emotional, stirling in pairs if emotional <= 2]
    assert mean(high) < mean(low) - 5


def test_the_shares_are_like_these_boroughs(read_back: PupilData) -> None:
    pupils = read_back.pupils
    attendance = [p.attendance_pct for p in pupils if p.attendance_pct is not None]

    assert 0.2 <= _share(pupils, lambda p: p.fsm) <= 0.3
    assert _share(pupils, lambda p: p.pupil_premium) > _share(pupils, lambda p: p.fsm)
    assert 93 <= mean(attendance) <= 95
    assert 0.12 <= sum(1 for value in attendance if value < 90) / len(attendance) <= 0.2
    assert 0.1 <= _share(pupils, lambda p: p.sen == "K") <= 0.16
    assert 0 < _share(pupils, lambda p: p.social_care_status in ("CP", "LAC")) < 0.03
    assert _share(pupils, lambda p: p.exclusions == 0) > 0.9


def test_disadvantaged_pupils_attend_less_attain_less_and_report_more_difficulties(read_back: PupilData) -> None:
    fsm = [p for p in read_back.pupils if p.fsm is True]
    others = [p for p in read_back.pupils if p.fsm is False]

    def attendance(group: list[Pupil]) -> float:
        return mean(p.attendance_pct for p in group if p.attendance_pct is not None)

    def below(group: list[Pupil]) -> float:
        values = [getattr(p, s) for p in group for s in ("reading", "writing", "maths", "english")]
        known = [value for value in values if value is not None]
        return sum(map(_below, known)) / len(known)

    def difficulties(group: list[Pupil]) -> float:
        pairs = [(p.sdq_emotional, p.sdq_peer) for p in group]
        return mean(emotional + peer for emotional, peer in pairs if emotional is not None and peer is not None)

    assert attendance(fsm) < attendance(others) - 1.5
    assert below(fsm) > below(others) + 0.08
    assert difficulties(fsm) > difficulties(others) + 0.5
    assert _share(fsm, lambda p: p.sen in ("K", "E")) > _share(others, lambda p: p.sen in ("K", "E"))


def test_the_default_rules_propose_about_one_pupil_in_eight(read_back: PupilData) -> None:
    results = identify(read_back.pupils, RuleSet())
    proposed = sum(result.proposed for result in results) / len(results)

    assert 0.08 <= proposed <= 0.15
    assert any(result.route == "social_care" for result in results)


def test_about_one_cell_in_a_hundred_is_blank(returns: PupilReturns) -> None:
    # Blank by design: no social care, English in primary, reading and writing in secondary.
    structural = {"social_care_status"}
    blank = total = 0
    for row in returns.school_rows:
        by_phase = {"english"} if PHASE[row["school_urn"]] == "primary" else {"reading", "writing"}
        for column, value in row.items():
            if column in structural or column in by_phase:
                continue
            total += 1
            blank += value == ""
    assert 0.005 <= blank / total <= 0.02


def test_planted_errors_are_exactly_the_problems_reported(tmp_path: Path, returns: PupilReturns) -> None:
    messy = pupil_returns_build(DEMO_SCHOOLS, seed=SEED, pupils=PUPILS, with_errors=True)
    school_data, survey = messy.write_csv(tmp_path)
    data = read_pupils(school_data, survey)

    assert 0 < len(messy.errors) <= 10
    reported = sorted((p.file, p.row, p.column, p.value) for p in data.problems)
    planted = sorted((e.file, e.row, e.column, e.value) for e in messy.errors)
    assert reported == planted
    # Nothing else changes: every other cell is as in the clean rows.
    changed = {
        (file, index + 2, column)
        for file, clean_rows, messy_rows in (
            ("school-data.csv", returns.school_rows, messy.school_rows),
            ("survey.csv", returns.survey_rows, messy.survey_rows),
        )
        for index, (clean, dirty) in enumerate(zip(clean_rows, messy_rows, strict=True))
        for column in clean
        if clean[column] != dirty[column]
    }
    assert changed == {(e.file, e.row, e.column) for e in messy.errors}
    # Each bad school row is dropped, and its pupil had no survey return to leave behind.
    assert len(data.pupils) == PUPILS - sum(e.file == "school-data.csv" for e in messy.errors)


def test_written_files_hold_the_rows(tmp_path: Path) -> None:
    returns = pupil_returns_build(DEMO_SCHOOLS[:1], seed=3, pupils=30)
    school_data, survey = returns.write_csv(tmp_path / "out")

    assert school_data.name == "school-data.csv"
    assert survey.name == "survey.csv"
    lines = school_data.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(SCHOOL_DATA_COLUMNS)
    assert len(lines) == 31


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one school"):
        pupil_returns_build([], seed=1)
    with pytest.raises(ValueError, match="phase ‘nursery’"):
        pupil_returns_build([DemoSchool("900001", "nursery", ("W6",))], seed=1)
    with pytest.raises(ValueError, match="negative"):
        pupil_returns_build(DEMO_SCHOOLS, seed=1, pupils=-1)
