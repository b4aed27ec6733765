"""The impact report: for each group of children (a school, a delivery partner, a cohort), who was
enrolled, engaged and targeted, and how many were no longer at risk, against a comparison group.

This core works from counts only; the Django side counts children in SQL and never hands a child
over. The report is published, so small numbers are suppressed:

1. **Primary suppression.** Every count under 5, 0 included, is shown as ``"<5"``, in the group
   rows and in the total row alike.
2. **Secondary suppression, down each column.** When the groups split the children between them
   (no ``total`` given, so the total is their sum), each column of counts down the group rows is
   checked as :func:`~joinedup.rules.reports.hide_small` does: while the counts not shown as
   numbers could be worked out from the total and the other rows, the smallest other count is
   shown as ``"hidden"``; when every row's count is already held back, the total row's count is
   ``"hidden"`` instead (as :func:`~joinedup.rules.reports.total_safe` decides). And a total
   held back by step 3 is not left to be worked out as the sum of the rows: if every row's count
   is shown, the smallest is ``"hidden"``. When a ``total`` is given (the groups overlap: a child
   can work with several delivery partners, so the rows do not add up to it), there is no column
   step.
3. **Complement suppression, along each row** (group rows and the total row). Each count shown as a
   number that others in the row are parts of splits into those parts and the rest, which is never
   shown: enrolled into engaged and the rest; targeted into no longer at risk in at least one
   measure and the rest, and into no longer at risk in every one and the rest; and, in each
   measure, measured again into at risk and the rest, at risk into no longer at risk and the rest,
   reliable change judged into improved, worse and neither, and the comparison group's at risk
   into no longer at risk and the rest. When the rest is under 5 it counts as a ``"<5"`` cell, and
   the split is checked like a column with its total shown: while the parts not shown as numbers
   could be worked out, the smallest part still shown is ``"hidden"``, and when every part is held
   back, the whole is. (19 at risk and 16 no longer at risk would leave 3 still at risk, so the 16
   is hidden.) A rest of 5 or more needs nothing: it takes up whatever the parts held back come to.
4. Hiding a count for one step can make another check fail (a count hidden along a row leaves its
   column to be worked out, and the other way round), so steps 2 and 3 are repeated until neither
   hides anything more. Counts are only ever hidden, never shown again, so this ends.
5. **Percentages** are shown only when the count and what it is a share of are both shown as
   numbers, and the count, the whole, and the whole minus the count are each at least 5 (so the
   percentage does not give away a small number either way); otherwise the percentage is ``None``.

Each check is on one column, or one split within a row: no count held back can be worked out by
subtracting along a row or down a column. Checking that no combination of rows and columns
together pins one down would need linear programming, and is not done.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from joinedup.rules.reports import HIDDEN, SUPPRESSED, total_safe

__all__ = [
    "Count",
    "DomainCounts",
    "DomainRow",
    "GroupCounts",
    "ImpactRow",
    "ImpactTable",
    "Share",
    "impact_table",
    "table_rows",
]

#: A count as published: the number, or ``"<5"`` (:data:`SUPPRESSED`) or ``"hidden"`` (:data:`HIDDEN`).
Count = int | str


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainCounts:
    """The counts for one measure in one group of children.

    ``measured``: children with a baseline and a later reading. ``at_risk``: of those, at risk
    at baseline. ``cleared``: of those at risk, no longer at risk at the latest reading.
    ``assessed``: of those measured, whose reliable change could be judged. ``improved`` and
    ``worsened``: of those assessed, a reliable improvement or deterioration. Two sets of counts
    add up field by field.

    >>> DomainCounts(measured=10, at_risk=6) + DomainCounts(measured=5, cleared=2)
    DomainCounts(measured=15, at_risk=6, cleared=2, assessed=0, improved=0, worsened=0)
    """

    measured: int = 0
    at_risk: int = 0
    cleared: int = 0
    assessed: int = 0
    improved: int = 0
    worsened: int = 0

    def __add__(self, other: DomainCounts) -> DomainCounts:
        return DomainCounts(
            measured=self.measured + other.measured,
            at_risk=self.at_risk + other.at_risk,
            cleared=self.cleared + other.cleared,
            assessed=self.assessed + other.assessed,
            improved=self.improved + other.improved,
            worsened=self.worsened + other.worsened,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupCounts:
    """The counts for one row of the report.

    ``engaged``: enrolled children who met the high-engagement measure. ``targeted``: children at
    risk at baseline in at least one measure and measured again in it; ``at_least_one`` and
    ``all_targeted``: of those, no longer at risk in at least one, or in all, of those measures.
    ``domains`` holds the counts by measure key; ``comparison`` the same for children screened
    but not enrolled. Two groups add up count by count (measures missing from one count as
    zero), keeping the left group's label.

    >>> a = GroupCounts(group="School A", enrolled=20, domains={"maths": DomainCounts(measured=12)})
    >>> b = GroupCounts(group="School B", enrolled=15, domains={"maths": DomainCounts(measured=9)})
    >>> total = a + b
    >>> total.group, total.enrolled, total.domains["maths"].measured
    ('School A', 35, 21)
    """

    group: str
    enrolled: int = 0
    engaged: int = 0
    targeted: int = 0
    at_least_one: int = 0
    all_targeted: int = 0
    domains: Mapping[str, DomainCounts] = field(default_factory=dict)
    comparison: Mapping[str, DomainCounts] = field(default_factory=dict)

    def __add__(self, other: GroupCounts) -> GroupCounts:
        return GroupCounts(
            group=self.group,
            enrolled=self.enrolled + other.enrolled,
            engaged=self.engaged + other.engaged,
            targeted=self.targeted + other.targeted,
            at_least_one=self.at_least_one + other.at_least_one,
            all_targeted=self.all_targeted + other.all_targeted,
            domains=_add_by_key(self.domains, other.domains),
            comparison=_add_by_key(self.comparison, other.comparison),
        )


def _add_by_key(left: Mapping[str, DomainCounts], right: Mapping[str, DomainCounts]) -> dict[str, DomainCounts]:
    summed = dict(left)
    for key, counts in right.items():
        summed[key] = summed[key] + counts if key in summed else counts
    return summed


@dataclass(frozen=True, slots=True)
class Share:
    """A count out of a whole, as shown, with the percentage (0-100, one decimal) when it may be shown.

    >>> Share(15, 24, 62.5).percent
    62.5
    """

    count: Count
    of: Count
    percent: float | None


@dataclass(frozen=True, slots=True)
class DomainRow:
    """One measure's cells in one row of the report, as shown.

    ``cleared`` is a share of ``at_risk``, ``improved`` and ``worsened`` shares of those whose
    reliable change could be judged, and ``comparison_cleared`` a share of ``comparison_at_risk``.

    >>> row = DomainRow(20, 16, Share(10, 16, 62.5), Share(8, 18, 44.4), Share("<5", 18, None),
    ...                 30, Share(12, 30, 40.0))
    >>> row.difference_points
    22.5
    """

    measured: Count
    at_risk: Count
    cleared: Share
    improved: Share
    worsened: Share
    comparison_at_risk: Count
    comparison_cleared: Share

    @property
    def difference_points(self) -> float | None:
        """The percentage no longer at risk minus the comparison group's, in percentage points, to one decimal;
        ``None`` unless both percentages are shown."""
        if self.cleared.percent is None or self.comparison_cleared.percent is None:
            return None
        # Adding 0.0 turns a -0.0 from rounding into 0.0.
        return round(self.cleared.percent - self.comparison_cleared.percent, 1) + 0.0


@dataclass(frozen=True, slots=True)
class ImpactRow:
    """One group's row of the report, as shown: ``engaged`` is a share of ``enrolled``, ``at_least_one`` and
    ``all_targeted`` shares of ``targeted``, and ``domains`` the cells of each measure by key.

    >>> ImpactRow("School A", "<5", Share("<5", "<5", None), "<5", Share("<5", "<5", None),
    ...           Share("<5", "<5", None), {}).enrolled
    '<5'
    """

    group: str
    enrolled: Count
    engaged: Share
    targeted: Count
    at_least_one: Share
    all_targeted: Share
    domains: dict[str, DomainRow]


@dataclass(frozen=True, slots=True)
class ImpactTable:
    """The report: the measures in column order, a row per group, and the total row.

    >>> ImpactTable((), (), impact_table([], []).total).total.group
    'All'
    """

    measures: tuple[str, ...]
    rows: tuple[ImpactRow, ...]
    total: ImpactRow


# The counts of a row in one flat list, so that suppression can work column by column.
_TOP = ("enrolled", "engaged", "targeted", "at_least_one", "all_targeted")
_DOMAIN = ("measured", "at_risk", "cleared", "assessed", "improved", "worsened")
_COMPARISON = ("at_risk", "cleared")
# Each share as (count, of) field names, with what a person reading an error message calls them.
_TOP_SHARES = (("engaged", "enrolled"), ("at_least_one", "targeted"), ("all_targeted", "targeted"))
_DOMAIN_SHARES = (("cleared", "at_risk"), ("improved", "assessed"), ("worsened", "assessed"))
# Each whole with its parts, which with the rest (the whole minus the parts, never shown) split the whole.
_TOP_SPLITS = (("enrolled", ("engaged",)), ("targeted", ("at_least_one",)), ("targeted", ("all_targeted",)))
# One measure's counts in a row: _DOMAIN, then the comparison group's _COMPARISON.
_MEASURE = (*_DOMAIN, *(f"comparison_{name}" for name in _COMPARISON))
_MEASURE_SPLITS = (
    ("measured", ("at_risk",)),
    ("at_risk", ("cleared",)),
    ("assessed", ("improved", "worsened")),  # and neither
    ("comparison_at_risk", ("comparison_cleared",)),
)
_EMPTY = DomainCounts()


def impact_table(
    groups: Sequence[GroupCounts], measures: Sequence[str], *, total: GroupCounts | None = None
) -> ImpactTable:
    """The impact report from counts, with small numbers suppressed (see the rules at the top of this module).

    Args:
        groups: one set of counts per row, in the order the rows are shown.
        measures: the measure keys to show, in column order; a group without counts for a measure has none.
        total: the counts for all children, when the groups overlap so that their sum would count a child
            twice; by default the sum of ``groups``, labelled ``"All"``.

    Raises:
        ValueError: a count is negative, or a part is larger than its whole (more engaged than enrolled, more
            no longer at risk than at risk, ...): the counting query has a mistake to find.

    Two schools: School B's 3 engaged is shown as ``"<5"``, and School A's 12 is then hidden too, as
    15 - 12 would give the 3 away; the total of 15 is shown, as the two hidden counts could be any of
    12 and 3, 11 and 4, ... No row shows a percentage, as each hides a count; the total's 15 of 30 is 50%.

    >>> rows = [GroupCounts(group="School A", enrolled=20, engaged=12),
    ...         GroupCounts(group="School B", enrolled=10, engaged=3)]
    >>> table = impact_table(rows, [])
    >>> for row in (*table.rows, table.total):
    ...     print(row.group, row.enrolled, row.engaged)
    School A 20 Share(count='hidden', of=20, percent=None)
    School B 10 Share(count='<5', of=10, percent=None)
    All 30 Share(count=15, of=30, percent=50.0)
    """
    # Given a total, the groups may overlap: their counts need not add up to it.
    partition = total is None
    if total is None:
        total = sum(groups, start=GroupCounts(group="All"))
    for group in (*groups, total):
        _check(group, measures)
    raw = [_flatten(group, measures) for group in groups]
    total_counts = _flatten(total, measures)
    # One list of marks per row, the total row last: None where the count is shown as a number.
    grid = [*raw, total_counts]
    marks = [[_small(count) for count in counts] for counts in grid]
    splits = _splits(len(measures))
    # Only the checks a newly hidden count can affect are run again: its column and its row.
    columns = set(range(len(total_counts))) if partition else set()
    rows = set(range(len(grid)))
    while columns or rows:
        for index in sorted(columns):
            for row in _settle_column([counts[index] for counts in grid], [mark[index] for mark in marks]):
                marks[row][index] = HIDDEN
                rows.add(row)
        columns = set()
        for row in sorted(rows):
            for index in _settle_row(grid[row], marks[row], splits):
                marks[row][index] = HIDDEN
                if partition:
                    columns.add(index)
        rows = set()
    shown = [
        [count if mark is None else mark for count, mark in zip(counts, mark_row, strict=True)]
        for counts, mark_row in zip(grid, marks, strict=True)
    ]
    return ImpactTable(
        measures=tuple(measures),
        rows=tuple(_row(group.group, cells, measures) for group, cells in zip(groups, shown[:-1], strict=True)),
        total=_row(total.group, shown[-1], measures),
    )


def _splits(measures: int) -> list[tuple[int, tuple[int, ...]]]:
    """Each whole and its parts within a row, as positions in the flat list of counts (see ``_flatten``)."""
    found = [(_TOP.index(whole), tuple(_TOP.index(part) for part in parts)) for whole, parts in _TOP_SPLITS]
    for measure in range(measures):
        start = len(_TOP) + measure * len(_MEASURE)
        found += [
            (start + _MEASURE.index(whole), tuple(start + _MEASURE.index(part) for part in parts))
            for whole, parts in _MEASURE_SPLITS
        ]
    return found


def _settle_column(column: list[int], marks: list[str | None]) -> list[int]:
    """The rows whose count in this column is to be hidden now: ``column`` and ``marks`` hold the group rows'
    counts and marks, then the total row's."""
    counts, hidden, whole = column[:-1], marks[:-1], marks[-1]
    newly: list[int] = []
    if whole is None:
        while not total_safe(counts, hidden):
            shown = [(count, row) for row, count in enumerate(counts) if hidden[row] is None]
            if not shown:
                return [*newly, len(counts)]
            row = min(shown)[1]
            hidden[row] = HIDDEN
            newly.append(row)
    elif counts and all(mark is None for mark in hidden):
        # The total is held back (step 3), but every row is shown: their sum would give it away.
        newly.append(min((count, row) for row, count in enumerate(counts))[1])
    return newly


def _settle_row(counts: list[int], marks: list[str | None], splits: list[tuple[int, tuple[int, ...]]]) -> list[int]:
    """The positions in one row whose count is to be hidden now, so that no part of a split, nor the rest, that
    is under 5 can be worked out from the whole shown and the other parts."""
    marks = list(marks)
    newly: list[int] = []
    settled = False
    # Hiding a part can hide the whole of another split (at risk is both), so go round until nothing changes.
    while not settled:
        settled = True
        for whole, parts in splits:
            rest = counts[whole] - sum(counts[part] for part in parts)
            # A rest of 5 or more is no secret, and it takes up whatever the hidden parts come to.
            if marks[whole] is not None or rest >= 5:
                continue
            cells = [*(counts[part] for part in parts), rest]
            hidden = [*(marks[part] for part in parts), SUPPRESSED]
            while not total_safe(cells, hidden):
                shown = [(counts[part], part) for part in parts if marks[part] is None]
                hide = min(shown)[1] if shown else whole
                marks[hide] = HIDDEN
                newly.append(hide)
                settled = False
                if not shown:
                    break
                hidden[parts.index(hide)] = HIDDEN
    return newly


def _check(group: GroupCounts, measures: Sequence[str]) -> None:
    where = f"In the counts for {group.group!r}"
    for name in _TOP:
        if getattr(group, name) < 0:
            raise ValueError(f"{where}, {name} is {getattr(group, name)}: a count cannot be negative")
    for part, whole in _TOP_SHARES:
        if getattr(group, part) > getattr(group, whole):
            raise ValueError(
                f"{where}, {part} ({getattr(group, part)}) is more than {whole} ({getattr(group, whole)}): "
                "it counts some of them, so cannot be more"
            )
    for key in measures:
        for label, counts in (("", group.domains.get(key, _EMPTY)), ("comparison ", group.comparison.get(key, _EMPTY))):
            for name in _DOMAIN:
                if getattr(counts, name) < 0:
                    raise ValueError(
                        f"{where}, {label}{key} {name} is {getattr(counts, name)}: a count cannot be negative"
                    )
            for part, whole in _DOMAIN_SHARES:
                if getattr(counts, part) > getattr(counts, whole):
                    raise ValueError(
                        f"{where}, {label}{key} {part} ({getattr(counts, part)}) is more than {whole} "
                        f"({getattr(counts, whole)}): it counts some of them, so cannot be more"
                    )
            if counts.improved + counts.worsened > counts.assessed:
                raise ValueError(
                    f"{where}, {label}{key} improved ({counts.improved}) and worsened ({counts.worsened}) add up to "
                    f"more than assessed ({counts.assessed}): a child's change is one or the other, or neither"
                )


def _flatten(group: GroupCounts, measures: Sequence[str]) -> list[int]:
    counts = [getattr(group, name) for name in _TOP]
    for key in measures:
        domain = group.domains.get(key, _EMPTY)
        comparison = group.comparison.get(key, _EMPTY)
        counts += [getattr(domain, name) for name in _DOMAIN]
        counts += [getattr(comparison, name) for name in _COMPARISON]
    return counts


def _small(count: int) -> str | None:
    return SUPPRESSED if count < 5 else None


def _share(count: Count, of: Count) -> Share:
    if not (isinstance(count, int) and isinstance(of, int)):
        return Share(count, of, None)
    if count < 5 or of < 5 or of - count < 5:
        return Share(count, of, None)
    return Share(count, of, round(100 * count / of, 1))


def _row(group: str, cells: Sequence[Count], measures: Sequence[str]) -> ImpactRow:
    enrolled, engaged, targeted, at_least_one, all_targeted = cells[: len(_TOP)]
    domains = {}
    for index, key in enumerate(measures):
        start = len(_TOP) + index * (len(_DOMAIN) + len(_COMPARISON))
        measured, at_risk, cleared, assessed, improved, worsened, comparison_at_risk, comparison_cleared = cells[
            start : start + len(_DOMAIN) + len(_COMPARISON)
        ]
        domains[key] = DomainRow(
            measured=measured,
            at_risk=at_risk,
            cleared=_share(cleared, at_risk),
            improved=_share(improved, assessed),
            worsened=_share(worsened, assessed),
            comparison_at_risk=comparison_at_risk,
            comparison_cleared=_share(comparison_cleared, comparison_at_risk),
        )
    return ImpactRow(
        group=group,
        enrolled=enrolled,
        engaged=_share(engaged, enrolled),
        targeted=targeted,
        at_least_one=_share(at_least_one, targeted),
        all_targeted=_share(all_targeted, targeted),
        domains=domains,
    )


def table_rows(table: ImpactTable, names: Mapping[str, str]) -> list[list[str]]:
    """The report as rows for a CSV file: a header, a row per group, then the total.

    Counts are as shown (``"<5"``, ``"hidden"`` or the number), percentages to one decimal, or
    empty where held back.

    Args:
        table: the report from :func:`impact_table`.
        names: the title of each measure by key, for the column headers (the key where missing).

    >>> table = impact_table([GroupCounts(group="School A", enrolled=40, engaged=25)], [])
    >>> table_rows(table, {})[0][:4]
    ['Group', 'Enrolled', 'Highly engaged', 'Highly engaged (%)']
    >>> table_rows(table, {})[1][:4]
    ['School A', '40', '25', '62.5']
    """
    header = [
        "Group",
        "Enrolled",
        *_share_header("Highly engaged"),
        "Targeted (at risk at baseline and measured again)",
        *_share_header("No longer at risk in at least one targeted measure"),
        *_share_header("No longer at risk in every targeted measure"),
    ]
    for key in table.measures:
        name = names.get(key, key)
        header += [
            f"{name}: measured again",
            f"{name}: at risk at baseline",
            *_share_header(f"{name}: no longer at risk"),
            f"{name}: reliable change judged",
            *_share_header(f"{name}: reliably improved"),
            *_share_header(f"{name}: reliably worse"),
            f"{name}: comparison group at risk at baseline",
            *_share_header(f"{name}: comparison group no longer at risk"),
            f"{name}: difference from comparison group (percentage points)",
        ]
    rows = [header]
    for row in (*table.rows, table.total):
        cells = [
            row.group,
            str(row.enrolled),
            *_share_cells(row.engaged),
            str(row.targeted),
            *_share_cells(row.at_least_one),
            *_share_cells(row.all_targeted),
        ]
        for key in table.measures:
            domain = row.domains[key]
            cells += [
                str(domain.measured),
                str(domain.at_risk),
                *_share_cells(domain.cleared),
                str(domain.improved.of),
                *_share_cells(domain.improved),
                *_share_cells(domain.worsened),
                str(domain.comparison_at_risk),
                *_share_cells(domain.comparison_cleared),
                _points(domain.difference_points),
            ]
        rows.append(cells)
    return rows


def _share_header(title: str) -> tuple[str, str]:
    return title, f"{title} (%)"


def _share_cells(share: Share) -> tuple[str, str]:
    return str(share.count), _points(share.percent)


def _points(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"
