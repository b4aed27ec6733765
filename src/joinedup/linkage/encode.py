"""Privacy-preserving encodings of a person list: keyed field-level Bloom filters and blocking keys.

In privacy-preserving linkage each party encodes its own list, on its own machine, with a secret key
shared only between the two parties. What leaves is, for each person, one Bloom filter per field
(``bf_<field>``, with its count of set bits ``bc_<field>``) and a few keyed blocking keys
(``bk_<rule>``); no name, date, postcode or identifier, and no unkeyed hash of one. The matcher
compares filters with the Dice similarity (``dice_sql``) and uses the blocking keys only to choose
which pairs to compare. ``docs/linkage-privacy.md`` sets out what this protects against and what it
does not.

A field's value is split into tokens (``field_tokens``): the bigrams of a name, the parts of a date.
Each token sets a few bits of the field's filter, chosen by HMAC-SHA256 keyed with the secret key and
the field's name, so two values sharing most tokens share most bits:

>>> field_tokens("forename", "mary")
('_m', 'ma', 'ar', 'ry', 'y_')
>>> people = pa.table({column: [value] for column, value in _EXAMPLE.items()})
>>> a, b = encode(people, bytes(32)), encode(people, bytes(range(32)))
>>> a["bf_forename"].equals(encode(people, bytes(32))["bf_forename"]), a["bf_forename"].equals(b["bf_forename"])
(True, False)
>>> dice_sql("sex")
"(2.0 * (bit_count(struct_extract(bf_sex_l, 'w0') & struct_extract(bf_sex_r, 'w0'))) / (bc_sex_l + bc_sex_r))"
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import string
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import reduce
from operator import or_
from pathlib import Path
from typing import Final, Literal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = [
    "BLOCKING_KEYS",
    "ENCODED_FIELDS",
    "FIELD_ENCODINGS",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "KEY_BYTES",
    "PERSON_COLUMNS",
    "EncodingError",
    "FieldEncoding",
    "dice_sql",
    "encode",
    "encoded_check_pair",
    "encoded_read",
    "encoded_write",
    "field_tokens",
    "key_fingerprint",
    "key_new",
    "key_read",
]

FORMAT_NAME: Final = "joinedup-linkage-encoded"
# Raise when an encoding changes in a way that makes old files incomparable with new ones.
FORMAT_VERSION: Final = 1
KEY_BYTES: Final = 32

# The columns of a normalised person list (``record_id`` and the fields the core cleans).
PERSON_COLUMNS: Final = (
    "record_id",
    "forename",
    "forename_group",
    "forenames",
    "surname",
    "dob",
    "sex",
    "postcode",
    "postcode_district",
    "address",
    "school",
    "nhs_number",
    "upn",
)


class EncodingError(ValueError):
    """A key file, a person list or an encoded file that cannot be used, with what to do about it."""


Tokens = Literal["bigrams", "date", "whole"]


@dataclass(frozen=True, slots=True)
class FieldEncoding:
    """How one field is encoded: its tokens, the filter's size in bits, and bits set per token.

    ``bits`` is a power of two from 64 to 4096 (whole 64-bit words, and an HMAC's 16-bit slices map
    onto it without bias); ``hashes`` is the number of bit positions each token sets (a date's
    weighted tokens set a multiple of it).
    """

    field: str
    tokens: Tokens
    bits: int
    hashes: int

    @property
    def words(self) -> int:
        """The number of 64-bit words of the filter (``w0``, ``w1``, ...)."""
        return self.bits // 64


# Sizes chosen on FEBRL4 and on the lengths of the values each field holds: about a third to a half
# of the bits set for a typical value, so Dice keeps the similarity of the tokens (an unrelated value
# shares few bits by chance) while each bit is shared by several tokens (docs/linkage-privacy.md).
FIELD_ENCODINGS: Final[tuple[FieldEncoding, ...]] = (
    FieldEncoding("forename", "bigrams", 256, 12),
    FieldEncoding("forename_group", "bigrams", 256, 12),
    FieldEncoding("forenames", "bigrams", 512, 12),
    FieldEncoding("surname", "bigrams", 256, 12),
    FieldEncoding("dob", "date", 256, 4),
    FieldEncoding("sex", "whole", 64, 8),
    FieldEncoding("postcode", "bigrams", 256, 12),
    FieldEncoding("postcode_district", "bigrams", 128, 12),
    FieldEncoding("address", "bigrams", 1024, 12),
    FieldEncoding("school", "bigrams", 1024, 12),
    FieldEncoding("nhs_number", "bigrams", 256, 12),
    FieldEncoding("upn", "bigrams", 256, 12),
)
ENCODED_FIELDS: Final = tuple(encoding.field for encoding in FIELD_ENCODINGS)
_ENCODING_BY_FIELD: Final = {encoding.field: encoding for encoding in FIELD_ENCODINGS}


@dataclass(frozen=True, slots=True)
class _BlockingRule:
    name: str
    parts: tuple[tuple[str, Literal["value", "year"]], ...]


# Exact values the matcher may use to choose candidate pairs (``l.bk_dob = r.bk_dob``): each is a
# keyed 64-bit token, null when any part is missing.
_BLOCKING_RULES: Final = (
    _BlockingRule("dob", (("dob", "value"),)),
    _BlockingRule("surname_yob", (("surname", "value"), ("dob", "year"))),
    _BlockingRule("forename_dob", (("forename", "value"), ("dob", "value"))),
    _BlockingRule("forename_surname", (("forename", "value"), ("surname", "value"))),
    _BlockingRule("forename_group_surname", (("forename_group", "value"), ("surname", "value"))),
    _BlockingRule("postcode", (("postcode", "value"),)),
    _BlockingRule("nhs_number", (("nhs_number", "value"),)),
    _BlockingRule("upn", (("upn", "value"),)),
)
BLOCKING_KEYS: Final = tuple(f"bk_{rule.name}" for rule in _BLOCKING_RULES)

# Labels that separate the uses of the one secret key, so a token of one kind says nothing of another.
_BLOOM_LABEL: Final = b"joinedup linkage bloom v1\x00"
_BLOCKING_LABEL: Final = b"joinedup linkage blocking v1\x00"
_FINGERPRINT_LABEL: Final = b"joinedup linkage key fingerprint v1"
_SEPARATOR: Final = "\x1f"
_META_PREFIX: Final = "joinedup."


# --- keys -----------------------------------------------------------------------------------------


def key_new(path: Path) -> None:
    """Write a fresh random key (32 bytes as 64 hexadecimal digits) to ``path``, readable by its owner only.

    Refuses to overwrite: a key that changes between two parties' encodings makes them incomparable.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise EncodingError(
            f"{path} already exists: a key is never overwritten. Choose another file name, or delete the "
            "old key once no encoded list made with it is still needed."
        ) from None
    except OSError as error:
        raise EncodingError(f"Cannot create the key file {path}: {error.strerror}.") from None
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(secrets.token_hex(KEY_BYTES) + "\n")


def key_read(path: Path) -> bytes:
    """The key in ``path`` (as ``key_new`` writes it: at least 64 hexadecimal digits on one line)."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise EncodingError(
            f"There is no key file at {path}. Use the key file agreed with the other party, or make one "
            "with `joinedup link key-new` and send it to them by a separate, secure route."
        ) from None
    except IsADirectoryError:
        raise EncodingError(f"{path} is a folder, not a key file.") from None
    except UnicodeDecodeError:
        raise EncodingError(f"The key file {path} is not text: a key is written as hexadecimal digits.") from None
    except OSError as error:
        raise EncodingError(f"Cannot read the key file {path}: {error.strerror}.") from None
    # The messages below never quote the file's content: it may be a key.
    if not text:
        raise EncodingError(f"The key file {path} is empty.")
    if any(char not in string.hexdigits for char in text):
        raise EncodingError(
            f"The key file {path} holds characters other than hexadecimal digits (0-9, a-f): "
            "is it the right file, copied whole?"
        )
    if len(text) % 2:
        raise EncodingError(f"The key file {path} holds an odd number of hexadecimal digits: is it copied whole?")
    if len(text) < 2 * KEY_BYTES:
        raise EncodingError(
            f"The key in {path} is too short: {len(text)} hexadecimal digits where at least {2 * KEY_BYTES} "
            "are needed. Is it copied whole? A new key is made with `joinedup link key-new`."
        )
    return bytes.fromhex(text)


def key_fingerprint(key: bytes) -> str:
    """A short fingerprint of ``key`` that two parties can compare without revealing the key.

    >>> key_fingerprint(bytes(32))
    'fc36d7dd40835214'
    """
    _key_check(key)
    return hmac.digest(key, _FINGERPRINT_LABEL, "sha256")[:8].hex()


def _key_check(key: bytes) -> None:
    if len(key) < KEY_BYTES:
        raise EncodingError(f"The key has {len(key)} bytes where at least {KEY_BYTES} are needed.")


# --- tokens ---------------------------------------------------------------------------------------


def field_tokens(field: str, value: str) -> tuple[str, ...]:
    """The tokens of a field's value, each repeated by its weight (a date's whole parts count more).

    Names, postcodes, addresses and identifiers give the bigrams of the value padded with "_", so a
    one-letter typo changes two or three tokens of many. A date gives its year, month and day, the
    day and month in either order, and its digits by position, so a day/month swap or one wrong
    digit keeps most tokens (table in docs/linkage-privacy.md).

    >>> field_tokens("surname", "le roux")
    ('_l', 'le', 'e_', '_r', 'ro', 'ou', 'ux', 'x_')
    >>> len(field_tokens("dob", "2015-04-03")), field_tokens("sex", "f")
    (20, ('f',))
    """
    encoding = _ENCODING_BY_FIELD.get(field)
    if encoding is None:
        raise EncodingError(f"{field!r} is not an encoded field; the fields are {', '.join(ENCODED_FIELDS)}.")
    return _TOKENISERS[encoding.tokens](value)


def _bigrams(value: str) -> tuple[str, ...]:
    padded = "_" + "_".join(value.split()) + "_"
    seen = dict.fromkeys(padded[index : index + 2] for index in range(len(padded) - 1))
    return tuple(seen)


def _date_tokens(value: str) -> tuple[str, ...]:
    parts = value.split("-")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return _bigrams(value)
    year, month, day = parts
    low, high = sorted((month, day))
    weighted = [f"y{year}", f"m{month}", f"d{day}", f"s{year}|{low}|{high}"]
    tokens = [token for token in weighted for _ in range(2)]
    # Day and month as a set, so a swap keeps them; positional digits, so one wrong digit keeps seven.
    tokens += [token for token in dict.fromkeys((f"u{low}", f"u{high}")) for _ in range(2)]
    tokens += [f"{position}:{digit}" for position, digit in enumerate(year + month + day)]
    return tuple(tokens)


_TOKENISERS: Final[dict[Tokens, Callable[[str], tuple[str, ...]]]] = {
    "bigrams": _bigrams,
    "date": _date_tokens,
    "whole": lambda value: (value,),
}


# --- encoding -------------------------------------------------------------------------------------


class _FieldFilter:
    """Turns values of one field into filters, remembering each token's bits (tokens repeat a lot)."""

    def __init__(self, encoding: FieldEncoding, key: bytes) -> None:
        self.encoding = encoding
        self.field_key = hmac.digest(key, _BLOOM_LABEL + encoding.field.encode(), "sha256")
        self.token_bits: dict[str, int] = {}

    def token_mask(self, token: str, weight: int = 1) -> int:
        """The bits of ``token`` counted ``weight`` times: each count sets ``hashes`` more positions."""
        mask = 0
        wanted, block, data = self.encoding.hashes * weight, 0, token.encode()
        # Random hashing: every position comes straight from the HMAC stream (16 bits each), rather
        # than double hashing h1 + i*h2, whose structure published attacks on Bloom filters exploit.
        while wanted:
            digest = hmac.digest(self.field_key, block.to_bytes(2, "little") + data, "sha256")
            for offset in range(0, min(wanted, 16) * 2, 2):
                mask |= 1 << (int.from_bytes(digest[offset : offset + 2], "little") % self.encoding.bits)
            wanted -= min(wanted, 16)
            block += 1
        return mask

    def value_mask(self, value: str) -> int:
        cache, mask = self.token_bits, 0
        if self.encoding.tokens == "bigrams":
            # The hot path (names, addresses, identifiers): OR is idempotent, so a repeated bigram
            # needs no de-duplication.
            padded = "_" + "_".join(value.split()) + "_"
            tokens = [padded[index : index + 2] for index in range(len(padded) - 1)]
            try:
                return reduce(or_, map(cache.__getitem__, tokens))
            except KeyError:
                for token in tokens:
                    if token not in cache:
                        cache[token] = self.token_mask(token)
                return reduce(or_, map(cache.__getitem__, tokens))
        weights: dict[str, int] = {}
        for token in _TOKENISERS[self.encoding.tokens](value):
            weights[token] = weights.get(token, 0) + 1
        for token, weight in weights.items():
            cached = f"{weight}\x00{token}"
            bits = cache.get(cached)
            if bits is None:
                bits = cache[cached] = self.token_mask(token, weight)
            mask |= bits
        return mask


def encode(people: pa.Table, key: bytes) -> pa.Table:
    """The encoded list of ``people`` (a normalised person list) under ``key``, ready for ``encoded_write``.

    Columns: ``record_id`` (kept: each party's own opaque id, needed to report pairs); for each field
    of ``ENCODED_FIELDS`` its filter ``bf_<field>`` (a struct of 64-bit words ``w0``, ``w1``, ...) and
    its count of set bits ``bc_<field>``, both null when the value is missing or empty; and the
    blocking keys ``BLOCKING_KEYS``. The table's metadata names the format, the parameters and the
    key's fingerprint.
    """
    _key_check(key)
    missing = [column for column in PERSON_COLUMNS if column not in people.column_names]
    if missing:
        raise EncodingError(
            f"The person list has no column {', '.join(missing)}: encode a list normalised by the linkage "
            f"core, which has the columns {', '.join(PERSON_COLUMNS)}."
        )
    columns = {column: _present(people[column].combine_chunks(), column) for column in PERSON_COLUMNS}
    arrays: dict[str, pa.Array] = {"record_id": columns["record_id"]}
    for encoding in FIELD_ENCODINGS:
        arrays[f"bf_{encoding.field}"], arrays[f"bc_{encoding.field}"] = _filters(
            columns[encoding.field], encoding, key
        )
    for rule in _BLOCKING_RULES:
        arrays[f"bk_{rule.name}"] = _blocking_key(rule, columns, key)
    return pa.table(arrays).replace_schema_metadata(_metadata(key))


def _present(column: pa.Array, name: str) -> pa.Array:
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        if column.null_count != len(column):
            raise EncodingError(f"The column {name} holds {column.type} values where text is expected.")
        column = column.cast(pa.string())
    # An empty value is a missing one: it must not make two people look alike.
    return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column.cast(pa.string()))


def _filters(values: pa.Array, encoding: FieldEncoding, key: bytes) -> tuple[pa.StructArray, pa.Array]:
    # Each distinct value is encoded once; rows then pick their value's words by index.
    encoded = pc.dictionary_encode(values)
    indices, distinct = encoded.indices, encoded.dictionary
    field_filter = _FieldFilter(encoding, key)
    size = encoding.bits // 8
    masks = [field_filter.value_mask(value) for value in distinct.to_pylist()]
    flat = pa.Array.from_buffers(
        pa.uint64(),
        len(masks) * encoding.words,
        [None, pa.py_buffer(b"".join(m.to_bytes(size, "little") for m in masks))],
    )
    counts = pa.array([mask.bit_count() for mask in masks], pa.uint16()).take(indices)
    base = pc.multiply(indices.cast(pa.int64()), encoding.words)
    words = [flat.take(pc.add(base, word)) for word in range(encoding.words)]
    struct = pa.StructArray.from_arrays(
        words, names=[f"w{word}" for word in range(encoding.words)], mask=pc.is_null(indices)
    )
    return struct, counts


def _blocking_key(rule: _BlockingRule, columns: dict[str, pa.Array], key: bytes) -> pa.Array:
    parts = [
        columns[field] if how == "value" else pc.utf8_slice_codeunits(columns[field], 0, 4) for field, how in rule.parts
    ]
    joined = pc.binary_join_element_wise(*parts, _SEPARATOR) if len(parts) > 1 else parts[0]
    encoded = pc.dictionary_encode(joined)
    rule_key = hmac.digest(key, _BLOCKING_LABEL + rule.name.encode(), "sha256")
    tokens = [
        int.from_bytes(hmac.digest(rule_key, value.encode(), "sha256")[:8], "little")
        for value in encoded.dictionary.to_pylist()
    ]
    return pa.array(tokens, pa.uint64()).take(encoded.indices)


# --- the encoded file -----------------------------------------------------------------------------


def _parameters() -> dict[str, object]:
    return {
        "fields": [asdict(encoding) for encoding in FIELD_ENCODINGS],
        "blocking_keys": [{"name": f"bk_{rule.name}", "parts": rule.parts} for rule in _BLOCKING_RULES],
    }


def _metadata(key: bytes) -> dict[str, str]:
    return {
        f"{_META_PREFIX}format": FORMAT_NAME,
        f"{_META_PREFIX}format_version": str(FORMAT_VERSION),
        f"{_META_PREFIX}parameters": json.dumps(_parameters(), sort_keys=True),
        f"{_META_PREFIX}key_fingerprint": key_fingerprint(key),
    }


def _metadata_of(table: pa.Table) -> dict[str, str]:
    raw = table.schema.metadata or {}
    return {
        name.decode(errors="replace").removeprefix(_META_PREFIX): value.decode(errors="replace")
        for name, value in raw.items()
        if name.startswith(_META_PREFIX.encode())
    }


def encoded_fingerprint(table: pa.Table) -> str:
    """The fingerprint of the key an encoded list was made with ("" if it does not say)."""
    return _metadata_of(table).get("key_fingerprint", "")


def encoded_write(table: pa.Table, path: Path) -> None:
    """Write an encoded list (from ``encode``) to ``path`` as Parquet, with its format and key fingerprint."""
    _encoded_check(table, str(path))
    pq.write_table(table, path, compression="zstd")


def encoded_read(path: Path) -> pa.Table:
    """The encoded list in ``path``, refused with a clear message if it is not one this version can use."""
    try:
        table = pq.read_table(path)
    except FileNotFoundError:
        raise EncodingError(f"There is no encoded list at {path}.") from None
    except (pa.ArrowInvalid, OSError) as error:
        raise EncodingError(
            f"{path} is not an encoded list (it is not a Parquet file: {error}). Encode the list first with "
            "`joinedup link encode`."
        ) from None
    _encoded_check(table, str(path))
    return table


def _encoded_check(table: pa.Table, where: str) -> None:
    metadata = _metadata_of(table)
    if metadata.get("format") != FORMAT_NAME:
        raise EncodingError(
            f"{where} is not an encoded list: it lacks the {FORMAT_NAME} format mark. Encode the person list "
            "first with `joinedup link encode`."
        )
    version = metadata.get("format_version")
    if version != str(FORMAT_VERSION):
        raise EncodingError(
            f"{where} is an encoded list of format version {version}, and this version of Joinedup reads "
            f"version {FORMAT_VERSION}. Both parties should encode again with the same version of Joinedup."
        )
    expected = ["record_id", *(f"{kind}_{field}" for field in ENCODED_FIELDS for kind in ("bf", "bc")), *BLOCKING_KEYS]
    missing = [column for column in expected if column not in table.column_names]
    if missing or "key_fingerprint" not in metadata:
        lacking = ", ".join(missing) or "the key fingerprint"
        raise EncodingError(f"{where} is a damaged encoded list: it lacks {lacking}. Encode the list again.")


def encoded_check_pair(left: pa.Table, right: pa.Table) -> None:
    """Refuse two encoded lists that cannot be compared: different keys or different encoding settings.

    Both sides must use the same key and the same settings for equal values to give equal filters;
    otherwise every pair would look unrelated and the linkage would find nobody.
    """
    for side, table in (("first", left), ("second", right)):
        _encoded_check(table, f"The {side} encoded list")
    ours, theirs = _metadata_of(left), _metadata_of(right)
    if ours["key_fingerprint"] != theirs["key_fingerprint"]:
        raise EncodingError(
            "The two encoded lists were made with different keys (key fingerprints "
            f"{ours['key_fingerprint']} and {theirs['key_fingerprint']}), so no child would match. Agree one "
            "key file between the two parties and both encode again with it."
        )
    if ours["parameters"] != theirs["parameters"]:
        raise EncodingError(
            "The two encoded lists were made with different encoding settings (fields, filter sizes or "
            "blocking keys), so they cannot be compared. Both parties should encode again with the same "
            "version of Joinedup."
        )


# --- similarity in SQL ----------------------------------------------------------------------------


def dice_sql(field: str, left: str = "l", right: str = "r") -> str:
    """DuckDB SQL for the Dice similarity of ``field``'s filters between two rows, null if either is missing.

    Columns are named as Splink names the two sides of a pair in a comparison's ``sql_condition``
    (``bf_forename_l``, ``bc_forename_r``); ``left`` and ``right`` are those suffixes. Dice is
    2·|A∧B| / (|A| + |B|): 1 for equal values, near 0 for values sharing no token.
    """
    encoding = _ENCODING_BY_FIELD.get(field)
    if encoding is None:
        raise EncodingError(f"{field!r} is not an encoded field; the fields are {', '.join(ENCODED_FIELDS)}.")
    a, b = f"bf_{field}_{left}", f"bf_{field}_{right}"
    shared = " + ".join(
        f"bit_count(struct_extract({a}, 'w{word}') & struct_extract({b}, 'w{word}'))" for word in range(encoding.words)
    )
    return f"(2.0 * ({shared}) / (bc_{field}_{left} + bc_{field}_{right}))"


_EXAMPLE: Final[dict[str, str | None]] = {
    "record_id": "1",
    "forename": "mary",
    "forename_group": "mary",
    "forenames": "mary jane",
    "surname": "smith",
    "dob": "2015-04-03",
    "sex": "f",
    "postcode": "NW10 4AB",
    "postcode_district": "NW10",
    "address": "1 high street",
    "school": None,
    "nhs_number": None,
    "upn": None,
}
