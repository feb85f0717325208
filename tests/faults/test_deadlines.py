"""Every wait of `ranking send` has a deadline (issue 23, item 4): a tarpit that trickles a continuation line every
0.2 s, far inside the socket's timeout, holds a message no longer than `smtp.deadline_seconds` and the whole send
no longer than `smtp.send_deadline_seconds`; the message is then failed or unknown as the ledger's rules say, and
the month's lock is released."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ranking.cli import cli
from tests.deliver.test_send import EVERYONE, PERIOD, Setup, make_setup
from tests.faults.tarpit import Tarpit
from tests.workspaces import REPO

#: The socket's timeout, far longer than the tarpit's interval: it never trips, only the deadline does.
SLOW = 30


def setup_with(tmp_path: Path, **smtp: object) -> Setup:
    """The delivery tests' workspace and run folder, with these [smtp] settings instead of its timeout."""
    setup = make_setup(tmp_path)
    toml = setup.workspace / "ranking.toml"
    toml.write_text(toml.read_text().replace("timeout = 10\n", "".join(f"{k} = {v}\n" for k, v in smtp.items())))
    return setup


def send_process(setup: Setup, port: int) -> tuple[subprocess.CompletedProcess[str], float]:
    """`ranking send` in a child process (a hang fails the test instead of blocking it); its wall time."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RANKING_SMTP_")}
    env |= {"RANKING_SMTP_HOST": "127.0.0.1", "RANKING_SMTP_SECURITY": "none", "RANKING_SMTP_PORT": str(port)}
    command = [sys.executable, "-m", "ranking", "send", "-w", str(setup.workspace), "-p", PERIOD, "-o", str(setup.out)]
    started = time.monotonic()
    done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    return done, time.monotonic() - started


def assert_lock_released(setup: Setup) -> None:
    assert not (setup.out / f".{PERIOD}.lock").exists()
    dry = CliRunner().invoke(cli, ["send", "-w", setup.workspace, "-p", PERIOD, "-o", setup.out, "--dry-run"])
    assert "another" not in dry.output, dry.output


@pytest.fixture
def smtp_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("RANKING_SMTP_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("RANKING_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("RANKING_SMTP_SECURITY", "none")


def test_a_tarpit_greeting_stops_the_send_at_the_deadline(tmp_path: Path, smtp_env: None) -> None:
    setup = setup_with(tmp_path, timeout=SLOW, deadline_seconds=1.5)
    with Tarpit("greeting").running() as tarpit:
        done, wall = send_process(setup, tarpit.port)
    assert done.returncode == 1, done.stderr
    assert wall < 30  # the tarpit would hold it for ever; about 1.5 s and the start of Python
    error = done.stderr.strip().splitlines()[-1]
    assert error.startswith("Error: sending stopped: 127.0.0.1:") and "smtp.deadline_seconds" in error
    assert tarpit.connections == 1  # cut off while connecting: the server is unusable, nothing else tried
    assert setup.ledger == []  # no message went out: all of them safe to send by a re-run
    assert_lock_released(setup)


def test_a_tarpit_after_the_body_leaves_the_message_unknown(tmp_path: Path, smtp_env: None) -> None:
    setup = setup_with(tmp_path, timeout=SLOW, deadline_seconds=1)
    with Tarpit("data-end").running() as tarpit:
        done, wall = send_process(setup, tarpit.port)
    assert done.returncode == 1, done.stderr
    assert wall < 30
    assert tarpit.bodies == 3  # each message went out once, none again: its fate is unknown
    assert setup.last_states() == dict.fromkeys(EVERYONE, "unknown")
    assert all("smtp.deadline_seconds" in line["detail"] for line in setup.ledger if line["state"] == "unknown")
    assert "3 recipients without a confirmed delivery" in done.stderr
    assert_lock_released(setup)


def test_a_tarpit_before_the_body_fails_the_message_and_the_send_deadline_ends_the_rest(
    tmp_path: Path, smtp_env: None
) -> None:
    setup = setup_with(tmp_path, timeout=SLOW, deadline_seconds=1, send_deadline_seconds=1.6)
    with Tarpit("rcpt").running() as tarpit:
        done, wall = send_process(setup, tarpit.port)
    assert done.returncode == 1, done.stderr
    assert wall < 30
    assert tarpit.bodies == 0
    # the first: its own deadline; the second: cut off when the whole send's passed; the third: never tried
    failed = [line for line in setup.ledger if line["state"] == "failed"]
    assert [line["recipient"] for line in failed] == EVERYONE[:2]
    assert "smtp.deadline_seconds" in failed[0]["detail"] and "smtp.send_deadline_seconds" in failed[1]["detail"]
    assert EVERYONE[2] not in {line["recipient"] for line in setup.ledger}
    assert "smtp.send_deadline_seconds" in done.stderr.strip().splitlines()[-1]
    assert_lock_released(setup)


@pytest.mark.parametrize("name", ["deadline_seconds", "send_deadline_seconds", "timeout"])
@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "1e9"])
def test_validate_refuses_a_deadline_that_bounds_nothing(tmp_path: Path, name: str, value: str) -> None:
    setup = setup_with(tmp_path, **{name: value})
    result = CliRunner().invoke(cli, ["validate", "-w", setup.workspace])
    assert result.exit_code == 1
    assert f"smtp.{name} must be more than 0 and at most 86,400 seconds" in result.output
