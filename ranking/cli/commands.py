"""The commands: each parses its options, calls the library and maps its errors (ranking.cli.terminal)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ranking.cli.collecting import collect
from ranking.cli.options import CONTEXT, chosen_period, out_option, period_callback, period_option, workspace_option
from ranking.cli.terminal import OneLineFormatter, domain_errors, progress, said, say
from ranking.period import Period
from ranking.settings import LANGS
from ranking.text.safe import for_terminal, one_line

if TYPE_CHECKING:
    from ranking.deliver.send import SendResult


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="ranking", prog_name="ranking")
@click.option("--verbose", "-v", is_flag=True, help="Log what is read and written (on stderr).")
def cli(verbose: bool) -> None:
    """Rank leadership teams by the influence of their executives' LinkedIn and X posts.

    Example:

        ranking run --workspace fixtures/demo --period 2021-10
    """
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter("%(levelname)s %(message)s"))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, handlers=[handler])


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
@click.option(
    "--collect",
    "collect_first",
    is_flag=True,
    help="First fetch the period's posts from the scraping service, as `ranking collect` does (stops on a failure).",
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Rank a month without any post all the same (a warning, and the covers say so); never sent.",
)
def run(
    workspace: Path,
    period: Period | None,
    out: Path,
    lang: str | None,
    quiet: bool,
    jobs: int | None,
    send_after: bool,
    collect_first: bool,
    allow_empty: bool,
) -> None:
    """Run the monthly ranking: tables, ranking.xlsx, manifest, the PDF leaderboard and one PDF per company.

    Writes OUT/YYYY-MM/ whole, or nothing at all when the input is bad.

    The delivery ledger of an earlier run of the month (deliveries.jsonl, outbox/) is kept; with --send,
    the reports are then mailed as `ranking send` does.

    Without --period, the last complete month: then a month without any post in the exports is an error (exit 1,
    nothing written) and each executive without a post of the month a warning. A month given with --period is an
    error only when it has no post and neither has its year to date (with earlier posts of the year it is ranked,
    with a warning). --allow-empty ranks an empty month all the same; a month without posts is never mailed.

    With --collect, `ranking collect` runs first; when it could not refresh every executive, nothing else runs
    (exit 1).

    Example:

        ranking run --workspace fixtures/demo --period 2021-10 --out output --lang fr --jobs 2
    """
    from ranking.pipeline import run as run_ranking
    from ranking.render.pool import quiet_pdf_libraries

    if quiet:
        quiet_pdf_libraries()
    period, chosen = chosen_period(workspace, period, quiet)
    if collect_first:
        from ranking.cli.collecting import run_collect

        run_collect(workspace, period, dry_run=False, refresh=False, only=(), max_cost=None, quiet=quiet)
    with domain_errors("run"), progress(quiet, "starting") as step:
        result = run_ranking(
            workspace,
            period,
            out,
            lang,
            step=step,
            jobs=jobs,
            check_month=chosen,
            allow_empty=allow_empty,
        )
    t = say()
    # The input's warnings `validate` prints (a FIFO skipped, a link already read), then the run's own.
    for warning in (*result.workspace.warnings, *result.warnings):
        click.echo(t("term.warning", text=for_terminal(one_line(said(warning)))), err=True)
    if quiet:
        if send_after:
            _send(workspace, period, out, (), False, False, lang, quiet)
        return
    console = Console()
    teams = result.scores["ytd"].companies.head(5)
    summary = Table(title=t("term.top_teams", period=str(period)), title_justify="left")
    for column, justify in (("rank", "right"), ("name", "left"), ("team_score", "right"), ("index", "right")):
        summary.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in teams.iter_rows(named=True):
        name = Text(for_terminal(row["name"]))  # a name is data: `[/]` in it is no markup
        summary.add_row(str(row["rank"]), name, f"{row['team_score']:,}", f"{row['index']:.1f}")
    console.print(summary)
    click.echo(t("term.wrote", folder=str(result.folder), files=", ".join(result.files)))
    if send_after:
        _send(workspace, period, out, (), False, False, lang, quiet)


@cli.command(context_settings=CONTEXT)
@workspace_option
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=None,
    help="The language `run --lang` will write: warn about the texts of the settings not given in it.",
)
@click.option(
    "--period",
    "-p",
    "month",
    default=None,
    callback=period_callback,
    metavar="YYYY-MM",
    help="Also check that this month has posts: `run` and `send` refuse a month without any.",
)
def validate(workspace: Path, lang: str | None, month: Period | None) -> None:
    """Check everything `run` would read and list every problem found.

    Shows, for each executive, which export files were recognised as what, the dates and the number of posts
    found, and which files could not be read. Exits 1 when there is any problem, 0 when the workspace is ready.
    With --period, a month without any post in the exports is a problem too (`send` never mails one).

    Example:

        ranking validate --workspace fixtures/demo --period 2021-10
    """
    from ranking.load.inventory import inventory
    from ranking.load.workspace import check_workspace, month_problems
    from ranking.settings.checks import untranslated

    with domain_errors("validate"):
        checked = check_workspace(workspace)
    ws, problems = checked.workspace, checked.problems
    t = say()
    tn = t.plural
    if month is not None:
        problems = [*problems, *month_problems(ws, month)]
    if not problems:
        counts = {
            "companies": tn("term.companies", ws.companies.height),
            "executives": tn("term.executives", ws.roster.height),
            "files": tn("term.files", len(ws.exports)),
            "posts": tn("term.posts", ws.post_count),
        }
        click.echo(t("term.validate", workspace=str(workspace), **counts))
    # Names, file names and loader notes are third-party text: a right-to-left override or an escape sequence in
    # one must not rewrite the rest of the line (for_terminal drops the controls and isolates the line).
    for line in inventory(ws):
        click.echo(for_terminal(one_line(said(line))))
    for warning in (*ws.warnings, *untranslated(ws.settings, lang or ws.settings.report.lang)):
        click.echo(t("term.warning", text=for_terminal(one_line(said(warning)))), err=True)
    if problems:
        for problem in problems:
            click.echo(f"Error: {for_terminal(one_line(str(problem)))}", err=True)
        raise click.ClickException(tn("term.problems", len(problems)))
    click.echo(t("term.ok"))


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

    from ranking.collect.targets import apify_inputs, plain_lines, roster_targets
    from ranking.settings import load_settings

    period, _chosen = chosen_period(workspace, period, False)
    with domain_errors():
        targets = roster_targets(workspace)
        settings = load_settings(workspace / "ranking.toml")
    if as_apify:
        inputs = apify_inputs(targets, period, settings.scoring.timezone, settings.collect.max_items)
        click.echo(json.dumps(inputs, indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(plain_lines(targets, period)))


@cli.command(context_settings=CONTEXT)
@workspace_option
@period_option
@click.argument("executive_id", required=False)
@click.option(
    "--cell",
    metavar="COMPANY:DIMENSION:VALUE",
    help="Instead of an executive: the posts behind one cell of what_works.csv (e.g. acme:media:video, "
    "acme:topic:covid, acme:slot:tue-morning).",
)
def explain(workspace: Path, period: Period | None, executive_id: str | None, cell: str | None) -> None:
    """Show how EXECUTIVE_ID's score and tone were made: each post of the year to date, its counts, its
    influence, its tone and the rule (with the link or handle) that decided it. With --cell, show one team's
    cell of what works instead: its figures and the posts behind them.

    Examples:

        ranking explain --workspace fixtures/demo --period 2021-10 romain-jolivald

        ranking explain --workspace fixtures/demo --period 2021-10 --cell azurel:media:video
    """
    from ranking.explain import explain as explain_executive
    from ranking.explain import explain_cell, render, render_cell

    if (executive_id is None) == (cell is None):
        raise click.UsageError("give either EXECUTIVE_ID or --cell COMPANY:DIMENSION:VALUE")
    period, _ = chosen_period(workspace, period, quiet=False)
    with domain_errors("explain"):
        parts = (
            render_cell(explain_cell(workspace, period, cell))
            if cell
            else render(explain_executive(workspace, period, executive_id or ""))
        )
    console = Console()
    if not console.is_terminal:  # a pipe or a file: wide enough for one line per post
        console = Console(width=200)
    for part in parts:
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


cli.add_command(collect)


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

    with domain_errors("send --dry-run" if dry_run else "send"), progress(quiet, "preparing the messages") as step:
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
    t = say()
    tn = t.plural
    if result.without_address:
        missing = t("term.no_address", companies=", ".join(result.without_address))
        click.echo(t("term.warning", text=missing), err=True)
    if not quiet:
        _send_summary(result, dry_run)
    if result.aborted:
        raise click.ClickException(t("term.send_stopped", reason=str(result.aborted)))
    if result.unsettled:
        ledger = str(result.folder / "deliveries.jsonl")
        raise click.ClickException(tn("term.unsettled", len(result.unsettled), file=ledger))


def _send_summary(result: SendResult, dry_run: bool) -> None:
    t = say()
    table = Table(title=Text(t("term.deliveries", folder=str(result.folder))), title_justify="left")
    for column in ("company", "recipient", "state", "detail"):
        table.add_column(column, overflow="fold")
    for o in result.outcomes:
        # third-party text (addresses, the server's replies) as Text: never read as rich markup
        table.add_row(*(Text(for_terminal(v)) for v in (o.company, o.recipient, o.state, o.detail)))
    Console().print(table)
    counts: dict[str, int] = {}
    for o in result.outcomes:
        counts[o.state] = counts.get(o.state, 0) + 1
    click.echo(", ".join(f"{state}: {n}" for state, n in counts.items()) or t("term.no_recipients"))
    if dry_run and result.outbox is not None:
        click.echo(t("term.outbox", folder=str(result.outbox)))
