"""Issue 14/12 fault injection: a run killed at each step of publishing, two concurrent runs, a run and a send at
once, interruptions (SIGTERM, Ctrl-C, SIGKILL) while the PDFs render. After each: the month's folder is whole,
the ledger is intact, no staging folder or worker is left, and a re-run completes."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ranking.cli import cli
from ranking.outputs.publish import month_lock
from tests.faults.common import LEDGER_LINES, REPO, Month

STEPS_EXCHANGE = ["written", "linked", "exchanged", "published"]
STEPS_FALLBACK = ["written", "linked", "moved-old", "renamed", "published"]


def runner(args: list[str], env: dict[str, str], **kwargs) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    return subprocess.Popen(
        [sys.executable, "-m", "tests.faults.runner", *args],
        cwd=REPO,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def wait_for(path: Path, process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    """Until `path` exists (a hang guard, not a timing: the run's own speed does not matter)."""
    deadline = time.monotonic() + 120
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"the run ended first: {process.communicate()}")
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


@pytest.mark.parametrize(
    ("step", "fallback"),
    [(s, False) for s in STEPS_EXCHANGE] + [(s, True) for s in STEPS_FALLBACK],
    ids=[f"exchange-{s}" for s in STEPS_EXCHANGE] + [f"two-renames-{s}" for s in STEPS_FALLBACK],
)
def test_a_run_killed_at_each_step_of_publishing_loses_nothing(month: Month, step: str, fallback: bool) -> None:
    before = month.snapshot()
    env = {"FAULT_STEP": step, "FAULT_ACTION": "kill", **({"FAULT_NO_EXCHANGE": "1"} if fallback else {})}
    killed = runner(month.run_args(), env)
    killed.communicate()
    assert killed.returncode == -signal.SIGKILL
    if fallback and step == "moved-old":
        # the one instant without a folder (no atomic exchange): the old one waits beside it, whole, and the
        # next process to take the month's lock (a run or a send) puts it back before anything else
        assert not month.final.exists()
        with month_lock(month.final):
            pass
    # whatever instant it died at, the month's folder is one whole run (the old or the new) with the ledger
    assert month.ledger() == LEDGER_LINES
    assert month.is_whole()
    if step in ("written", "linked", "moved-old"):
        assert month.snapshot() == before
    month.assert_rerun_completes()


def test_two_concurrent_runs_one_waits_its_turn_and_the_ledger_stays(month: Month, tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    first = runner(month.run_args(), {"FAULT_STEP": "linked", "FAULT_ACTION": f"wait:{gate}"})
    wait_for(Path(f"{gate}.reached"), first)  # the first run is in the middle of publishing
    second = CliRunner().invoke(cli, month.run_args())
    assert second.exit_code == 1
    assert second.output.count("\n") == 1 and "another `ranking run` or `ranking send`" in second.output
    send = CliRunner().invoke(cli, ["send", "-w", str(month.root), "-p", "2021-10", "-o", str(month.out), "--dry-run"])
    assert send.exit_code == 1 and "another `ranking run` or `ranking send`" in send.output
    Path(f"{gate}.go").touch()
    _out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert month.ledger() == LEDGER_LINES and month.is_whole()
    month.assert_rerun_completes()


def test_a_second_run_after_a_killed_one_is_not_blocked(month: Month) -> None:
    killed = runner(month.run_args(), {"FAULT_STEP": "written", "FAULT_ACTION": "kill"})
    killed.communicate()
    assert killed.returncode == -signal.SIGKILL
    assert (month.out / ".2021-10.lock").exists()  # the lock file stays, the kernel dropped its lock
    assert list(month.out.glob(".2021-10.*.tmp"))  # and the killed run's staging folder...
    month.assert_rerun_completes()  # ...is cleaned up by the next run
    assert not (month.out / ".2021-10.lock").exists()


def test_a_ledger_stranded_by_an_older_version_is_put_back(month: Month) -> None:
    """The issue's case: a run of the previous version moved the ledger into its staging folder, then died."""
    stranded = month.out / ".2021-10.abc123.tmp"
    stranded.mkdir()
    (month.final / "deliveries.jsonl").rename(stranded / "deliveries.jsonl")
    month.assert_rerun_completes()


def workers_of(pid: int) -> list[int]:
    """The render workers (spawned multiprocessing children) of process `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT to the process group", "SIGKILL"])
def test_an_interrupted_run_leaves_no_staging_folder_and_no_worker(demo_month: Month, tmp_path: Path, how: str) -> None:
    before = demo_month.snapshot()
    mark = tmp_path / "rendering"
    process = runner([*demo_month.run_args(), "--jobs", "2"], {"FAULT_RENDER_MARK": str(mark)}, start_new_session=True)
    wait_for(mark, process)
    workers = workers_of(process.pid)
    assert len(workers) == 2
    if how == "SIGTERM":
        process.send_signal(signal.SIGTERM)
    elif how == "SIGKILL":
        process.kill()
    else:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    if how == "SIGKILL":
        # not communicate(): the workers share its stderr, and the test is that they go on their own
        assert process.wait(timeout=60) == -signal.SIGKILL
        deadline = time.monotonic() + 60  # the kernel tells the workers (a hang guard, not a timing)
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        process.communicate(timeout=60)
    else:
        _out, err = process.communicate(timeout=60)
        signum = signal.SIGTERM if how == "SIGTERM" else signal.SIGINT
        assert process.returncode == 128 + signum
        assert err.strip().splitlines() == [
            f"Error: interrupted by {signal.Signals(signum).name}: stopped, nothing of this run was published"
        ]
        assert not list(demo_month.out.glob(".2021-10.*"))  # no staging folder, no lock file
    assert not [w for w in workers if alive(w)]
    assert demo_month.snapshot() == before and demo_month.ledger() == LEDGER_LINES
    if how == "SIGKILL":
        demo_month.assert_rerun_completes()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
