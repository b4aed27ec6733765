"""Record linkage: finding the children two lists both hold, with no identifier in common.

Pure Python, no Django: the app, the command line and the benchmarks call the same functions.

- ``people`` reads a person list (CSV, XLSX or Parquet, with a column mapping) and cleans it,
  using ``normalise`` (names, postcodes, dates) and ``names`` (other forms of given names);
- ``model`` finds the pairs with Splink and keeps each record's best one;
- ``encode`` turns a cleaned list into keyed Bloom-filter encodings for privacy-preserving matching;
- ``evaluate`` scores pairs against known true pairs;
- ``synthetic`` makes paired lists of synthetic children with known true pairs.
"""

from __future__ import annotations

from joinedup.linkage.encode import (
    BLOCKING_KEYS,
    ENCODED_FIELDS,
    EncodingError,
    dice_sql,
    encode,
    encoded_check_pair,
    encoded_fingerprint,
    encoded_read,
    encoded_write,
    key_fingerprint,
    key_new,
    key_read,
)
from joinedup.linkage.evaluate import PAIR_COLUMNS, Scores, evaluate, pairs_from_table, pairs_read, pairs_write
from joinedup.linkage.model import (
    ENGINES,
    FIELDS,
    MatchResult,
    MatchSettings,
    clear_pair,
    match,
    match_encoded,
    one_to_one,
)
from joinedup.linkage.names import VARIANTS, canonical_given_name, name_groups, same_given_name
from joinedup.linkage.normalise import DateRead, date_read, first_word, name_clean, nhs_number_clean, postcode_clean
from joinedup.linkage.people import (
    CLEAN_COLUMNS,
    COLUMNS,
    REQUIRED,
    UNREADABLE_DATES,
    ListError,
    PersonList,
    UnreadableDates,
    mapping_read,
    people_clean,
    people_columns,
    people_raw,
    people_read,
)
from joinedup.linkage.synthetic import PairedLists, paired_lists

__all__ = [
    "BLOCKING_KEYS",
    "CLEAN_COLUMNS",
    "COLUMNS",
    "ENCODED_FIELDS",
    "ENGINES",
    "FIELDS",
    "PAIR_COLUMNS",
    "REQUIRED",
    "UNREADABLE_DATES",
    "VARIANTS",
    "DateRead",
    "EncodingError",
    "ListError",
    "MatchResult",
    "MatchSettings",
    "PairedLists",
    "PersonList",
    "Scores",
    "UnreadableDates",
    "canonical_given_name",
    "clear_pair",
    "date_read",
    "dice_sql",
    "encode",
    "encoded_check_pair",
    "encoded_fingerprint",
    "encoded_read",
    "encoded_write",
    "evaluate",
    "first_word",
    "key_fingerprint",
    "key_new",
    "key_read",
    "mapping_read",
    "match",
    "match_encoded",
    "name_clean",
    "name_groups",
    "nhs_number_clean",
    "one_to_one",
    "paired_lists",
    "pairs_from_table",
    "pairs_read",
    "pairs_write",
    "people_clean",
    "people_columns",
    "people_raw",
    "people_read",
    "postcode_clean",
    "same_given_name",
]
