"""The workspace: settings, roster, companies and every export file, read and checked together."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import polars as pl

from ranking.errors import InputError, Problem
from ranking.load.accounting import Accounting, account, linked_ids, relink
from ranking.load.base import export_numbered, export_rows
from ranking.load.contacts import recipients
from ranking.load.formats import Export, Format, LoadContext, UnknownFormat, detect
from ranking.load.merge import MergedPosts, merge_lazy
from ranking.load.propose import Proposal, propose
from ranking.load.reading import Limits, Reading, Session, limits, session
from ranking.load.repair import counting
from ranking.load.tabular import LINE, read_table
from ranking.load.values import problems_where
from ranking.load.walk import walk_exports
from ranking.period import Period, window
from ranking.settings import Settings, load_settings, logo_file, sending_problems
from ranking.text.phrase import Phrase

log = logging.getLogger(__name__)

ID_PATTERN = r"^[a-z0-9_-]+$"
#: The largest ranking.toml read: settings take a few KB, and parsing TOML takes many times a file's size.
SETTINGS_BYTES = 1 << 20
_TRUE = ("true", "1", "yes", "oui", "y", "o", "vrai")
_FALSE = ("false", "0", "no", "non", "n", "faux", "")

ROSTER_REQUIRED = ("executive_id", "name", "company", "role", "is_ceo")
ROSTER_OPTIONAL = ("linkedin", "x_handle", "linkedin_followers", "x_followers")
COMPANIES_REQUIRED = ("company", "name")
COMPANIES_OPTIONAL = ("domains", "corporate_handles", "comms_emails")


@dataclass(frozen=True)
class InputFile:
    """A file the run read, as the manifest lists it."""

    path: str
    sha256: str
    format: str
    rows: int
    link: str | None = None  # where the file really is, when it was read through a symbolic link

    def entry(self) -> dict[str, object]:
        """The manifest's entry: path, sha256, format, rows, and `link` for a file read through a link."""
        return {k: v for k, v in vars(self).items() if k != "link" or v is not None}


@dataclass(frozen=True)
class Unread:
    """An export file that could not be read: whose folder it sits in, what it was taken for, and why."""

    shown: str
    executive_id: str | None
    format: str | None  # None when the format itself was not recognised
    problems: list[Problem]
    #: What `validate` says of a file no format recognises: what it looks like, a mapping to paste.
    proposal: Proposal | None = None


@dataclass
class Workspace:
    """Everything `run` reads, loaded and checked."""

    root: Path
    settings: Settings
    roster: pl.DataFrame
    companies: pl.DataFrame
    merged: MergedPosts  # every export's posts, merged lazily: read them through `scan`, `posts`, `post_count`
    exports: list[Export] = field(default_factory=list)
    inputs: list[InputFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)  # export files that could not be read (validate lists them)
    accounting: list[Accounting] = field(default_factory=list)  # what became of each record of each export read
    #: The files read lazily (Parquet), which later queries read again: `verify_unchanged` checks them.
    lazily_read: list[Reading] = field(default_factory=list)

    def verify_unchanged(self) -> None:
        """Raise InputError when a file read lazily changed since it was hashed: the manifest would give the sha256
        of other bytes than those the run scored."""
        for read in self.lazily_read:
            read.verify()

    @property
    def scan(self) -> pl.LazyFrame:
        """The merged posts as a lazy query: the stages that window or aggregate them read only what they need."""
        return self.merged.posts

    @property
    def post_count(self) -> int:
        """How many posts the workspace holds (after the merge), without reading them."""
        return self.merged.rows

    @cached_property
    def posts(self) -> pl.DataFrame:
        """Every merged post with every column, in memory (collected on first use: prefer `scan` on big data)."""
        return self.merged.posts.collect()


def _shown(root: Path, path: Path) -> str:
    return str(root / path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _require(frame: pl.DataFrame, shown: str, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError.one(shown, f"missing column '{missing[0]}' (required: {', '.join(columns)})", 1)


def _read_listing(path: Path, required: tuple[str, ...], optional: tuple[str, ...]) -> pl.DataFrame:
    shown = str(path)
    if not path.exists():
        raise InputError.one(shown, "file not found")
    frame = read_table(path, shown, max_rows=limits().roster_rows)
    _require(frame, shown, required)
    if frame.height == 0:
        raise InputError.one(shown, "no rows: the file has only its header")
    for name in optional:
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(name))
    return frame.select([*required, *optional, LINE])


#: The longest id: a company's names its report, `companies/<company>.pdf`, and file names stop at 255 bytes.
MAX_ID_LENGTH = 200


def _ids_problems(frame: pl.DataFrame, column: str, shown: str) -> list[Problem]:
    problems = problems_where(frame, pl.col(column).is_null(), shown, f"{column} is missing")
    problems += problems_where(
        frame,
        pl.col(column).str.len_chars() > MAX_ID_LENGTH,
        shown,
        pl.format(
            "{} is {} characters long: at most {} (an id names files and folders)",
            pl.lit(column),
            pl.col(column).str.len_chars(),
            pl.lit(MAX_ID_LENGTH),
        ),
    )
    problems += problems_where(
        frame,
        pl.col(column).is_not_null() & ~pl.col(column).str.contains(ID_PATTERN),
        shown,
        pl.format("{} '{}' must be lower-case letters, digits, '_' or '-'", pl.lit(column), pl.col(column)),
    )
    problems += problems_where(
        frame,
        pl.col(column).is_not_null() & pl.col(column).is_duplicated() & (pl.int_range(pl.len()).over(column) > 0),
        shown,
        pl.format("duplicate {} '{}'", pl.lit(column), pl.col(column)),
    )
    return problems


def load_companies(path: Path) -> tuple[pl.DataFrame, list[Problem]]:
    """Read companies.csv: ids, names, domains, corporate handles and comms e-mails (`;`-separated)."""
    frame = _read_listing(path, COMPANIES_REQUIRED, COMPANIES_OPTIONAL)
    problems = _ids_problems(frame, "company", str(path))
    problems += problems_where(frame, pl.col("name").is_null(), str(path), "name is missing")
    split = [
        pl.col(c)
        .fill_null("")
        .str.split(";")
        .list.eval(pl.element().str.strip_chars())
        .list.eval(pl.element().filter(pl.element() != ""))
        for c in COMPANIES_OPTIONAL
    ]
    return frame.with_columns(split), problems


def _bool(column: str) -> pl.Expr:
    lowered = pl.col(column).fill_null("").str.strip_chars().str.to_lowercase()
    return pl.when(lowered.is_in(list(_TRUE))).then(True).when(lowered.is_in(list(_FALSE))).then(False)


def load_roster(path: Path, companies: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    """Read roster.csv, checking ids, companies, the CEO flag and follower counts."""
    from ranking.load.values import parse_count

    shown = str(path)
    frame = _read_listing(path, ROSTER_REQUIRED, ROSTER_OPTIONAL)
    problems = _ids_problems(frame, "executive_id", shown)
    problems += problems_where(frame, pl.col("name").is_null(), shown, "name is missing")
    known = companies.get_column("company").implode()
    problems += problems_where(
        frame,
        ~pl.col("company").is_in(known).fill_null(False),
        shown,
        pl.format("unknown company '{}' (not in companies.csv)", pl.col("company").fill_null("")),
    )
    problems += problems_where(
        frame,
        _bool("is_ceo").is_null(),
        shown,
        pl.format("is_ceo must be true/false, 1/0, yes/no or oui/non, not '{}'", pl.col("is_ceo")),
    )
    frame = frame.with_columns(_bool("is_ceo").fill_null(False).alias("is_ceo"), pl.col("role").fill_null(""))
    for name in ("linkedin_followers", "x_followers"):
        series, found = parse_count(frame, name, shown)
        problems += found
        frame = frame.with_columns(series)
    return frame, problems


def load_workspace(root: Path, *, progress: Callable[[str], None] | None = None) -> Workspace:
    """Read and check the whole workspace; any problem raises InputError (carrying every problem found).

    The rules of the delivery's environment (RANKING_SMTP_*) are `send`'s and `validate`'s, not a run's: the
    machine that runs may not be the one that sends."""
    return _read(root, strict=True, progress=progress, environ=None).workspace


@dataclass(frozen=True)
class Checked:
    """What `ranking validate` shows: the workspace as far as it could be read, and every problem found."""

    workspace: Workspace
    problems: list[Problem]


def check_workspace(
    root: Path, *, progress: Callable[[str], None] | None = None, environ: Mapping[str, str] | None = None
) -> Checked:
    """Read and check the whole workspace, returning every problem with whatever could be loaded (a problem that
    stops the reading itself, such as unreadable settings, still raises InputError): every rule `run` applies, and
    those `send` applies with `environ` (the process's environment by default), as `send` reads it."""
    return _read(root, strict=False, progress=progress, environ=os.environ if environ is None else environ)


def _settings_problems(root: Path, settings: Settings, environ: Mapping[str, str] | None) -> list[Problem]:
    """The rules of the files the settings name (and, with `environ`, of the delivery), as problems."""
    try:
        logo_file(root, settings)
        problems = []
    except InputError as exc:
        problems = exc.problems
    return problems + (sending_problems(root, settings, environ) if environ is not None else [])


def _read(
    root: Path, *, strict: bool, progress: Callable[[str], None] | None, environ: Mapping[str, str] | None
) -> Checked:
    if not root.is_dir():
        raise InputError.one(root, "workspace folder not found")
    # Every file is read once, and the manifest's sha256 is of the bytes read (ranking.load.reading).
    toml = root / "ranking.toml"
    settings_read = Reading(toml, str(toml)) if toml.exists() else None
    try:
        if settings_read is not None and settings_read.check_size() > SETTINGS_BYTES:
            raise InputError.one(toml, "is larger than 1 MB: not settings (they take a few KB)")
        settings = load_settings(toml, settings_read.data() if settings_read else None)
    except OSError as exc:  # a folder, unreadable
        raise InputError.one(toml, f"cannot be read ({exc.strerror or exc})") from None
    with session(Limits.of(settings.inputs)) as files:
        checked = _read_files(root, settings, files, strict=strict, progress=progress, environ=environ)
    if settings_read is not None:
        checked.workspace.inputs.insert(0, InputFile(str(toml), settings_read.finish(), "settings", 0))
    return checked


def _read_files(
    root: Path,
    settings: Settings,
    files: Session,
    *,
    strict: bool,
    progress: Callable[[str], None] | None,
    environ: Mapping[str, str] | None,
) -> Checked:
    problems: list[Problem] = []
    problems += _settings_problems(root, settings, environ)
    companies, found = load_companies(root / "companies.csv")
    problems += found
    problems += recipients(companies, str(root / "companies.csv"))[1]
    roster, found = load_roster(root / "roster.csv", companies)
    problems += found
    roster_ids = set(roster.get_column("executive_id").drop_nulls().to_list())
    exports: list[Export] = []
    unread: list[Unread] = []
    inputs = [
        InputFile(str(p), _digest(files, p), kind, rows)
        for p, kind, rows in (
            (root / "companies.csv", "companies", companies.height),
            (root / "roster.csv", "roster", roster.height),
        )
    ]
    lazily_read: list[Reading] = []
    walked = walk_exports(root, settings.inputs.allow_links_outside)
    problems += walked.problems
    unread += [Unread(p.path, None, None, [p]) for p in walked.problems]
    for path, owner in walked.files:
        shown = _shown(root, path)
        if progress:
            progress(shown)
        if owner is not None and owner not in roster_ids:
            problem = Problem(shown, f"folder exports/{owner}/ names no executive of roster.csv")
            problems.append(problem)
            unread.append(Unread(shown, None, None, [problem]))
            continue
        fmt: Format | None = None
        try:
            fmt = detect(path, shown, settings.sources)
            ctx = LoadContext(roster, settings.scoring.timezone, owner, settings.sources, settings.inputs.strict)
            with counting() as tally:
                export = fmt.load(path, shown, ctx)
            export.replaced = tally.replaced
            digest = files.get(path, shown).finish()
        except InputError as exc:
            problems += exc.problems
            # only `validate` (not strict) describes an unknown file: `run` stops at the first line
            proposal = None
            if isinstance(exc, UnknownFormat) and not strict:
                proposal = propose(path, shown, on_top=owner is None, timezone=settings.scoring.timezone)
            unread.append(Unread(shown, owner, fmt.name if fmt else None, exc.problems, proposal))
            continue
        except OSError as exc:  # unreadable, or gone since the walk
            problem = Problem(shown, f"cannot be read ({exc.strerror or exc})")
            problems.append(problem)
            unread.append(Unread(shown, owner, fmt.name if fmt else None, [problem]))
            continue
        finally:
            done = files.done(path)  # its bytes are released: memory follows what is kept
        if done is not None and done.lazy:
            lazily_read.append(done)
        export.executive_id = owner
        exports.append(export)
        inputs.append(InputFile(shown, digest, export.format, export_rows(export), walked.links.get(path)))
    if problems and strict:
        raise InputError(problems)
    links = linked_ids(exports)
    posts = merge_lazy([relink(export_numbered(e), links) for e in exports], [export_rows(e) for e in exports])
    accounting = [account(e, merged) for e, merged in zip(exports, posts.shared, strict=True)]
    warnings = walked.warnings + [
        Phrase(f"{e.shown}: {note}", "term.file_note", file=e.shown, note=note) for e in exports for note in e.notes
    ]
    roster = with_exported_followers(roster, exports)
    workspace = Workspace(
        root, settings, roster.drop(LINE), companies.drop(LINE), posts, exports, inputs, warnings, unread, accounting,
        lazily_read,
    )  # fmt: skip
    return Checked(workspace, problems)


def _digest(files: Session, path: Path) -> str:
    """The sha256 of a listing as `read_table` read it (done with it: its Reading leaves the session)."""
    done = files.done(path)
    if done is None or done.digest is None:  # not read through the session: cannot happen once it was loaded
        raise InputError.one(path, "was not read whole")
    return done.digest


def with_exported_followers(roster: pl.DataFrame, exports: list[Export]) -> pl.DataFrame:
    """Fill the follower counts the roster leaves empty with those the exports state (the most recent export's)."""
    stated = [
        (executive, f"{e.platform}_followers", count, e.snapshot)
        for e in exports
        if e.platform is not None
        for executive, count in e.followers.items()
    ]
    for column in sorted({c for _e, c, _n, _s in stated}):
        if column not in roster.columns:
            continue
        latest = (
            pl.DataFrame(
                [(e, n, s) for e, c, n, s in stated if c == column],
                schema={"executive_id": pl.String, "__followers": pl.Int64, "__at": pl.Datetime("us", "UTC")},
                orient="row",
            )
            .sort("__at", descending=True)
            .unique(subset="executive_id", keep="first")
            .drop("__at")
        )
        roster = (
            roster.join(latest, on="executive_id", how="left", maintain_order="left")
            .with_columns(pl.col(column).fill_null(pl.col("__followers")))
            .drop("__followers")
        )
    return roster


def month_problems(ws: Workspace, period: Period) -> list[Problem]:
    """`validate --period`: a month without any post (or repost) in the exports is a problem, for `send` never mails
    the reports of one and `run` ranks one only when asked (`--allow-empty`) or after earlier posts of its year."""
    within = window(period, "month", ws.settings.scoring.timezone).contains()
    if ws.scan.filter(within).select(pl.len()).collect().item():
        return []
    message = f"no post of {period} in any export: `send` never mails the reports of a month without posts"
    return [Problem(str(ws.root / "exports"), message)]
