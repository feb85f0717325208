"""Command line: parses options, calls the library, turns domain errors into one `Error:` line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ranking.errors import InputError, RankingError, UsageError
from ranking.scoring import Period
from ranking.settings import LANGS

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

workspace_option = click.option(
    "--workspace",
    "-w",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="The workspace folder (ranking.toml, roster.csv, companies.csv, exports/).",
)


def _period(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Period | None:
    if value is None:
        return None
    try:
        return Period.parse(value)
    except UsageError as exc:
        raise click.BadParameter(str(exc)) from None


period_option = click.option(
    "--period",
    "-p",
    required=True,
    callback=_period,
    metavar="YYYY-MM",
    help="The month to rank, e.g. 2021-10.",
)


@contextmanager
def domain_errors() -> Iterator[None]:
    """Turn the library's errors into click's: bad input exits 1, misuse exits 2."""
    try:
        yield
    except InputError as exc:
        raise click.ClickException(str(exc)) from None
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    except RankingError as exc:
        raise click.ClickException(str(exc)) from None


@contextmanager
def progress(quiet: bool) -> Iterator[Progress]:
    """A spinner with the current stage on stderr; nothing at all with --quiet."""
    console = Console(stderr=True)
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=True,
    )
    with bar:
        yield bar


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="ranking", prog_name="ranking")
@click.option("--verbose", "-v", is_flag=True, help="Log what is read and written (on stderr).")
def cli(verbose: bool) -> None:
    """Rank leadership teams by the influence of their executives' LinkedIn and X posts.

    Example:

        ranking run --workspace fixtures/demo --period 2021-10
    """
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(message)s")


@cli.command(context_settings=CONTEXT)
@workspace_option
@period_option
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("output"),
    show_default=True,
    help="Where to write the YYYY-MM/ folder of the run.",
)
@click.option("--lang", type=click.Choice(LANGS), default=None, help="Language of the documents (default: settings).")
@click.option("--quiet", "-q", is_flag=True, help="No progress and no summary: only errors.")
def run(workspace: Path, period: Period, out: Path, lang: str | None, quiet: bool) -> None:
    """Run the monthly ranking: tables, manifest and the PDF leaderboard.

    Writes OUT/YYYY-MM/ whole, or nothing at all when the input is bad.

    Example:

        ranking run --workspace fixtures/demo --period 2021-10 --out output --lang fr
    """
    from ranking.run import run as run_ranking

    with domain_errors(), progress(quiet) as bar:
        task = bar.add_task("starting", total=None)
        result = run_ranking(workspace, period, out, lang, step=lambda text: bar.update(task, description=text))
    if quiet:
        return
    console = Console()
    teams = result.scores["ytd"].companies.head(5)
    summary = Table(title=f"Top teams, year to date to {period}", title_justify="left")
    for column, justify in (("rank", "right"), ("name", "left"), ("team_score", "right"), ("index", "right")):
        summary.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in teams.iter_rows(named=True):
        summary.add_row(str(row["rank"]), row["name"], f"{row['team_score']:,}", f"{row['index']:.1f}")
    console.print(summary)
    click.echo(f"Wrote {result.folder}/ ({', '.join(result.files)})")


@cli.command(context_settings=CONTEXT)
@workspace_option
def validate(workspace: Path) -> None:
    """Check everything `run` would read and list every problem found.

    Exits 1 when there is any problem, 0 when the workspace is ready.

    Example:

        ranking validate --workspace fixtures/demo
    """
    from ranking.workspace import load_workspace

    with domain_errors():
        ws, problems = load_workspace(workspace, strict=False)
    if ws is not None and not problems:
        click.echo(
            f"{workspace}: {ws.companies.height} companies, {ws.roster.height} executives, "
            f"{len(ws.exports)} export files, {ws.post_count} posts"
        )
    for warning in ws.warnings if ws else []:
        click.echo(f"Warning: {warning}", err=True)
    if problems:
        for problem in problems:
            click.echo(f"Error: {problem}", err=True)
        raise click.ClickException(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} found")
    click.echo("OK")
