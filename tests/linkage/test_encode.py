"""Privacy-preserving encodings: keyed filters that keep similarity, and files that keep no plain value."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from joinedup.linkage.encode import (
    BLOCKING_KEYS,
    ENCODED_FIELDS,
    FIELD_ENCODINGS,
    PERSON_COLUMNS,
    EncodingError,
    dice_sql,
    encode,
    encoded_check_pair,
    encoded_read,
    encoded_write,
    key_fingerprint,
    key_new,
    key_read,
)

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))

MARY: dict[str, str | None] = {
    "record_id": "a-1",
    "forename": "mary",
    "forename_group": "mary",
    "forenames": "mary jane",
    "surname": "smith",
    "dob": "2015-04-03",
    "sex": "f",
    "postcode": "NW10 4AB",
    "postcode_district": "NW10",
    "address": "12 acacia avenue",
    "school": "willow primary school",
    "nhs_number": "9434765919",
    "upn": "A123456789012",
}


def people(*changes: Mapping[str, str | None]) -> pa.Table:
    """A person list of Mary, once per change (a change replaces some of her details)."""
    rows = [MARY | {"record_id": f"r{index}"} | dict(change) for index, change in enumerate(changes)]
    return pa.table({column: pa.array([row[column] for row in rows], pa.string()) for column in PERSON_COLUMNS})


def dice(table: pa.Table, field: str, left: int = 0, right: int = 1) -> float:
    """Dice of two rows' filters, computed in Python from the words (the reference for ``dice_sql``)."""
    a, b = table[f"bf_{field}"][left].as_py(), table[f"bf_{field}"][right].as_py()
    shared = sum((a[word] & b[word]).bit_count() for word in a)
    return float(2 * shared / (table[f"bc_{field}"][left].as_py() + table[f"bc_{field}"][right].as_py()))


def test_the_same_key_gives_the_same_encoding_and_another_key_an_unrelated_one() -> None:
    table = people({})
    assert encode(table, KEY).equals(encode(table, KEY))
    both = pa.concat_tables([encode(table, KEY), encode(table, OTHER_KEY).replace_schema_metadata(None)])
    both = both.replace_schema_metadata(encode(table, KEY).schema.metadata)
    for field in ENCODED_FIELDS:
        assert dice(both, field) < 0.7, field
    for name in BLOCKING_KEYS:
        assert both[name][0] != both[name][1]


def test_the_encoding_has_one_filter_and_count_per_field_and_the_blocking_keys() -> None:
    table = encode(people({}, {"school": None, "upn": ""}), KEY)
    expected = ["record_id", *(f"{kind}_{field}" for field in ENCODED_FIELDS for kind in ("bf", "bc")), *BLOCKING_KEYS]
    assert table.column_names == expected
    assert table["record_id"].to_pylist() == ["r0", "r1"]
    # A missing or empty value is a null filter and a null blocking key, never a filter of "".
    assert table["bf_school"][1].as_py() is None
    assert table["bc_upn"][1].as_py() is None
    assert table["bk_upn"][1].as_py() is None
    for encoding in FIELD_ENCODINGS:
        words = table[f"bf_{encoding.field}"][0].as_py()
        assert len(words) == encoding.bits // 64
        assert table[f"bc_{encoding.field}"][0].as_py() == sum(word.bit_count() for word in words.values())


def test_dice_keeps_the_similarity_of_the_values() -> None:
    table = encode(
        people(
            {},
            {},  # identical
            {"forename": "mery", "surname": "smyth"},  # one-letter typos
            {"forename": "olusegun", "surname": "wojcik", "dob": "2009-11-27", "address": "5 tower road"},
            {"dob": "2015-03-04"},  # day and month swapped
            {"dob": "2015-04-08"},  # one wrong digit in the day
            {"dob": "2016-04-03"},  # one wrong digit in the year
            {"dob": "2015-09-21"},  # same year only
        ),
        KEY,
    )
    for field in ENCODED_FIELDS:
        assert dice(table, field, 0, 1) == 1.0
    assert dice(table, "forename", 0, 2) >= 0.55
    assert dice(table, "surname", 0, 2) >= 0.6
    assert dice(table, "forename", 0, 3) <= 0.45
    assert dice(table, "surname", 0, 3) <= 0.45
    assert dice(table, "address", 0, 3) <= 0.5
    assert dice(table, "dob", 0, 3) <= 0.45
    same_year_only = dice(table, "dob", 0, 7)
    for near in (4, 5, 6):
        assert dice(table, "dob", 0, near) >= 0.6
        assert dice(table, "dob", 0, near) > same_year_only + 0.2


def test_dice_sql_in_duckdb_equals_the_python_reference() -> None:
    table = encode(people({}, {"forename": "maria", "dob": "2015-03-04"}, {"forename": None, "address": "1 x st"}), KEY)
    connection = duckdb.connect()
    connection.register("people", table)
    for field in ENCODED_FIELDS:
        # The SQL is built from the module's own field names, not from input.
        side = "SELECT record_id, bf_{0} AS bf_{0}_{1}, bc_{0} AS bc_{0}_{1} FROM people"
        query = f"SELECT l.record_id, r.record_id, {dice_sql(field, 'left', 'right')} FROM ({{}}) AS l, ({{}}) AS r"  # noqa: S608
        pairs = connection.execute(query.format(side.format(field, "left"), side.format(field, "right"))).fetchall()
        for left, right, similarity in pairs:
            i, j = int(left[1:]), int(right[1:])
            if table[f"bf_{field}"][i].as_py() is None or table[f"bf_{field}"][j].as_py() is None:
                assert similarity is None
            else:
                assert similarity == pytest.approx(dice(table, field, i, j))


def test_dice_sql_names_the_columns_as_splink_does() -> None:
    sql = dice_sql("forename")
    assert "bf_forename_l" in sql
    assert "bf_forename_r" in sql
    assert "bc_forename_l + bc_forename_r" in sql
    with pytest.raises(EncodingError, match="not an encoded field"):
        dice_sql("favourite_colour")


def test_no_plain_value_reaches_the_file(tmp_path: Path) -> None:
    distinctive = {
        "forename": "zebedee",
        "forename_group": "zebedee",
        "forenames": "zebedee quixote",
        "surname": "featherstonehaugh",
        "dob": "2013-07-19",
        "postcode": "SW1A 1AA",
        "postcode_district": "SW1A",
        "address": "221b baker street",
        "school": "grimsditch academy",
        "nhs_number": "4857773456",
        "upn": "K801200304005",
    }
    path = tmp_path / "encoded.parquet"
    encoded_write(encode(people(distinctive), KEY), path)
    content = path.read_bytes().lower()
    for value in (*distinctive.values(), "20130719", "19/07/2013", "sw1a1aa", "zebedee", "featherston"):
        assert value.lower().encode() not in content, value
    # Not even the key itself.
    assert KEY not in content
    assert KEY.hex().encode() not in content


def test_an_encoded_file_reads_back_and_two_files_with_one_key_pair_up(tmp_path: Path) -> None:
    left, right = tmp_path / "left.parquet", tmp_path / "right.parquet"
    encoded_write(encode(people({}), KEY), left)
    encoded_write(encode(people({"forename": "maria"}), KEY), right)
    assert encoded_read(left).equals(encode(people({}), KEY))
    encoded_check_pair(encoded_read(left), encoded_read(right))


def test_two_files_with_different_keys_are_refused(tmp_path: Path) -> None:
    ours, theirs = encode(people({}), KEY), encode(people({}), OTHER_KEY)
    with pytest.raises(EncodingError, match="different keys") as refused:
        encoded_check_pair(ours, theirs)
    assert key_fingerprint(KEY) in str(refused.value)
    assert key_fingerprint(OTHER_KEY) in str(refused.value)


def test_two_files_with_different_settings_are_refused() -> None:
    ours = encode(people({}), KEY)
    metadata = dict(ours.schema.metadata or {})
    metadata[b"joinedup.parameters"] = b'{"fields": []}'
    with pytest.raises(EncodingError, match="different encoding settings"):
        encoded_check_pair(ours, ours.replace_schema_metadata(metadata))


def test_a_file_that_is_not_an_encoded_list_is_refused(tmp_path: Path) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text("record_id,forename\n1,mary\n", encoding="utf-8")
    with pytest.raises(EncodingError, match="not an encoded list"):
        encoded_read(csv)
    plain = tmp_path / "plain.parquet"
    pq.write_table(people({}), plain)
    with pytest.raises(EncodingError, match="not an encoded list"):
        encoded_read(plain)
    with pytest.raises(EncodingError, match="no encoded list"):
        encoded_read(tmp_path / "absent.parquet")
    with pytest.raises(EncodingError, match="not an encoded list"):
        encoded_write(people({}), tmp_path / "out.parquet")


def test_a_file_of_another_format_version_is_refused(tmp_path: Path) -> None:
    table = encode(people({}), KEY)
    metadata = dict(table.schema.metadata or {})
    metadata[b"joinedup.format_version"] = b"99"
    path = tmp_path / "future.parquet"
    pq.write_table(table.replace_schema_metadata(metadata), path)
    with pytest.raises(EncodingError, match="format version 99"):
        encoded_read(path)


def test_a_person_list_without_the_normalised_columns_is_refused() -> None:
    with pytest.raises(EncodingError, match="no column upn"):
        encode(people({}).drop_columns(["upn"]), KEY)
    with pytest.raises(EncodingError, match="at least 32"):
        encode(people({}), b"short")


def test_a_new_key_is_random_private_and_never_overwritten(tmp_path: Path) -> None:
    path, other = tmp_path / "agreement.key", tmp_path / "other.key"
    key_new(path)
    key_new(other)
    assert len(key_read(path)) == 32
    assert key_read(path) != key_read(other)
    assert os.stat(path).st_mode & 0o777 == 0o600
    before = path.read_bytes()
    with pytest.raises(EncodingError, match="already exists"):
        key_new(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no key file"),
        ("", "empty"),
        ("not a key at all", "other than hexadecimal"),
        ("abc", "odd number"),
        ("ab" * 16, "too short"),
    ],
)
def test_key_file_errors_say_what_is_wrong(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "agreement.key"
    if content is not None:
        path.write_text(content + "\n", encoding="ascii")
    with pytest.raises(EncodingError, match=message) as refused:
        key_read(path)
    if content:
        assert content not in str(refused.value)


def test_a_folder_is_not_a_key_file(tmp_path: Path) -> None:
    with pytest.raises(EncodingError, match="folder"):
        key_read(tmp_path)
