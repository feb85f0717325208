"""Issue 23: every input bounded (`[inputs]` limits, each a one-line error naming the file, checked before the
memory is spent), linear on wide inputs, and the manifest's sha256 of the very bytes the run read.

Every input here is generated small (a sparse file costs no disk): the sizes that matter are in the benchmark
(`python bench/inputs.py`)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

import ranking.load.formats as formats
import ranking.load.formats.canonical as canonical
import ranking.load.workspace as workspace_module
from tests.faults.common import REPO, invoke, one_error, run_args, small_workspace
from tests.workspaces import POST_FIELDS, ROSTER_FIELDS, person, post, posts_frame, write_csv

HEADER = ",".join(POST_FIELDS)
MIB = 1 << 20


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return small_workspace(tmp_path / "ws")


def out_of(root: Path) -> Path:
    return root.parent / "out"


def settings(root: Path, **limits: int) -> None:
    (root / "ranking.toml").write_text("[inputs]\n" + "".join(f"{k} = {v}\n" for k, v in limits.items()))


def validate_error(root: Path) -> str:
    """The one problem `validate` reports (exit 1), as its `Error:` line."""
    code, output = invoke("validate", "-w", root)
    assert code == 1, output
    errors = [line for line in output.splitlines() if line.startswith("Error: ") and "problem" not in line]
    assert len(errors) == 1, output
    return errors[0]


def post_row(pid: str = "9", text: str = "hello") -> dict[str, object]:
    return post(pid, "ana", "2021-10-07T10:00:00Z", reactions=1, text=text)


def parquet_posts(path: Path, *pids: str) -> Path:
    rows = [{**post_row(pid), "posted_at": datetime(2021, 10, 7, 10, tzinfo=UTC)} for pid in pids]
    posts_frame(rows).write_parquet(path)
    return path


# --- the size of a file: refused from its size, before a byte is read ----------------------------------------


def test_a_file_past_max_file_mb_is_refused_from_its_size(root: Path) -> None:
    big = root / "exports" / "big.csv"
    with big.open("wb") as handle:
        handle.write(f"{HEADER}\n".encode())
        handle.truncate(3 * MIB)  # sparse: no disk, and reading it would find a hole of NUL bytes
    settings(root, max_file_mb=2)
    line = one_error(*run_args(root, out_of(root)))
    assert line == f"Error: {big}: is 3.0 MB: larger than [inputs] max_file_mb = 2 MB", line
    assert validate_error(root) == line
    assert not out_of(root).exists()


def test_a_hole_of_nul_bytes_is_refused_at_its_first_line_in_little_memory(root: Path) -> None:
    """A crashed download: a valid header and row, then 256 MB of NUL bytes. Read as a stream, the file is refused
    at the hole's line; the whole-file read this replaced peaked at 1.6 GB before its error."""
    sparse = root / "exports" / "posts.csv"
    with sparse.open("ab") as handle:
        handle.truncate(256 * MIB)
    # the child's own peak (VmHWM, since its exec: ru_maxrss would count this process's size at the fork)
    peak = "import atexit; atexit.register(lambda: print('VmHWM', open('/proc/self/status').read().split('VmHWM:')[1]))"
    code = f"{peak}; from ranking.cli import cli; cli(['validate', '-w', {str(root)!r}])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"Error: {sparse}:4: a line longer than" in done.stdout + done.stderr, done.stdout + done.stderr
    found = re.search(r"VmHWM\s+(\d+) kB", done.stdout)
    assert found, done.stdout
    assert int(found.group(1)) * 1024 < 192 * MIB, f"peak {int(found.group(1)) // 1024} MB for a file of 256 MB"


def test_settings_of_megabytes_are_refused_from_their_size(root: Path) -> None:
    toml = root / "ranking.toml"
    toml.write_text("[inputs]\nstrict = false\n" + "#" * (2 * MIB) + "\n")
    expected = f"Error: {toml}: is larger than 1 MB: not settings (they take a few KB)"
    assert one_error("validate", "-w", root) == expected


def test_a_logo_past_max_file_mb_is_refused_from_its_size(root: Path) -> None:
    logo = root / "logo.png"
    with logo.open("wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n")
        handle.truncate(2 * MIB)
    (root / "ranking.toml").write_text('[report]\nlogo = "logo.png"\n[inputs]\nmax_file_mb = 1\n')
    line = one_error(*run_args(root, out_of(root)))
    assert line == f"Error: {logo}: is 2.0 MB: larger than [inputs] max_file_mb = 1 MB", line


# --- one text field: the CSV limit, in JSON and XLSX too ----------------------------------------------------


def test_a_csv_field_past_max_field_kb_is_one_error_naming_the_line(root: Path) -> None:
    write_csv(root / "exports" / "posts.csv", POST_FIELDS, [post_row(), post_row("8", "x" * 5000)])
    settings(root, max_field_kb=4)
    line = one_error(*run_args(root, out_of(root)))
    assert line.startswith(f"Error: {root}/exports/posts.csv:3: malformed CSV (a field longer than 4,096 characters"), (
        line
    )


@pytest.mark.parametrize(
    "text",
    ["y" * 30_000, "y" * 6000, 'say \\"hi\\" ' * 500],
    ids=["refused before parsing", "refused once parsed", "escaped quotes"],
)
def test_a_json_string_past_max_field_kb_is_one_error(root: Path, text: str) -> None:
    """Refused before it is parsed when it is one run of bytes longer than any field within the limit can be
    written (6 bytes a character), else once parsed (a shorter run, or one broken by escaped quotes)."""
    records = [json.dumps(post_row()), json.dumps(post_row("8"))[:-1].replace('"hello"', f'"{text}"') + "}"]
    (root / "exports" / "posts.jsonl").write_text("\n".join(records) + "\n")
    settings(root, max_field_kb=4)
    line = one_error(*run_args(root, out_of(root)))
    expected = f"Error: {root}/exports/posts.jsonl:2: a field longer than 4,096 characters ([inputs] max_field_kb = 4)"
    assert line == expected, line


@pytest.mark.parametrize("suffix", ["json", "jsonl"])
def test_a_json_number_of_thousands_of_digits_is_one_error(root: Path, suffix: str) -> None:
    """Python refuses to convert an integer of more than 4,300 digits (a ValueError json does not wrap)."""
    record = json.dumps(post_row()).replace('"reactions": 1', '"reactions": ' + "9" * 5000)
    path = root / "exports" / f"posts.{suffix}"
    path.write_text(f"[{record}]" if suffix == "json" else record + "\n")
    line = one_error(*run_args(root, out_of(root)))
    assert line.startswith(f"Error: {path}") and "not valid JSON (Exceeds the limit (4300 digits)" in line, line


def _workbook(path: Path, rows: list[list[str]], far: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for number, values in enumerate(rows):
        sheet.write_row(number, 0, values)
    if far:
        sheet.write(1048575, 16383, "x")
    book.close()
    return path


def _apify_rows(text: str = "hello") -> list[list[str]]:
    """An Apify LinkedIn download (harvestapi's fields) as XLSX rows: the header, one post."""
    return [
        ["linkedinUrl", "content", "postedAt/timestamp", "author/publicIdentifier", "engagement/likes", "entityId"],
        ["https://www.linkedin.com/posts/ana_activity-7000000000000000001", text, "1633428000000", "ana", "3",
         "7000000000000000001"],
    ]  # fmt: skip


def test_an_xlsx_cell_past_max_field_kb_is_one_error(root: Path) -> None:
    path = _workbook(root / "exports" / "dataset_linkedin-profile-posts.xlsx", _apify_rows("z" * 5000))
    settings(root, max_field_kb=4)
    assert validate_error(root).startswith(f"Error: {path}:2: a field longer than 4,096 characters")


# --- XLSX: the dimensions and the inflated size, from the archive, before any cell is parsed ---------------


def test_an_xlsx_declaring_a_far_cell_is_refused_never_allocated(root: Path) -> None:
    """1.6 KB with a cell at XFD1048576: calamine would allocate 512 GB (the process aborted, exit 134)."""
    path = _workbook(root / "exports" / "ana" / "Content_2021-10-01_2021-10-31_Ana.xlsx", _apify_rows(), far=True)
    expected = f"Error: {path}: xl/worksheets/sheet1.xml declares 16,384 columns: more than [inputs] max_columns"
    assert one_error(*run_args(root, out_of(root))).startswith(expected)
    assert validate_error(root).startswith(expected)
    code, output = invoke("explain", "--workspace", root, "--period", "2021-10", "ana")
    assert code == 1 and expected in output, output


def _rewritten(path: Path, part: str, pattern: bytes, replacement: bytes) -> None:
    """The workbook with `pattern` replaced in one of its parts."""
    parts = {}
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            parts[name] = book.read(name)
    parts[part], count = re.subn(pattern, replacement, parts[part])
    assert count == 1
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)


def _without_dimension(path: Path) -> None:
    """The workbook rewritten without its sheet's `<dimension>`: only its cells tell how far it spans."""
    _rewritten(path, "xl/worksheets/sheet1.xml", rb"<dimension [^>]*/>", b"")


def test_an_xlsx_declaring_billions_of_shared_strings_is_refused(root: Path) -> None:
    """calamine reserves room for the count the workbook declares (4e9 strings: 96 GB, the process aborted)."""
    path = _workbook(root / "exports" / "dataset_linkedin-profile-posts.xlsx", _apify_rows())
    _rewritten(path, "xl/sharedStrings.xml", rb'uniqueCount="\d+"', b'uniqueCount="4000000000"')
    line = validate_error(root)
    assert line.startswith(f"Error: {path}: xl/sharedStrings.xml declares 4,000,000,000 shared strings and holds"), line


def test_an_xlsx_whose_cells_span_too_far_is_refused_whatever_it_declares(root: Path) -> None:
    path = root / "exports" / "dataset_linkedin-profile-posts.xlsx"
    _workbook(path, [*_apify_rows(), *[[""]] * 39997, ["", "", "", "", "", "far"]])  # a cell at F40000
    _without_dimension(path)
    settings(root, max_sheet_cells=100_000)
    line = validate_error(root)
    assert line.startswith(f"Error: {path}: xl/worksheets/sheet1.xml spans 40,000 rows x 6 columns: more than"), line
    settings(root, max_sheet_cells=300_000)  # within the limit, the same workbook is read
    code, output = invoke("validate", "-w", root)
    assert code == 0 and "dataset_linkedin-profile-posts.xlsx" in output, output


def test_an_xlsx_zip_bomb_is_refused_from_its_zip_directory(root: Path) -> None:
    path = _workbook(root / "exports" / "dataset_linkedin-profile-posts.xlsx", _apify_rows())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/padding.xml", b" " * (3 * MIB))  # 3 MB inflated, a few KB on disk
    assert path.stat().st_size < 64 * 1024
    settings(root, max_inflated_mb=2)
    line = validate_error(root)
    assert line.startswith(f"Error: {path}: inflates to 3.0 MB: more than [inputs] max_inflated_mb = 2 MB"), line


def test_an_xlsx_whose_directory_lies_about_a_size_is_refused(root: Path) -> None:
    """A part declared small that inflates to more: zipfile stops at the declared size and the CRC fails."""
    path = _workbook(root / "exports" / "dataset_linkedin-profile-posts.xlsx", _apify_rows())
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as book:
        info = book.getinfo("xl/worksheets/sheet1.xml")
    declared = info.file_size.to_bytes(4, "little")
    smaller = (info.file_size // 2).to_bytes(4, "little")
    # the size in the local header (offset 22) and in the central directory's entry (offset 24)
    local = info.header_offset + 22
    assert data[local : local + 4] == declared
    data[local : local + 4] = smaller
    central = data.find(b"xl/worksheets/sheet1.xml", data.find(b"PK\x01\x02")) - 46
    assert data[central + 24 : central + 28] == declared
    data[central + 24 : central + 28] = smaller
    path.write_bytes(bytes(data))
    line = validate_error(root)
    assert line.startswith(f"Error: {path}: not a readable XLSX workbook (BadZipFile)"), line


# --- columns and rows ---------------------------------------------------------------------------------------


def test_a_csv_past_max_columns_is_one_error(root: Path) -> None:
    wide = root / "exports" / "posts.csv"
    names = [*POST_FIELDS, *(f"c{i}" for i in range(20_000))]
    wide.write_text(",".join(names) + "\n")
    line = one_error(*run_args(root, out_of(root)))
    assert line == f"Error: {wide}:1: {len(names):,} columns: more than [inputs] max_columns = 10,000", line


def test_a_parquet_file_past_max_columns_is_one_error(root: Path) -> None:
    parquet = parquet_posts(root / "exports" / "more.parquet", "3")
    columns = len(pl.read_parquet_schema(parquet))
    settings(root, max_columns=columns - 1)
    line = one_error(*run_args(root, out_of(root)))
    assert line == f"Error: {parquet}:1: {columns:,} columns: more than [inputs] max_columns = {columns - 1:,}", line


def test_a_wide_header_with_a_column_twice_is_named(root: Path) -> None:
    """20,000 columns, one of them twice: found in one pass (counting each name in the header took 15 s)."""
    wide = root / "exports" / "posts.csv"
    names = [*POST_FIELDS, *(f"c{i}" for i in range(20_000)), "c17"]
    wide.write_text(",".join(names) + "\n")
    settings(root, max_columns=30_000)
    assert one_error(*run_args(root, out_of(root))) == f"Error: {wide}:1: duplicated column 'c17'"


def test_a_wide_csv_within_the_limit_is_read(root: Path) -> None:
    wide = root / "exports" / "wide.csv"
    extra = [f"c{i}" for i in range(20_000)]
    write_csv(wide, [*POST_FIELDS, *extra], [post("5", "ana", "2021-10-08T10:00:00Z", reactions=4)])
    settings(root, max_columns=30_000)
    code, output = invoke("validate", "-w", root)
    assert code == 0, output
    assert "exports/wide.csv: Contract-format posts, CSV, 1 post" in output, output


@pytest.mark.parametrize("listing", ["roster.csv", "companies.csv"])
def test_a_listing_past_max_roster_rows_is_one_error(root: Path, listing: str) -> None:
    """Four rows where three are allowed: refused at the fourth (line 5), whichever listing it is."""
    if listing == "roster.csv":
        people = [person("ana", "acme", ceo=True), person("bob", "beta"), person("cid", "acme"), person("dee", "beta")]
        write_csv(root / "roster.csv", ROSTER_FIELDS, people)
    else:
        companies = [{"company": c, "name": c} for c in ("acme", "beta", "c", "d")]
        write_csv(root / "companies.csv", ["company", "name"], companies)
    settings(root, max_roster_rows=3)
    line = one_error(*run_args(root, out_of(root)))
    assert line == f"Error: {root}/{listing}:5: more than 3 rows ([inputs] max_roster_rows)", line


@pytest.mark.parametrize("name", ["max_file_mb", "max_field_kb", "max_columns", "max_sheet_cells", "max_inflated_mb",
                                  "max_roster_rows"])  # fmt: skip
def test_a_limit_below_one_is_rejected_by_validate(root: Path, name: str) -> None:
    settings(root, **{name: 0})
    line = one_error("validate", "-w", root)
    assert line == f"Error: {root}/ranking.toml: inputs.{name} must be at least 1, not 0", line


# --- what is hashed is what was read -----------------------------------------------------------------------


def _manifest_sha(out: Path, name: str) -> str:
    found = json.loads((out / "2021-10" / "manifest.json").read_text())
    return next(i["sha256"] for i in found["inputs"] if i["path"].endswith(name))


def test_a_file_appended_during_the_run_is_hashed_as_it_was_read(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The appended file's sha256 is of the bytes scored; every other input's is of the file as it is."""
    parquet_posts(root / "exports" / "more.parquet", "3")
    settings(root, max_file_mb=64)
    posts = root / "exports" / "posts.csv"
    read = posts.read_bytes()
    real = canonical.to_canonical

    def then_appended(*args, **kwargs):  # type: ignore[no-untyped-def]
        with posts.open("a") as handle:  # another program appends once the file was read
            handle.write("ana,linkedin,99,2021-10-09T10:00:00Z,post,50,0,0\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(canonical, "to_canonical", then_appended)
    code, output = invoke(*run_args(root, out_of(root)))
    assert code == 0, output
    assert posts.read_bytes() != read
    assert _manifest_sha(out_of(root), "posts.csv") == hashlib.sha256(read).hexdigest()
    manifest = json.loads((out_of(root) / "2021-10" / "manifest.json").read_text())
    assert manifest["counts"]["posts"] == 3  # the posts scored are those of the bytes hashed (2 + 1 in Parquet)
    for name in ("ranking.toml", "roster.csv", "companies.csv", "exports/more.parquet"):
        assert _manifest_sha(out_of(root), name) == hashlib.sha256((root / name).read_bytes()).hexdigest(), name


def test_a_file_changed_between_its_detection_and_its_reading_is_an_error(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    posts = root / "exports" / "posts.csv"
    real = formats.detect

    def then_rewritten(path, shown, sources=()):  # type: ignore[no-untyped-def]
        found = real(path, shown, sources)
        if path.name == "posts.csv":
            path.write_text(path.read_text().replace("executive_id", "who"))
        return found

    monkeypatch.setattr(workspace_module, "detect", then_rewritten)
    line = one_error(*run_args(root, out_of(root)))
    assert (
        line == f"Error: {posts}: changed while it was being read (still being written?): run again once it is complete"
    )


def test_a_parquet_file_changed_after_it_was_hashed_stops_the_run(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / "exports" / "posts.csv").unlink()
    parquet = root / "exports" / "posts.parquet"
    parquet_posts(parquet, "1", "2")
    real = workspace_module.merge_lazy

    def then_touched(*args, **kwargs):  # type: ignore[no-untyped-def]
        merged = real(*args, **kwargs)
        stat = parquet.stat()  # read lazily later: rewritten (here, only its time) after it was hashed
        os.utime(parquet, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
        return merged

    monkeypatch.setattr(workspace_module, "merge_lazy", then_touched)
    line = one_error(*run_args(root, out_of(root)))
    assert (
        line
        == f"Error: {parquet}: changed while it was being read (still being written?): run again once it is complete"
    )
    assert not (out_of(root) / "2021-10").exists()
