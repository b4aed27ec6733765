"""Outcomes, impact and claims: what changed for the children, reported safely, and what is payable.

A pure core: plain Python with no Django import, strictly typed. It reads scores and counts
handed to it and never sees a child's name: the Django side reads the records and counts.

- :mod:`~joinedup.impact.measures`: the measures, their thresholds, bands and reliable change.
- :mod:`~joinedup.impact.progress`: one child's progress in one measure.
- :mod:`~joinedup.impact.report`: the published impact report, with small numbers suppressed.
- :mod:`~joinedup.impact.claims`: payable events and the claim for a period.
"""

from joinedup.impact.claims import (
    EVENTS,
    Achievement,
    Claim,
    Event,
    Line,
    Rate,
    SummaryRow,
    Terms,
    claim,
    engaged,
    outcome_on,
    signed_up,
)
from joinedup.impact.measures import SDQ_BANDS, Band, MeasureRule, reliable_change_amount
from joinedup.impact.progress import Progress, Reading, progress
from joinedup.impact.report import (
    Count,
    DomainCounts,
    DomainRow,
    GroupCounts,
    ImpactRow,
    ImpactTable,
    Share,
    impact_table,
    table_rows,
)

__all__ = [
    "EVENTS",
    "SDQ_BANDS",
    "Achievement",
    "Band",
    "Claim",
    "Count",
    "DomainCounts",
    "DomainRow",
    "Event",
    "GroupCounts",
    "ImpactRow",
    "ImpactTable",
    "Line",
    "MeasureRule",
    "Progress",
    "Rate",
    "Reading",
    "Share",
    "SummaryRow",
    "Terms",
    "claim",
    "engaged",
    "impact_table",
    "outcome_on",
    "progress",
    "reliable_change_amount",
    "signed_up",
    "table_rows",
]
