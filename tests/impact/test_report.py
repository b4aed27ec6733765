"""The impact report, with every suppression clause worked by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.impact import DomainCounts, DomainRow, GroupCounts, ImpactRow, Share, impact_table, table_rows

# Three schools that split the children between them; one measure, attendance.
SCHOOLS = [
    GroupCounts(
        group="School A",
        enrolled=40,
        engaged=30,
        targeted=20,
        at_least_one=12,
        all_targeted=2,
        domains={"attendance": DomainCounts(measured=30, at_risk=18, cleared=10, assessed=28, improved=12)},
        comparison={"attendance": DomainCounts(measured=60, at_risk=40, cleared=0)},
    ),
    GroupCounts(
        group="School B",
        enrolled=25,
        engaged=3,
        targeted=8,
        at_least_one=2,
        all_targeted=1,
        domains={"attendance": DomainCounts(measured=20, at_risk=7, cleared=2, assessed=20, improved=6)},
        comparison={"attendance": DomainCounts(measured=50, at_risk=30, cleared=5)},
    ),
    GroupCounts(
        group="School C",
        enrolled=12,
        engaged=9,
        targeted=6,
        at_least_one=5,
        all_targeted=0,
        domains={"attendance": DomainCounts(measured=10, at_risk=6, cleared=6, assessed=10, improved=3, worsened=7)},
        comparison={"attendance": DomainCounts(measured=9, at_risk=4, cleared=0)},
    ),
]

S, H = "<5", "hidden"


def nothing(count: int | str, of: int | str) -> Share:
    return Share(count, of, None)


def test_primary_secondary_and_complement_suppression_worked_by_hand() -> None:
    """Column by column (A, B, C | total), as worked out by hand:

    enrolled      40, 25, 12 | 77     nothing small
    engaged       30, <5, hidden | 42 B's 3 is small; C's 9 (smallest other) hidden, else 42 - 30 - 9 = 3
    targeted      20, 8, 6 | 34
    at_least_one  12, <5, hidden | 19 B's 2, then C's 5
    all_targeted  <5, <5, <5 | <5     2, 1 and 0: the total 3 is under 5 too
    measured      30, 20, 10 | 60
    at_risk       18, 7, 6 | 31
    cleared       10, <5, hidden | 18 B's 2, then C's 6
    assessed      28, 20, 10 | 58
    improved      12, hidden, <5 | 21 C's 3, then B's 6
    worsened      <5, <5, hidden | 7  A's and B's 0 and 0 could only be 0 and 0 (they add to 7 - 7), so C's 7
    comp. at risk 40, hidden, <5 | 74 C's 4, then B's 30
    comp. cleared <5, hidden, <5 | hidden  0, 5, 0: with the total of 5 shown, 5 could only be 0 + 5 + 0

    Then row by row, each split whose rest (never shown) is under 5:
    School C: enrolled 12 = engaged 9 (hidden) + 3, safe: the hidden 9 and the rest could be 5 and 7, ...
              targeted 6 = no longer at risk in at least one 5 (hidden) + 1, safe the same way.
              measured 10 = at risk 6 + 4: 10 - 6 would give the 4 away, so the 6 is hidden.
              assessed 10 = improved 3 (<5) + worsened 7 (hidden) + 0, safe.
    Every other rest in every row is 5 or more.
    Then the at risk column again: 18, 7, hidden | 31 would give C's 6 away, so B's 7 is hidden too;
    B's row stays safe (measured 20 = hidden + 13), and nothing else changes.
    """
    table = impact_table(SCHOOLS, ["attendance"])
    assert table.measures == ("attendance",)
    assert table.rows == (
        ImpactRow(
            "School A",
            40,
            Share(30, 40, 75.0),
            20,
            Share(12, 20, 60.0),
            nothing(S, 20),
            {
                "attendance": DomainRow(
                    30, 18, Share(10, 18, 55.6), Share(12, 28, 42.9), nothing(S, 28), 40, nothing(S, 40)
                )
            },
        ),
        ImpactRow(
            "School B",
            25,
            nothing(S, 25),
            8,
            nothing(S, 8),
            nothing(S, 8),
            {"attendance": DomainRow(20, H, nothing(S, H), nothing(H, 20), nothing(S, 20), H, nothing(H, H))},
        ),
        ImpactRow(
            "School C",
            12,
            nothing(H, 12),
            6,
            nothing(H, 6),
            nothing(S, 6),
            {"attendance": DomainRow(10, H, nothing(H, H), nothing(S, 10), nothing(H, 10), S, nothing(S, S))},
        ),
    )
    # Percentages of the total: 42/77 = 54.5%, 19/34 = 55.9%, 18/31 = 58.1%, 21/58 = 36.2%, 7/58 = 12.1%.
    assert table.total == ImpactRow(
        "All",
        77,
        Share(42, 77, 54.5),
        34,
        Share(19, 34, 55.9),
        nothing(S, 34),
        {
            "attendance": DomainRow(
                60, 31, Share(18, 31, 58.1), Share(21, 58, 36.2), Share(7, 58, 12.1), 74, nothing(H, 74)
            )
        },
    )


def one_group(*, engaged: int, enrolled: int) -> ImpactRow:
    group = GroupCounts(group="School A", enrolled=enrolled, engaged=engaged)
    return impact_table([group], [], total=group).rows[0]


def test_a_percentage_is_shown_when_the_count_the_whole_and_the_rest_are_each_at_least_5() -> None:
    assert one_group(engaged=5, enrolled=10).engaged == Share(5, 10, 50.0)
    assert one_group(engaged=15, enrolled=20).engaged == Share(15, 20, 75.0)
    assert one_group(engaged=1, enrolled=6).engaged == Share(S, 6, None)  # 1 engaged is small
    assert one_group(engaged=0, enrolled=3).engaged == Share(S, S, None)  # so is the whole
    assert one_group(engaged=1, enrolled=6).engaged == Share(S, 6, None)  # the other 5 are no secret


def test_a_count_beside_its_whole_is_hidden_when_the_rest_is_small() -> None:
    # 38 of 40 engaged would say that 2 were not: the 38 is hidden, and then the 2 could be anything from 0 to 35.
    assert one_group(engaged=38, enrolled=40).engaged == Share(H, 40, None)
    assert one_group(engaged=16, enrolled=20).engaged == Share(H, 20, None)
    assert one_group(engaged=15, enrolled=20).engaged == Share(15, 20, 75.0)  # 5 not engaged is not small
    # 5 of 5: with the 5 hidden, a hidden count is at least 5, so it could only be 5 of 5. The 5 enrolled goes too.
    assert one_group(engaged=5, enrolled=5) == ImpactRow(
        "School A", H, nothing(H, H), S, nothing(S, S), nothing(S, S), {}
    )


def test_19_at_risk_and_16_no_longer_leave_3_still_at_risk_so_the_16_is_hidden() -> None:
    school = GroupCounts(group="School A", domains={"attendance": DomainCounts(measured=30, at_risk=19, cleared=16)})
    table = impact_table([school], ["attendance"])
    # At risk 19 of 30 measured leaves 11 not at risk, which is no secret, so the 19 stays.
    expected = DomainRow(30, 19, nothing(H, 19), nothing(S, S), nothing(S, S), S, nothing(S, S))
    assert table.rows[0].domains["attendance"] == expected
    assert table.total.domains["attendance"] == expected


def assessed(group: str, assessed: int, improved: int, worsened: int) -> GroupCounts:
    counts = DomainCounts(measured=assessed, assessed=assessed, improved=improved, worsened=worsened)
    return GroupCounts(group=group, domains={"attendance": counts})


def test_improved_worse_and_neither_split_those_assessed() -> None:
    """School A: 10 improved and 3 worse of 20. The 3 is shown as "<5". Its row needs nothing more: the 7 with
    no reliable change is not small, and 20 - 10 = 10 could be 0 worse and 10 neither, ... 4 and 6. Its column
    does: School B's 8 worse is hidden, else 11 - 8 would give the 3 away; the total of 11 is shown, as the
    hidden counts could be 3 and 8, 2 and 9, ...
    """
    table = impact_table([assessed("School A", 20, 10, 3), assessed("School B", 30, 12, 8)], ["attendance"])
    shares = [(row.domains["attendance"].improved, row.domains["attendance"].worsened) for row in table.rows]
    assert shares == [(Share(10, 20, 50.0), nothing(S, 20)), (Share(12, 30, 40.0), nothing(H, 30))]
    total = table.total.domains["attendance"]
    assert (total.improved, total.worsened) == (Share(22, 50, 44.0), Share(11, 50, 22.0))


def test_a_small_neither_counts_as_a_hidden_small_count() -> None:
    # 12 improved and 4 worse of 20 leave 4 neither: with the 12 shown, "<5" and the unshown rest add up to 8,
    # which two counts under 5 can only do as 4 and 4. So the 12 is hidden as well.
    row = impact_table([assessed("School A", 20, 12, 4)], ["attendance"]).rows[0].domains["attendance"]
    assert (row.improved, row.worsened) == (nothing(H, 20), nothing(S, 20))
    # 13 and 3 leave 4: the "<5" and the rest add up to 7, which could be 3 and 4 or 4 and 3, so the 13 stays.
    row = impact_table([assessed("School A", 20, 13, 3)], ["attendance"]).rows[0].domains["attendance"]
    assert (row.improved, row.worsened) == (Share(13, 20, 65.0), nothing(S, 20))


def test_a_count_hidden_along_a_row_hides_another_down_its_column() -> None:
    """School A: 19 at risk, 16 no longer: the 16 is hidden (19 - 16 = 3). Then the column of those no longer at
    risk, hidden and 6 of 22, would give the 16 back and the 3 with it: School B's 6 is hidden too. School B's row
    is then safe (10 at risk = hidden + 4, which could be 5 + 5, ...), and so is the total row: 22 of 29 leaves 7.
    """
    schools = [
        GroupCounts(group="School A", domains={"attendance": DomainCounts(measured=30, at_risk=19, cleared=16)}),
        GroupCounts(group="School B", domains={"attendance": DomainCounts(measured=25, at_risk=10, cleared=6)}),
    ]
    table = impact_table(schools, ["attendance"])
    assert [row.domains["attendance"].cleared for row in table.rows] == [nothing(H, 19), nothing(H, 10)]
    assert table.total.domains["attendance"].cleared == Share(22, 29, 75.9)


def test_no_percentage_of_a_hidden_whole() -> None:
    # At risk: 2 in School D is small, so School A's 12 is hidden. Cleared: D's 0 is small, so C's 7 is hidden.
    # School A's 10 no longer at risk is shown, but not as a percentage of a hidden number.
    groups = [
        GroupCounts(group=name, domains={"attendance": DomainCounts(measured=50, at_risk=at_risk, cleared=cleared)})
        for name, at_risk, cleared in (
            ("School A", 12, 10),
            ("School B", 40, 20),
            ("School C", 30, 7),
            ("School D", 2, 0),
        )
    ]
    table = impact_table(groups, ["attendance"])
    cleared = [row.domains["attendance"].cleared for row in table.rows]
    assert cleared == [Share(10, H, None), Share(20, 40, 50.0), Share(H, 30, None), Share(S, S, None)]


def test_the_difference_from_the_comparison_group_needs_both_percentages() -> None:
    counts = GroupCounts(
        group="School A",
        domains={"attendance": DomainCounts(measured=30, at_risk=20, cleared=10)},
        comparison={"attendance": DomainCounts(measured=80, at_risk=30, cleared=6)},
    )
    row = impact_table([counts], ["attendance"]).rows[0].domains["attendance"]
    assert (row.cleared.percent, row.comparison_cleared.percent, row.difference_points) == (50.0, 20.0, 30.0)
    worse = GroupCounts(
        group="School A",
        domains={"attendance": DomainCounts(measured=30, at_risk=15, cleared=5)},
        comparison={"attendance": DomainCounts(measured=80, at_risk=30, cleared=12)},
    )
    assert impact_table([worse], ["attendance"]).rows[0].domains["attendance"].difference_points == -6.7
    small = GroupCounts(group="School A", domains={"attendance": DomainCounts(measured=30, at_risk=20, cleared=10)})
    assert impact_table([small], ["attendance"]).rows[0].domains["attendance"].difference_points is None


def test_overlapping_groups_with_an_explicit_total_get_primary_suppression_only() -> None:
    # A child can work with both partners: 30 + 20 enrolled, but 45 children in all.
    partners = [
        GroupCounts(group="Youth club", enrolled=30, engaged=3),
        GroupCounts(group="Sports trust", enrolled=20, engaged=12),
    ]
    table = impact_table(partners, [], total=GroupCounts(group="All children", enrolled=45, engaged=14))
    # Without secondary suppression the 12 stays shown, though 14 - 12 would be the sum were the rows a split.
    assert [(row.group, row.engaged) for row in table.rows] == [
        ("Youth club", Share(S, 30, None)),
        ("Sports trust", Share(12, 20, 60.0)),
    ]
    assert (table.total.group, table.total.enrolled, table.total.engaged) == ("All children", 45, Share(14, 45, 31.1))
    small_total = impact_table(partners[:1], [], total=GroupCounts(group="All children", enrolled=30, engaged=3))
    assert small_total.total.engaged == Share(S, 30, None)


def test_the_total_defaults_to_the_sum_of_the_groups_labelled_all() -> None:
    table = impact_table(SCHOOLS, ["attendance"])
    explicit = impact_table(SCHOOLS, ["attendance"], total=SCHOOLS[0] + SCHOOLS[1] + SCHOOLS[2])
    assert table.total.group == "All"
    assert explicit.total.group == "School A"
    assert table.total.enrolled == explicit.total.enrolled == 77


def test_a_group_with_nobody_in_it_is_still_a_row() -> None:
    table = impact_table([GroupCounts(group="School D")], ["attendance"])
    row = table.rows[0]
    assert row.group == "School D"
    assert (row.enrolled, row.engaged, row.targeted) == (S, Share(S, S, None), S)
    assert row.domains["attendance"] == DomainRow(
        S, S, Share(S, S, None), Share(S, S, None), Share(S, S, None), S, Share(S, S, None)
    )
    assert impact_table([], ["attendance"]).total.enrolled == S


def test_counts_add_up_by_measure_and_keep_the_left_label() -> None:
    a = GroupCounts(group="A", enrolled=3, domains={"maths": DomainCounts(measured=4, at_risk=2)})
    b = GroupCounts(
        group="B",
        enrolled=5,
        domains={"maths": DomainCounts(measured=1), "reading": DomainCounts(measured=7)},
        comparison={"maths": DomainCounts(at_risk=9)},
    )
    total = a + b
    assert total == GroupCounts(
        group="A",
        enrolled=8,
        domains={"maths": DomainCounts(measured=5, at_risk=2), "reading": DomainCounts(measured=7)},
        comparison={"maths": DomainCounts(at_risk=9)},
    )
    # The counts added up are left as they were.
    assert a.domains == {"maths": DomainCounts(measured=4, at_risk=2)}


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        (GroupCounts(group="School A", enrolled=10, engaged=12), r"'School A', engaged \(12\) is more than enrolled"),
        (GroupCounts(group="School A", enrolled=-1), "enrolled is -1: a count cannot be negative"),
        (
            GroupCounts(group="School A", comparison={"maths": DomainCounts(at_risk=3, cleared=4)}),
            r"comparison maths cleared \(4\) is more than at_risk \(3\)",
        ),
        (
            GroupCounts(group="School A", domains={"maths": DomainCounts(assessed=5, improved=3, worsened=3)}),
            r"add up to more than assessed \(5\)",
        ),
    ],
)
def test_counts_that_cannot_be_right_are_refused_with_the_group_and_field(counts: GroupCounts, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        impact_table([counts], ["maths"])


def test_table_rows_for_a_csv_file() -> None:
    rows = table_rows(impact_table(SCHOOLS, ["attendance"]), {"attendance": "Attendance"})
    header = rows[0]
    assert header[:9] == [
        "Group",
        "Enrolled",
        "Highly engaged",
        "Highly engaged (%)",
        "Targeted (at risk at baseline and measured again)",
        "No longer at risk in at least one targeted measure",
        "No longer at risk in at least one targeted measure (%)",
        "No longer at risk in every targeted measure",
        "No longer at risk in every targeted measure (%)",
    ]
    assert header[9:] == [
        "Attendance: measured again",
        "Attendance: at risk at baseline",
        "Attendance: no longer at risk",
        "Attendance: no longer at risk (%)",
        "Attendance: reliable change judged",
        "Attendance: reliably improved",
        "Attendance: reliably improved (%)",
        "Attendance: reliably worse",
        "Attendance: reliably worse (%)",
        "Attendance: comparison group at risk at baseline",
        "Attendance: comparison group no longer at risk",
        "Attendance: comparison group no longer at risk (%)",
        "Attendance: difference from comparison group (percentage points)",
    ]
    assert [row[0] for row in rows] == ["Group", "School A", "School B", "School C", "All"]
    assert rows[1] == [
        *("School A", "40", "30", "75.0", "20", "12", "60.0", "<5", ""),
        *("30", "18", "10", "55.6", "28", "12", "42.9", "<5", "", "40", "<5", "", ""),
    ]
    assert rows[3][:4] == ["School C", "12", "hidden", ""]
    assert all(len(row) == len(header) for row in rows)
    # A measure without a title is headed by its key.
    assert table_rows(impact_table(SCHOOLS, ["maths"]), {})[0][9] == "maths: measured again"


def test_a_total_hidden_along_its_row_is_not_left_to_be_added_up() -> None:
    """Each school: 6 assessed, 2 improved, 2 worse, 2 neither; all "<5", safe, as three counts under 5 can add up
    to 6 in many ways. The total: 12 assessed, 4, 4 and 4. Three counts under 5 add up to 12 only as 4 + 4 + 4, and
    every part is already held back, so the 12 is hidden. Then the schools' 6 and 6 would add up to it: School A's
    6 (the first of the smallest) is hidden too.
    """
    table = impact_table([assessed("School A", 6, 2, 2), assessed("School B", 6, 2, 2)], ["attendance"])
    cells = [
        (row.domains["attendance"].improved, row.domains["attendance"].worsened) for row in (*table.rows, table.total)
    ]
    assert cells == [(nothing(S, H), nothing(S, H)), (nothing(S, 6), nothing(S, 6)), (nothing(S, H), nothing(S, H))]


# Property: for any counts, no shown count is small, and no count held back can be worked out along a row or down a
# column.


@st.composite
def domain_counts(draw: st.DrawFn) -> DomainCounts:
    measured = draw(st.integers(0, 60))
    at_risk = draw(st.integers(0, measured))
    assessed = draw(st.integers(0, measured))
    improved = draw(st.integers(0, assessed))
    return DomainCounts(
        measured=measured,
        at_risk=at_risk,
        cleared=draw(st.integers(0, at_risk)),
        assessed=assessed,
        improved=improved,
        worsened=draw(st.integers(0, assessed - improved)),
    )


@st.composite
def group_counts(draw: st.DrawFn) -> GroupCounts:
    enrolled = draw(st.integers(0, 60))
    targeted = draw(st.integers(0, enrolled))
    at_least_one = draw(st.integers(0, targeted))
    return GroupCounts(
        group="School",
        enrolled=enrolled,
        engaged=draw(st.integers(0, enrolled)),
        targeted=targeted,
        at_least_one=at_least_one,
        all_targeted=draw(st.integers(0, at_least_one)),
        domains={"maths": draw(domain_counts())},
        comparison={"maths": draw(domain_counts())},
    )


def shown_cells(row: ImpactRow) -> list[int | str]:
    """Every count a reader sees in a row, in a fixed order of columns."""
    domain = row.domains["maths"]
    return [
        row.enrolled,
        row.engaged.count,
        row.targeted,
        row.at_least_one.count,
        row.all_targeted.count,
        domain.measured,
        domain.at_risk,
        domain.cleared.count,
        domain.improved.of,
        domain.improved.count,
        domain.worsened.count,
        domain.comparison_at_risk,
        domain.comparison_cleared.count,
    ]


def true_cells(counts: GroupCounts) -> list[int]:
    domain, comparison = counts.domains["maths"], counts.comparison["maths"]
    return [
        counts.enrolled,
        counts.engaged,
        counts.targeted,
        counts.at_least_one,
        counts.all_targeted,
        domain.measured,
        domain.at_risk,
        domain.cleared,
        domain.assessed,
        domain.improved,
        domain.worsened,
        comparison.at_risk,
        comparison.cleared,
    ]


# Each whole and its parts within a row, as positions in shown_cells; the rest (the whole minus the parts) is
# never shown.
SPLITS = ((0, (1,)), (2, (3,)), (2, (4,)), (5, (6,)), (6, (7,)), (8, (9, 10)), (11, (12,)))
# What a reader knows of a count held back: "<5" is 0 to 4, "hidden" 5 or more (no upper bound: None).
RANGES = {S: (0, 4), H: (5, None)}


def ways(gap: int, ranges: list[tuple[int, int | None]], *, enough: int = 2) -> int:
    """How many ways (up to ``enough``) counts in ``ranges`` (least, most or None) can add up to ``gap``."""
    if not ranges:
        return int(gap == 0)
    (low, high), rest = ranges[0], ranges[1:]
    rest_low = sum(least for least, _most in rest)
    rest_high = gap if any(most is None for _least, most in rest) else sum(most or 0 for _least, most in rest)
    found = 0
    for value in range(max(low, gap - rest_high), min(gap if high is None else high, gap - rest_low) + 1):
        found += ways(gap - value, rest, enough=enough - found)
        if found >= enough:
            break
    return found


def assert_columns_safe(rows: list[list[int | str]], total: list[int | str]) -> None:
    """Down each column, the counts held back cannot be worked out from the total and the counts shown."""
    for column, whole in enumerate(total):
        cells = [row[column] for row in rows]
        if isinstance(whole, int) and any(isinstance(cell, str) for cell in cells):
            gap = whole - sum(cell for cell in cells if isinstance(cell, int))
            ranges = [RANGES[cell] for cell in cells if isinstance(cell, str)]
            assert ways(gap, ranges) >= 2, f"column {column}: {cells} with a total of {whole}"
        if whole == H:
            # Else the rows' counts would add up to the total held back.
            assert any(isinstance(cell, str) for cell in cells), f"column {column}: {cells} with the total hidden"


def assert_rows_safe(shown: list[int | str], true: list[int]) -> None:
    """Along a row, in each split of a whole shown as a number: no part held back, and no rest under 5, can be
    worked out from the whole and the parts shown. The reader is taken to know when the rest is under 5 (0 to
    4); a larger rest could be anything from 0 up, and is no secret."""
    for whole, parts in SPLITS:
        displayed = shown[whole]
        if not isinstance(displayed, int):
            continue
        rest = true[whole] - sum(true[part] for part in parts)
        cells = [shown[part] for part in parts]
        held_back = [RANGES[cell] for cell in cells if isinstance(cell, str)]
        if not held_back and rest >= 5:
            continue
        gap = displayed - sum(cell for cell in cells if isinstance(cell, int))
        ranges = [*held_back, (0, 4) if rest < 5 else (0, None)]
        assert ways(gap, ranges) >= 2, f"{displayed} split into {cells} and the rest, {rest}"


def assert_shown_truly(shown: list[int | str], true: list[int]) -> None:
    """Each count is "<5", "hidden", or the true count, 5 or more; "<5" only for a count under 5."""
    for cell, count in zip(shown, true, strict=True):
        assert cell == H or (cell == S and count < 5) or (cell == count and count >= 5), (cell, count)


@given(st.lists(group_counts(), min_size=1, max_size=5))
def test_no_small_count_is_shown_or_can_be_worked_out(groups: list[GroupCounts]) -> None:
    table = impact_table(groups, ["maths"])
    rows = [shown_cells(row) for row in table.rows]
    truth = [true_cells(group) for group in (*groups, sum(groups, start=GroupCounts(group="All")))]
    total = shown_cells(table.total)
    for shown, true in zip([*rows, total], truth, strict=True):
        assert_shown_truly(shown, true)
        assert_rows_safe(shown, true)
    assert_columns_safe(rows, total)


@given(st.lists(group_counts(), min_size=1, max_size=4), group_counts())
def test_overlapping_groups_show_no_small_count(groups: list[GroupCounts], total: GroupCounts) -> None:
    table = impact_table(groups, ["maths"], total=total)
    for row, counts in zip((*table.rows, table.total), (*groups, total), strict=True):
        shown, true = shown_cells(row), true_cells(counts)
        assert_shown_truly(shown, true)
        assert_rows_safe(shown, true)
