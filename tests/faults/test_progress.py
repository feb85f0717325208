"""A long stage still shows the run alive (issue 23, item 3): on a log (stderr a file or a pipe), a progress line
at least every LOG_EVERY seconds even while one call runs for long; nothing at all with --quiet."""

from __future__ import annotations

import re
import time

import pytest

import ranking.cli.terminal as terminal


@pytest.mark.parametrize("quiet", [False, True])
def test_a_silent_stage_is_said_again_every_few_seconds(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], quiet: bool
) -> None:
    monkeypatch.setattr(terminal, "LOG_EVERY", 0.5)
    monkeypatch.setattr(terminal, "HEARTBEAT_CHECK", 0.02)
    with terminal.progress(quiet, "starting") as step:
        step("writing tables")
        time.sleep(1.8)  # one long call: nothing calls `step` meanwhile
    err = capsys.readouterr().err
    if quiet:
        assert err == ""
        return
    # three silences of 0.5 s in 1.8 s (two at least on a busy machine), each saying the stage again, once
    assert err.count("writing tables (still working)") >= 2, err
    assert "(still working) (still working)" not in err
    assert all(re.match(r"\[ *[\d.]+ s\] ", x) for x in err.splitlines()), err
