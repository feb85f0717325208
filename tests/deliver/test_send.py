"""`ranking send` against a real SMTP server on loopback: every director gets both reports, once."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfWriter

from ranking.cli import cli
from tests.deliver.mailserver import Mailbox, authenticator, make_test_ca, smtp_server
from tests.workspaces import REPO, write_csv

PERIOD = "2021-10"
SENDER = "classement@ranking.example"
PASSWORD = "pw-Zq8#never-logged"
COMPANIES = [
    {"company": "acme", "name": "Acmé Labs", "comms_emails": "ana@acme.example; Jane Doe <jane@ACME.example>"},
    {"company": "beta", "name": "Beta Santé", "comms_emails": "bob@beta.example"},
    {"company": "gamma", "name": "Gamma", "comms_emails": ""},
]
EVERYONE = ["ana@acme.example", "jane@acme.example", "bob@beta.example"]


def pdf(path: Path, title: str) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": title})
    with path.open("wb") as handle:
        writer.write(handle)
    return path.read_bytes()


@dataclass
class Setup:
    workspace: Path
    out: Path
    folder: Path

    @property
    def ledger(self) -> list[dict]:
        path = self.folder / "deliveries.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def last_states(self) -> dict[str, str]:
        return {line["recipient"]: line["state"] for line in self.ledger}


def make_setup(tmp_path: Path, toml: str = "", companies: list[dict] | None = None) -> Setup:
    """A workspace (settings, companies with comms_emails) and the run folder a `ranking run` would leave."""
    root = tmp_path / "ws"
    write_csv(root / "companies.csv", ["company", "name", "comms_emails"], companies or COMPANIES)
    write_csv(root / "roster.csv", ["executive_id", "name", "company", "role", "is_ceo"], [])
    (root / "ranking.toml").write_text(
        '[report]\nlang = "fr"\npublisher = "Observatoire"\n'
        f'[smtp]\nsender = "{SENDER}"\nattempts = 3\nmax_wait = 0\ntimeout = 10\n' + toml
    )
    folder = tmp_path / "out" / PERIOD
    pdf(folder / "leaderboard.pdf", "leaderboard")
    for company in ("acme", "beta", "gamma"):
        pdf(folder / "companies" / f"{company}.pdf", f"report {company}")
    (folder / "manifest.json").write_text(json.dumps({"lang": "en"}))
    return Setup(root, tmp_path / "out", folder)


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    return make_setup(tmp_path)


@pytest.fixture
def plain_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("RANKING_SMTP_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("RANKING_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("RANKING_SMTP_SECURITY", "none")


def send(s: Setup, port: int | None, *extra: str) -> Result:
    env = {"RANKING_SMTP_PORT": str(port)} if port else {}
    return CliRunner().invoke(
        cli, ["send", "-w", str(s.workspace), "-p", PERIOD, "-o", str(s.out), *extra], env=env, catch_exceptions=False
    )


def test_every_director_receives_both_reports_once(setup: Setup, plain_env: None) -> None:
    mailbox = Mailbox()
    with smtp_server(mailbox) as server:
        result = send(setup, server.port)
        assert result.exit_code == 0, result.output
        assert sorted(r for m in mailbox.received for r in m.recipients) == sorted(EVERYONE)
        for received in mailbox.received:
            company = "beta" if "beta" in received.recipients[0] else "acme"
            message = received.message
            assert received.sender == SENDER and message["To"] == received.recipients[0]
            files = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
            assert files == {
                f"report-{company}-{PERIOD}.pdf": (setup.folder / "companies" / f"{company}.pdf").read_bytes(),
                f"leaderboard-{PERIOD}.pdf": (setup.folder / "leaderboard.pdf").read_bytes(),
            }
            # the run was in English (manifest), the subject is the project's text, names stay in the body
            assert message["Subject"] == "Executive influence ranking — October 2021"
            text = message.get_body(("plain",)).get_content()
            html = message.get_body(("html",)).get_content()
            name = {"acme": "Acmé Labs", "beta": "Beta Santé"}[company]
            assert name in text and name in html and "October 2021" in text
            raw_headers = received.data.split(b"\r\n\r\n", 1)[0].decode("ascii")
            assert "Acm" not in raw_headers and "Beta" not in raw_headers and "Jane" not in raw_headers
        jane = mailbox.to("jane@acme.example")[0].message
        assert "Hello Jane Doe," in jane.get_body(("plain",)).get_content()
        sent = {line["recipient"]: line for line in setup.ledger if line["state"] == "sent"}
        assert sorted(sent) == sorted(EVERYONE)
        assert {mailbox.to(r)[0].message["Message-ID"] for r in EVERYONE} == {sent[r]["message_id"] for r in EVERYONE}
        assert "gamma" in result.output  # no address: said, not silently skipped

        again = send(setup, server.port)
        assert again.exit_code == 0, again.output
        assert len(mailbox.received) == 3 and "already sent: 3" in again.output

        pdf(setup.folder / "companies" / "beta.pdf", "report beta, corrected")  # new attachments, new message
        third = send(setup, server.port)
        assert third.exit_code == 0, third.output
    assert len(mailbox.to("bob@beta.example")) == 2 and len(mailbox.to("ana@acme.example")) == 1
    first, second = (r.message["Message-ID"] for r in mailbox.to("bob@beta.example"))
    assert first != second


def test_a_server_answering_421_twice_is_tried_again(setup: Setup, plain_env: None) -> None:
    mailbox = Mailbox(data_answers=["421 4.3.2 try again later", "421 4.3.2 try again later"])
    with smtp_server(mailbox) as server:
        result = send(setup, server.port)
    assert result.exit_code == 0, result.output
    assert mailbox.data_calls == 5  # the first message three times, the two others once
    assert sorted(len(mailbox.to(r)) for r in EVERYONE) == [1, 1, 1]
    assert [line["state"] for line in setup.ledger].count("sent") == 3


def test_a_550_fails_that_recipient_only(setup: Setup, plain_env: None) -> None:
    mailbox = Mailbox(reject={"jane@acme.example": "550 5.1.1 no such user"})
    with smtp_server(mailbox) as server:
        result = send(setup, server.port)
        assert result.exit_code == 1
        assert "1 recipient without a confirmed delivery" in result.output
        assert mailbox.rcpt_calls.count("jane@acme.example") == 1  # a 5xx is not tried again
        assert [r for m in mailbox.received for r in m.recipients] == ["ana@acme.example", "bob@beta.example"]
        failed = [line for line in setup.ledger if line["state"] == "failed"]
        assert [(f["recipient"], f["company"]) for f in failed] == [("jane@acme.example", "acme")]
        assert failed[0]["detail"].startswith("550 5.1.1 no such user")

        mailbox.reject.clear()  # the address is fixed: a re-run sends only what is missing
        again = send(setup, server.port)
    assert again.exit_code == 0, again.output
    assert [len(mailbox.to(r)) for r in EVERYONE] == [1, 1, 1]


def test_a_lasting_4xx_fails_after_the_set_attempts(setup: Setup, plain_env: None) -> None:
    mailbox = Mailbox(reject={"bob@beta.example": "450 4.2.1 mailbox busy"})
    with smtp_server(mailbox) as server:
        result = send(setup, server.port)
    assert result.exit_code == 1
    assert mailbox.rcpt_calls.count("bob@beta.example") == 3
    assert setup.last_states() == {
        "ana@acme.example": "sent",
        "jane@acme.example": "sent",
        "bob@beta.example": "failed",
    }
    assert "after 3 tries" in setup.ledger[-1]["detail"]


def test_a_lost_answer_is_unknown_and_not_sent_again(setup: Setup, plain_env: None) -> None:
    def drop(count: int, server) -> None:
        if count == 1:
            server.transport.abort()  # the server has the message; the client never hears so

    mailbox = Mailbox(on_data=drop)
    with smtp_server(mailbox) as server:
        result = send(setup, server.port)
        assert result.exit_code == 1
        assert setup.last_states()["ana@acme.example"] == "unknown"
        assert [len(mailbox.to(r)) for r in EVERYONE] == [1, 1, 1]  # the others went on a new connection

        again = send(setup, server.port)
        assert again.exit_code == 1 and "--resend" in again.output
        assert [len(mailbox.to(r)) for r in EVERYONE] == [1, 1, 1]

        resent = send(setup, server.port, "--resend")
    assert resent.exit_code == 0, resent.output
    assert [len(mailbox.to(r)) for r in EVERYONE] == [2, 1, 1]
    first, second = (r.message["Message-ID"] for r in mailbox.to("ana@acme.example"))
    assert first == second  # the same message: a receiving server may drop the copy


@pytest.mark.parametrize("moment", ["before the body", "after the body"])
def test_a_killed_run_resumes_and_nobody_gets_two(setup: Setup, plain_env: None, moment: str) -> None:
    """The sender is a real process, killed while the server holds its second message."""
    proc: subprocess.Popen | None = None

    def kill(count: int, *_args) -> None:
        if count == 2 and proc is not None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()

    mailbox = Mailbox(on_rcpt=kill) if moment == "before the body" else Mailbox(on_data=kill)
    with smtp_server(mailbox) as server:
        env = {**os.environ, "RANKING_SMTP_PORT": str(server.port)}
        command = [sys.executable, "-m", "ranking", "send", "-w", str(setup.workspace), "-p", PERIOD]
        proc = subprocess.Popen([*command, "-o", str(setup.out), "-q"], env=env, cwd=REPO)
        assert proc.wait(timeout=120) == -signal.SIGKILL
        states = [line["state"] for line in setup.ledger]
        assert states[:2] == ["sending", "sent"]
        assert states[2:] == ([] if moment == "before the body" else ["sending"])
        mailbox.on_rcpt = mailbox.on_data = None

        resumed = send(setup, server.port)
    assert sorted(len(mailbox.to(r)) for r in EVERYONE) == [1, 1, 1]
    if moment == "before the body":
        assert resumed.exit_code == 0, resumed.output
        assert set(setup.last_states().values()) == {"sent"}
    else:  # the server had the second message when the sender died: reported, not sent again
        assert resumed.exit_code == 1
        assert setup.last_states() == {
            "ana@acme.example": "sent",
            "jane@acme.example": "sending",
            "bob@beta.example": "sent",
        }
        assert "unknown" in resumed.output


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_with_a_test_certificate_and_a_password_never_written(
    setup: Setup, plain_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog, security: str
) -> None:
    ca = make_test_ca(tmp_path / "ca")
    monkeypatch.setenv("RANKING_SMTP_SECURITY", security)
    monkeypatch.setenv("RANKING_SMTP_CA_FILE", str(ca.ca_file))
    monkeypatch.setenv("RANKING_SMTP_USER", "mailer")
    monkeypatch.setenv("RANKING_SMTP_PASSWORD", PASSWORD)
    caplog.set_level(logging.DEBUG)
    options: dict = {"authenticator": authenticator("mailer", PASSWORD)}
    if security == "starttls":
        options |= {"tls_context": ca.server_context(), "require_starttls": True, "auth_require_tls": True}
    else:  # aiosmtpd only knows STARTTLS as TLS: with implicit TLS, it must be told AUTH may go
        options |= {"ssl_context": ca.server_context(), "auth_require_tls": False}
    mailbox = Mailbox()
    with smtp_server(mailbox, **options) as server:
        dry = send(setup, server.port, "--dry-run")
        result = send(setup, server.port)
    assert result.exit_code == 0, result.output
    assert len(mailbox.received) == 3 and all(r.tls and r.authenticated for r in mailbox.received)
    written = [p.read_bytes() for p in setup.folder.rglob("*") if p.is_file()]
    assert any(p.suffix == ".eml" for p in setup.folder.rglob("*"))
    for text in (result.output, dry.output, caplog.text, *(w.decode("latin-1") for w in written)):
        assert PASSWORD not in text


def test_an_untrusted_certificate_stops_before_anything_is_sent(
    setup: Setup, plain_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca = make_test_ca(tmp_path / "ca")
    monkeypatch.setenv("RANKING_SMTP_SECURITY", "starttls")
    mailbox = Mailbox()
    with smtp_server(mailbox, tls_context=ca.server_context(), require_starttls=True) as server:
        result = send(setup, server.port)
    assert result.exit_code == 1
    assert "TLS certificate not trusted" in result.output and "RANKING_SMTP_CA_FILE" in result.output
    assert mailbox.received == [] and mailbox.rcpt_calls == []
    assert "sent" not in setup.last_states().values()


def test_starttls_is_never_skipped(setup: Setup, plain_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RANKING_SMTP_SECURITY", "starttls")
    mailbox = Mailbox()
    with smtp_server(mailbox) as server:  # a server that offers no STARTTLS
        result = send(setup, server.port)
    assert result.exit_code == 1 and "STARTTLS" in result.output
    assert mailbox.rcpt_calls == []


def test_security_none_says_so(setup: Setup, plain_env: None, caplog) -> None:
    with smtp_server(Mailbox()) as server:
        result = send(setup, server.port, "--only", "beta")
    assert result.exit_code == 0, result.output
    assert [r.levelname for r in caplog.records if "security is 'none'" in r.message] == ["WARNING"]


def test_dry_run_writes_the_outbox_and_sends_nothing(setup: Setup, plain_env: None) -> None:
    result = send(setup, 9, "--dry-run", "--only", "acme,beta")  # port 9: nothing listens, nothing is tried
    assert result.exit_code == 0, result.output
    outbox = sorted((setup.folder / "outbox").iterdir())
    assert [p.name for p in outbox] == [
        "acme--ana@acme.example.eml",
        "acme--jane@acme.example.eml",
        "beta--bob@beta.example.eml",
    ]
    assert not (setup.folder / "deliveries.jsonl").exists()
    from tests.deliver.mailserver import Received

    message = Received(SENDER, [], outbox[2].read_bytes(), False).message
    assert message["To"] == "bob@beta.example"
    assert [p.get_filename() for p in message.iter_attachments()] == [
        "report-beta-2021-10.pdf",
        "leaderboard-2021-10.pdf",
    ]
    again = send(setup, 9, "--dry-run", "--only", "beta")
    assert again.exit_code == 0
    assert [p.name for p in (setup.folder / "outbox").iterdir()] == ["beta--bob@beta.example.eml"]  # replaced whole


def test_a_missing_company_report_is_a_clear_error(setup: Setup, plain_env: None) -> None:
    (setup.folder / "companies" / "beta.pdf").unlink()
    mailbox = Mailbox()
    with smtp_server(mailbox) as server:
        result = send(setup, server.port)
    assert result.exit_code == 1
    assert f"Error: {setup.folder}/companies/beta.pdf: not found" in result.output
    assert mailbox.rcpt_calls == [] and setup.ledger == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("comms_emails", "ana@acme.example; not-an-address", "'not-an-address' is not an e-mail address"),
        ("comms_emails", "ana@acme.example, bob@beta.example", "is not an e-mail address"),
        ("comms_emails", "Ana\nBcc: x@evil.example <ana@acme.example>", "holds a line break"),
        ("name", "Acme\r\nBcc: x@evil.example", "holds a line break"),
    ],
)
def test_bad_addresses_and_line_breaks_stop_everything(
    tmp_path: Path, plain_env: None, field: str, value: str, message: str
) -> None:
    companies = [dict(c) for c in COMPANIES]
    companies[0][field] = value
    s = make_setup(tmp_path, companies=companies)
    mailbox = Mailbox()
    with smtp_server(mailbox) as server:
        result = send(s, server.port)
    assert result.exit_code == 1
    assert f"Error: {s.workspace}/companies.csv:2: " in result.output and message in result.output
    assert mailbox.rcpt_calls == []


def test_smtp_settings_from_the_environment_are_checked(setup: Setup, plain_env: None, monkeypatch) -> None:
    monkeypatch.setenv("RANKING_SMTP_PORT", "smtp")
    result = CliRunner().invoke(cli, ["send", "-w", str(setup.workspace), "-p", PERIOD, "-o", str(setup.out)])
    assert result.exit_code == 1 and "Error: RANKING_SMTP_PORT: must be a whole number" in result.output
    monkeypatch.setenv("RANKING_SMTP_PORT", "2525")
    monkeypatch.setenv("RANKING_SMTP_PASSWORD", PASSWORD)  # over an unencrypted connection: refused
    monkeypatch.setenv("RANKING_SMTP_USER", "mailer")
    result = CliRunner().invoke(cli, ["send", "-w", str(setup.workspace), "-p", PERIOD, "-o", str(setup.out)])
    assert result.exit_code == 1 and "unencrypted" in result.output and PASSWORD not in result.output
    (setup.workspace / "ranking.toml").write_text(f'[smtp]\nsender = "{SENDER}"\npassword = "x"\n')
    result = CliRunner().invoke(cli, ["send", "-w", str(setup.workspace), "-p", PERIOD, "-o", str(setup.out)])
    assert result.exit_code == 1 and "unknown setting 'smtp.password'" in result.output


def test_only_names_known_companies(setup: Setup, plain_env: None) -> None:
    result = send(setup, 9, "--only", "acme", "--only", "zeta", "--dry-run")
    assert result.exit_code == 2 and "unknown company 'zeta'" in result.output


def test_a_ledger_that_cannot_be_written_stops_the_sending(
    setup: Setup, plain_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ranking.deliver.ledger

    real_fsync, calls = os.fsync, []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 4:  # the line `sending` of the second message: the disk is full
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(ranking.deliver.ledger.os, "fsync", fsync)
    mailbox = Mailbox()
    with smtp_server(mailbox) as server:
        result = send(setup, server.port)
    assert result.exit_code == 1
    assert "cannot write the delivery ledger (No space left on device)" in result.output
    assert [r for m in mailbox.received for r in m.recipients] == ["ana@acme.example"]  # not tried again
    assert mailbox.rcpt_calls == ["ana@acme.example", "jane@acme.example"]
