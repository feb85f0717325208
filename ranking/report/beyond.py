"""The measures beyond volume in the documents (ranking.score.measures): the leaderboard's page of the teams by
share of voice, resonance and engagement rate, and the company report's percentile bars with what drives the
team's score."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from ranking.period import Scope
from ranking.report.rows import described, rows
from ranking.score import catalogue
from ranking.score.catalogue import Measure, Table
from ranking.score.measures import Measured, percentile

#: The drivers of a team's score the company report names: many posts, posts that each do well, a large audience.
DRIVERS = ("volume", "resonance", "reach")
#: The definitions of the leaderboard's methodology page after those of the measures (`method.beyond.<key>`).
METHOD_NOTES = ("percentile", "missing", "why")


@dataclass(frozen=True)
class MeasureRow:
    """A team on one measure of the leaderboard's page."""

    company: str = described("company id")
    name: str = described("its name")
    value: float | None = described("the measure: a fraction for the share of voice and the rate, else a number")
    bar: float = described("100 × value / the highest value of the list (0 without a value), for the bar")
    measured_posts: int = described("its own posts with a count, the measure was taken over")
    percentile: float | None = described("its percentile among the teams with a value (0 to 100)")


@dataclass(frozen=True)
class BeyondVolume:
    """The leaderboard's page "beyond volume", over one scope."""

    scope: str = described("`ytd`: the page is of the year to date")
    min_posts: int = described("posts with a count a median needs (`measures.min_posts`)")
    voice: tuple[MeasureRow, ...] = described("the teams by share of voice (the first `report.top_teams`)")
    resonance: tuple[MeasureRow, ...] = described("the teams with a median influence per post, highest first")
    under_minimum: tuple[MeasureRow, ...] = described("the teams below `min_posts`: shown apart, not at zero")
    rate: tuple[MeasureRow, ...] = described("the teams with an engagement rate, highest first")
    without_rate: tuple[MeasureRow, ...] = described("the teams without impressions: no rate")
    methods: tuple[str, ...] = described(
        "the methodology page's definitions (`method.beyond.<key>`): the declared measures', then the notes"
    )


def _measure_rows(frame: pl.DataFrame, column: str, limit: int) -> tuple[MeasureRow, ...]:
    top = frame.get_column(column).max()
    shown = frame.sort([column, "name"], descending=[True, False], nulls_last=True).head(limit)
    bar = pl.when(pl.col(column).is_not_null() & (pl.lit(top or 0) > 0)).then(100.0 * pl.col(column) / (top or 1))
    return rows(
        MeasureRow,
        shown.select(
            "company",
            "name",
            pl.col(column).alias("value"),
            bar.otherwise(0.0).round(2).alias("bar"),
            "measured_posts",
            pl.col(f"percentile_{column}").alias("percentile"),
        ),
    )


def team_measures(measured: Measured, companies: pl.DataFrame, scope: Scope) -> pl.DataFrame:
    """The teams' measures of `scope` with their names."""
    names = companies.select("company", "name")
    return measured.companies.filter(pl.col("scope") == scope).join(names, on="company", how="left")


def beyond_volume(measured: Measured, companies: pl.DataFrame, min_posts: int, limit: int) -> BeyondVolume:
    """The leaderboard's page of the measures beyond volume, over the year to date."""
    teams = team_measures(measured, companies, "ytd")
    has_median, has_rate = pl.col("median_influence").is_not_null(), pl.col("engagement_rate").is_not_null()
    return BeyondVolume(
        scope="ytd",
        min_posts=min_posts,
        voice=_measure_rows(teams, "share_of_voice", limit),
        resonance=_measure_rows(teams.filter(has_median), "median_influence", limit),
        under_minimum=_measure_rows(teams.filter(~has_median), "median_influence", limit),
        rate=_measure_rows(teams.filter(has_rate), "engagement_rate", limit),
        without_rate=_measure_rows(teams.filter(~has_rate), "engagement_rate", limit),
        methods=(*catalogue.method_keys(), *METHOD_NOTES),
    )


@dataclass(frozen=True)
class MeasureStanding:
    """One measure of a team or an executive against its group, for a percentile bar."""

    measure: str = described("`influence_score` (or `team_score`), `median_influence`, `engagement_rate`, …")
    value: float | None = described("the value (a fraction for the share of voice and the rate)")
    percentile: float | None = described("its percentile within the group (0 to 100; none without a value)")
    median: float | None = described("the median of the group's values: the sector median")
    shown: str = described("how its values print: `count`, `number` or `percent` (ranking.score.catalogue)")
    digits: int = described("the digits they print with")


@dataclass(frozen=True)
class MeasureStandings:
    """A team or an executive on each measure."""

    key: str = described("company or executive id")
    name: str = described("its name")
    measures: tuple[MeasureStanding, ...] = described("each measure, in the order of the bars")


def bars(table: Table) -> tuple[Measure, ...]:
    """The measures of the company report's percentile bars: the team's (`companies`) or each executive's."""
    return catalogue.placed(table, "bars")


def medians(frame: pl.DataFrame, measures: tuple[Measure, ...]) -> dict[str, float | None]:
    """The sector's median of each measure over the rows of `frame` (one group, one scope)."""
    return frame.select(pl.col(m.name).cast(pl.Float64).median() for m in measures).row(0, named=True)


def standings(
    rows: dict[str, dict[str, Any]], measures: tuple[Measure, ...], sector: dict[str, float | None], keys: list[str]
) -> tuple[MeasureStandings, ...]:
    """The standings of the rows (by key) whose key is in `keys`, in that order, against the sector's medians."""
    return tuple(
        MeasureStandings(
            k,
            rows[k]["name"],
            tuple(
                MeasureStanding(
                    m.name, rows[k][m.name], rows[k][f"percentile_{m.name}"], sector[m.name], m.shown, m.digits
                )
                for m in measures
            ),
        )
        for k in keys
        if k in rows
    )


def drivers(teams: pl.DataFrame, roster: pl.DataFrame) -> dict[str, dict[str, float | None]]:
    """Per company, the three percentiles among the teams that say what drives its score: its own posts with a
    count (volume), its median influence (resonance) and its members' known followers (reach)."""
    audience = roster.group_by("company").agg(
        pl.sum_horizontal(
            [
                pl.col(c).cast(pl.Int64).fill_null(0)
                for c in ("linkedin_followers", "x_followers")
                if c in roster.columns
            ]
            or [pl.lit(0)]
        )
        .sum()
        .alias("followers")
    )
    frame = (
        teams.join(audience, on="company", how="left")
        .with_columns(pl.when(pl.col("followers") > 0).then(pl.col("followers")).alias("followers"))
        .select(
            "company",
            percentile("measured_posts").alias("volume"),
            pl.col("percentile_median_influence").alias("resonance"),
            percentile("followers").alias("reach"),
        )
    )
    return {r["company"]: {d: r[d] for d in DRIVERS} for r in frame.iter_rows(named=True)}


def driver(values: dict[str, float | None] | None) -> tuple[str, dict[str, float | None]]:
    """What drives a team's score, among DRIVERS: the one where it stands highest among the teams (ties: the first
    of DRIVERS; `volume` when none is known). Also returns the three percentiles."""
    found: dict[str, float | None] = values or dict.fromkeys(DRIVERS)
    known = [(v, -DRIVERS.index(d), d) for d, v in found.items() if v is not None]
    return (max(known)[2] if known else "volume"), found


@dataclass(frozen=True)
class CompanyBeyond:
    """The company report's page beyond volume: the team and each executive against the sector, year to date."""

    scope: str = described("`ytd`")
    min_posts: int = described("posts with a count a median needs (`measures.min_posts`)")
    team: MeasureStandings = described("the team among the teams, on the measures declared with team bars")
    executives: tuple[MeasureStandings, ...] = described("each executive among the roster, on theirs")
    columns: tuple[str, ...] = described("the measures of the executives' table, in order (its headings)")
    driver: str = described("what drives the team's score: `volume`, `resonance` or `reach`")
    volume: float | None = described("the team's percentile of own posts with a count, among the teams")
    resonance: float | None = described("its percentile of median influence")
    reach: float | None = described("its percentile of known followers (its members' LinkedIn and X followers)")
    scored: bool = described("whether the team has a score at all (no sentence without)")


@dataclass(frozen=True)
class BeyondFrames:
    """The year-to-date measures with names and scores, computed once for every company report (each report then
    only looks its rows up: no pass over all teams or executives per company)."""

    teams: dict[str, dict[str, Any]]  # company -> its row of measures, name and team score
    executives: dict[str, dict[str, Any]]  # executive_id -> the same
    team_medians: dict[str, float | None]
    executive_medians: dict[str, float | None]
    drivers: dict[str, dict[str, float | None]]  # company -> volume, resonance, reach percentiles
    min_posts: int
    team_bars: tuple[Measure, ...]  # the measures of the bars, as declared when the frames were made
    executive_bars: tuple[Measure, ...]


def beyond_frames(
    measured: Measured, teams: pl.DataFrame, executives: pl.DataFrame, roster: pl.DataFrame, min_posts: int
) -> BeyondFrames:
    """`teams` and `executives`: the year-to-date ranked tables of the report data (names and scores)."""
    team_frame = measured.companies.filter(pl.col("scope") == "ytd").join(
        teams.select("company", "name", "team_score"), on="company", how="left"
    )
    people = measured.executives.filter(pl.col("scope") == "ytd").join(
        executives.select("executive_id", "name", "company", "influence_score"), on="executive_id", how="left"
    )
    team_bars, executive_bars = bars("companies"), bars("executives")
    return BeyondFrames(
        teams={r["company"]: r for r in team_frame.iter_rows(named=True)},
        executives={r["executive_id"]: r for r in people.iter_rows(named=True)},
        team_medians=medians(team_frame, team_bars),
        executive_medians=medians(people, executive_bars),
        drivers=drivers(team_frame, roster),
        min_posts=min_posts,
        team_bars=team_bars,
        executive_bars=executive_bars,
    )


def company_beyond(frames: BeyondFrames, company: str, executive_ids: list[str]) -> CompanyBeyond:
    """One company's page beyond volume, its executives in the order given."""
    (team,) = standings(frames.teams, frames.team_bars, frames.team_medians, [company])
    people = standings(frames.executives, frames.executive_bars, frames.executive_medians, executive_ids)
    columns = tuple(m.name for m in frames.executive_bars)
    key, values = driver(frames.drivers.get(company))
    score = frames.teams.get(company, {}).get("team_score")
    return CompanyBeyond(
        "ytd", frames.min_posts, team, people, columns, key, values["volume"], values["resonance"], values["reach"],
        bool(score is not None and score > 0),
    )  # fmt: skip
