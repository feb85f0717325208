"""Tone, topics and watchlist in the run's outputs, the `explain` command, and their settings (issue 5)."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from ranking.cli import cli
from ranking.errors import InputError
from ranking.outputs.staging import sink_csv
from ranking.outputs.tables import posts_query
from ranking.score.catalogue import columns
from ranking.score.ranks import COMPANY_COLUMNS, EXECUTIVE_COLUMNS
from ranking.settings import load_settings
from ranking.settings.taxonomy import DEFAULT_TOPICS
from tests.workspaces import DEMO, person, workspace, write_csv

TOML = """
[tone]
sector_handles = ["leem_fr"]
sector_domains = ["leem.example"]

[topics]
covid = ["covid*", "vaccin*"]
patients = ["patient*"]

[compliance]
watchlist = ["Azurex", "-Formula"]
"""


def content_workspace(tmp_path: Path, toml: str = TOML) -> Path:
    people = [person("ana", "acme", ceo=True, name="Ana Lopez"), person("bob", "beta", ceo=True, name="Bob Martin")]
    root = workspace(tmp_path / "ws", people, toml=toml)
    write_csv(
        root / "companies.csv",
        ["company", "name", "domains", "corporate_handles"],
        [
            {
                "company": "acme",
                "name": "Acme",
                "domains": "acme.example",
                "corporate_handles": "@Acme_Corp;acme-group",
            },
            {"company": "beta", "name": "Beta", "domains": "beta.example", "corporate_handles": "beta_officiel"},
        ],
        delimiter=";",
    )
    rows = [
        # ana, October: one post of each tone, a flagged one, a repost
        {"id": "1", "who": "ana", "at": "2021-10-02T08:00:00Z", "r": 10, "text": "Vaccins et patients", "mentions": ["ACME_CORP"]},
        {"id": "2", "who": "ana", "at": "2021-10-03T08:00:00Z", "r": 20, "text": "Rapport", "links": ["https://fr.leem.example/r"]},
        {"id": "3", "who": "ana", "at": "2021-10-04T08:00:00Z", "r": 30, "text": "À lire", "links": ["https://news.example/a"]},
        {"id": "4", "who": "ana", "at": "2021-10-05T22:30:00Z", "r": 40, "text": "Fiers de #Azurex -Formula"},
        {"id": "5", "who": "ana", "at": "2021-10-06T08:00:00Z", "r": 0, "kind": "repost", "from": "acme-group"},
        # ana, earlier this year (ytd only) and last year (in no window)
        {"id": "6", "who": "ana", "at": "2021-03-01T08:00:00Z", "r": 5, "text": "covid", "links": ["https://www.acme.example/"]},
        {"id": "7", "who": "ana", "at": "2020-12-30T08:00:00Z", "r": 99, "text": "old"},
        # bob relays acme: sector for him
        {"id": "8", "who": "bob", "at": "2021-10-02T09:00:00Z", "r": 7, "text": "Bravo", "mentions": ["acme_corp"]},
    ]  # fmt: skip
    (root / "exports").mkdir(exist_ok=True)
    lines = []
    for r in rows:
        record = {
            "executive_id": r["who"],
            "platform": "x",
            "post_id": r["id"],
            "posted_at": r["at"],
            "kind": r.get("kind", "post"),
            "text": r.get("text", ""),
            "reactions": r["r"],
            "comments": 0,
            "shares": 0,
            "links": r.get("links", []),
            "mentions": r.get("mentions", []),
        }
        if "from" in r:
            record["reposted_from"] = r["from"]
        lines.append(json.dumps(record, ensure_ascii=False))
    (root / "exports" / "posts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def run(root: Path, out: Path) -> Path:
    result = CliRunner().invoke(cli, ["run", "-w", str(root), "-p", "2021-10", "-o", str(out), "-q", "--lang", "en"])
    assert result.exit_code == 0, result.output
    return out / "2021-10"


def test_posts_csv_one_row_per_post_of_the_year_to_date(tmp_path: Path) -> None:
    folder = run(content_workspace(tmp_path), tmp_path / "out")
    lines = (folder / "posts.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "executive_id,company,platform,post_id,posted_at,kind,influence,tone,topics,compliance"
    rows = {r["post_id"]: r for r in csv.DictReader(lines)}
    assert sorted(rows) == ["1", "2", "3", "4", "5", "6", "8"]  # not last year's
    assert next(csv.DictReader(lines))["post_id"] == "6"  # oldest first
    assert rows["1"] == {
        "executive_id": "ana",
        "company": "acme",
        "platform": "x",
        "post_id": "1",
        "posted_at": "2021-10-02T10:00:00+02:00",  # the workspace's time zone
        "kind": "post",
        "influence": "10",
        "tone": "corporate",
        "topics": "covid;patients",
        "compliance": "",
    }
    assert [rows[i]["tone"] for i in "2345"] == ["sector", "curation", "personal", "corporate"]
    assert rows["4"]["posted_at"] == "2021-10-06T00:30:00+02:00"
    assert rows["4"]["compliance"] == "Azurex;-Formula"  # no leading "-": only a later term starts so
    assert rows["8"]["tone"] == "sector" and rows["6"]["influence"] == "5"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert "posts.csv" in manifest["outputs"]
    assert manifest["settings"]["topics"] == {"covid": ["covid*", "vaccin*"], "patients": ["patient*"]}


def test_a_cell_a_spreadsheet_would_read_as_a_formula_is_neutralised(tmp_path: Path) -> None:
    root = content_workspace(tmp_path, TOML.replace('watchlist = ["Azurex", "-Formula"]', 'watchlist = ["-Formula"]'))
    rows = {r["post_id"]: r for r in csv.DictReader((run(root, tmp_path / "o") / "posts.csv").open())}
    assert rows["4"]["compliance"] == "'-Formula"


def test_tone_shares_are_appended_to_the_contract_tables(tmp_path: Path) -> None:
    folder = run(content_workspace(tmp_path), tmp_path / "out")
    executives = list(csv.DictReader((folder / "executives.csv").open(encoding="utf-8")))
    header = (folder / "executives.csv").read_text().splitlines()[0].split(",")
    assert header[:15] == list(EXECUTIVE_COLUMNS)
    assert header[15:19] == ["tone_corporate", "tone_sector", "tone_curation", "tone_personal"]
    assert header[19:] == list(columns("executives"))  # the measures beyond volume come after the tone shares
    ana = next(r for r in executives if r["scope"] == "month" and r["executive_id"] == "ana")
    # 5 posts in October, the repost included: 2 corporate, 1 sector, 1 curation, 1 personal
    assert [ana[f"tone_{t}"] for t in ("corporate", "sector", "curation", "personal")] == ["0.4", "0.2", "0.2", "0.2"]
    companies = list(csv.DictReader((folder / "companies.csv").open(encoding="utf-8")))
    tone = ["tone_corporate", "tone_sector", "tone_curation", "tone_personal"]
    assert list(companies[0])[len(COMPANY_COLUMNS) :] == [*tone, *columns("companies")]
    beta = next(r for r in companies if r["scope"] == "ytd" and r["company"] == "beta")
    assert beta["tone_sector"] == "1.0"


def test_an_executive_without_posts_has_no_tone_shares(tmp_path: Path) -> None:
    root = content_workspace(tmp_path)
    with (root / "roster.csv").open("a", encoding="utf-8") as fh:
        fh.write("cleo,Cleo,acme,CFO,false,,,,\n")
    rows = list(csv.DictReader((run(root, tmp_path / "out") / "executives.csv").open()))
    cleo = next(r for r in rows if r["executive_id"] == "cleo")
    assert cleo["posts"] == "0" and cleo["tone_corporate"] == "" and cleo["tone_personal"] == ""


def test_explain_shows_each_post_its_counts_tone_and_rule(tmp_path: Path) -> None:
    root = content_workspace(tmp_path)
    result = CliRunner().invoke(cli, ["explain", "-w", str(root), "-p", "2021-10", "ana"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Ana Lopez (ana)" in out and "Acme" in out
    lines = {line.split("│")[4].strip(): line for line in out.splitlines() if line.count("│") > 10}
    assert sorted(k for k in lines if k.isdigit()) == ["1", "2", "3", "4", "5", "6"]
    assert "corporate" in lines["1"] and "mention of @acme_corp (own company acme)" in lines["1"]
    assert "sector" in lines["2"] and "link to https://fr.leem.example/r (sector actor)" in lines["2"]
    assert "curation" in lines["3"] and "link to https://news.example/a" in lines["3"]
    assert "personal" in lines["4"] and "no company or sector reference" in lines["4"]
    assert "repost of @acme-group" in lines["5"] and "•" in lines["5"] and "•" not in lines["6"]
    assert "link to https://www.acme.example/" in lines["6"]
    total = next(line for line in out.splitlines() if line.lstrip("│ ").startswith("total"))
    assert "105" in total  # 10 + 20 + 30 + 40 + 5, the year-to-date score
    assert "Watchlist: post 4 names Azurex, -Formula" in out
    assert "influence = 1 × reactions + 2 × comments + 3 × shares" in out


def test_explain_an_unknown_executive_is_an_error(tmp_path: Path) -> None:
    root = content_workspace(tmp_path)
    result = CliRunner().invoke(cli, ["explain", "-w", str(root), "-p", "2021-10", "zed"])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {root}/roster.csv: unknown executive 'zed' (not in roster.csv)"


def test_explain_the_demo() -> None:
    demo = DEMO
    result = CliRunner().invoke(cli, ["explain", "-w", str(demo), "-p", "2021-10", "romain-jolivald"])
    assert result.exit_code == 0, result.output
    for tone in ("corporate", "sector", "curation", "personal"):
        assert tone in result.output


def test_default_settings_carry_the_taxonomy(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "absent.toml")
    assert dict(settings.topics) == DEFAULT_TOPICS
    assert settings.tone.sector_domains == () and settings.compliance.watchlist == ()
    (tmp_path / "ranking.toml").write_text('[topics]\nesg = ["rse"]\n')
    assert list(load_settings(tmp_path / "ranking.toml").topics) == ["esg"]  # replaces the default


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[tone]\nhandles = []\n", "unknown setting 'tone.handles'"),
        ('[tone]\nsector_domains = ["leem"]\n', "tone.sector_domains[0]: 'leem' is not a web domain"),
        ('[tone]\nsector_handles = ["@"]\n', "tone.sector_handles[0] must not be empty"),
        ('[tone]\nsector_handles = "leem"\n', "tone.sector_handles must be a list"),
        ('[topics]\ncovid = "covid"\n', "topics.covid must be a list"),
        ('[topics]\ncovid = ["covid", 3]\n', "topics.covid[1] must be a string"),
        ('[topics]\ncovid = ["co*vid"]\n', "topics.covid[0]: '*' may only end a word"),
        ("[topics]\ncovid = []\n", "topics.covid must list at least one keyword"),
        ('[topics]\ncovid = ["  "]\n', "topics.covid[0]: a keyword must not be empty"),
        ('topics = ["covid"]\n', "topics must be a table"),
        ('[compliance]\nwatchlist = ["ok", "*"]\n', "compliance.watchlist[1]: '*' must follow a word"),
        ("[compliance]\nlist = []\n", "unknown setting 'compliance.list'"),
    ],
)
def test_bad_content_settings_are_named(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "ranking.toml"
    path.write_text(toml)
    with pytest.raises(InputError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(f"{path}: {message}"), str(caught.value)


def test_posts_csv_is_the_same_file_however_its_rows_are_gathered(tmp_path: Path, pipeline) -> None:
    run_data = pipeline(DEMO)
    ytd, timezone = run_data.posts["ytd"], run_data.workspace.settings.scoring.timezone
    written = []
    for rows in (100_000, 97, 1):
        sink_csv(
            posts_query(ytd.sample(fraction=1.0, shuffle=True, seed=rows), timezone, rows), tmp_path / f"{rows}.csv"
        )
        written.append((tmp_path / f"{rows}.csv").read_bytes())
    assert written[0] == written[1] == written[2] and written[0].count(b"\n") == ytd.height + 1
    lines = written[0].decode().splitlines()[1:]
    shown = [(datetime.fromisoformat(r[4]), r[0], r[2], r[3]) for r in csv.reader(lines)]
    assert shown == sorted(shown)  # oldest first, then executive, platform and post
    sink_csv(posts_query(ytd.clear(), timezone), tmp_path / "none.csv")
    assert (tmp_path / "none.csv").read_text().splitlines() == [written[0].decode().splitlines()[0]]
