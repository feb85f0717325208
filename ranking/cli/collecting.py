"""`ranking collect`: the month's posts fetched from the scraping service (ranking.collect.session), its dry run,
its summary, and the exit status that tells a cron job whether every executive was refreshed."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ranking.cli.options import CONTEXT, chosen_period, period_option, workspace_option
from ranking.cli.terminal import domain_errors, progress
from ranking.interrupt import Interrupted, interruptible
from ranking.period import Period
from ranking.text.safe import for_terminal


def _only(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(e.strip() for value in values for e in value.split(",") if e.strip())


def collect_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options `collect` and `run --collect` share."""
    for option in reversed(
        (
            click.option("--dry-run", is_flag=True, help="Print the runs it would start and their cost; start none."),
            click.option("--refresh", is_flag=True, help="Start again the runs of the period that completed."),
            click.option(
                "--only",
                multiple=True,
                callback=_only,
                metavar="EXECUTIVE_IDS",
                help="Collect only these executives (ids of roster.csv; repeat the option or separate with commas).",
            ),
            click.option(
                "--max-cost",
                type=click.FloatRange(min=0),
                default=None,
                metavar="USD",
                help="Start no run whose estimated cost would pass this (default: [collect] max_cost_usd).",
            ),
        )
    ):
        command = option(command)
    return command


@click.command(context_settings=CONTEXT)
@workspace_option
@period_option
@collect_options
@click.option("--quiet", "-q", is_flag=True, help="No progress and no summary: only warnings and errors.")
def collect(
    workspace: Path,
    period: Period | None,
    dry_run: bool,
    refresh: bool,
    only: tuple[str, ...],
    max_cost: float | None,
    quiet: bool,
) -> None:
    """Fetch the period's posts of the roster from the scraping service (Apify) into exports/.

    Starts one run per actor and date range ([collect] of ranking.toml), waits for them, downloads each dataset
    whole where `run` reads it, and records every step in collect.jsonl: a second collect of the period starts
    again nothing that completed, and one killed resumes the runs it had started. The token is read from
    RANKING_APIFY_TOKEN (else APIFY_TOKEN) only. Exits 1 when an executive could not be refreshed.

    Example:

        RANKING_APIFY_TOKEN=... ranking collect --workspace fixtures/demo --period 2021-10 --dry-run
    """
    period, _ = chosen_period(workspace, period, quiet)
    run_collect(workspace, period, dry_run, refresh, only, max_cost, quiet)


def run_collect(
    workspace: Path,
    period: Period,
    dry_run: bool,
    refresh: bool,
    only: tuple[str, ...],
    max_cost: float | None,
    quiet: bool,
) -> None:
    """The collect of `ranking collect` and `ranking run --collect`; exits 1 when an executive was not refreshed."""
    from ranking.collect.apify import Tuning
    from ranking.collect.session import collect as collect_posts

    with domain_errors():
        tuning = Tuning.from_environment(os.environ)
    with domain_errors():
        try:
            with interruptible(), progress(quiet or dry_run, "planning the runs") as step:
                result = collect_posts(
                    workspace,
                    period,
                    environ=os.environ,
                    only=only,
                    refresh=refresh,
                    max_cost_usd=max_cost,
                    dry_run=dry_run,
                    step=step,
                    tuning=tuning,
                )
        except Interrupted as exc:
            click.echo(
                f"Error: interrupted by {exc}: the runs already started are left to finish on the service "
                f"(recorded in {workspace / 'collect.jsonl'}); the next `ranking collect` downloads them",
                err=True,
            )
            sys.exit(exc.exit_code)
    if dry_run:
        _dry_run(result.plan)
        return
    if not quiet:
        _summary(result)
    for outcome in result.failed:
        # the run's id and status are the service's text: data, never a way to rewrite the terminal
        click.echo(
            for_terminal(
                f"Error: {outcome.actor} run {outcome.run_id} {outcome.status}: not refreshed: "
                + ", ".join(outcome.executives)
            ),
            err=True,
        )
    for run in result.plan.over_cap:
        click.echo(
            f"Error: {run.actor} run not started (estimated ${run.cost_usd:.2f} would pass the cost cap): "
            f"not refreshed: {for_terminal(', '.join(run.executives))}",
            err=True,
        )
    if result.not_refreshed:
        n = len(result.not_refreshed)
        raise click.ClickException(
            f"{n} executive{'s' if n > 1 else ''} not refreshed: see {workspace / 'collect.jsonl'}"
        )


def _dry_run(plan: Any) -> None:
    table = Table(title="Runs `ranking collect` would start (nothing started)", title_justify="left")
    for column in ("actor", "executives", "from", "to", "max items", "est. cost"):
        table.add_column(column, overflow="fold", justify="right" if column in ("max items", "est. cost") else "left")
    for run, state in [(r, "") for r in plan.runs] + [(r, " (over the cap)") for r in plan.over_cap]:
        table.add_row(
            run.actor + state,
            Text(for_terminal(_names(run.executives))),
            str(run.window.start),
            str(run.window.end),
            f"{run.max_items} x {len(run.accounts)}",
            f"${run.cost_usd:.2f}",
        )
    _console().print(table)
    for state in plan.resumed:
        click.echo(f"Under way: {state.actor} run {state.run_id} ({for_terminal(', '.join(state.executives))}): "
                   "waited for and downloaded")  # fmt: skip
    if plan.done:
        click.echo(f"Already collected for the period: {for_terminal(', '.join(plan.done))} (--refresh to redo)")
    click.echo(f"Estimated cost: ${plan.cost_usd:.2f} for {len(plan.runs)} runs (cap ${plan.cap_usd:.2f})")
    if plan.over_cap:
        over = sum(r.cost_usd for r in plan.over_cap)
        click.echo(
            f"Warning: {len(plan.over_cap)} runs (${over:.2f}) would pass the cap and not start: raise "
            "[collect] max_cost_usd (or --max-cost), or lower max_items",
            err=True,
        )


def _console() -> Console:
    console = Console()
    # a pipe or a file (a cron job's log): wide enough for one line per run
    return console if console.is_terminal else Console(width=160)


def _names(executives: tuple[str, ...], shown: int = 3) -> str:
    """The first executives of a run, and how many more: a run of 50 profiles stays one line."""
    more = len(executives) - shown
    return ", ".join(executives[:shown]) + (f" and {more} more" if more > 0 else "")


def _summary(result: Any) -> None:
    table = Table(title="Collected", title_justify="left")
    for column in ("executive", "actor", "posts", "file"):
        table.add_column(column, overflow="fold", justify="right" if column == "posts" else "left")
    for outcome in result.outcomes:
        for executive in outcome.executives:
            posts = str(outcome.posts.get(executive, 0)) if outcome.downloaded else "-"
            where = outcome.file if outcome.downloaded else f"not refreshed ({outcome.status})"
            table.add_row(*(Text(for_terminal(v)) for v in (executive, outcome.actor, posts, where)))
    for run in result.plan.over_cap:
        for executive in run.executives:
            row = (executive, run.actor, "-", "not refreshed (not started: over the cost cap)")
            table.add_row(*(Text(for_terminal(v)) for v in row))
    _console().print(table)
    cost = sum(o.cost_usd or 0 for o in result.outcomes)
    click.echo(
        f"{len(result.outcomes)} runs, {sum(o.items for o in result.outcomes)} items, ${cost:.2f} on the service"
    )
