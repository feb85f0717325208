"""Command line: parses options, calls the library, turns domain errors into one `Error:` line."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from ranking.errors import InputError, RankingError, UsageError
from ranking.interrupt import Interrupted
from ranking.period import Period
from ranking.settings import LANGS
from ranking.textsafe import for_terminal

if TYPE_CHECKING:
    from ranking.deliver.send import SendResult

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
    default=None,
    callback=_period,
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


@contextmanager
def domain_errors() -> Iterator[None]:
    """Turn the library's errors into click's: bad input exits 1, misuse exits 2."""
    try:
        yield
    except Interrupted as exc:
        click.echo(f"Error: interrupted by {exc}: stopped, nothing of this run was published", err=True)
        sys.exit(exc.exit_code)
    except InputError as exc:
        raise click.ClickException(str(exc)) from None
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    except RankingError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:  # a file system's refusal not caught nearer: still one line, naming the file
        raise click.ClickException(os_error(exc)) from None
    except RecursionError:
        raise click.ClickException("input nested too deeply to be read") from None


def os_error(exc: OSError) -> str:
    """`<file>: <reason>` for an OSError, as the one line the CLI prints."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    return f"{exc.filename}: {reason}" if exc.filename else reason


#: Seconds between two progress lines of the same stage when stderr is a file or a pipe (a cron job's log).
LOG_EVERY = 10.0


@contextmanager
def progress(quiet: bool, first: str) -> Iterator[Callable[[str], None]]:
    """A function showing the run's current stage on stderr: a spinner on a terminal; on a file or a pipe, one
    line per stage, and within a stage (the PDFs: `12/201 done, about 3 min 05 s left`) one every LOG_EVERY
    seconds; nothing at all with --quiet. Texts are shown as text, never as rich markup."""
    console = Console(stderr=True)
    if quiet or console.is_terminal:
        bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            disable=quiet,
            transient=True,
        )
        with bar:
            task = bar.add_task(escape(first), total=None)
            yield lambda text: bar.update(task, description=escape(text))
        return
    started = time.monotonic()
    last: list[tuple[str, float]] = [("", -LOG_EVERY)]  # the stage of the last line printed, and when

    def line(text: str) -> None:
        stage, now = text.split(":", 1)[0], time.monotonic()
        if stage == last[0][0] and now - last[0][1] < LOG_EVERY:
            return
        last[0] = (stage, now)
        click.echo(f"[{now - started:6.1f} s] {for_terminal(text)}", err=True)

    line(first)
    yield line


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
@out_option("Where to write the YYYY-MM/ folder of the run.")
@click.option("--lang", type=click.Choice(LANGS), default=None, help="Language of the documents (default: settings).")
@click.option("--quiet", "-q", is_flag=True, help="No progress and no summary: only warnings and errors.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Company reports rendered in parallel (default: the machine's cores).",
)
@click.option("--send", "send_after", is_flag=True, help="Then send the reports by e-mail, as `ranking send` does.")
def run(
    workspace: Path, period: Period | None, out: Path, lang: str | None, quiet: bool, jobs: int | None, send_after: bool
) -> None:
    """Run the monthly ranking: tables, ranking.xlsx, manifest, the PDF leaderboard and one PDF per company.

    Writes OUT/YYYY-MM/ whole, or nothing at all when the input is bad.

    The delivery ledger of an earlier run of the month (deliveries.jsonl, outbox/) is kept; with --send,
    the reports are then mailed as `ranking send` does.

    Without --period, the last complete month: then a month without any post in the exports is an error (exit 1,
    nothing written) and each executive without a post of the month a warning.

    Example:

        ranking run --workspace fixtures/demo --period 2021-10 --out output --lang fr --jobs 2
    """
    from ranking.pipeline import run as run_ranking
    from ranking.render.pool import quiet_pdf_libraries

    if quiet:
        quiet_pdf_libraries()
    period, chosen = chosen_period(workspace, period, quiet)
    with domain_errors(), progress(quiet, "starting") as step:
        result = run_ranking(
            workspace,
            period,
            out,
            lang,
            step=step,
            jobs=jobs,
            check_month=chosen,
        )
    for warning in result.warnings:
        click.echo(f"Warning: {for_terminal(warning)}", err=True)
    if quiet:
        if send_after:
            _send(workspace, period, out, (), False, False, lang, quiet)
        return
    console = Console()
    teams = result.scores["ytd"].companies.head(5)
    summary = Table(title=f"Top teams, year to date to {period}", title_justify="left")
    for column, justify in (("rank", "right"), ("name", "left"), ("team_score", "right"), ("index", "right")):
        summary.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in teams.iter_rows(named=True):
        name = Text(for_terminal(row["name"]))  # a name is data: `[/]` in it is no markup
        summary.add_row(str(row["rank"]), name, f"{row['team_score']:,}", f"{row['index']:.1f}")
    console.print(summary)
    click.echo(f"Wrote {result.folder}/ ({', '.join(result.files)})")
    if send_after:
        _send(workspace, period, out, (), False, False, lang, quiet)


@cli.command(context_settings=CONTEXT)
@workspace_option
def validate(workspace: Path) -> None:
    """Check everything `run` would read and list every problem found.

    Shows, for each executive, which export files were recognised as what, the dates and the number of posts
    found, and which files could not be read. Exits 1 when there is any problem, 0 when the workspace is ready.

    Example:

        ranking validate --workspace fixtures/demo
    """
    from ranking.load.inventory import inventory
    from ranking.load.workspace import check_workspace

    with domain_errors():
        checked = check_workspace(workspace)
    ws, problems = checked.workspace, checked.problems
    if not problems:
        click.echo(
            f"{workspace}: {ws.companies.height} companies, {ws.roster.height} executives, "
            f"{len(ws.exports)} export files, {ws.post_count} posts"
        )
    # Names, file names and loader notes are third-party text: a right-to-left override or an escape sequence in
    # one must not rewrite the rest of the line (for_terminal drops the controls and isolates the line).
    for line in inventory(ws):
        click.echo(for_terminal(line))
    for warning in ws.warnings:
        click.echo(f"Warning: {for_terminal(warning)}", err=True)
    if problems:
        for problem in problems:
            click.echo(f"Error: {for_terminal(str(problem))}", err=True)
        raise click.ClickException(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} found")
    click.echo("OK")


@cli.command(context_settings=CONTEXT)
@workspace_option
@period_option
@click.option("--apify", "as_apify", is_flag=True, help="The input JSON of each Apify actor instead of plain lines.")
def sources(workspace: Path, period: Period | None, as_apify: bool) -> None:
    """Print what to give a scraping service to collect the roster's posts for the period's year to date.

    The LinkedIn profile URLs and X handles of roster.csv, with the date range (1 January to the end of the
    month), as plain lines; with --apify, as the input JSON of the Apify actors whose results `ranking` reads.

    Example:

        ranking sources --workspace fixtures/demo --period 2021-10 --apify > apify-inputs.json
    """
    import json

    from ranking.collect import apify_inputs, plain_lines, roster_targets

    period, _chosen = chosen_period(workspace, period, False)
    with domain_errors():
        targets = roster_targets(workspace)
    if as_apify:
        click.echo(json.dumps(apify_inputs(targets, period), indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(plain_lines(targets, period)))


@cli.command(context_settings=CONTEXT)
@workspace_option
@period_option
@click.argument("executive_id")
def explain(workspace: Path, period: Period | None, executive_id: str) -> None:
    """Show how EXECUTIVE_ID's score and tone were made: each post of the year to date, its counts, its
    influence, its tone and the rule (with the link or handle) that decided it.

    Example:

        ranking explain --workspace fixtures/demo --period 2021-10 romain-jolivald
    """
    from ranking.explain import explain as explain_executive
    from ranking.explain import render

    period, _ = chosen_period(workspace, period, quiet=False)
    with domain_errors():
        explanation = explain_executive(workspace, period, executive_id)
    console = Console()
    if not console.is_terminal:  # a pipe or a file: wide enough for one line per post
        console = Console(width=200)
    for part in render(explanation):
        console.print(part)


@cli.command(context_settings=CONTEXT)
@workspace_option
@period_option
@out_option("Where the YYYY-MM/ folder of the run is (as given to `ranking run`).")
@click.option(
    "--only",
    multiple=True,
    metavar="COMPANY",
    help="Send only to these companies' directors (a company id; repeat the option or separate with commas).",
)
@click.option("--dry-run", is_flag=True, help="Write the messages as .eml files to OUT/YYYY-MM/outbox/; send nothing.")
@click.option(
    "--resend",
    is_flag=True,
    help="Also send again the messages whose outcome is unknown (the connection was lost after the server had them).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress and no summary: only warnings and errors.")
def send(
    workspace: Path, period: Period | None, out: Path, only: tuple[str, ...], dry_run: bool, resend: bool, quiet: bool
) -> None:
    """Mail each comms director the month's leaderboard and their company's report, once.

    One message per address of companies.csv `comms_emails`, with OUT/YYYY-MM/companies/<company>.pdf and
    OUT/YYYY-MM/leaderboard.pdf attached. SMTP settings: ranking.toml [smtp] and the RANKING_SMTP_* variables;
    the password only from RANKING_SMTP_PASSWORD. Every message is recorded in OUT/YYYY-MM/deliveries.jsonl:
    a re-run sends only what is missing. Exits 1 when any recipient failed or its outcome is unknown.

    Example:

        RANKING_SMTP_FROM=ranking@example.com ranking send -w fixtures/demo -p 2021-10 --dry-run
    """
    companies = tuple(c.strip() for value in only for c in value.split(",") if c.strip())
    period, _ = chosen_period(workspace, period, quiet)
    _send(workspace, period, out, companies, dry_run, resend, None, quiet)


def _send(
    workspace: Path,
    period: Period,
    out: Path,
    only: tuple[str, ...],
    dry_run: bool,
    resend: bool,
    lang: str | None,
    quiet: bool,
) -> None:
    from ranking.deliver.send import send as send_reports

    with domain_errors(), progress(quiet, "preparing the messages") as step:
        result = send_reports(
            workspace,
            period,
            out,
            only=only,
            dry_run=dry_run,
            resend=resend,
            lang=lang,
            step=step,
        )
    if result.without_address:
        click.echo(f"Warning: no comms_emails for {', '.join(result.without_address)}: nothing sent there", err=True)
    if not quiet:
        _send_summary(result, dry_run)
    if result.aborted:
        raise click.ClickException(f"sending stopped: {result.aborted}")
    if result.unsettled:
        n = len(result.unsettled)
        raise click.ClickException(
            f"{n} recipient{'s' if n > 1 else ''} without a confirmed delivery: see {result.folder / 'deliveries.jsonl'}"
        )


def _send_summary(result: SendResult, dry_run: bool) -> None:
    table = Table(title=Text(f"Deliveries of {result.folder}"), title_justify="left")
    for column in ("company", "recipient", "state", "detail"):
        table.add_column(column, overflow="fold")
    for o in result.outcomes:
        # third-party text (addresses, the server's replies) as Text: never read as rich markup
        table.add_row(*(Text(for_terminal(v)) for v in (o.company, o.recipient, o.state, o.detail)))
    Console().print(table)
    counts: dict[str, int] = {}
    for o in result.outcomes:
        counts[o.state] = counts.get(o.state, 0) + 1
    click.echo(", ".join(f"{state}: {n}" for state, n in counts.items()) or "no recipients")
    if dry_run and result.outbox is not None:
        click.echo(f"Wrote the messages to {result.outbox}/ (nothing sent)")
