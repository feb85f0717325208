"""Delivery pieces: addresses and headers, the ledger, the ledger surviving `ranking run`, and `run --send`."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import ranking.pipeline
from ranking.cli import cli
from ranking.deliver.ledger import DeliveryError, Key, Ledger
from ranking.deliver.message import build_message
from ranking.load.contacts import Recipient
from ranking.period import Period
from ranking.settings import Report, Settings, Smtp, Text
from ranking.text.address import parse_address
from tests.deliver.mailserver import Mailbox, smtp_server
from tests.workspaces import person, post, workspace, write_csv

ATOM = st.text(st.sampled_from("abcxyzABC019!#$%&'*+/=?^_`{|}~-"), min_size=1, max_size=12)
LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)


@given(local=st.lists(ATOM, min_size=1, max_size=3), labels=st.lists(LABEL, min_size=2, max_size=4))
def test_plain_addresses_are_accepted_with_the_domain_lower_cased(local: list[str], labels: list[str]) -> None:
    address = ".".join(local) + "@" + ".".join(labels).upper()
    assert parse_address(address) == (".".join(local) + "@" + ".".join(labels), None)
    assert parse_address(f"Jane Doe <{address}>")[1] == "Jane Doe"


@given(st.text(max_size=30), st.sampled_from(["\r", "\n", "\r\n"]), st.text(max_size=30))
def test_a_line_break_anywhere_is_refused(before: str, brk: str, after: str) -> None:
    with pytest.raises(ValueError, match="line break"):
        parse_address(f"{before}{brk}{after}")


@pytest.mark.parametrize(
    "entry", ["jane", "jane@", "@acme.example", "jane@acme", "a b@acme.example", "a@b.example, c@d.example", "é@x.fr"]
)
def test_what_is_not_an_address(entry: str) -> None:
    with pytest.raises(ValueError, match="not an e-mail address"):
        parse_address(entry)


@given(
    company=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), min_size=1),
    name=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), min_size=1),
)
def test_third_party_names_never_reach_a_header(company: str, name: str) -> None:
    recipient = Recipient("acme", "\u00abX\u00bb " + company, "ana@acme.example", "\u00abY\u00bb " + name)
    settings = Settings(
        report=Report(title=Text(plain="Classement — spécial"), publisher=Text(plain="Observatoire éditions"))
    )
    files = [("report-acme-2021-10.pdf", b"%PDF-1 a"), ("leaderboard-2021-10.pdf", b"%PDF-1 b")]
    message = build_message(
        recipient, files, settings, "from@ranking.example", "<id@ranking.example>", Period(2021, 10), "fr"
    )
    raw = message.as_bytes()
    headers = raw.split(b"\r\n\r\n", 1)[0]
    headers.decode("ascii")  # every header is ASCII: encoded words where the text is not
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert all("«X»" not in str(v) and "«Y»" not in str(v) for v in parsed.values())  # not even encoded
    body = message.get_body(("plain",)).get_content()
    assert "«X»" in body and "«Y»" in body  # the names are in the body, as data


def key(recipient: str = "ana@acme.example") -> Key:
    return Key("2021-10", "acme", recipient, "0" * 64)


def test_the_ledger_survives_a_cut_line_and_reads_sending_as_unknown(tmp_path: Path) -> None:
    path = tmp_path / "deliveries.jsonl"
    with Ledger.open(path) as ledger:
        ledger.record(key(), "sending", "<m1@x>")
        ledger.record(key(), "sent", "<m1@x>", "250 ok")
        ledger.record(key("jane@acme.example"), "sending", "<m2@x>")
    with path.open("a") as handle:
        handle.write('{"period": "2021-10", "company": "acme", "recipient": "bob')  # killed mid-write
    with Ledger.open(path) as ledger:
        assert ledger.state(key()).state == "sent"  # type: ignore[union-attr]
        assert ledger.state(key("jane@acme.example")).state == "unknown"  # type: ignore[union-attr]
        assert ledger.state(key("bob@beta.example")) is None
        ledger.record(key("bob@beta.example"), "failed", "<m3@x>", "550 no")
    lines = path.read_text().splitlines()
    assert json.loads(lines[-1])["state"] == "failed"  # the new line stands alone after the cut one
    assert Ledger.read(path).state(key("bob@beta.example")).state == "failed"  # type: ignore[union-attr]


def test_one_sender_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "deliveries.jsonl"
    with Ledger.open(path), pytest.raises(DeliveryError, match="another `ranking send` is running"), Ledger.open(path):
        pass


def test_smtp_environment_overrides_the_settings() -> None:
    smtp = Smtp(host="mail.example", sender="a@b.example").with_environment(
        {"RANKING_SMTP_HOST": "relay.example", "RANKING_SMTP_PORT": "2525", "RANKING_SMTP_FROM": "", "OTHER": "x"}
    )
    assert (smtp.host, smtp.port, smtp.sender, smtp.effective_port) == ("relay.example", 2525, "a@b.example", 2525)
    assert Smtp(security="ssl").effective_port == 465 and Smtp().effective_port == 587
    with pytest.raises(ValueError, match="RANKING_SMTP_SECURITY must be one of starttls, ssl, none"):
        Smtp().with_environment({"RANKING_SMTP_SECURITY": "tls"})


COMPANIES = [
    {"company": "acme", "name": "Acme", "comms_emails": "ana@acme.example"},
    {"company": "beta", "name": "Beta", "comms_emails": "bob@beta.example"},
]


def tiny(tmp_path: Path) -> Path:
    people = [person("ana", "acme", ceo=True), person("bob", "beta", ceo=True)]
    posts = [post("1", "ana", "2021-10-05T10:00:00Z", reactions=10), post("2", "bob", "2021-10-06T10:00:00Z", 3)]
    root = workspace(tmp_path / "ws", people, posts, toml='[smtp]\nsender = "r@ranking.example"\nmax_wait = 0\n')
    write_csv(root / "companies.csv", ["company", "name", "comms_emails"], COMPANIES)
    return root


def test_a_new_run_of_the_month_keeps_the_ledger_and_the_outbox(tmp_path: Path, monkeypatch) -> None:
    root, out = tiny(tmp_path), tmp_path / "out"
    args = ["run", "-w", str(root), "-p", "2021-10", "-o", str(out), "-q"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    folder = out / "2021-10"
    (folder / "deliveries.jsonl").write_text('{"state": "sent"}\n')
    (folder / "outbox").mkdir()
    (folder / "outbox" / "acme--ana@acme.example.eml").write_text("Subject: x\n")
    (folder / "stale.txt").write_text("old")
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert (folder / "deliveries.jsonl").read_text() == '{"state": "sent"}\n'
    assert (folder / "outbox" / "acme--ana@acme.example.eml").exists()
    assert not (folder / "stale.txt").exists() and (folder / "leaderboard.pdf").exists()

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ranking.pipeline, "write_json", broken)  # the last write of a run, after the PDFs
    assert CliRunner().invoke(cli, args).exit_code != 0
    assert (folder / "deliveries.jsonl").read_text() == '{"state": "sent"}\n'
    assert sorted(p.name for p in out.iterdir()) == ["2021-10"]


def test_run_then_send_twice_sends_once(tmp_path: Path, monkeypatch) -> None:
    real_run = ranking.pipeline.run

    def run_with_company_reports(*args, **kwargs):
        """Until `ranking run` writes companies/<company>.pdf itself, stand-ins (fixed bytes) take their place."""
        result = real_run(*args, **kwargs)
        for company in ("acme", "beta"):
            target = result.folder / "companies" / f"{company}.pdf"
            if not target.exists():
                target.parent.mkdir(exist_ok=True)
                target.write_bytes(b"%PDF-1.4 stand-in report of " + company.encode() + b"\n%%EOF\n")
        return result

    monkeypatch.setattr(ranking.pipeline, "run", run_with_company_reports)
    monkeypatch.setenv("RANKING_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("RANKING_SMTP_SECURITY", "none")
    root, out = tiny(tmp_path), tmp_path / "out"
    mailbox = Mailbox()
    with smtp_server(mailbox) as server:
        monkeypatch.setenv("RANKING_SMTP_PORT", str(server.port))
        args = ["run", "-w", str(root), "-p", "2021-10", "-o", str(out), "--send"]
        first = CliRunner().invoke(cli, args)
        assert first.exit_code == 0, first.output
        assert "Top teams" in first.output and "sent: 2" in first.output
        second = CliRunner().invoke(cli, args)  # the same month again: same PDFs, nothing new to send
        assert second.exit_code == 0, second.output
    assert "already sent: 2" in second.output
    assert sorted(r for m in mailbox.received for r in m.recipients) == ["ana@acme.example", "bob@beta.example"]
    leaderboard = (out / "2021-10" / "leaderboard.pdf").read_bytes()
    for received in mailbox.received:
        attached = {p.get_filename(): p.get_content() for p in received.message.iter_attachments()}
        assert attached["classement-2021-10.pdf"] == leaderboard


def test_send_without_a_run_says_so(tmp_path: Path) -> None:
    root = tiny(tmp_path)
    result = CliRunner().invoke(cli, ["send", "-w", str(root), "-p", "2021-10", "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "leaderboard.pdf: not found: run `ranking run` for this period first" in result.output
