"""The measures beyond volume in the documents (ranking.report.beyond): the leaderboard's page and the company
report's percentile bars."""

from __future__ import annotations

from pathlib import Path

from ranking.render.environment import render
from ranking.render.pdf import write_pdf
from ranking.report.company import company_contexts
from ranking.report.leaderboard import leaderboard_context
from tests.render.test_documents import normalised, text_of
from tests.workspaces import measures_workspace


def test_the_leaderboard_page_sets_the_teams_under_the_minimum_apart(tmp_path: Path, pipeline) -> None:
    data = pipeline(measures_workspace(tmp_path, toml="[measures]\nmin_posts = 5\n"))
    b = leaderboard_context(data.report, "en").beyond
    assert b.scope == "ytd" and b.min_posts == 5
    assert [(r.company, r.value) for r in b.voice] == [
        ("beta", round(1015 / 1195, 4)),
        ("gamma", round(124 / 1195, 4)),
        ("acme", round(56 / 1195, 4)),
    ]
    assert b.voice[0].bar == 100.0 and 0 < b.voice[2].bar < b.voice[1].bar
    assert [r.company for r in b.resonance] == ["acme"]  # 5 posts; beta and gamma have 4 each
    assert [(r.company, r.measured_posts, r.value) for r in b.under_minimum] == [("beta", 4, None), ("gamma", 4, None)]
    assert [r.company for r in b.rate] == ["acme"] and [r.company for r in b.without_rate] == ["beta", "gamma"]
    pdf = tmp_path / "l.pdf"
    write_pdf(render("leaderboard.html", leaderboard_context(data.report, "en"), "en"), pdf)
    text = normalised(text_of(pdf))
    assert "Beyond volume: share of voice" in text and "Beyond volume: resonance and engagement rate" in text
    assert "Below the minimum of 5 posts with a count (no median, not zero): Beta (4), Gamma (4)." in text
    assert "No impressions in their exports (no rate, not zero): Beta, Gamma." in text
    assert "2.33%" in text  # acme's rate, 35 / 1,500


def test_the_company_report_names_what_drives_the_team_score(tmp_path: Path, pipeline) -> None:
    data = pipeline(measures_workspace(tmp_path))
    contexts = {c.company: c.beyond for c in company_contexts(data.report, "en")}
    # year to date: posts with a count 5, 4, 4; medians 6, 6, 8; known followers 1,500, 200, none
    acme, gamma = contexts["acme"], contexts["gamma"]
    assert (acme.volume, acme.resonance, acme.reach, acme.driver) == (83.3, 33.3, 75.0, "volume")
    assert (gamma.volume, gamma.resonance, gamma.reach, gamma.driver) == (33.3, 83.3, None, "resonance")
    assert contexts["beta"].driver == "volume"  # a tie with resonance goes to the first of DRIVERS
    team = {s.measure: s for s in acme.team.measures}
    assert list(team) == [
        "team_score",
        "share_of_voice",
        "median_influence",
        "engagement_rate",
        "interactions_per_1k_followers",
    ]
    assert team["median_influence"].value == 6.0 and team["median_influence"].median == 6.0  # of 6, 6, 8
    assert team["engagement_rate"].percentile == 50.0  # the only team with impressions
    # the median of acme's 14.333 and beta's 1,268.75 (gamma has no follower count)
    assert abs(team["interactions_per_1k_followers"].median - (14.333 + 1268.75) / 2) < 1e-9
    assert [e.key for e in acme.executives] == ["ana", "bob"]
    bob = {s.measure: s for s in acme.executives[1].measures}
    assert bob["median_influence"].value is None and bob["median_influence"].percentile is None
    pdf = tmp_path / "gamma.pdf"
    gamma_context = next(c for c in company_contexts(data.report, "en") if c.company == "gamma")
    write_pdf(render("company.html", gamma_context, "en"), pdf)
    text = normalised(text_of(pdf))
    assert "Beyond volume: against the sector" in text
    assert (
        "Gamma's score comes above all from resonance: its typical post puts it at percentile 83 of the teams" in text
    )
