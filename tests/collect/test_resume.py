"""A collect killed after starting its runs, then run again: the runs it paid for are waited for and downloaded,
never started twice (counted at the stand-in)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ranking.cli import cli
from ranking.collect.log import CollectLog
from tests.collect.standin import StandIn
from tests.workspaces import REPO


def _started(root: Path) -> int:
    try:
        return sum(1 for s in CollectLog(root).read() if s["step"] == "started")
    except Exception:  # the log being written
        return 0


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_a_killed_collect_resumes_the_runs_it_started(standin: StandIn, team: Path, signum: int) -> None:
    standin.hold = True  # the runs stay RUNNING: the collect waits for them when it is stopped
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "ranking", "collect", "-w", str(team), "-p", "2021-10", "--quiet"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while _started(team) < 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert _started(team) == 2, process.communicate(timeout=5)
        process.send_signal(signum)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if signum == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
    else:  # Ctrl-C, SIGTERM: told, with the exit status of a stopped process
        assert process.returncode == 128 + signum
        assert f"interrupted by {signal.Signals(signum).name}: the runs already started are left to finish" in err
    assert len(standin.started()) == 2 and not list((team / "exports").rglob("dataset_*"))
    standin.release()
    result = CliRunner().invoke(cli, ["collect", "-w", str(team), "-p", "2021-10"])
    assert result.exit_code == 0, result.output
    assert len(standin.started()) == 2  # none started again
    assert len(list((team / "exports").rglob("dataset_*.json"))) == 2
    steps = [(s["step"], s.get("run_id")) for s in CollectLog(team).read()]
    assert steps.count(("started", "run0001")) == 1 and ("downloaded", "run0002") in steps


def test_a_collect_stopped_between_the_service_starting_a_run_and_the_log_finds_the_run_again(
    standin: StandIn, team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ranking.interrupt import Interrupted

    append = CollectLog.append

    def dies_once_started(self: CollectLog, step: str, **values: object) -> dict[str, object]:
        if step == "started":  # the service has started the run; its id never reaches the log
            raise Interrupted(signal.SIGTERM)
        return append(self, step, **values)

    monkeypatch.setattr(CollectLog, "append", dies_once_started)
    result = CliRunner().invoke(cli, ["collect", "-w", str(team), "-p", "2021-10"])
    assert result.exit_code == 143 and len(standin.started()) == 1
    assert [s["step"] for s in CollectLog(team).read()] == ["starting"]
    monkeypatch.setattr(CollectLog, "append", append)
    result = CliRunner().invoke(cli, ["collect", "-w", str(team), "-p", "2021-10"])
    assert result.exit_code == 0, result.output
    # the LinkedIn run was found by its input's fingerprint, not started again; the X run was started once
    assert [r.path for r in standin.started()] == [
        "/v2/actors/harvestapi~linkedin-profile-posts/runs", "/v2/actors/apidojo~tweet-scraper/runs"
    ]  # fmt: skip
    adopted = [s for s in CollectLog(team).read() if s.get("adopted")]
    assert [s["run_id"] for s in adopted] == ["run0001"]
    assert len(list((team / "exports").rglob("dataset_*.json"))) == 2
