"""Record linkage: finding the children two lists both hold, with no identifier in common.

Pure Python, no Django: the app, the command line and the benchmarks call the same functions.
This part cleans the details each list gives (``normalise``) and knows the other forms of given
names (``names``).
"""

from __future__ import annotations

from joinedup.linkage.names import VARIANTS, canonical_given_name, name_groups, same_given_name
from joinedup.linkage.normalise import DateRead, date_read, first_word, name_clean, nhs_number_clean, postcode_clean

__all__ = [
    "VARIANTS",
    "DateRead",
    "canonical_given_name",
    "date_read",
    "first_word",
    "name_clean",
    "name_groups",
    "nhs_number_clean",
    "postcode_clean",
    "same_given_name",
]
