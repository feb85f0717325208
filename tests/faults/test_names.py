"""Names and messages (issue 23, item 6): every file the tool writes has a name the file system takes, whatever
the ids and addresses; a control character in a file name never splits an `Error:` line; each command's
interruption says what that command leaves; `run` prints the input warnings `validate` prints."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from ranking.cli import cli
from ranking.text.safe import MAX_NAME_BYTES, file_name, one_line
from tests.deliver.test_send import PERIOD, make_setup, pdf
from tests.faults.common import invoke, one_error, run_args, small_workspace
from tests.faults.tarpit import Tarpit
from tests.workspaces import POST_FIELDS, REPO, post, write_csv

LONG_ID = "c" * 200  # the longest company id companies.csv takes
LONG_ADDRESS = "d" * 40 + "@" + "e" * 17 + ".com"  # 62 characters


@given(st.text(min_size=1, max_size=400), st.sampled_from([".eml", ".pdf", ""]))
def test_a_file_name_fits_the_file_system_and_says_whose_it_is(stem: str, suffix: str) -> None:
    name = file_name(stem, suffix)
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES and name.endswith(suffix)
    assert name == file_name(stem, suffix)  # the same file from one run to the next
    if len((stem + suffix).encode("utf-8")) <= MAX_NAME_BYTES:
        assert name == stem + suffix  # short names as they always were (companies/<company>.pdf)
    else:
        assert stem.startswith(name[: -len(suffix) - 13] if suffix else name[:-13])  # a readable prefix
        assert file_name(stem + "x", suffix) != name  # the hash tells two long names apart


def test_send_dry_run_with_the_longest_id_and_a_long_address_writes_its_message(tmp_path: Path) -> None:
    companies = [{"company": LONG_ID, "name": "Long", "comms_emails": LONG_ADDRESS}]
    setup = make_setup(tmp_path, companies=companies)
    pdf(setup.folder / "companies" / f"{LONG_ID}.pdf", "report")
    env = {"RANKING_SMTP_HOST": "127.0.0.1", "RANKING_SMTP_SECURITY": "none"}
    args = ["send", "-w", setup.workspace, "-p", PERIOD, "-o", setup.out, "--dry-run"]
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env)
    assert result.exit_code == 0, result.output
    (written,) = (setup.folder / "outbox").iterdir()
    assert written.name.startswith(LONG_ID[:100]) and written.suffix == ".eml"
    assert len(written.name.encode()) <= MAX_NAME_BYTES
    assert f"To: {LONG_ADDRESS}" in written.read_text()


def test_a_newline_in_a_file_name_stays_inside_one_error_line(tmp_path: Path) -> None:
    root = small_workspace(tmp_path / "ws")
    rows = [post("1", "ana", "2021-10-05T10:00:00Z", reactions=1), post("2", "bob", "2021-10-06T10:00:00Z", "-3")]
    write_csv(root / "exports" / "evil\nError: forged.csv", POST_FIELDS, rows)
    line = one_error(*run_args(root, tmp_path / "out"))
    assert line.startswith(f"Error: {root}/exports/evil\\nError: forged.csv:3: reactions is negative"), line
    code, output = invoke("validate", "-w", root)
    errors = [x for x in output.splitlines() if x.startswith("Error: ")]
    assert code == 1 and any("evil\\nError: forged.csv" in x for x in errors)
    assert not any(x.startswith("Error: forged") for x in output.splitlines())


def test_one_line_escapes_every_break_and_control() -> None:
    text = one_line("a\nb\r\x1b[31m\u2028\x85\tz")
    assert text == "a\\nb\\r\\x1b[31m\\u2028\\x85\\tz" and len(text.splitlines()) == 1


def test_run_prints_the_input_warnings_validate_prints(tmp_path: Path) -> None:
    root = small_workspace(tmp_path / "ws")
    os.mkfifo(root / "exports" / "pipe.csv")
    code, validated = invoke("validate", "-w", root)
    assert code == 0, validated
    warnings = [x for x in validated.splitlines() if x.startswith("Warning: ")]
    assert any("pipe.csv: a named pipe (FIFO), skipped" in x for x in warnings), validated
    code, ran = invoke(*run_args(root, tmp_path / "out"))
    assert code == 0, ran
    assert [x for x in ran.splitlines() if x.startswith("Warning: ")] == warnings


def test_send_stopped_by_sigterm_speaks_of_the_sending(tmp_path: Path) -> None:
    setup = make_setup(tmp_path)
    toml = setup.workspace / "ranking.toml"
    toml.write_text(toml.read_text().replace("timeout = 10\n", "timeout = 60\n"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("RANKING_SMTP_")}
    with Tarpit("greeting").running() as tarpit:
        env |= {
            "RANKING_SMTP_HOST": "127.0.0.1",
            "RANKING_SMTP_SECURITY": "none",
            "RANKING_SMTP_PORT": str(tarpit.port),
        }
        command = [sys.executable, "-m", "ranking", "send", "-w", setup.workspace, "-p", PERIOD, "-o", setup.out]
        process = subprocess.Popen(command, env=env, cwd=REPO, stderr=subprocess.PIPE, text=True)
        while not tarpit.connections and process.poll() is None:
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    (line,) = [x for x in stderr.splitlines() if x.startswith("Error: ")]
    assert line.startswith("Error: interrupted by SIGTERM: sending stopped") and "deliveries.jsonl" in line
    assert "published" not in stderr
    assert not (setup.out / f".{PERIOD}.lock").exists()
