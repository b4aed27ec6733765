"""Record linkage: finding the children two lists both hold, with no identifier in common.

Pure Python, no Django: the app, the command line and the benchmarks call the same functions.

- ``people`` reads a person list (CSV, XLSX or Parquet, with a column mapping) and cleans it,
  using ``normalise`` (names, postcodes, dates) and ``names`` (other forms of given names);
- ``model`` finds the pairs with Splink and keeps each record's best one;
- ``evaluate`` scores pairs against known true pairs.
"""

from __future__ import annotations

from joinedup.linkage.evaluate import PAIR_COLUMNS, Scores, evaluate, pairs_from_table, pairs_read, pairs_write
from joinedup.linkage.model import FIELDS, MatchResult, MatchSettings, match, one_to_one
from joinedup.linkage.names import VARIANTS, canonical_given_name, name_groups, same_given_name
from joinedup.linkage.normalise import DateRead, date_read, first_word, name_clean, nhs_number_clean, postcode_clean
from joinedup.linkage.people import (
    CLEAN_COLUMNS,
    COLUMNS,
    REQUIRED,
    UNREADABLE_DATES,
    ListError,
    PersonList,
    mapping_read,
    people_clean,
    people_read,
)

__all__ = [
    "CLEAN_COLUMNS",
    "COLUMNS",
    "FIELDS",
    "PAIR_COLUMNS",
    "REQUIRED",
    "UNREADABLE_DATES",
    "VARIANTS",
    "DateRead",
    "ListError",
    "MatchResult",
    "MatchSettings",
    "PersonList",
    "Scores",
    "canonical_given_name",
    "date_read",
    "evaluate",
    "first_word",
    "mapping_read",
    "match",
    "name_clean",
    "name_groups",
    "nhs_number_clean",
    "one_to_one",
    "pairs_from_table",
    "pairs_read",
    "pairs_write",
    "people_clean",
    "people_read",
    "postcode_clean",
    "same_given_name",
]
