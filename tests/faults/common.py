"""Shared setup (and fixtures, see conftest.py) of the fault-injection suite: a month already published, with a ledger, to be replaced."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from ranking.cli import cli
from tests.workspaces import person, post, workspace, write_csv

REPO = Path(__file__).resolve().parents[2]
LEDGER_LINES = '{"period": "2021-10", "state": "sent"}\n'
OUTPUTS = ("leaderboard.pdf", "executives.csv", "companies.csv", "posts.csv", "ranking.xlsx", "manifest.json")


@dataclass(frozen=True)
class Month:
    """A workspace and its output folder, where `2021-10/` was published and has a ledger and an outbox."""

    root: Path
    out: Path

    @property
    def final(self) -> Path:
        return self.out / "2021-10"

    def run_args(self) -> list[str]:
        return ["run", "-w", str(self.root), "-p", "2021-10", "-o", str(self.out), "-q", "--jobs", "1"]

    def ledger(self) -> str:
        return (self.final / "deliveries.jsonl").read_text()

    def snapshot(self) -> dict[str, str]:
        """sha256 of every file of the month's folder, by relative name."""
        return {
            str(p.relative_to(self.final)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(self.final.rglob("*"))
            if p.is_file()
        }

    def is_whole(self) -> bool:
        return all((self.final / name).is_file() for name in OUTPUTS) and (self.final / "outbox" / "a.eml").is_file()

    def assert_rerun_completes(self) -> None:
        result = CliRunner().invoke(cli, self.run_args())
        assert result.exit_code == 0, result.output
        assert self.ledger() == LEDGER_LINES and self.is_whole()
        assert not (self.final / "stale.txt").exists()  # the folder was replaced, not patched
        assert sorted(p.name for p in self.out.iterdir()) == ["2021-10"]  # nothing left beside it


def published(root: Path, out: Path) -> Month:
    month = Month(root, out)
    result = CliRunner().invoke(cli, month.run_args())
    assert result.exit_code == 0, result.output
    (month.final / "deliveries.jsonl").write_text(LEDGER_LINES)
    (month.final / "outbox").mkdir()
    (month.final / "outbox" / "a.eml").write_text("Subject: x\n")
    (month.final / "stale.txt").write_text("from the previous run")
    return month


@pytest.fixture
def month(tmp_path: Path) -> Month:
    people = [person("ana", "acme", ceo=True), person("bob", "beta", ceo=True)]
    posts = [post("1", "ana", "2021-10-05T10:00:00Z", reactions=10), post("2", "bob", "2021-10-06T10:00:00Z", 3)]
    root = workspace(tmp_path / "ws", people, posts, toml='[smtp]\nsender = "r@ranking.example"\n')
    write_csv(
        root / "companies.csv",
        ["company", "name", "comms_emails"],
        [{"company": "acme", "name": "Acme", "comms_emails": "a@acme.example"}, {"company": "beta", "name": "Beta"}],
    )
    return published(root, tmp_path / "out")


@pytest.fixture(scope="module")
def demo_published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's month, published once for the module (its PDFs take a while): copied for each test."""
    out = tmp_path_factory.mktemp("demo") / "out"
    published(REPO / "fixtures" / "demo", out)
    return out


@pytest.fixture
def demo_month(demo_published: Path, tmp_path: Path) -> Month:
    import shutil

    out = tmp_path / "out"
    shutil.copytree(demo_published, out)
    return Month(REPO / "fixtures" / "demo", out)


def small_workspace(root: Path, toml: str | None = None) -> Path:
    """Two executives of two companies, a few posts of October 2021 in exports/posts.csv."""
    people = [person("ana", "acme", ceo=True), person("bob", "beta", ceo=True)]
    posts = [post("1", "ana", "2021-10-05T10:00:00Z", reactions=10), post("2", "bob", "2021-10-06T10:00:00Z", 3)]
    return workspace(root, people, posts, toml=toml)


def invoke(*args: str | Path) -> tuple[int, str]:
    """Run the CLI; returns its exit status and output (stdout and stderr), failing on any traceback."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"a traceback instead of an error line: {result.output}") from result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def one_error(*args: str | Path, status: int = 1) -> str:
    """Run the CLI, expecting it to fail with `status` and exactly one line, `Error: …`; returns that line."""
    code, output = invoke(*args)
    lines = output.strip().splitlines()
    assert code == status, output
    assert len(lines) == 1 and lines[0].startswith("Error: "), output
    return lines[0]


def run_args(root: Path, out: Path, period: str = "2021-10") -> list[str | Path]:
    return ["run", "-w", root, "-p", period, "-o", out, "-q", "--jobs", "1"]
