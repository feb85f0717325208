"""The options the commands share (sqlite-utils style: one decorator per option), and the period a command ranks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ranking.cli.terminal import domain_errors
from ranking.errors import UsageError
from ranking.period import Period

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

workspace_option = click.option(
    "--workspace",
    "-w",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="The workspace folder (ranking.toml, roster.csv, companies.csv, exports/).",
)


def period_callback(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Period | None:
    """A `--period` value as a Period (a wrong one is a misuse of the command line, exit 2)."""
    if value is None:
        return None
    try:
        return Period.parse(value)
    except UsageError as exc:
        raise click.BadParameter(str(exc)) from None


period_option = click.option(
    "--period",
    "-p",
    default=None,
    callback=period_callback,
    metavar="YYYY-MM",
    help="The month, e.g. 2021-10 (default: the last complete month in the workspace's time zone, RANKING_TODAY "
    "standing for today when set).",
)


def chosen_period(workspace: Path, period: Period | None, quiet: bool) -> tuple[Period, bool]:
    """The period given, or the last complete month, said on stderr (unless `quiet`); and whether it was chosen."""
    if period is not None:
        return period, False
    from ranking.score.monthly import default_period

    with domain_errors():
        chosen, timezone = default_period(workspace)
    if not quiet:
        click.echo(f"Period: {chosen} (the last complete month in {timezone}; --period to choose another)", err=True)
    return chosen, True


def out_option(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--out`: the folder holding the runs' YYYY-MM/ folders (written by `run`, read by `send`)."""
    return click.option(
        "--out",
        "-o",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path("output"),
        show_default=True,
        help=help,
    )
