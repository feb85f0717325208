"""Issue 20: `validate` is the whole truth. For each rule `run` or `send` applies, a workspace that breaks only
that rule: `validate` and the command that applies it (`run`, `send`, or both) refuse it with the same
`Error:` line, exit 1, and write nothing."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from ranking.cli import cli
from ranking.load.workspace import load_workspace
from tests.workspaces import person, post, workspace, write_csv

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
PERIOD = "2021-10"
SENDER = "classement@ranking.example"
COMPANIES = ["company", "name", "comms_emails"]


@dataclass(frozen=True)
class Rule:
    """One rule: how to break it in the base workspace, the line every command prints, who applies it."""

    breaks: Callable[[Path], None]
    line: str  # the error after `Error: `, `{root}` standing for the workspace
    env: dict[str, str] = field(default_factory=dict)
    commands: tuple[str, ...] = ("run",)  # besides validate: run, send (--dry-run), send-for-real (no --dry-run)


def settings(toml: str) -> Callable[[Path], None]:
    return lambda root: (root / "ranking.toml").write_text(toml, encoding="utf-8")


def companies(name: str = "Acme", emails: str = "ana@acme.example") -> Callable[[Path], None]:
    return lambda root: write_csv(
        root / "companies.csv", COMPANIES, [{"company": "acme", "name": name, "comms_emails": emails}]
    )


def outside_logo(root: Path) -> None:
    (root.parent / "outside.png").write_bytes(b"\x89PNG")
    settings('[report]\nlogo = "../outside.png"\n')(root)


def logo_folder(root: Path) -> None:
    (root / "logo.png").mkdir()
    settings('[report]\nlogo = "logo.png"\n')(root)


#: Every rule also `send` applies runs with a sender in the environment, so that `send` gets as far as the rule.
WITH_SENDER = {"RANKING_SMTP_FROM": SENDER}
BOTH = ("run", "send")
ENVIRONMENT = ("send",)  # the delivery's environment: `run` does not read it (the machine may not be the sender's)
PASSWORD = ("send-for-real",)  # the password is read when sending only, not by --dry-run

RULES = {
    "logo missing": Rule(
        settings('[report]\nlogo = "logo.png"\n'), "{root}/ranking.toml: report.logo: file not found: {root}/logo.png"
    ),
    "logo outside": Rule(
        outside_logo, "{root}/ranking.toml: report.logo must be a file of the workspace, not '../outside.png'"
    ),
    "logo a folder": Rule(logo_folder, "{root}/ranking.toml: report.logo: file not found: {root}/logo.png"),
    "logo suffix": Rule(
        settings('[report]\nlogo = "logo.gif"\n'),
        "{root}/ranking.toml: report.logo must be a .png, .jpg, .jpeg, .svg file, not 'logo.gif'",
    ),
    "report section": Rule(
        settings('[report]\nsections = ["nope"]\n'),
        "{root}/ranking.toml: report.sections[0]: 'nope' is not a part of the company report (known: executives, "
        "posts, beyond_volume, tone, executive_tones, topics, what_works, data_quality, compliance)",
    ),
    "keyword": Rule(settings('[topics]\nvaccins = [" "]\n'), "{root}/ranking.toml: topics.vaccins[0]: "),
    "weight": Rule(settings("[scoring]\nshares = -1\n"), "{root}/ranking.toml: scoring.shares must not be negative"),
    "publisher line break": Rule(
        settings('[report]\npublisher = "Obs\\nBcc: x@evil.example"\n'),
        "{root}/ranking.toml: report.publisher holds a line break",
        WITH_SENDER,
        BOTH,
    ),
    "title line break": Rule(
        settings('[report]\ntitle = "Classement\\r\\nBcc: x@evil.example"\n'),
        "{root}/ranking.toml: report.title holds a line break",
        WITH_SENDER,
        BOTH,
    ),
    "sender in settings": Rule(
        settings('[smtp]\nsender = "not-an-address"\n'),
        "{root}/ranking.toml: smtp.sender: 'not-an-address' is not an e-mail address",
        {},
        BOTH,
    ),
    "smtp security in settings": Rule(
        settings('[smtp]\nsecurity = "tls"\n'),
        "{root}/ranking.toml: smtp.security must be one of starttls, ssl, none, not 'tls'",
        WITH_SENDER,
        BOTH,
    ),
    "comms address": Rule(
        companies(emails="ana@acme.example; not-an-address"),
        "{root}/companies.csv:2: comms_emails: 'not-an-address' is not an e-mail address",
        WITH_SENDER,
        BOTH,
    ),
    "comms address line break": Rule(
        companies(emails="Ana\nBcc: x@evil.example <ana@acme.example>"),
        "{root}/companies.csv:2: comms_emails: address 'Ana\\nBcc: x@evil.example <ana@acme.example>' holds a line break",
        WITH_SENDER,
        BOTH,
    ),
    "company name line break": Rule(
        companies(name="Acme\r\nBcc: x@evil.example"),
        "{root}/companies.csv:2: company name 'Acme\\r\\nBcc: x@evil.example' holds a line break",
        WITH_SENDER,
        BOTH,
    ),
    "sender in the environment": Rule(
        lambda root: None,
        "RANKING_SMTP_FROM: 'not-an-address' is not an e-mail address",
        {"RANKING_SMTP_FROM": "not-an-address"},
        ENVIRONMENT,
    ),
    "port in the environment": Rule(
        lambda root: None,
        "RANKING_SMTP_PORT: must be a whole number, not 'smtp'",
        {**WITH_SENDER, "RANKING_SMTP_PORT": "smtp"},
        ENVIRONMENT,
    ),
    "security in the environment": Rule(
        lambda root: None,
        "RANKING_SMTP_SECURITY: must be one of starttls, ssl, none, not 'tls'",
        {**WITH_SENDER, "RANKING_SMTP_SECURITY": "tls"},
        ENVIRONMENT,
    ),
    "collect actor": Rule(
        settings('[collect]\nlinkedin_actor = "apidojo/tweet-scraper"\n'),
        "{root}/ranking.toml: collect.linkedin_actor: 'apidojo/tweet-scraper' is not an actor `ranking collect` can "
        "start (known: harvestapi/linkedin-profile-posts, supreme_coder/linkedin-post, apimaestro/linkedin-profile-posts)",
    ),
    "collect price": Rule(
        settings('[collect]\nprice_per_1000_items_usd = { "apidojo/tweet-scraper" = 0.4 }\n'),
        "{root}/ranking.toml: collect.price_per_1000_items_usd has no price for 'harvestapi/linkedin-profile-posts' "
        "(the cost cap needs one)",
    ),
    "collect deadline": Rule(
        settings("[collect]\ndeadline_minutes = 0\n"),
        "{root}/ranking.toml: collect.deadline_minutes must be more than 0, not 0",
    ),
    "CA file in settings": Rule(
        settings('[smtp]\nca_file = "ca.pem"\n'),
        "{root}/ca.pem: CA file not found (smtp.ca_file / RANKING_SMTP_CA_FILE)",
        WITH_SENDER,
        ENVIRONMENT,
    ),
    "CA file in the environment": Rule(
        lambda root: None,
        "/nonexistent/ca.pem: CA file not found (smtp.ca_file / RANKING_SMTP_CA_FILE)",
        {**WITH_SENDER, "RANKING_SMTP_CA_FILE": "/nonexistent/ca.pem"},
        ENVIRONMENT,
    ),
    "user without password": Rule(
        settings('[smtp]\nuser = "mailer"\n'),
        "RANKING_SMTP_PASSWORD: not set, but smtp.user is: the password is read from it only",
        WITH_SENDER,
        PASSWORD,
    ),
    "password without user": Rule(
        lambda root: None,
        "RANKING_SMTP_PASSWORD: set, but no user (smtp.user or RANKING_SMTP_USER)",
        {**WITH_SENDER, "RANKING_SMTP_PASSWORD": "pw-never-shown"},
        PASSWORD,
    ),
    "password in clear": Rule(
        lambda root: None,
        "RANKING_SMTP_PASSWORD: refusing to send the password over an unencrypted connection (security = none)",
        {
            **WITH_SENDER,
            "RANKING_SMTP_USER": "mailer",
            "RANKING_SMTP_PASSWORD": "pw-never-shown",
            "RANKING_SMTP_SECURITY": "none",
        },
        PASSWORD,
    ),
}


@pytest.fixture(autouse=True)
def no_smtp_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules see only the variables each case sets."""
    for name in list(os.environ):
        if name.startswith("RANKING_SMTP_"):
            monkeypatch.delenv(name)


def base(root: Path) -> Path:
    """One company with a comms director, one executive, one post: it validates, runs and sends."""
    workspace(root, [person("ana", "acme", ceo=True)], [post("1", "ana", "2021-10-05T10:00:00Z", reactions=10)])
    companies()(root)
    return root


def fake_run(out: Path) -> Path:
    """The run folder `send` reads (it checks its rules before it opens the PDFs; the password rule after)."""
    folder = out / PERIOD
    (folder / "companies").mkdir(parents=True)
    (folder / "leaderboard.pdf").write_bytes(b"%PDF-1.7 leaderboard")
    (folder / "companies" / "acme.pdf").write_bytes(b"%PDF-1.7 acme")
    return folder


def invoke(args: list[str], env: dict[str, str]) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output.splitlines()


def problem_lines(lines: list[str]) -> list[str]:
    """The `Error:` lines of the problems (not validate's closing count)."""
    return [
        line for line in lines if line.startswith("Error: ") and not line.endswith(("problem found", "problems found"))
    ]


@pytest.mark.parametrize("name", list(RULES))
def test_validate_refuses_what_run_and_send_refuse_with_the_same_line(tmp_path: Path, name: str) -> None:
    rule = RULES[name]
    root = base(tmp_path / "ws")
    rule.breaks(root)
    expected = "Error: " + rule.line.format(root=root)

    code, lines = invoke(["validate", "-w", str(root)], rule.env)
    assert code == 1, lines
    (line,) = problem_lines(lines)
    assert line.startswith(expected), line

    for command in rule.commands:
        out = tmp_path / f"out-{command}"
        if command == "run":
            args = ["run", "-w", str(root), "-p", PERIOD, "-o", str(out), "-q", "--jobs", "1"]
        else:
            fake_run(out)
            args = ["send", "-w", str(root), "-p", PERIOD, "-o", str(out), "-q"]
            args += ["--dry-run"] if command == "send" else []
        code, lines = invoke(args, rule.env)
        assert (code, problem_lines(lines)) == (1, [line]), (command, lines)
        written = sorted(str(p.relative_to(out)) for p in out.rglob("*")) if out.exists() else []
        assert written == (
            []
            if command == "run"
            else ["2021-10", "2021-10/companies", "2021-10/companies/acme.pdf", "2021-10/leaderboard.pdf"]
        ), command
    assert "pw-never-shown" not in "\n".join(lines)


def test_the_base_workspace_validates_runs_and_sends(tmp_path: Path) -> None:
    """Each case above breaks one rule of a workspace that passes them all (no sender: `validate` is silent)."""
    root = base(tmp_path / "ws")
    code, lines = invoke(["validate", "-w", str(root)], {})
    assert (code, lines[-1], problem_lines(lines)) == (0, "OK", []), lines
    assert not any("sender" in line for line in lines), lines
    out = tmp_path / "out"
    code, lines = invoke(["run", "-w", str(root), "-p", PERIOD, "-o", str(out), "-q", "--jobs", "1"], {})
    assert code == 0, lines
    code, lines = invoke(["send", "-w", str(root), "-p", PERIOD, "-o", str(out), "-q", "--dry-run"], WITH_SENDER)
    assert code == 0 and (out / PERIOD / "outbox").is_dir(), lines


def test_a_run_does_not_apply_the_rules_of_the_delivery_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = base(tmp_path / "ws")
    for variable, value in (("RANKING_SMTP_PORT", "smtp"), ("RANKING_SMTP_FROM", "nobody"), ("RANKING_SMTP_USER", "u")):
        monkeypatch.setenv(variable, value)
    assert load_workspace(root).companies.height == 1


def test_send_without_any_sender_says_so(tmp_path: Path) -> None:
    root = base(tmp_path / "ws")
    fake_run(tmp_path / "out")
    code, lines = invoke(["send", "-w", str(root), "-p", PERIOD, "-o", str(tmp_path / "out"), "--dry-run"], {})
    assert (code, problem_lines(lines)) == (
        1,
        ["Error: no sender address: set smtp.sender in ranking.toml or RANKING_SMTP_FROM"],
    )


def test_the_demo_validates(tmp_path: Path) -> None:
    code, lines = invoke(["validate", "-w", str(DEMO)], {})
    assert (code, lines[-1], problem_lines(lines)) == (0, "OK", []), lines
