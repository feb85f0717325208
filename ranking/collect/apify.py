"""Apify, through its official client (`apify-client`): start an actor's run, wait for it, abort it, read its
dataset page by page. The token comes from the environment only (RANKING_APIFY_TOKEN, else APIFY_TOKEN) and is
handed to the client, never printed nor written; RANKING_APIFY_API_URL points the client at another base URL (a
stand-in in the tests, a proxy).

429 and 5xx answers are retried: by the client itself (a few quick tries), then here with a growing wait, as long
as the collect's deadline allows. 401 and 403 stop everything at once: a bad token is not worth retrying."""

from __future__ import annotations

import time
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from ranking.errors import InputError, RankingError
from ranking.interrupt import abandonable

T = TypeVar("T")

TOKEN_VARIABLES = ("RANKING_APIFY_TOKEN", "APIFY_TOKEN")
URL_VARIABLE = "RANKING_APIFY_API_URL"
#: The most items a dataset may hold (a run asks for at most max_items x profiles_per_run, 20,000 by default).
MAX_ITEMS = 2_000_000
#: The run states after which a run changes no more.
TERMINAL = ("SUCCEEDED", "FAILED", "ABORTED", "TIMED-OUT")


class ServiceRefused(RankingError):
    """The service refused the token (401, 403): nothing more can be done this time."""


class ServiceUnavailable(RankingError):
    """The service kept answering 429 or 5xx (or could not be reached) until the deadline."""


class Gone(RankingError):
    """The service no longer knows a run or a dataset (404: deleted, or past the account's retention)."""


@dataclass(frozen=True)
class RunInfo:
    """A run as the service reports it."""

    run_id: str
    status: str
    dataset_id: str
    finished_at: datetime | None
    usage_total_usd: float | None  # what the run cost, where the service says

    @property
    def done(self) -> bool:
        return self.status in TERMINAL


@dataclass(frozen=True)
class Tuning:
    """How hard the client tries: the client's own retries and first wait, the longest wait between two of ours,
    each poll's length, the page size of a download. Short in the tests."""

    client_retries: int = 4
    first_wait: float = 0.5  # seconds; the waits double from it
    longest_wait: float = 60.0
    poll_seconds: float = 30.0
    page_size: int = 1000

    #: Variables that shorten or lengthen the waits (the tests' stand-in; a slow proxy): seconds, seconds, items.
    ENVIRONMENT: typing.ClassVar[dict[str, str]] = {
        "RANKING_APIFY_RETRY_WAIT": "first_wait",
        "RANKING_APIFY_POLL_SECONDS": "poll_seconds",
        "RANKING_APIFY_PAGE_SIZE": "page_size",
    }

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Tuning:
        """The defaults, with the variables of ENVIRONMENT that are set. Raises InputError naming a bad one."""
        changes: dict[str, Any] = {}
        for variable, name in cls.ENVIRONMENT.items():
            value = environ.get(variable, "").strip()
            if not value:
                continue
            try:
                number = int(value) if name == "page_size" else float(value)
            except ValueError:
                raise InputError.one(variable, f"must be a number, not {value!r}") from None
            if not number > 0 or number != number:
                raise InputError.one(variable, f"must be more than 0, not {value!r}")
            changes[name] = number
        return replace(cls(), **changes)


def token_from(environ: Mapping[str, str]) -> str:
    """The token of RANKING_APIFY_TOKEN, else APIFY_TOKEN. Raises InputError naming both when neither is set."""
    for variable in TOKEN_VARIABLES:
        if environ.get(variable, "").strip():
            return environ[variable].strip()
    raise InputError.one(
        TOKEN_VARIABLES[0], f"not set (nor {TOKEN_VARIABLES[1]}): the Apify token is read from the environment only"
    )


def _status(exc: BaseException) -> int | None:
    code = getattr(exc, "status_code", None)
    return code if isinstance(code, int) else None


def _run_info(run: Any) -> RunInfo:
    return RunInfo(
        run.id,
        str(getattr(run.status, "value", run.status)),
        run.default_dataset_id,
        run.finished_at,
        run.usage_total_usd,
    )


class Apify:
    """The calls `ranking collect` makes, each retried on 429 and 5xx until `deadline` (a time.monotonic())."""

    def __init__(self, token: str, api_url: str | None, deadline: float, tuning: Tuning | None = None):
        tuning = tuning or Tuning()
        from apify_client import ApifyClient

        options: dict[str, Any] = {"api_url": api_url} if api_url else {}
        self._client = ApifyClient(
            token,
            max_retries=tuning.client_retries,
            min_delay_between_retries=timedelta(seconds=tuning.first_wait),
            **options,
        )
        # Starting a run is never retried blindly: a 5xx may come after the service started it, so before each
        # new try the caller looks for the run among the actor's runs (`start`'s `started`).
        self._starter = ApifyClient(token, max_retries=0, **options)
        self.deadline = deadline
        self.tuning = tuning

    def _call(self, what: str, call: Callable[[], T], before_retry: Callable[[], T | None] | None = None) -> T:
        """`call()`, on a helper thread (Ctrl-C is heard at once), retried while the service is busy or down;
        `before_retry()`, when given, may answer instead of a new try."""
        from apify_client.errors import ApifyApiError

        wait = self.tuning.first_wait
        tried = False
        while True:
            if tried and before_retry is not None and (found := before_retry()) is not None:
                return found
            tried = True
            try:
                return abandonable(call)
            except ApifyApiError as exc:
                status = _status(exc)
                if status in (401, 403):
                    raise ServiceRefused(
                        f"Apify refused the token ({status}) while trying to {what}: check RANKING_APIFY_TOKEN"
                    ) from None
                if status == 404:
                    raise Gone(f"Apify does not know what was asked to {what} (404)") from None
                if status != 429 and (status is None or status < 500):
                    raise ServiceUnavailable(f"Apify answered {status} to {what}: {type(exc).__name__}") from None
                reason = f"Apify answered {status}"
            except (ValueError, TypeError, KeyError) as exc:  # an answer that is not what the API documents
                raise ServiceUnavailable(f"Apify's answer to {what} could not be read ({type(exc).__name__})") from None
            except Exception as exc:  # the connection: refused, reset, timed out (the client's tries are spent)
                if isinstance(exc, RankingError):
                    raise
                reason = f"Apify could not be reached ({type(exc).__name__})"
            if time.monotonic() + wait > self.deadline:
                raise ServiceUnavailable(f"{reason} to {what} until the deadline ([collect] deadline_minutes)")
            time.sleep(wait)
            wait = min(wait * 2, self.tuning.longest_wait)

    def start(
        self, actor: str, run_input: dict[str, Any], max_items: int, started: Callable[[], str | None] | None = None
    ) -> RunInfo:
        """Start a run of `actor` with this input; `max_items` caps the items it may charge for. After a failed
        try, `started()` says the id of the run the service may have started all the same (None: none)."""

        def found() -> RunInfo | None:
            run_id = started() if started is not None else None
            return RunInfo(run_id, "RUNNING", "", None, None) if run_id else None

        starter = self._starter.actor(actor)
        return self._call(
            f"start {actor}",
            lambda: _run_info(starter.start(run_input=run_input, max_items=max_items)),
            before_retry=found,
        )

    def wait(self, run_id: str) -> RunInfo:
        """The run once it has finished, or as it is when a poll ends (the caller polls again or gives up)."""
        seconds = max(1, int(min(self.tuning.poll_seconds, self.deadline - time.monotonic())))
        run = self._call(
            f"wait for run {run_id}",
            lambda: self._client.run(run_id).wait_for_finish(wait_duration=timedelta(seconds=seconds)),
        )
        if run is None:
            run = self._call(f"read run {run_id}", lambda: self._client.run(run_id).get())
        if run is None:
            raise Gone(f"Apify does not know run {run_id}")
        return _run_info(run)

    def abort(self, run_id: str) -> RunInfo:
        """Stop a run (it is paid no further)."""
        return _run_info(self._call(f"abort run {run_id}", lambda: self._client.run(run_id).abort()))

    def runs_since(self, actor: str, since: datetime) -> list[tuple[str, str]]:
        """The runs of `actor` started since `since` (newest first, at most 100): (run id, key-value store id)."""
        listed = self._call(
            f"list the runs of {actor}",
            partial(self._client.actor(actor).runs().list, desc=True, limit=100, started_after=since),
        )
        return [(r.id, r.default_key_value_store_id) for r in listed.items]

    def run_input(self, store_id: str) -> Any:
        """The input a run was started with (its key-value store's INPUT record), or None."""
        record = self._call("read a run's input", partial(self._client.key_value_store(store_id).get_record, "INPUT"))
        return record["value"] if record else None

    def pages(self, dataset_id: str) -> Iterator[list[dict[str, Any]]]:
        """A dataset's items, page by page (offset and limit), until all are read. Raises ServiceUnavailable past
        MAX_ITEMS: no run of `ranking` asks for that many."""
        dataset = self._client.dataset(dataset_id)
        offset, size = 0, self.tuning.page_size
        while True:
            page = self._call(f"read dataset {dataset_id}", partial(dataset.list_items, offset=offset, limit=size))
            offset += len(page.items)
            if offset > MAX_ITEMS:
                raise ServiceUnavailable(f"dataset {dataset_id} holds more than {MAX_ITEMS:,} items: not downloaded")
            yield page.items
            if not page.items or offset >= page.total:
                return
