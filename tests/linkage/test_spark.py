"""The Spark engine runs the same model as DuckDB and finds the same pairs (a local Spark session;
a cluster is the same code with a master URL: docs/linkage.md)."""

from __future__ import annotations

from dataclasses import replace

from joinedup.linkage import MatchSettings, match, paired_lists, pairs_from_table, people_clean


def test_spark_finds_the_same_pairs_as_duckdb() -> None:
    lists = paired_lists(300, 300, overlap=0.5, seed=4)
    ours, theirs = people_clean(lists.left, "ours"), people_clean(lists.right, "theirs")
    # Small samples keep Spark's many small stages quick; both engines get the same settings.
    settings = MatchSettings(one_to_one=True, threads=2, u_sample_pairs=20_000, em_max_pairs=20_000)

    on_duckdb = match(ours, theirs, settings)
    on_spark = match(ours, theirs, replace(settings, engine="spark"))

    assert on_duckdb.pairs.num_rows > 100
    assert pairs_from_table(on_spark.pairs) == pairs_from_table(on_duckdb.pairs)
