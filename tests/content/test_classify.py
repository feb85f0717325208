"""Tone, topics and watchlist of each post (issue 5): every rule, its precedence, and the matching rules."""

from __future__ import annotations

import re
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ranking import schema
from ranking.content.classify import classify
from ranking.content.tone import TONES, tone_mix
from ranking.content.topics import top_topics
from ranking.content.watchlist import compliance_hits
from ranking.score.ranks import with_influence
from ranking.settings import Compliance, Settings, Tone
from ranking.settings.taxonomy import DEFAULT_TOPICS
from ranking.text.keywords import fold, keyword_pattern

COMPANIES = pl.DataFrame(
    {
        "company": ["acme", "beta"],
        "name": ["Acme", "Beta"],
        "domains": [["acme.example"], ["www.beta.example"]],
        "corporate_handles": [["Acme_Corp", "https://www.linkedin.com/company/acme-group/"], ["@beta_officiel"]],
        "comms_emails": [[], []],
    }
)
ROSTER = pl.DataFrame({"executive_id": ["ana", "bob"], "company": ["acme", "beta"]})
SETTINGS = Settings(
    tone=Tone(sector_handles=("@LEEM_fr",), sector_domains=("https://www.leem.example/",)),
    topics={"covid": ("covid", "sars-cov-2", "vaccin*"), "rd": ("r&d", "essai* clinique*"), "care": ("santé",)},
    compliance=Compliance(watchlist=("Produit", "azurimab", "Dermolène")),
)


def posts(*rows: dict[str, Any]) -> pl.DataFrame:
    """Canonical posts from partial rows (defaults: ana's LinkedIn post of October 2021, no text)."""
    full = [
        {
            "platform": "linkedin",
            "post_id": str(i),
            "executive_id": "ana",
            "kind": "post",
            "text": "",
            "links": None,
            "mentions": None,
            "reposted_from": None,
            "reactions": 1,
            **row,
        }
        for i, row in enumerate(rows)
    ]
    typed = {k: schema.POSTS[k] for k in full[0]}
    frame = pl.DataFrame(full, schema=typed).with_columns(
        pl.lit("2021-10-05T10:00:00Z").str.to_datetime(time_zone="UTC").alias("posted_at")
    )
    return with_influence(schema.conform(frame), SETTINGS.scoring).collect()  # as a run gives them to classify


def one(settings: Settings = SETTINGS, **row: Any) -> dict[str, Any]:
    return classify(posts(row), COMPANIES, ROSTER, settings).row(0, named=True)


# --- tone: each rule ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "match", "reason"),
    [
        ({"kind": "repost", "reposted_from": "acme_corp"}, "@acme_corp", "repost of @acme_corp"),
        ({"kind": "quote", "reposted_from": "@ACME-GROUP", "text": "Bravo"}, "@acme-group", "quote of @acme-group"),
        ({"kind": "repost", "text": "RT @Acme_Corp: nouveau site"}, "@acme_corp", "repost of @acme_corp"),
        ({"mentions": ["Acme_Corp"]}, "@acme_corp", "mention of @acme_corp"),
        ({"text": "Merci @acme_corp !"}, "@acme_corp", "mention of @acme_corp"),
        ({"links": ["https://acme.example/news/1"]}, "https://acme.example/news/1", "link to"),
        ({"text": "À lire : https://fr.acme.example/a."}, "https://fr.acme.example/a", "link to"),
        ({"links": ["https://x.com/Acme_Corp/status/42"]}, "https://x.com/Acme_Corp/status/42", "link to"),
        ({"links": ["https://www.linkedin.com/company/acme-group/"]}, None, "link to"),
    ],
)
def test_corporate_any_reference_to_the_own_company(row: dict, match: str | None, reason: str) -> None:
    post = one(**row)
    assert post["tone"] == "corporate"
    assert post["tone_reason"].startswith(reason) and post["tone_reason"].endswith("(own company acme)")
    if match:
        assert post["tone_match"] == match


@pytest.mark.parametrize(
    ("row", "actor"),
    [
        ({"mentions": ["beta_officiel"]}, "(company beta)"),  # another company of the roster
        ({"kind": "repost", "reposted_from": "BETA_OFFICIEL"}, "(company beta)"),
        ({"links": ["https://beta.example/x"]}, "(company beta)"),  # `www.` of the configured domain ignored
        ({"mentions": ["leem_FR"]}, "(sector actor)"),  # settings: "@LEEM_fr"
        ({"links": ["https://fr.leem.example/rapport"]}, "(sector actor)"),  # settings: a URL with www.
    ],
)
def test_sector_another_company_or_a_sector_actor(row: dict, actor: str) -> None:
    post = one(**row)
    assert post["tone"] == "sector" and post["tone_reason"].endswith(actor)


def test_a_company_is_corporate_for_its_own_people_and_sector_for_the_others() -> None:
    frame = posts(
        {"mentions": ["beta_officiel"], "executive_id": "ana"}, {"mentions": ["beta_officiel"], "executive_id": "bob"}
    )
    assert classify(frame, COMPANIES, ROSTER, SETTINGS).get_column("tone").to_list() == ["sector", "corporate"]


def test_curation_and_personal() -> None:
    assert one(links=["https://www.lesechos.example/article/1"])["tone"] == "curation"
    assert one(text="Étude : https://nejm.example/doi/10.1056")["tone"] == "curation"
    personal = one(text="Fier de nos équipes.")
    assert personal["tone"] == "personal" and personal["tone_match"] is None


@pytest.mark.parametrize(
    ("row", "tone"),
    [
        # every rule present: the first wins, whatever the order of the references
        (
            {"links": ["https://news.example/a", "https://leem.example/b", "https://acme.example/c"]},
            "corporate",
        ),
        ({"links": ["https://news.example/a"], "mentions": ["leem_fr"], "reposted_from": "acme_corp"}, "corporate"),
        ({"links": ["https://news.example/a", "https://beta.example/b"]}, "sector"),
        ({"links": ["https://news.example/a"], "mentions": ["beta_officiel"]}, "sector"),
        ({"links": ["https://news.example/a"], "mentions": ["someone_else"]}, "curation"),
        ({"mentions": ["someone_else"], "kind": "repost", "reposted_from": "a_news_account"}, "personal"),
    ],
)
def test_the_first_rule_that_applies_wins(row: dict, tone: str) -> None:
    assert one(**row)["tone"] == tone


@pytest.mark.parametrize(
    ("url", "tone"),
    [
        ("https://acme.example/", "corporate"),
        ("https://www.acme.example/x", "corporate"),
        ("https://fr.acme.example/x", "corporate"),
        ("http://Newsroom.ACME.Example:8080/x?y=1", "corporate"),
        ("https://acme.example./x", "corporate"),
        ("https://notacme.example/x", "curation"),  # near miss: not a subdomain
        ("https://acme.example.evil.example/x", "curation"),
        ("https://acme.examples/x", "curation"),
        ("https://example/x", "curation"),
    ],
)
def test_domains_match_themselves_and_their_subdomains_only(url: str, tone: str) -> None:
    assert one(links=[url])["tone"] == tone


@pytest.mark.parametrize(
    ("row", "tone"),
    [
        ({"mentions": ["@ACME_CORP"]}, "corporate"),
        ({"mentions": [" acme_corp "]}, "corporate"),
        ({"text": "Avec (@Acme_Corp) ce matin"}, "corporate"),
        ({"mentions": ["acme_corp2"]}, "personal"),  # near miss
        ({"text": "Écrivez à contact@acme_corp.fr"}, "personal"),  # an e-mail address is not a mention
        ({"mentions": [], "text": "Merci @acme_corp"}, "personal"),  # the export's (empty) list wins
    ],
)
def test_handles_match_ignoring_case_and_at(row: dict, tone: str) -> None:
    assert one(**row)["tone"] == tone


def test_the_exports_expanded_links_win_over_the_text() -> None:
    post = one(links=["https://news.example/a"], text="https://t.co/x https://acme.example/y")
    assert post["tone"] == "curation"
    assert one(links=None, text="voir https://acme.example/y")["tone"] == "corporate"


@pytest.mark.parametrize(
    "url",
    [
        "https://t.co/AbCdEf",
        "https://lnkd.in/abc",
        "https://www.linkedin.com/feed/update/urn:li:activity:7000000000000000001/",
        "https://twitter.com/i/web/status/1",
        "https://x.com/hashtag/covid",
        "https://pic.twitter.com/xyz",
    ],
)
def test_links_to_the_platforms_are_not_outside_sites(url: str) -> None:
    assert one(links=[url])["tone"] == "personal"


def test_a_rich_markup_like_url_is_kept_as_text() -> None:
    post = one(links=["https://news.example/[bold]x"])
    assert post["tone_reason"] == "link to https://news.example/[bold]x"


# --- topics ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("COVID : la vaccination progresse", ["covid"]),  # case, wildcard
        ("Les vaccins arrivent", ["covid"]),
        ("Le Sars-CoV-2 mute", ["covid"]),
        ("covidien", []),  # no wildcard: word boundary
        ("antivaccin", []),  # the wildcard ends a word, it does not start one
        ("Notre R&D avance", ["rd"]),
        ("R&Dx", []),
        ("Trois essais   cliniques\nlancés", ["rd"]),  # several words, any spacing, wildcard on each
        ("la SANTE, la Santé, la sante", ["care"]),  # accents and case
        ("santéconomie", []),
        ("Vaccin, R&D et santé publique", ["covid", "rd", "care"]),  # several topics, settings order
    ],
)
def test_topics_ignore_case_and_accents_and_respect_word_boundaries(text: str, topics: list[str]) -> None:
    assert one(text=text)["topics"] == topics


@pytest.mark.parametrize(
    ("topic", "text"),
    [
        ("covid", "La campagne de vaccination contre la Covid-19 s'accélère."),
        ("health_sovereignty", "Health sovereignty starts with reshoring in Europe."),
        ("digital_transformation", "L'intelligence artificielle transforme nos essais."),
        ("rnd_innovation", "Our research teams filed three patents this year."),
        ("patients", "Rencontre avec une association de patients atteints de maladies rares."),
        ("talent_diversity", "Nous recrutons 200 alternants : la diversité est une force."),
        ("csr_environment", "Notre plan climat : neutralité carbone en 2030."),
        ("manufacturing", "Visite de notre usine de production à Lyon."),
    ],
)
def test_the_default_taxonomy_reads_french_and_english(topic: str, text: str) -> None:
    assert topic in DEFAULT_TOPICS
    assert topic in one(Settings(), text=text)["topics"]


def test_the_default_taxonomy_does_not_see_topics_everywhere() -> None:
    assert (
        one(Settings(), text="Trois enseignements de mon premier trimestre : écouter, décider, expliquer.")["topics"]
        == []
    )


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàçô", min_size=2, max_size=12))
def test_a_keyword_matches_itself_as_a_word_and_not_inside_a_longer_one(word: str) -> None:
    pattern = keyword_pattern(word)
    assert re.search(pattern, fold(f"« {word.upper()} »"))
    assert not re.search(pattern, fold(f"{word}x")) and not re.search(pattern, fold(f"x{word}"))
    assert re.search(keyword_pattern(word + "*"), fold(f"{word}xyz"))


# --- compliance -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Fiers de #Produit !", ["Produit"]),  # inside a hashtag
        ("PRODUIT disponible", ["Produit"]),
        ("l'azurimab et le Produit", ["Produit", "azurimab"]),  # several terms, settings order
        ("#Dermolene", ["Dermolène"]),  # reported as written in the settings
        ("Nos produits et sous-produits", []),  # near misses: another word
        ("#ProduitPlus", []),
        ("azurimabs", []),
    ],
)
def test_the_watchlist_flags_the_terms_found(text: str, terms: list[str]) -> None:
    assert one(text=text)["compliance"] == terms


def test_compliance_hits_lists_only_flagged_posts() -> None:
    classified = classify(posts({"text": "#Produit"}, {"text": "rien"}), COMPANIES, ROSTER, SETTINGS)
    hits = compliance_hits(classified)
    assert hits.get_column("post_id").to_list() == ["0"] and hits.row(0, named=True)["company"] == "acme"


# --- aggregations -------------------------------------------------------------------------------------------------


def test_tone_mix_shares_of_posts_and_of_influence() -> None:
    frame = posts(
        {"mentions": ["acme_corp"], "reactions": 30},  # corporate
        {"kind": "repost", "reposted_from": "acme_corp", "reactions": 0},  # corporate, no influence
        {"links": ["https://news.example/a"], "reactions": 10},  # curation
        {"text": "Bonjour", "reactions": 60},  # personal
        {"executive_id": "bob", "mentions": ["acme_corp"], "reactions": 5},  # sector for bob
    )
    classified = classify(frame, COMPANIES, ROSTER, SETTINGS)
    ana = tone_mix(classified, "executive_id").filter(pl.col("executive_id") == "ana").row(0, named=True)
    assert ana["tone_posts"] == 4
    assert (ana["tone_corporate"], ana["tone_sector"], ana["tone_curation"], ana["tone_personal"]) == (
        0.5,
        0.0,
        0.25,
        0.25,
    )
    assert ana["tone_influence_corporate"] == pytest.approx(0.3) and ana["tone_influence_personal"] == 0.6
    everyone = tone_mix(classified, None)
    assert everyone.height == 1 and "__all" not in everyone.columns
    assert sum(everyone.row(0, named=True)[f"tone_{t}"] for t in TONES) == pytest.approx(1)
    teams = tone_mix(classified, "company")
    assert teams.get_column("company").to_list() == ["acme", "beta"]


def test_top_topics_per_team() -> None:
    frame = posts(
        {"text": "vaccin", "reactions": 5},
        {"text": "vaccin et R&D", "reactions": 1},
        {"text": "R&D", "reactions": 100},
        {"text": "santé"},
        {"kind": "repost", "reposted_from": "x"},  # no text: not counted in the shares
        {"executive_id": "bob", "text": "santé"},
    )
    top = top_topics(classify(frame, COMPANIES, ROSTER, SETTINGS), "company", limit=2)
    acme = top.filter(pl.col("company") == "acme")
    # covid and rd both have 2 posts: rd has more influence
    assert acme.select("rank", "topic", "posts").rows() == [(1, "rd", 2), (2, "covid", 2)]
    assert acme.get_column("share").to_list() == [0.5, 0.5]
    assert top.filter(pl.col("company") == "beta").get_column("topic").to_list() == ["care"]
