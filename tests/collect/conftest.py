"""The stand-in of the Apify API, started on 127.0.0.1 for a test, and a workspace of fictional executives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.collect.items import ACTORS, PEOPLE
from tests.collect.standin import TOKEN, StandIn, serve
from tests.workspaces import workspace


@pytest.fixture(autouse=True)
def no_service(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reaches the real service: without the stand-in, no token and no URL of it."""
    for variable in ("RANKING_APIFY_TOKEN", "APIFY_TOKEN", "RANKING_APIFY_API_URL"):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    """The stand-in, answering; the environment points `ranking collect` at it with short waits. Nothing else is
    reachable: the client is given this URL and this token only."""
    service = StandIn(dict(ACTORS))
    server, thread = serve(service)
    monkeypatch.setenv("RANKING_APIFY_API_URL", service.url)
    monkeypatch.setenv("RANKING_APIFY_TOKEN", TOKEN)
    monkeypatch.delenv("APIFY_TOKEN", raising=False)
    monkeypatch.setenv("RANKING_APIFY_RETRY_WAIT", "0.01")
    monkeypatch.setenv("RANKING_APIFY_POLL_SECONDS", "1")
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def team(tmp_path: Path) -> Path:
    """A workspace of the fictional roster (tests/collect/items.py), with no export yet."""
    return workspace(tmp_path / "ws", PEOPLE)
