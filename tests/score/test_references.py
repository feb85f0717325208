"""The benchmark's DuckDB and pandas versions of section 3 agree with `ranking.score.ranks` on a generated workspace
(so that the benchmark compares the same work), and the comparison does see a difference when there is one."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from bench import generate, reference
from ranking.load.workspace import load_workspace
from ranking.period import Period

pytest.importorskip("duckdb")
pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("bench") / "ws"
    generate.generate(root, posts=20_000, executives=120, companies=15, seed=7)
    ws = load_workspace(root)
    assert ws is not None and ws.post_count > 19_000
    ws.scan.select(reference.SCORING_COLUMNS).sink_parquet(root / "posts.parquet")
    return root / "posts.parquet", ws


@pytest.mark.parametrize("period", ["2021-01", "2021-07", "2021-12"])
def test_duckdb_and_pandas_give_our_numbers(small, period: str) -> None:
    path, ws = small
    args = (path, ws.roster, ws.companies, ws.settings.scoring, Period.parse(period))  # type: ignore[attr-defined]
    ours = reference.ours(*args)
    assert ours["companies"].height == 2 * 15 and ours["executives"].get_column("influence_score").sum() > 0
    for found in (
        reference.duckdb_tables(*args),
        reference.duckdb_tables(*args, segments=True),
        reference.pandas_tables(*args),
    ):
        assert reference.differences(ours, found) == []


def test_a_different_number_is_seen(small) -> None:
    path, ws = small
    ours = reference.ours(path, ws.roster, ws.companies, ws.settings.scoring, Period(2021, 12))  # type: ignore[attr-defined]
    changed = dict(ours)
    changed["companies"] = ours["companies"].with_columns(
        pl.when(pl.int_range(pl.len()) == 3).then(pl.col("collectivity") + 0.001).otherwise(pl.col("collectivity"))
    )
    assert [d.split(":")[0] for d in reference.differences(ours, changed)] == ["companies"]
