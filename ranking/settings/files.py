"""The rules of the settings that look beyond ranking.toml's values: the files it names (the logo, the CA
bundle) and the RANKING_SMTP_* variables `send` applies over [smtp]. Each raises InputError with the one line
`run`, `send` and `validate` all print: the workspace reader (ranking.load.workspace) calls them for `validate`
and `run`, the report data for the logo, `send` for the delivery's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path

from ranking.errors import InputError, Problem
from ranking.settings.model import Settings, Smtp
from ranking.text.address import parse_address

SETTINGS_FILE = "ranking.toml"
PASSWORD_VARIABLE = "RANKING_SMTP_PASSWORD"
SENDER_VARIABLE = "RANKING_SMTP_FROM"


def logo_file(root: Path, settings: Settings) -> Path | None:
    """The publisher's logo named by report.logo, resolved: a file inside the workspace (its suffix is a rule of
    the value, ranking.settings.checks), or None when there is none. Raises InputError."""
    name = settings.report.logo
    if not name:
        return None
    resolved = root.resolve()
    path = (resolved / name).resolve()
    if not path.is_relative_to(resolved):
        raise InputError.one(root / SETTINGS_FILE, f"report.logo must be a file of the workspace, not {name!r}")
    if not path.is_file():
        raise InputError.one(root / SETTINGS_FILE, f"report.logo: file not found: {root / name}")
    size, limit = path.stat().st_size, settings.inputs.max_file_mb
    if size > limit * (1 << 20):  # read whole for the documents and the manifest's sha256
        raise InputError.one(
            root / name, f"is {size / (1 << 20):,.1f} MB: larger than [inputs] max_file_mb = {limit:,} MB"
        )
    return path


def smtp_with_environment(root: Path, settings: Settings, environ: Mapping[str, str]) -> Smtp:
    """[smtp] with the CA file relative to the workspace and the RANKING_SMTP_* variables that are set applied.

    Raises InputError naming the variable whose value `send` would refuse."""
    smtp = settings.smtp
    if smtp.ca_file and not Path(smtp.ca_file).is_absolute():
        smtp = replace(smtp, ca_file=str(root / smtp.ca_file))
    for variable in Smtp.ENVIRONMENT:
        if not environ.get(variable, "").strip():
            continue
        try:  # one at a time, so that the error names the variable that holds the value
            smtp = smtp.with_environment({variable: environ[variable]})
        except ValueError as exc:
            raise InputError.one(variable, str(exc).removeprefix(f"{variable} ")) from None
    return smtp


def checked_sender(smtp: Smtp, environ: Mapping[str, str]) -> str | None:
    """The sender address as the messages carry it (domain lower-cased), or None when none is set (only `send`
    needs one). Raises InputError when RANKING_SMTP_FROM is no address (smtp.sender is checked with the file)."""
    if not smtp.sender:
        return None
    try:
        address, _name = parse_address(smtp.sender)
    except ValueError as exc:
        if environ.get(SENDER_VARIABLE, "").strip():
            raise InputError.one(SENDER_VARIABLE, str(exc)) from None
        raise InputError.one(SETTINGS_FILE, f"smtp.sender: {exc}") from None
    return address


def check_ca_file(smtp: Smtp) -> None:
    """The CA bundle (smtp.ca_file, or RANKING_SMTP_CA_FILE) exists. Raises InputError."""
    if smtp.ca_file and not Path(smtp.ca_file).is_file():
        raise InputError.one(smtp.ca_file, "CA file not found (smtp.ca_file / RANKING_SMTP_CA_FILE)")


def smtp_password(smtp: Smtp, environ: Mapping[str, str]) -> str | None:
    """The password of RANKING_SMTP_PASSWORD, given with a user and over an encrypted connection only.
    Raises InputError naming the variable."""
    password = environ.get(PASSWORD_VARIABLE) or None
    if smtp.user and password is None:
        raise InputError.one(PASSWORD_VARIABLE, "not set, but smtp.user is: the password is read from it only")
    if password is not None and not smtp.user:
        raise InputError.one(PASSWORD_VARIABLE, "set, but no user (smtp.user or RANKING_SMTP_USER)")
    if password is not None and smtp.security == "none":
        raise InputError.one(
            PASSWORD_VARIABLE, "refusing to send the password over an unencrypted connection (security = none)"
        )
    return password


def sending_problems(root: Path, settings: Settings, environ: Mapping[str, str]) -> list[Problem]:
    """Every rule of the delivery that `send` would apply with this environment, as `validate` lists them: the
    overrides, the sender, the CA file, the password. No sender at all is no problem here: `run` never needs one,
    and `send` says so itself."""
    try:
        smtp = smtp_with_environment(root, settings, environ)
    except InputError as exc:
        return exc.problems
    problems: list[Problem] = []
    for rule in (
        partial(checked_sender, smtp, environ),
        partial(check_ca_file, smtp),
        partial(smtp_password, smtp, environ),
    ):
        try:
            rule()
        except InputError as exc:
            problems += exc.problems
    return problems
