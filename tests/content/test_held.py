"""The posts a run holds have no texts (issue 12, memory): the same verdicts as `classify` whole, however they are
chunked, and the best and flagged posts still quote their own texts, read back by their key."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from ranking import schema
from ranking.content.classify import CATEGORICAL, HELD, POST_KEY, classify, classify_held, with_texts
from ranking.period import window
from ranking.pipeline import scored_posts
from ranking.score.ranks import with_influence
from ranking.settings import Compliance, Scoring, Settings
from tests.workspaces import DEMO, PERIOD

WHOLE_ONLY = {"text", "url", "links", "mentions", "reposted_from", "source", "snapshot", "tone_match", "tone_reason"}


def _ytd_whole(run) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    ws = run.workspace
    ytd = scored_posts(ws).filter(window(PERIOD, "ytd", ws.settings.scoring.timezone).contains())
    return classify(ytd, ws.companies, ws.roster, ws.settings)


def _as_held(whole: pl.DataFrame) -> pl.DataFrame:
    return whole.select(HELD).with_columns(
        pl.col(CATEGORICAL).cast(pl.Categorical), pl.col("topics").cast(pl.List(pl.Categorical))
    )


def test_the_run_holds_no_text_and_the_verdicts_of_classify(pipeline) -> None:
    run = pipeline(DEMO)
    for frame in run.posts.values():
        assert not WHOLE_ONLY & set(frame.columns)
        assert tuple(frame.columns) == HELD
    whole = _ytd_whole(run)
    assert run.posts["ytd"].height == whole.height > 1000
    assert_frame_equal(run.posts["ytd"], _as_held(whole))
    ws = run.workspace
    ytd = scored_posts(ws).filter(window(PERIOD, "ytd", ws.settings.scoring.timezone).contains())
    chunked = classify_held(ytd, ws.companies, ws.roster, ws.settings, chunk_rows=97)
    assert_frame_equal(chunked, _as_held(whole))


def test_best_and_flagged_posts_quote_their_own_texts(pipeline) -> None:
    run = pipeline(DEMO)
    texts = _ytd_whole(run).select(*POST_KEY, "text", "url")
    best, flagged = run.report.best, run.report.content.flagged
    assert best.height > 0 and flagged.height > 0 and best.get_column("text").null_count() < best.height
    for shown in (best, flagged):
        keys = shown.select(POST_KEY).cast(pl.String)
        expected = keys.join(texts, on=list(POST_KEY), how="left", maintain_order="left")
        assert_frame_equal(shown.select(*POST_KEY, "text", "url").cast({c: pl.String for c in POST_KEY}), expected)


def test_no_posts_give_the_held_columns() -> None:
    empty = classify_held(with_influence(schema.empty_posts(), Scoring()), _COMPANIES, _ROSTER, Settings())
    assert empty.height == 0 and tuple(empty.columns) == HELD


_ROSTER = pl.DataFrame({"executive_id": ["ana", "bob"], "company": ["acme", "beta"]})
_COMPANIES = pl.DataFrame(
    {"company": ["acme", "beta"], "name": ["Acme", "Beta"], "domains": [[], []], "corporate_handles": [[], []]},
    schema_overrides={"domains": pl.List(pl.String), "corporate_handles": pl.List(pl.String)},
)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["1", "2", "3"]), st.sampled_from(["ana", "bob"]), st.sampled_from(["post", "repost"])
        ),
        min_size=1,
        max_size=12,
        unique=True,
    )
)
def test_a_post_and_its_reposts_keep_their_own_texts(keys: list[tuple[str, str, str]]) -> None:
    # One's post and the reposts of it (the author's own included) share platform and post_id: the key tells them apart.
    rows = [
        {"platform": "x", "post_id": p, "executive_id": who, "kind": kind, "text": f"{p} {who} {kind} azurimab",
         "posted_at": datetime(2021, 10, 5, tzinfo=UTC), "url": f"https://x.com/{who}/{p}/{kind}"}
        for p, who, kind in keys
    ]  # fmt: skip
    posts = schema.conform(pl.DataFrame(rows)).collect()
    settings = Settings(compliance=Compliance(watchlist=("azurimab",)))
    held = classify_held(with_influence(posts, settings.scoring), _COMPANIES, _ROSTER, settings, chunk_rows=5)
    back = with_texts(held.reverse(), posts.lazy())
    assert back.get_column("text").to_list() == [f"{p} {w} {k} azurimab" for p, w, k in reversed(keys)]
    assert back.get_column("url").to_list() == [f"https://x.com/{w}/{p}/{k}" for p, w, k in reversed(keys)]
