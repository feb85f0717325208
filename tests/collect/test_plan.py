"""The pieces of a collect's plan: the UTC days an actor is asked for, the incremental window, the batches, the
cost cap, the collection log read back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ranking.collect.inputs import Window, actor_input, estimated_cost, input_sha256
from ranking.collect.log import CollectLog
from ranking.collect.plan import plan, window_start
from ranking.collect.targets import Targets
from ranking.errors import InputError
from ranking.period import Period
from ranking.settings import Collect


@pytest.mark.parametrize(
    ("timezone", "since", "until"),
    [
        ("Europe/Paris", "2020-12-31", "2021-11-01"),  # east of UTC: local midnight is the UTC day before
        ("UTC", "2021-01-01", "2021-11-01"),
        ("America/New_York", "2021-01-01", "2021-11-02"),  # west: the last local evening is the next UTC day
        ("Asia/Tokyo", "2020-12-31", "2021-11-01"),
    ],
)
def test_the_days_asked_cover_the_local_window(timezone: str, since: str, until: str) -> None:
    window = Window(date(2021, 1, 1), date(2021, 10, 31), timezone)
    assert (str(window.since), str(window.until)) == (since, until)


@pytest.mark.parametrize(
    ("period", "months", "before", "start"),
    [
        (Period(2021, 10), 2, True, date(2021, 8, 1)),
        (Period(2021, 10), 0, True, date(2021, 10, 1)),
        (Period(2021, 10), 2, False, date(2021, 1, 1)),  # never collected: the year to date
        (Period(2021, 2), 3, True, date(2021, 1, 1)),  # never before 1 January
    ],
)
def test_the_incremental_window(period: Period, months: int, before: bool, start: date) -> None:
    assert window_start(period, months, before) == start


def test_inputs_and_their_fingerprint() -> None:
    window = Window(date(2021, 1, 1), date(2021, 10, 31), "UTC")
    assert actor_input("apimaestro/linkedin-profile-posts", ["https://www.linkedin.com/in/ana/"], window, 400) == {
        "username": "ana", "limit": 100
    }  # fmt: skip
    one = actor_input("apidojo/tweet-scraper", ["a", "b"], window, 10)
    assert input_sha256("apidojo/tweet-scraper", one) == input_sha256(
        "apidojo/tweet-scraper", dict(reversed(one.items()))
    )
    assert input_sha256("apidojo/tweet-scraper", one) != input_sha256("apidojo/tweet-scraper", {**one, "maxItems": 11})
    assert estimated_cost(2.0, 400, 3) == 2.4 and estimated_cost(0.4, 1, 1) == 0.01  # rounded up to the cent


def test_batches_and_the_cap() -> None:
    accounts = tuple((f"e{i}", "linkedin", f"https://www.linkedin.com/in/e{i}/") for i in range(5))
    targets = Targets([a for _, _, a in accounts], [], [], accounts)
    settings = Collect(profiles_per_run=2, max_items=100, max_cost_usd=0.9)  # $0.20 a profile, $0.40 a run
    planned = plan(targets, Period(2021, 10), settings, "UTC", {})
    assert [r.executives for r in planned.runs] == [("e0", "e1"), ("e2", "e3")]
    assert [r.executives for r in planned.over_cap] == [("e4",)]  # $0.80 + $0.20 would pass $0.90
    assert planned.cost_usd == 0.8
    assert planned.runs[0].charged_items == 200


def test_a_torn_last_line_of_the_log_is_left_out_and_any_other_bad_line_named(tmp_path: Path) -> None:
    log = CollectLog(tmp_path)
    log.append("started", run_id="r1", actor="a", input_sha256="x", period="2021-10", platform="x", executives=["e"])
    with log.path.open("a", encoding="utf-8") as handle:
        handle.write('{"step": "finis')
    assert [s.step for s in log.runs().values()] == ["started"]
    # the next collect ends the cut line before appending: its steps stand alone and the log stays readable
    with log.locked():
        log.append("finished", run_id="r1", items=3)
    assert log.path.read_text(encoding="utf-8").splitlines()[1] == '{"step": "finis'
    assert [(s.step, s.items) for s in log.runs().values()] == [("finished", 3)]
    log.path.write_text('not json\n{"step": "started", "run_id": "r"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"collect.jsonl:1: not a step of the collection log"):
        log.read()
