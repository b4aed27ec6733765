"""The probabilistic model: which pairs of records are the same child, and how sure we are.

Splink (Fellegi-Sunter) on DuckDB, or on Spark for national-scale lists. Each field is compared at
a few levels (exact, a nickname, a typo, day and month swapped, the same postcode sector...), the
model learns from the two lists themselves how much each level says (u by random sampling, m by
expectation maximisation), and each candidate pair gets a match probability. Common surnames and
postcodes count for less than rare ones (term-frequency adjustments).

Children's data has hard cases, each met by a level: siblings share surname, address, postcode
and school but not forename or date of birth; twins share the date of birth too, so the forename
carries the decision; a family that moved differs in postcode and address only.

Candidate pairs come from blocking rules; looser rules are added while the pairs they make stay
within ``MatchSettings.pair_budget``, so small lists are compared more widely than large ones.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Final

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink import comparison_level_library as cll
from splink import comparison_library as cl
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.database_api import DatabaseAPI

from joinedup.linkage.encode import BLOCKING_KEYS, ENCODED_FIELDS, dice_sql, encoded_check_pair
from joinedup.linkage.people import CLEAN_COLUMNS, PersonList

__all__ = [
    "ENGINES",
    "FIELDS",
    "MatchResult",
    "MatchSettings",
    "clear_pair",
    "comparisons_encoded",
    "comparisons_plain",
    "match",
    "match_encoded",
    "one_to_one",
]

Progress = Callable[[str, float], None]

#: The compared fields, in the order the output explains them.
FIELDS: Final = ("forename", "surname", "dob", "sex", "postcode", "address", "school", "nhs_number", "upn")


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """How a match is run; saved as JSON with every run so it can be repeated.

    Attributes:
        threshold: pairs with a match probability below this are not reported.
        one_to_one: each record is paired with at most one record of the other list.
        pair_budget: looser blocking rules are added only while the candidate pairs stay under this
            (None: ten pairs per record of the two lists, and at least two million).
        u_sample_pairs: random pairs sampled to learn how often non-matches agree.
        em_max_pairs: at most this many pairs are used by each round of expectation maximisation.
        seed: for the random sample, so a run can be repeated exactly.
        families: the lists are of children, whose brothers and sisters share their surname and
            home: a pair that agrees on those but differs wholly in first name and date of birth is
            two children of one family and is never reported. Off only for lists without families
            together (a benchmark of independent records, such as FEBRL's).
        engine: "duckdb" (one machine) or "spark" (a cluster, through Splink's Spark backend and the
            optional ``pyspark``); the same model either way.
        spark_master: the Spark master URL, such as "spark://host:7077" (None: a local session with
            ``threads`` cores, for trying it out).
        threads: DuckDB threads, or local Spark cores (None: every core).
        memory_limit: DuckDB's memory limit, such as "3GB" (None: DuckDB's default).
    """

    threshold: float = 0.5
    one_to_one: bool = True
    pair_budget: int | None = None
    u_sample_pairs: int = 500_000
    em_max_pairs: int = 500_000
    seed: int = 1
    families: bool = True
    engine: str = "duckdb"
    spark_master: str | None = None
    threads: int | None = None
    memory_limit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> MatchSettings:
        return cls(**json.loads(text))


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The pairs found (``left_id``, ``right_id``, ``match_probability``, ``match_weight`` and one
    column per compared field naming the level it agreed at), the trained model as Splink JSON,
    and figures about the run."""

    pairs: pa.Table
    model: dict[str, Any]
    settings: MatchSettings
    candidate_pairs: int
    timings: dict[str, float] = field(default_factory=dict)


def _level(sql_condition: str, label_for_charts: str) -> ComparisonLevelCreator:
    """A level written in DuckDB's SQL, which Splink translates for Spark."""
    return cll.CustomLevel(sql_condition, label_for_charts=label_for_charts, base_dialect_str="duckdb")


# One list has the forename where the other has the surname, and the other way round.
_NAMES_SWAPPED: Final = "forename_l = split_part(surname_r, ' ', 1) AND forename_r = split_part(surname_l, ' ', 1)"


def comparisons_plain(present: Sequence[str]) -> list[ComparisonCreator | dict[str, Any]]:
    """The comparisons for cleaned plain lists, for the fields both lists give."""
    found: dict[str, ComparisonCreator] = {
        "forename": cl.CustomComparison(
            output_column_name="forename",
            comparison_levels=[
                cll.NullLevel("forename"),
                cll.ExactMatchLevel("forename").configure(tf_adjustment_column="forename"),
                # "Alex" is a form of Alexander and of Alexandra: a form the two names share is enough.
                cll.ArrayIntersectLevel("forename_groups", 1).configure(label_for_charts="nickname or other form"),
                cll.JaroWinklerLevel("forename", 0.92).configure(label_for_charts="nearly the same"),
                _level(_NAMES_SWAPPED, label_for_charts="swapped with surname"),
                _level(
                    "contains(' ' || forenames_r || ' ', ' ' || forename_l || ' ')"
                    " OR contains(' ' || forenames_l || ' ', ' ' || forename_r || ' ')",
                    label_for_charts="a middle name",
                ),
                cll.JaroWinklerLevel("forename", 0.8).configure(label_for_charts="similar"),
                cll.ElseLevel(),
            ],
        ),
        "surname": cl.CustomComparison(
            output_column_name="surname",
            comparison_levels=[
                cll.NullLevel("surname"),
                cll.ExactMatchLevel("surname").configure(tf_adjustment_column="surname"),
                cll.JaroWinklerLevel("surname", 0.92).configure(label_for_charts="nearly the same"),
                _level(_NAMES_SWAPPED, label_for_charts="swapped with forename"),
                _level(
                    "contains(' ' || surname_r || ' ', ' ' || split_part(surname_l, ' ', 1) || ' ')"
                    " OR contains(' ' || surname_l || ' ', ' ' || split_part(surname_r, ' ', 1) || ' ')",
                    label_for_charts="one part of a double surname",
                ),
                cll.JaroWinklerLevel("surname", 0.8).configure(label_for_charts="similar"),
                cll.ElseLevel(),
            ],
        ),
        "dob": cl.CustomComparison(
            output_column_name="dob",
            comparison_levels=[
                cll.NullLevel("dob"),
                cll.ExactMatchLevel("dob"),
                _level("dob_l = dob_swapped_r OR dob_swapped_l = dob_r", label_for_charts="day and month swapped"),
                cll.LevenshteinLevel("dob", 1).configure(label_for_charts="one digit different"),
                cll.LevenshteinLevel("dob", 2).configure(label_for_charts="two digits different"),
                cll.ElseLevel(),
            ],
        ),
        "sex": cl.ExactMatch("sex"),
        "postcode": cl.CustomComparison(
            output_column_name="postcode",
            comparison_levels=[
                cll.NullLevel("postcode"),
                cll.ExactMatchLevel("postcode").configure(tf_adjustment_column="postcode"),
                cll.ExactMatchLevel("postcode_sector").configure(label_for_charts="same sector"),
                cll.DamerauLevenshteinLevel("postcode", 1).configure(label_for_charts="one character mistyped"),
                cll.ExactMatchLevel("postcode_district").configure(label_for_charts="same district"),
                cll.ElseLevel(),
            ],
        ),
        "address": cl.CustomComparison(
            output_column_name="address",
            comparison_levels=[
                cll.NullLevel("address"),
                cll.ExactMatchLevel("address"),
                cll.ArrayIntersectLevel("address_words", 4).configure(label_for_charts="four words the same"),
                cll.JaroWinklerLevel("address", 0.9).configure(label_for_charts="nearly the same"),
                cll.ArrayIntersectLevel("address_words", 2).configure(label_for_charts="two words the same"),
                cll.ArrayIntersectLevel("address_words", 1).configure(label_for_charts="one word the same"),
                cll.ElseLevel(),
            ],
        ),
        "school": cl.ExactMatch("school"),
        "nhs_number": cl.ExactMatch("nhs_number"),
        "upn": cl.ExactMatch("upn"),
    }
    return [found[name] for name in FIELDS if name in present]


# Rules that make candidate pairs, tightest first. Each catches children the others miss: a
# different surname (forename and date of birth), a mistyped date (names), a move (names and date).
_TIGHT_RULES: Final = (
    ("forename_group", "dob"),
    ("surname", "dob"),
    ("forename_group", "surname", "birth_year"),
    ("forename_group", "surname", "postcode_district"),
    ("postcode", "dob"),
    ("postcode", "forename_group"),
    ("postcode", "surname"),
)
_SWAP_RULES: Final = (
    "l.forename = r.surname AND l.dob = r.dob",
    "l.dob = r.dob_swapped AND l.surname = r.surname",
)
_IDENTIFIER_RULES: Final = (("nhs_number",), ("upn",))
# Looser rules, added in this order while the pairs stay within the budget.
_LOOSE_RULES: Final = (("address",), ("postcode",), ("dob",), ("surname",), ("forename",))
# The pair budget when none is set: scoring takes about two microseconds a pair on two cores, so a
# list of n records is scored in seconds per hundred thousand.
_PAIRS_PER_RECORD: Final = 10
_LEAST_BUDGET: Final = 2_000_000
# Pairs the model trusts to estimate the share of pairs that match (about 70% of true matches).
_DETERMINISTIC: Final = (("forename_group", "surname", "dob"), ("nhs_number",), ("upn",))
# Expectation maximisation runs twice: once blocked on the names (learning every other field), once
# blocked on the date of birth and the first of these both lists give (learning the names).
_EM_NAMES: Final = ("forename_group", "surname")
_EM_OTHERS: Final = (("dob", "postcode"), ("dob", "school"), ("dob", "address"), ("dob", "sex"), ("dob",))
# Fewer pairs than this teach EM nothing reliable.
_EM_FEWEST: Final = 200
# The same choices for encoded lists, made with the keyed blocking keys.
_ENCODED_DETERMINISTIC: Final = (("bk_forename_dob", "bk_surname_yob"), ("bk_nhs_number",), ("bk_upn",))
_ENCODED_EM: Final = (("bk_forename_surname",), ("bk_dob", "bk_postcode"), ("bk_dob",))
#: An encoded list's columns, named by field so that both modes decide what to compare the same way.
ENCODED_COLUMNS: Final = tuple(ENCODED_FIELDS) + tuple(BLOCKING_KEYS)


def match(
    left: PersonList,
    right: PersonList,
    settings: MatchSettings | None = None,
    *,
    progress: Progress | None = None,
) -> MatchResult:
    """Find the children both lists hold.

    Args:
        left: our list, cleaned (``people.people_read``).
        right: the partner's list, cleaned.
        settings: thresholds and limits; ``MatchSettings()`` by default.
        progress: called with a short description of each step and the share done (0 to 1).

    Returns:
        The pairs at or above the threshold, one to one if asked, and the trained model.
    """
    settings = settings or MatchSettings()
    if not left.rows or not right.rows:
        return MatchResult(_NO_PAIRS, {}, settings, 0)
    connection = _connection(settings)
    present = _fields_both_give(left.table, right.table)
    budget = settings.pair_budget or max(_LEAST_BUDGET, _PAIRS_PER_RECORD * (left.rows + right.rows))
    blocking, candidate_pairs = _blocking_rules(connection, left.table, right.table, present, budget)
    enough = [
        columns
        for columns in (_EM_NAMES, *_EM_OTHERS)
        if _usable(columns, present) and _pairs_made(connection, left.table, right.table, columns) >= _EM_FEWEST
    ]
    # Very small lists may give EM nothing to learn from; Splink's starting values are used then.
    em_rules = [columns for columns in enough if columns == _EM_NAMES] + [
        columns for columns in enough if columns != _EM_NAMES
    ][:1]
    deterministic: list[str | BlockingRuleCreator] = [
        block_on(*columns)
        for columns in _DETERMINISTIC
        if _usable(columns, present) and _pairs_made(connection, left.table, right.table, columns)
    ]
    result = _run(
        connection,
        left.table,
        right.table,
        comparisons_plain(present),
        blocking,
        deterministic,
        em_rules,
        _family(present) if settings.families else "false",
        settings,
        progress,
    )
    return replace(result, candidate_pairs=candidate_pairs)


_NO_PAIRS: Final = pa.table(
    {
        "left_id": pa.array([], pa.string()),
        "right_id": pa.array([], pa.string()),
        "match_probability": pa.array([], pa.float64()),
        "match_weight": pa.array([], pa.float64()),
    }
)


def match_encoded(
    left: pa.Table,
    right: pa.Table,
    settings: MatchSettings | None = None,
    *,
    progress: Progress | None = None,
) -> MatchResult:
    """Find the children two encoded lists both hold, seeing only their keyed Bloom filters.

    The same model as ``match``, with each field compared by the Dice similarity of its filters and
    candidate pairs chosen by the keyed blocking keys. Names swapped between forename and surname
    cannot be seen (each field is encoded under its own key), nor are common values down-weighted.

    Args:
        left, right: lists encoded with the same key (``encode.encoded_read``; checked here).
        settings: thresholds and limits; ``MatchSettings()`` by default.
        progress: called with each step's description and the share done.

    Raises:
        EncodingError: the lists were encoded with different keys or settings.
    """
    encoded_check_pair(left, right)
    settings = settings or MatchSettings()
    if not left.num_rows or not right.num_rows:
        return MatchResult(_NO_PAIRS, {}, settings, 0)
    connection = _connection(settings)
    present = _fields_both_give(left, right, ENCODED_COLUMNS)
    blocking: list[BlockingRuleCreator | dict[str, Any]] = [block_on(key) for key in BLOCKING_KEYS if key in present]
    candidate_pairs = sum(_pairs_made(connection, left, right, (key,)) for key in BLOCKING_KEYS if key in present)
    deterministic: list[str | BlockingRuleCreator] = [
        block_on(*keys)
        for keys in _ENCODED_DETERMINISTIC
        if _usable(keys, present) and _pairs_made(connection, left, right, keys)
    ]
    em_rules = [
        keys
        for keys in _ENCODED_EM
        if _usable(keys, present) and _pairs_made(connection, left, right, keys) >= _EM_FEWEST
    ]
    result = _run(
        connection,
        left,
        right,
        comparisons_encoded(present),
        blocking,
        deterministic,
        em_rules[:2],
        _family(present) if settings.families else "false",
        settings,
        progress,
    )
    return replace(result, candidate_pairs=candidate_pairs)


def _dice_levels(field: str, levels: Sequence[tuple[float, str]]) -> list[Any]:
    """A null level, one level per (least Dice similarity, label), and the else level."""
    return [
        _level(f"bf_{field}_l IS NULL OR bf_{field}_r IS NULL", label_for_charts="missing").configure(
            is_null_level=True
        ),
        *(_level(f"{dice_sql(field)} >= {least}", label_for_charts=label) for least, label in levels),
        cll.ElseLevel(),
    ]


def comparisons_encoded(present: Sequence[str]) -> list[ComparisonCreator | dict[str, Any]]:
    """The comparisons for encoded lists: Dice similarities in place of the plain comparisons' levels."""
    same = (0.999, "the same")
    found: dict[str, ComparisonCreator] = {
        "forename": cl.CustomComparison(
            output_column_name="forename",
            comparison_levels=[
                *_dice_levels("forename", [same])[:-1],
                _level(f"{dice_sql('forename_group')} >= 0.999", label_for_charts="nickname or other form"),
                _level(f"{dice_sql('forename')} >= 0.8", label_for_charts="nearly the same"),
                _level(f"{dice_sql('forename')} >= 0.6", label_for_charts="similar"),
                cll.ElseLevel(),
            ],
        ),
        "surname": cl.CustomComparison(
            output_column_name="surname",
            comparison_levels=_dice_levels("surname", [same, (0.8, "nearly the same"), (0.6, "similar")]),
        ),
        "dob": cl.CustomComparison(
            output_column_name="dob",
            comparison_levels=_dice_levels("dob", [same, (0.7, "nearly the same"), (0.55, "partly the same")]),
        ),
        "sex": cl.CustomComparison(output_column_name="sex", comparison_levels=_dice_levels("sex", [same])),
        "postcode": cl.CustomComparison(
            output_column_name="postcode",
            comparison_levels=[
                *_dice_levels("postcode", [same, (0.7, "nearly the same")])[:-1],
                _level(f"{dice_sql('postcode_district')} >= 0.999", label_for_charts="same district"),
                cll.ElseLevel(),
            ],
        ),
        "address": cl.CustomComparison(
            output_column_name="address",
            comparison_levels=_dice_levels("address", [same, (0.8, "nearly the same"), (0.6, "partly the same")]),
        ),
        "school": cl.CustomComparison(output_column_name="school", comparison_levels=_dice_levels("school", [same])),
        "nhs_number": cl.CustomComparison(
            output_column_name="nhs_number", comparison_levels=_dice_levels("nhs_number", [same])
        ),
        "upn": cl.CustomComparison(output_column_name="upn", comparison_levels=_dice_levels("upn", [same])),
    }
    return [found[name] for name in FIELDS if name in present]


# A brother or sister: the levels (as named in the output) at which the fields of two children of
# one family agree. Plain and encoded comparisons name their levels alike.
_ANOTHER_CHILD: Final = {
    "forename": ("different", "similar", "a middle name"),
    "dob": ("different", "two digits different", "partly the same"),
    "surname": ("the same", "nearly the same", "one part of a double surname", "similar"),
}
_SAME_HOME: Final = {"postcode": ("the same",), "address": ("the same",)}


# A pair can be confirmed without a person looking only when first name and date of birth agree at
# one of these levels: twins and namesakes score high on everything else.
_CLEAR: Final = {
    "forename": ("the same", "nickname or other form", "nearly the same", "swapped with surname"),
    "dob": ("the same", "day and month swapped", "one digit different", "nearly the same"),
}


def clear_pair(levels: Mapping[str, str]) -> bool:
    """Whether a pair's first name and date of birth agree well enough to confirm it without review.

    >>> clear_pair({"forename": "nickname or other form", "dob": "the same"})
    True
    >>> clear_pair({"forename": "different", "dob": "the same", "surname": "the same"})
    False
    """
    return all(levels.get(field) in agreeing for field, agreeing in _CLEAR.items())


def _family(present: Sequence[str]) -> str:
    """SQL over the named levels for a pair of two children of one family: surname and home the
    same (or nearly), first name and date of birth not.

    The model weighs each field as if the others said nothing of it, but a brother or sister shares
    surname, postcode, address and school at once, and often a middle name or a similar first name;
    together they can outweigh a different date of birth. Such a pair is never reported. (Twins
    share the date of birth too: they are told apart by the first name, and by each list's other
    twin in the one-to-one step.)
    """
    homes = [column for column in _SAME_HOME if column in present]
    if not set(_ANOTHER_CHILD) <= set(present) or not homes:
        return "false"

    def one_of(column: str, levels: Sequence[str]) -> str:
        return f"{column} IN ({', '.join(repr(level) for level in levels)})"

    person = " AND ".join(one_of(column, levels) for column, levels in _ANOTHER_CHILD.items())
    home = " OR ".join(one_of(column, _SAME_HOME[column]) for column in homes)
    return f"{person} AND ({home})"


def _connection(settings: MatchSettings) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    if settings.threads:
        connection.execute(f"SET threads = {int(settings.threads)}")
    if settings.memory_limit:
        connection.execute("SET memory_limit = ?", [settings.memory_limit])
    connection.execute("SET preserve_insertion_order = false")
    return connection


def _fields_both_give(left: pa.Table, right: pa.Table, candidates: Sequence[str] = CLEAN_COLUMNS) -> list[str]:
    """The compared fields both lists give, and the columns both give (for blocking). In an encoded
    list a field's column is its filter, ``bf_<field>``."""

    def given(table: pa.Table, name: str) -> bool:
        for column in (name, f"bf_{name}"):
            if column in table.column_names:
                return bool(table.column(column).null_count < table.num_rows)
        return False

    columns = [name for name in candidates if given(left, name) and given(right, name)]
    fields = [name for name in FIELDS if name in columns]
    return fields + [name for name in columns if name not in fields]


def _blocking_rules(
    connection: duckdb.DuckDBPyConnection,
    left: pa.Table,
    right: pa.Table,
    present: Sequence[str],
    budget: int,
) -> tuple[list[BlockingRuleCreator | dict[str, Any]], int]:
    """The tight rules, the identifier rules both lists allow, then loose rules within the budget."""
    rules: list[BlockingRuleCreator | dict[str, Any]] = []
    columns_used: list[tuple[str, ...]] = []
    for columns in _TIGHT_RULES + _IDENTIFIER_RULES:
        if _usable(columns, present):
            rules.append(block_on(*columns))
            columns_used.append(columns)
    rules.extend(CustomRule(sql, sql_dialect="duckdb") for sql in _SWAP_RULES)
    pairs = sum(_pairs_made(connection, left, right, columns) for columns in columns_used)
    for columns in _LOOSE_RULES:
        if not _usable(columns, present):
            continue
        more = _pairs_made(connection, left, right, columns)
        if pairs + more > budget:
            continue
        rules.append(block_on(*columns))
        pairs += more
    return rules, pairs


def _usable(columns: Sequence[str], present: Sequence[str]) -> bool:
    """Whether both lists give every one of the columns."""
    return all(column in present for column in columns)


def _pairs_made(
    connection: duckdb.DuckDBPyConnection, left: pa.Table, right: pa.Table, columns: tuple[str, ...]
) -> int:
    """How many pairs a rule blocking on ``columns`` makes (an upper bound on what it adds)."""
    keys = ", ".join(columns)
    not_null = " AND ".join(f"{column} IS NOT NULL" for column in columns)
    connection.register("jl_left", left.select(list(columns)))
    connection.register("jl_right", right.select(list(columns)))
    found = connection.execute(
        f"""
        WITH l AS (SELECT {keys}, count(*) AS n FROM jl_left WHERE {not_null} GROUP BY ALL),
             r AS (SELECT {keys}, count(*) AS n FROM jl_right WHERE {not_null} GROUP BY ALL)
        SELECT coalesce(sum(l.n * r.n), 0) FROM l JOIN r USING ({keys})
        """  # noqa: S608 - column names come from this module's own tuples
    ).fetchall()
    connection.unregister("jl_left")
    connection.unregister("jl_right")
    return int(found[0][0])


def _run(
    connection: duckdb.DuckDBPyConnection,
    left: pa.Table,
    right: pa.Table,
    comparisons: list[ComparisonCreator | dict[str, Any]],
    blocking: list[BlockingRuleCreator | dict[str, Any]],
    deterministic: list[str | BlockingRuleCreator],
    em_rules: Sequence[tuple[str, ...]],
    family: str,
    settings: MatchSettings,
    progress: Progress | None,
) -> MatchResult:
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def step(name: str, share: float) -> None:
        now = time.perf_counter()
        timings[name] = round(now - started - sum(timings.values()), 3)
        if progress:
            progress(name, share)

    db = _database(connection, settings)
    splink_settings = SettingsCreator(
        link_type="link_only",
        # Replaced by the estimate from the lists, unless no pair agrees on the deterministic rules
        # (a very short list): then each record of the shorter list is taken to have one match.
        probability_two_random_records_match=1 / max(left.num_rows, right.num_rows, 2),
        unique_id_column_name="record_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=True,
    )
    with _splink_quiet():
        linker = Linker(
            [
                db.register(_table_for(db, left), table_name="left_list"),
                db.register(_table_for(db, right), table_name="right_list"),
            ],
            splink_settings,
            log_level=None,
        )
        step("load", 0.1)
        if deterministic:
            linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
        linker.training.estimate_u_using_random_sampling(max_pairs=settings.u_sample_pairs, seed=settings.seed)
        step("learn how often non-matches agree", 0.3)
        for columns in em_rules:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*columns), max_pairs=settings.em_max_pairs
            )
        step("learn how often matches agree", 0.5)
        predictions = linker.inference.predict(threshold_match_probability=min(settings.threshold, 0.5))
        step("score candidate pairs", 0.8)
        scored = predictions.as_pyarrow_table()  # type: ignore[no-untyped-call]
        model = _json_safe(linker.misc.save_model_to_json())
    if not isinstance(db, DuckDBAPI):
        db.spark.stop()  # type: ignore[attr-defined]  # the run's session; the next run starts its own
    pairs = _explained(scored, comparisons, settings.threshold, family)
    if settings.one_to_one:
        pairs = one_to_one(pairs)
    step("one to one", 1.0)
    return MatchResult(pairs, model, settings, 0, timings)


#: The engines a match can run on.
ENGINES: Final = ("duckdb", "spark")


def _database(connection: duckdb.DuckDBPyConnection, settings: MatchSettings) -> DatabaseAPI[Any]:
    """Splink's backend: DuckDB in this process, or Spark (imported only when asked for)."""
    if settings.engine == "duckdb":
        return DuckDBAPI(connection)
    if settings.engine != "spark":
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {settings.engine!r}")
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import SparkAPI, similarity_jar_location
    except ImportError:
        raise ValueError(
            "The Spark engine needs pyspark: install Joinedup with its spark extra (pip install 'joinedup[spark]')"
        ) from None
    builder = SparkSession.builder.appName("joinedup-link")
    if settings.spark_master:
        builder = builder.master(settings.spark_master)
    else:
        # A local session for trying it out: few partitions, as the data is on one machine.
        cores = settings.threads or os.cpu_count() or 2
        builder = builder.master(f"local[{cores}]").config("spark.sql.shuffle.partitions", str(2 * cores))
    spark = (
        builder.config("spark.ui.showConsoleProgress", "false")
        # Splink's string similarity functions (Jaro-Winkler, Damerau-Levenshtein) for Spark.
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    logging.getLogger("py4j").setLevel(logging.WARNING)  # it logs each connection it opens and closes
    spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="joinedup-spark-"))
    return SparkAPI(spark_session=spark)  # type: ignore[no-untyped-call]


def _table_for(db: DatabaseAPI[Any], table: pa.Table) -> Any:
    """The list as the backend takes it: Arrow for DuckDB, a Spark DataFrame for Spark."""
    if isinstance(db, DuckDBAPI):
        return table
    return db.spark.createDataFrame(table)  # type: ignore[attr-defined]


def _json_safe(model: dict[str, Any]) -> dict[str, Any]:
    """The model as strict JSON: a level never seen has NaN or infinite parameters, which JSON (and
    PostgreSQL's jsonb) cannot hold; they become null."""
    safe: dict[str, Any] = json.loads(json.dumps(model), parse_constant=lambda _constant: None)
    return safe


@contextmanager
def _splink_quiet() -> Iterator[None]:
    """Splink logs every step, and warns of levels the data never shows; our progress lines say enough."""
    splink_log = logging.getLogger("splink")
    level = splink_log.level
    splink_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        splink_log.setLevel(level)


def _explained(
    scored: pa.Table, comparisons: Sequence[ComparisonCreator | dict[str, Any]], threshold: float, family: str
) -> pa.Table:
    """Pairs with left and right ids, and each field's agreement level named, not numbered, without
    the pairs that ``family`` (SQL) says are two children of one family."""
    connection = duckdb.connect()
    connection.register("scored", scored)
    labels = []
    for comparison in comparisons:
        assert isinstance(comparison, ComparisonCreator)
        built = comparison.get_comparison("duckdb")
        name = built.output_column_name
        cases = " ".join(
            f"WHEN {level.comparison_vector_value} THEN '{_label(level.label_for_charts)}'"
            for level in built.comparison_levels
        )
        labels.append(f"CASE gamma_{name} {cases} END AS {name}")
    result = connection.sql(
        f"""
        SELECT * FROM (
            SELECT
                CASE WHEN source_dataset_l = 'left_list' THEN record_id_l ELSE record_id_r END AS left_id,
                CASE WHEN source_dataset_l = 'left_list' THEN record_id_r ELSE record_id_l END AS right_id,
                match_probability, match_weight, {", ".join(labels)}
            FROM scored
            WHERE match_probability >= ?
        )
        WHERE NOT ({family})
        ORDER BY match_probability DESC, left_id, right_id
        """,  # noqa: S608 - labels and levels come from the model's own comparisons
        params=[threshold],
    ).to_arrow_table()
    connection.close()
    return result


def _label(text: str) -> str:
    """Splink's own level names in the words the output uses: "the same", "missing", "different"."""
    text = text.replace("'", "").lower()
    if text.startswith("exact match"):
        return "the same"
    if text.endswith("is null"):
        return "missing"
    if text == "all other comparisons":
        return "different"
    return text


def one_to_one(pairs: pa.Table) -> pa.Table:
    """Keep each record's single best pair: repeatedly accept pairs that are each side's best.

    Ties (twins can score the same) are broken by the ids, so the result is repeatable.

    >>> table = pa.table({"left_id": ["a", "a", "b"], "right_id": ["x", "y", "x"],
    ...                   "match_probability": [0.99, 0.6, 0.95]})
    >>> one_to_one(table).select(["left_id", "right_id"]).to_pylist()
    [{'left_id': 'a', 'right_id': 'x'}]
    """
    connection = duckdb.connect()
    connection.register("pairs", pairs)
    connection.execute(
        "CREATE TEMP TABLE candidates AS SELECT *, row_number() OVER"
        " (ORDER BY match_probability DESC, left_id, right_id) AS rank FROM pairs"
    )
    connection.execute("CREATE TEMP TABLE accepted AS SELECT * FROM candidates WHERE false")
    while True:
        # A pair is accepted when no remaining pair for its left record or its right record ranks higher.
        added = connection.execute(
            """
            INSERT INTO accepted
            SELECT c.* FROM candidates c
            QUALIFY c.rank = min(c.rank) OVER (PARTITION BY c.left_id)
                AND c.rank = min(c.rank) OVER (PARTITION BY c.right_id)
            """
        ).fetchall()
        if not added[0][0]:
            break
        connection.execute(
            """
            DELETE FROM candidates WHERE left_id IN (SELECT left_id FROM accepted)
                OR right_id IN (SELECT right_id FROM accepted)
            """
        )
    kept = connection.sql("SELECT * EXCLUDE (rank) FROM accepted ORDER BY rank").to_arrow_table()
    connection.close()
    return kept
