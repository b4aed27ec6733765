"""How good a set of pairs is against the known true pairs: precision, recall and F1.

>>> scores = evaluate({("a", "x"), ("b", "y"), ("c", "q")}, {("a", "x"), ("b", "y"), ("d", "z")})
>>> scores.true_positives, scores.false_positives, scores.false_negatives
(2, 1, 1)
>>> round(scores.precision, 3), round(scores.recall, 3), round(scores.f1, 3)
(0.667, 0.667, 0.667)
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyarrow as pa

from joinedup.linkage.people import ListError

Pair = tuple[str, str]
#: The columns every pairs file has first; a pairs file written by a match has more after them.
PAIR_COLUMNS: Final = ("left_id", "right_id")


@dataclass(frozen=True, slots=True)
class Scores:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        true = self.true_positives + self.false_negatives
        return self.true_positives / true if true else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def evaluate(found: Set[Pair], truth: Set[Pair]) -> Scores:
    """Compare the pairs a match found with the true pairs."""
    hits = len(found & truth)
    return Scores(hits, len(found) - hits, len(truth) - hits)


def pairs_from_table(table: pa.Table) -> set[Pair]:
    """The (left_id, right_id) pairs of a table with those columns."""
    return set(zip(table.column("left_id").to_pylist(), table.column("right_id").to_pylist(), strict=True))


def pairs_read(path: str | Path) -> set[Pair]:
    """The pairs in a CSV file with ``left_id`` and ``right_id`` columns (other columns are ignored).

    Raises:
        ListError: the file cannot be read or lacks one of the two columns.
    """
    import pyarrow.csv as csv

    path = Path(path)
    if not path.is_file():
        raise ListError(f"{path} does not exist: check the path and try again.")
    text = csv.ConvertOptions(column_types=dict.fromkeys(PAIR_COLUMNS, pa.string()))
    try:
        table = csv.read_csv(path, convert_options=text)
    except pa.ArrowInvalid as error:
        raise ListError(f"{path.name} cannot be read as CSV: {str(error).splitlines()[0]}") from None
    except OSError as error:
        raise ListError(f"{path.name} cannot be opened: {error.strerror or error}") from None
    missing = [column for column in PAIR_COLUMNS if column not in table.column_names]
    if missing:
        raise ListError(
            f"{path.name} has no {' or '.join(missing)} column: pairs, and the true pairs to score them"
            " against, have a left_id and a right_id column. Its columns are: "
            f"{', '.join(table.column_names) or '(none)'}."
        )
    return pairs_from_table(table)


def pairs_write(path: str | Path, pairs: pa.Table) -> None:
    """Write pairs as CSV, probabilities rounded to six places so the file reads easily."""
    import pyarrow.compute as pc
    import pyarrow.csv as csv

    rounded = pairs
    for column in ("match_probability", "match_weight"):
        if column in pairs.column_names:
            index = pairs.column_names.index(column)
            rounded = rounded.set_column(index, column, pc.round(pairs.column(column), 6))
    csv.write_csv(rounded, Path(path))
