"""Issue 14: every traceback or hang of the adversarial session is one `Error: …` line (exit 1, 2 for misuse), and
`validate` rejects every setting `run` would die on. Special files are skipped, links out of the workspace refused."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import ranking.pipeline
from tests.faults.common import invoke, one_error, run_args, small_workspace
from tests.workspaces import POST_FIELDS, ROSTER_FIELDS, person, post, write_csv


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return small_workspace(tmp_path / "ws")


def out_of(root: Path) -> Path:
    return root.parent / "out"


def test_a_dangling_symlink_is_one_error(root: Path) -> None:
    (root / "exports" / "ana").mkdir()
    (root / "exports" / "ana" / "gone.csv").symlink_to(root / "nowhere.csv")
    line = one_error(*run_args(root, out_of(root)))
    assert line.startswith(f"Error: {root}/exports/ana/gone.csv: a broken link (to {root}/nowhere.csv"), line


def test_a_symlink_to_a_directory_inside_the_workspace_is_walked(root: Path) -> None:
    elsewhere = root / "archive" / "ana"
    write_csv(elsewhere / "more.csv", POST_FIELDS, [post("7", "ana", "2021-10-09T10:00:00Z", reactions=1)])
    (root / "exports" / "ana").symlink_to(elsewhere, target_is_directory=True)
    code, output = invoke(*run_args(root, out_of(root)))
    assert code == 0, output
    manifest = json.loads((out_of(root) / "2021-10" / "manifest.json").read_text())
    linked = [i for i in manifest["inputs"] if i["path"].endswith("ana/more.csv")]
    assert linked and linked[0]["link"] == str((elsewhere / "more.csv").resolve())  # the manifest says where


def test_symlinks_leaving_the_workspace_are_refused_unless_allowed(root: Path, tmp_path: Path) -> None:
    outside = write_csv(tmp_path / "elsewhere" / "x.csv", POST_FIELDS, [post("8", "ana", "2021-10-09T10:00:00Z", 5)])
    (root / "exports" / "linked.csv").symlink_to(outside)
    (root / "exports" / "etc").symlink_to("/etc", target_is_directory=True)
    line = one_error(*run_args(root, out_of(root)))
    assert "exports/etc: a link to /etc, outside the workspace: not read" in line
    assert "(and 1 more problem" in line
    (root / "exports" / "etc").unlink()
    (root / "ranking.toml").write_text("[inputs]\nallow_links_outside = true\n")
    code, output = invoke(*run_args(root, out_of(root)))
    assert code == 0, output
    manifest = json.loads((out_of(root) / "2021-10" / "manifest.json").read_text())
    assert [i["link"] for i in manifest["inputs"] if "link" in i] == [str(outside.resolve())]


@pytest.mark.parametrize("kind", ["fifo", "socket", "device"])
def test_a_special_file_in_exports_is_skipped_with_a_warning_never_opened(root: Path, kind: str) -> None:
    folder = root / "exports" / "ana"
    folder.mkdir()
    special = folder / "special.csv"
    with contextlib.ExitStack() as stack:
        if kind == "fifo":
            os.mkfifo(special)  # opening it would block the run for ever
        elif kind == "socket":
            sock = stack.enter_context(socket.socket(socket.AF_UNIX))
            sock.bind(str(special))
        else:
            special.symlink_to("/dev/zero")  # never ends (a link out of the workspace: allowed here)
            (root / "ranking.toml").write_text("[inputs]\nallow_links_outside = true\n")
        code, output = invoke("validate", "-w", root)
    assert code == 0, output
    assert f"Warning: {special}: a " in output and "skipped (never opened)" in output


def test_a_fifo_does_not_hang_a_real_run(root: Path) -> None:
    os.mkfifo(root / "exports" / "pipe.csv")
    process = subprocess.run(
        [Path(__file__).parents[2] / ".venv" / "bin" / "ranking", *map(str, run_args(root, out_of(root)))],
        capture_output=True,
        text=True,
        timeout=120,  # a hang guard: the run itself takes seconds
    )
    assert process.returncode == 0, process.stderr


@pytest.mark.parametrize("what", ["a directory", "unreadable"])
def test_a_roster_that_cannot_be_read_is_one_error(root: Path, what: str, monkeypatch: pytest.MonkeyPatch) -> None:
    roster = root / "roster.csv"
    if what == "a directory":
        roster.unlink()
        roster.mkdir()
        reason = "Is a directory"
    else:
        real = Path.open

        def denied(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]  # root ignores chmod
            if self.name == "roster.csv":
                raise PermissionError(errno.EACCES, "Permission denied", str(self))
            return real(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", denied)
        reason = "Permission denied"
    assert one_error(*run_args(root, out_of(root))) == f"Error: {roster}: cannot be read ({reason})"
    assert not out_of(root).exists()


def test_a_roster_with_only_its_header_is_an_error(root: Path) -> None:
    write_csv(root / "roster.csv", ROSTER_FIELDS, [])
    assert (
        one_error(*run_args(root, out_of(root))) == f"Error: {root}/roster.csv: no rows: the file has only its header"
    )
    assert not out_of(root).exists()  # a failed run leaves no empty out/


def test_a_300_character_company_id_is_one_error(root: Path) -> None:
    long = "a" * 300
    write_csv(root / "companies.csv", ["company", "name"], [{"company": long, "name": "Long"}])
    write_csv(root / "roster.csv", ROSTER_FIELDS, [person("ana", long, ceo=True)])
    write_csv(root / "exports" / "posts.csv", POST_FIELDS, [post("1", "ana", "2021-10-05T10:00:00Z", 1)])
    line = one_error(*run_args(root, out_of(root)))
    assert line.startswith(f"Error: {root}/companies.csv:2: company is 300 characters long: at most 200"), line


@pytest.mark.parametrize("period", ["0000-01", "9999-12"])
def test_periods_at_the_ends_of_the_calendar_are_misuse(root: Path, period: str) -> None:
    code, output = invoke(*run_args(root, out_of(root), period))
    assert code == 2 and "period must be YYYY-MM from 1900-01 to 9998-12" in output and "Traceback" not in output


@pytest.mark.parametrize("weight", ["nan", "inf", "1e308"])
def test_weights_run_would_die_on_are_rejected_by_validate(root: Path, weight: str) -> None:
    (root / "ranking.toml").write_text(f"[scoring]\nshares = {weight}\n")
    line = one_error("validate", "-w", root)
    assert line.startswith(f"Error: {root}/ranking.toml: scoring.shares must be a number from 0 to 100"), line
    assert one_error(*run_args(root, out_of(root))) == line


def test_a_topic_of_250_wildcard_keywords_validates_and_runs(root: Path) -> None:
    keywords = ", ".join(f'"mot{i}*"' for i in range(250))
    (root / "ranking.toml").write_text(f"[topics]\nbig = [{keywords}]\n")
    code, output = invoke("validate", "-w", root)
    assert code == 0, output
    code, output = invoke(*run_args(root, out_of(root)))
    assert code == 0, output


def test_a_keyword_too_big_to_search_is_rejected_by_validate(root: Path) -> None:
    huge = " ".join(f"w{i}*" for i in range(400))  # one keyword whose search alone exceeds the regex limit
    (root / "ranking.toml").write_text(f'[topics]\nbig = ["{huge}"]\n')
    line = one_error("validate", "-w", root)
    assert "topics.big: keywords 1 to 32 make a search too big to run" in line, line


def test_markup_in_names_and_smtp_replies_is_printed_as_it_is(root: Path) -> None:
    write_csv(
        root / "companies.csv",
        ["company", "name"],
        [{"company": "acme", "name": "Acme [/] [bold]x"}, {"company": "beta", "name": "Beta"}],
    )
    code, output = invoke("run", "-w", root, "-p", "2021-10", "-o", out_of(root), "--jobs", "1")
    assert code == 0, output
    assert "Acme [/] [bold]x" in output


def test_a_send_summary_with_markup_in_the_reply_is_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    from ranking.cli.commands import _send_summary
    from ranking.deliver.send import Outcome, SendResult

    result = SendResult(Path("out/2021-10"), (Outcome("acme", "a@acme.example", "sent", "250 ok [/] queued"),), ())
    with contextlib.redirect_stdout(None):
        _send_summary(result, False)  # rich raised MarkupError here


def test_an_instant_without_seconds_is_accepted(root: Path) -> None:
    write_csv(root / "exports" / "posts.csv", POST_FIELDS, [post("1", "ana", "2021-10-05T10:00Z", reactions=4)])
    code, output = invoke(*run_args(root, out_of(root)))
    assert code == 0, output
    assert "ana" in (out_of(root) / "2021-10" / "executives.csv").read_text()


def test_out_inside_the_exports_is_refused(root: Path) -> None:
    code, output = invoke(*run_args(root, root / "exports" / "out"))
    assert code == 2 and "inside the workspace's exports/" in output
    assert not (root / "exports" / "out").exists()


@contextlib.contextmanager
def immutable(folder: Path) -> Iterator[None]:
    """A folder nobody may write into, root included (chattr +i; skipped where the file system says no)."""
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_read_only_out_is_one_error(root: Path) -> None:
    out = out_of(root)
    out.mkdir()
    with immutable(out):
        line = one_error(*run_args(root, out))
    assert line.startswith(f"Error: {out}: cannot write the output folder (Operation not permitted)"), line
    with immutable(root.parent):  # and an --out that cannot even be created
        line = one_error(*run_args(root, root.parent / "new-out"))
    assert "cannot create the output folder" in line, line


def test_a_full_disk_is_one_error_and_no_output(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = ranking.pipeline.sink_csv  # posts.csv is written by a streaming query

    def full(query, target: Path) -> None:  # type: ignore[no-untyped-def]
        if target.name == "posts.csv":
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        real(query, target)

    monkeypatch.setattr(ranking.pipeline, "sink_csv", full)
    line = one_error(*run_args(root, out_of(root)))
    assert line.startswith("Error: ") and line.endswith("posts.csv: No space left on device"), line
    assert not out_of(root).exists()


def test_a_failed_run_keeps_the_previous_month_and_leaves_no_empty_out(root: Path) -> None:
    assert invoke(*run_args(root, out_of(root)))[0] == 0
    before = sorted(p.name for p in (out_of(root) / "2021-10").iterdir())
    write_csv(root / "roster.csv", ROSTER_FIELDS, [])
    one_error(*run_args(root, out_of(root)))
    assert sorted(p.name for p in (out_of(root) / "2021-10").iterdir()) == before
    assert sorted(p.name for p in out_of(root).iterdir()) == ["2021-10"]
