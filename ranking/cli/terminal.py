"""What the commands print on the terminal: domain errors as one `Error:` line, and the run's progress on stderr."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ranking.errors import InputError, RankingError, UsageError
from ranking.interrupt import Interrupted
from ranking.report.i18n import Translator
from ranking.text.phrase import Phrase
from ranking.text.safe import for_terminal, one_line

#: What each command says when a signal stops it: what it leaves behind, in its own terms.
STOPPED = {
    "run": "stopped, nothing of this run was published",
    "send": "sending stopped; every message sent is recorded in deliveries.jsonl: `ranking send` again sends only "
    "what is missing",
    "send --dry-run": "stopped, the outbox was left as it was",
    "validate": "stopped, nothing was checked to the end",
}


def terminal_lang(environ: Mapping[str, str] = os.environ) -> str:
    """The terminal's language, as gettext finds it: the first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is set
    (`fr_FR.UTF-8`: French); English otherwise. The documents' language is `--lang` (or `report.lang`)."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def say() -> Translator:
    """The labels of the terminal's language (`say()("term.ok")`)."""
    return Translator(terminal_lang())


def said(text: str) -> str:
    """A line of the library (a `Phrase`: an inventory line, a loader's remark) in the terminal's language, its
    indent kept; any other text as it is."""
    if not isinstance(text, Phrase):
        return text
    return " " * (len(text) - len(text.lstrip(" "))) + say().say(text)


@contextmanager
def domain_errors(command: str = "") -> Iterator[None]:
    """Turn the library's errors into click's: bad input exits 1, misuse exits 2; a signal ends `command` with
    the line of STOPPED that says what it left. Every message is one line (control characters escaped: a file
    name may hold a newline)."""
    try:
        yield
    except Interrupted as exc:
        click.echo(f"Error: interrupted by {exc}: {STOPPED.get(command, 'stopped')}", err=True)
        sys.exit(exc.exit_code)
    except InputError as exc:
        raise click.ClickException(one_line(str(exc))) from None
    except UsageError as exc:
        raise click.UsageError(one_line(str(exc))) from None
    except RankingError as exc:
        raise click.ClickException(one_line(str(exc))) from None
    except OSError as exc:  # a file system's refusal not caught nearer: still one line, naming the file
        raise click.ClickException(one_line(os_error(exc))) from None
    except RecursionError:
        raise click.ClickException("input nested too deeply to be read") from None


def os_error(exc: OSError) -> str:
    """`<file>: <reason>` for an OSError, as the one line the CLI prints."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    return f"{exc.filename}: {reason}" if exc.filename else reason


class OneLineFormatter(logging.Formatter):
    """Log records as one line each: a file name or a server's reply quoted in a message cannot break it."""

    def format(self, record: logging.LogRecord) -> str:
        return one_line(super().format(record))


#: Seconds between two progress lines of the same stage when stderr is a file or a pipe (a cron job's log); also
#: the longest silence: the current stage is said again (`… (still working)`) when nothing was said for that long.
LOG_EVERY = 10.0
HEARTBEAT_CHECK = 0.25
STILL = " (still working)"


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
    said_text, said_at = [first], [started]  # the last text printed, and when (any stage)
    lock = threading.Lock()

    def echo(text: str, now: float) -> None:
        said_text[0], said_at[0] = text, now
        click.echo(f"[{now - started:6.1f} s] {for_terminal(text)}", err=True)

    def line(text: str) -> None:
        stage, now = text.split(":", 1)[0], time.monotonic()
        with lock:
            if stage == last[0][0] and now - last[0][1] < LOG_EVERY:
                return
            last[0] = (stage, now)
            echo(text, now)

    # A stage may be one long call (the workbook of 100,000 executives, a long query): a log must still show
    # the run alive at least every LOG_EVERY seconds, so a line is repeated when nothing was said for a while.
    stop = threading.Event()

    def heartbeat() -> None:
        while not stop.wait(HEARTBEAT_CHECK):
            with lock:
                now = time.monotonic()
                if now - said_at[0] >= LOG_EVERY - 2 * HEARTBEAT_CHECK:
                    echo(f"{said_text[0].removesuffix(STILL)}{STILL}", now)

    line(first)
    beat = threading.Thread(target=heartbeat, name="ranking-progress", daemon=True)
    beat.start()
    try:
        yield line
    finally:
        stop.set()
        beat.join()
