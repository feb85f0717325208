"""`ranking send`: each communications director receives the month's leaderboard and their company's report, once.

Reads the workspace's companies.csv and the run folder `DIR/YYYY-MM/`, builds the messages (ranking.deliver.message),
sends them one recipient at a time (ranking.deliver.mailer) and records every step in the ledger (ranking.deliver.ledger), so
that a re-run sends only what is missing and never repeats a message whose fate is unknown unless asked to.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from email.message import EmailMessage
from pathlib import Path

import polars as pl

from ranking.deliver.ledger import DeliveryError, Key, Ledger, attachments_digest
from ranking.deliver.mailer import Deadline, Mailer, Permanent, Unknown
from ranking.deliver.message import POLICY, build_message, make_message_id
from ranking.errors import InputError, Problem, UsageError
from ranking.interrupt import interruptible
from ranking.load.contacts import Recipient, recipients
from ranking.load.workspace import load_companies
from ranking.outputs.publish import LEDGER, OUTBOX, month_lock
from ranking.outputs.staging import staged_directory
from ranking.period import Period
from ranking.report.i18n import Translator
from ranking.settings import (
    Settings,
    Smtp,
    check_ca_file,
    checked_sender,
    load_settings,
    smtp_password,
    smtp_with_environment,
)
from ranking.text.safe import file_name

log = logging.getLogger(__name__)

__all__ = ["DeliveryError", "Outcome", "SendResult", "send"]


@dataclass(frozen=True)
class Outcome:
    """What happened to one recipient in this run (`state` as the summary shows it)."""

    company: str
    recipient: str
    state: str  # sent, already sent, failed, unknown, would send, not sent
    detail: str = ""


@dataclass(frozen=True)
class SendResult:
    folder: Path
    outcomes: tuple[Outcome, ...]
    without_address: tuple[str, ...]
    outbox: Path | None = None
    aborted: str | None = None

    @property
    def unsettled(self) -> tuple[Outcome, ...]:
        """Recipients not known to have their message: failed, unknown or never tried."""
        return tuple(o for o in self.outcomes if o.state in ("failed", "unknown", "not sent"))


def smtp_settings(root: Path, settings: Settings, environ: Mapping[str, str]) -> Smtp:
    """The workspace's [smtp] settings with the environment's overrides, checked by the rules `validate` applies
    too (ranking.settings.files: InputError); no sender at all is a DeliveryError (`validate` does not need one)."""
    smtp = smtp_with_environment(root, settings, environ)
    sender = checked_sender(smtp, environ)
    if sender is None:
        raise DeliveryError("no sender address: set smtp.sender in ranking.toml or RANKING_SMTP_FROM")
    check_ca_file(smtp)
    return replace(smtp, sender=sender)


def _password(smtp: Smtp, environ: Mapping[str, str]) -> str | None:
    password = smtp_password(smtp, environ)
    if smtp.security == "none":
        log.warning("SMTP security is 'none': the messages travel unencrypted to %s", smtp.host)
    return password


def _attachments(folder: Path, company: str, period: Period, lang: str) -> tuple[list[tuple[str, bytes]], list[str]]:
    t = Translator(lang)
    company_file, leaderboard_file = t("email.filename.company"), t("email.filename.leaderboard")
    wanted = [
        (
            folder / "companies" / file_name(company, ".pdf"),
            file_name(f"{company_file}-{company}-{period}", ".pdf"),
        ),
        (folder / "leaderboard.pdf", file_name(f"{leaderboard_file}-{period}", ".pdf")),
    ]
    missing = [str(path) for path, _ in wanted if not path.is_file()]
    return ([(name, path.read_bytes()) for path, name in wanted] if not missing else []), missing


def _check_posts(folder: Path, period: Period) -> None:
    """A month without any post is never mailed (`run --allow-empty` may write its reports, for a look): its
    manifest's count says so; `validate --period` rejects the same month."""
    try:
        counts = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["counts"]
    except (OSError, ValueError, KeyError, TypeError):
        return  # no manifest to read: the missing files are what the other checks report
    if counts.get("posts_in_month") == 0:
        raise InputError.one(
            folder / "manifest.json",
            f"no post of {period} in the run's exports: the reports of a month without posts are never mailed",
        )


def _run_lang(folder: Path, settings: Settings) -> str:
    """The language the run's documents were written in (its manifest says), so that the message matches."""
    try:
        return str(json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["lang"])
    except (OSError, ValueError, KeyError):
        return settings.report.lang


def send(
    root: Path,
    period: Period,
    out: Path,
    *,
    only: tuple[str, ...] = (),
    dry_run: bool = False,
    resend: bool = False,
    lang: str | None = None,
    environ: Mapping[str, str] | None = None,
    step: Callable[[str], None] | None = None,
) -> SendResult:
    """Send the month's reports of the run `out/YYYY-MM/` to every comms director of the workspace at `root`.

    Bad input (companies.csv, SMTP settings and variables `validate` refuses too, a missing PDF) raises InputError
    before anything is sent; no sender, TLS, authentication and an unreachable server raise DeliveryError or end
    the run with `aborted` set. The month's
    folder is locked for the whole time (ranking.outputs.publish): a `ranking run` cannot replace it meanwhile.
    """
    with interruptible(), month_lock(out / str(period)):
        return _send(root, period, out, only, dry_run, resend, lang, environ, step)


def _send(
    root: Path,
    period: Period,
    out: Path,
    only: tuple[str, ...],
    dry_run: bool,
    resend: bool,
    lang: str | None,
    environ: Mapping[str, str] | None,
    step: Callable[[str], None] | None,
) -> SendResult:
    environ = os.environ if environ is None else environ
    say = step or (lambda _text: None)
    settings = load_settings(root / "ranking.toml")
    shown = str(root / "companies.csv")
    companies, problems = load_companies(root / "companies.csv")
    if problems:
        raise InputError(problems)
    unknown = sorted(set(only) - set(companies.get_column("company").to_list()))
    if unknown:
        raise UsageError(f"--only: unknown company '{unknown[0]}' (not in {shown})")
    if only:
        companies = companies.filter(pl.col("company").is_in(list(only)))
    # The addresses before the SMTP settings and the run's folder: the workspace's own errors come first, as
    # `validate` lists them.
    found, problems = recipients(companies, shown)
    if problems:
        raise InputError(problems)
    smtp = smtp_settings(root, settings, environ)
    folder = out / str(period)
    if not (folder / "leaderboard.pdf").is_file():
        raise InputError.one(folder / "leaderboard.pdf", "not found: run `ranking run` for this period first")
    _check_posts(folder, period)
    lang = lang or _run_lang(folder, settings)
    files: dict[str, list[tuple[str, bytes]]] = {}
    for company in dict.fromkeys(r.company for r in found):
        files[company], missing = _attachments(folder, company, period, lang)
        problems += [Problem(path, "not found: the company report of this run is missing") for path in missing]
    if problems:
        raise InputError(problems)
    with_address = {r.company for r in found}
    without = tuple(c for c in companies.get_column("company").to_list() if c not in with_address)
    plan = []
    for r in found:
        key = Key(str(period), r.company, r.address, attachments_digest(files[r.company]))
        message_id = make_message_id(key, smtp.sender)
        plan.append(
            (r, key, message_id, build_message(r, files[r.company], settings, smtp.sender, message_id, period, lang))
        )
    if dry_run:
        return _dry_run(folder, plan, Ledger.read(folder / LEDGER), resend, without)

    password = _password(smtp, environ)
    outcomes: list[Outcome] = []
    aborted = None
    # The whole send ends by this (the month's lock with it): each message's own deadline comes no later.
    deadline = Deadline.within(smtp.send_deadline_seconds, "smtp.send_deadline_seconds")
    with Ledger.open(folder / LEDGER) as ledger, Mailer(smtp, password) as mailer:
        for r, key, message_id, message in plan:
            entry = ledger.state(key)
            if aborted is None and deadline.left() <= 0:
                aborted = (
                    f"the deadline of the whole send passed ({deadline.setting} = {smtp.send_deadline_seconds:g} s)"
                )
            if aborted is not None:
                outcomes.append(Outcome(r.company, r.address, "not sent", "sending stopped"))
                continue
            if entry is not None and entry.state == "sent":
                outcomes.append(Outcome(r.company, r.address, "already sent", entry.at))
                continue
            if entry is not None and entry.state == "unknown" and not resend:
                detail = f"outcome unknown since {entry.at}: not sent again (check, then --resend)"
                outcomes.append(Outcome(r.company, r.address, "unknown", detail))
                continue
            say(f"sending to {r.address} ({r.company})")

            def sending(key: Key = key, message_id: str = message_id) -> None:
                ledger.record(key, "sending", message_id)

            try:
                reply = mailer.deliver(smtp.sender, r.address, message.as_bytes(policy=POLICY), sending, deadline)
            except Permanent as exc:
                ledger.record(key, "failed", message_id, str(exc))
                outcomes.append(Outcome(r.company, r.address, "failed", str(exc)))
                log.warning("%s (%s): failed: %s", r.address, r.company, exc)
            except Unknown as exc:
                ledger.record(key, "unknown", message_id, str(exc))
                outcomes.append(Outcome(r.company, r.address, "unknown", str(exc)))
                log.warning("%s (%s): %s", r.address, r.company, exc)
            except DeliveryError as exc:
                aborted = str(exc)
                outcomes.append(Outcome(r.company, r.address, "not sent", "sending stopped"))
            else:
                ledger.record(key, "sent", message_id, reply)
                outcomes.append(Outcome(r.company, r.address, "sent", reply))
                log.info("%s (%s): sent, %s", r.address, r.company, reply)
    return SendResult(folder, tuple(outcomes), without, None, aborted)


def _dry_run(
    folder: Path,
    plan: list[tuple[Recipient, Key, str, EmailMessage]],
    ledger: Ledger,
    resend: bool,
    without: tuple[str, ...],
) -> SendResult:
    """Write what a real run would send now to outbox/ (replaced whole), and send nothing."""
    outcomes: list[Outcome] = []
    with staged_directory(folder / OUTBOX) as outbox:
        for r, key, _message_id, message in plan:
            entry = ledger.state(key)
            if entry is not None and entry.state == "sent":
                outcomes.append(Outcome(r.company, r.address, "already sent", entry.at))
            elif entry is not None and entry.state == "unknown" and not resend:
                outcomes.append(Outcome(r.company, r.address, "unknown", f"outcome unknown since {entry.at}"))
            else:
                # a 200-character company id and a 62-character address: 268 bytes, beyond what a file system takes
                name = file_name(re.sub(r"[^A-Za-z0-9@._+-]", "_", f"{r.company}--{r.address}"), ".eml")
                (outbox / name).write_bytes(message.as_bytes(policy=POLICY))
                outcomes.append(Outcome(r.company, r.address, "would send", f"{OUTBOX}/{name}"))
    return SendResult(folder, tuple(outcomes), without, folder / OUTBOX)
