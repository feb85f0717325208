"""Hostile inputs (issue 23): `ranking validate` on files made to exhaust memory or time, with its peak RSS.

    python bench/inputs.py                     # every case; the section goes into bench/results/latest.md
    python bench/inputs.py --only sparse-csv   # one case, printed only

Each case is generated at bench time in a scratch folder (nothing big is committed): a small valid workspace
plus one hostile export. The command is the installed `ranking validate -w …` in a child process; *wall* is its
clock, *peak RSS* its ru_maxrss (from wait4), *answer* the first line it printed about the file. With the default
settings most cases are refused before they are read (`[inputs] max_file_mb`, `max_columns`): the rows marked
"limit raised" set the size or column limit above the file so that the reading itself is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MARKER = "bench:inputs"
MIB = 1 << 20
ROSTER = "executive_id,name,company,role,is_ceo\nana,Ana,acme,CEO,true\n"
COMPANIES = "company,name\nacme,Acme\n"
HEADER = "executive_id,platform,post_id,posted_at,reactions,text\n"
ROW = "ana,linkedin,1,2021-10-05T10:00:00Z,3,hello\n"


def _workspace(root: Path, toml: str = "") -> Path:
    (root / "exports").mkdir(parents=True, exist_ok=True)
    (root / "roster.csv").write_text(ROSTER)
    (root / "companies.csv").write_text(COMPANIES)
    (root / "ranking.toml").write_text(toml)
    return root


def sparse_csv(root: Path, size: int) -> Path:
    """A valid header and row, then a hole of NUL bytes up to `size` (a crashed download)."""
    path = root / "exports" / "posts.csv"
    with path.open("wb") as handle:
        handle.write((HEADER + ROW).encode())
        handle.truncate(size)
    return path


def large_csv(root: Path, size: int) -> Path:
    """A valid canonical CSV of about `size` bytes: posts of ~600-byte texts (what is kept is most of the file)."""
    path = root / "exports" / "posts.csv"
    text = "Une phrase de post, avec des mots et une virgule; " * 12
    with path.open("w") as handle:
        handle.write(HEADER)
        number = 0
        while handle.tell() < size:
            lines = [f'ana,linkedin,{number + i},2021-10-05T10:00:00Z,{i % 97},"{text}{i}"\n' for i in range(10_000)]
            handle.write("".join(lines))
            number += 10_000
    return path


def long_json_string(root: Path, size: int) -> Path:
    """One canonical JSON post whose text is `size` bytes."""
    path = root / "exports" / "posts.json"
    head = json.dumps({"executive_id": "ana", "platform": "linkedin", "post_id": "1",
                       "posted_at": "2021-10-05T10:00:00Z", "reactions": 3})[:-1]  # fmt: skip
    with path.open("wb") as handle:
        handle.write(f'[{head}, "text": "'.encode())
        block = b"a" * MIB
        for _ in range(size // MIB):
            handle.write(block)
        handle.write(b'"}]\n')
    return path


def wide_csv(root: Path, columns: int) -> Path:
    """A canonical CSV with `columns` columns (the canonical ones, then `c6`, `c7`, …) and one row."""
    path = root / "exports" / "posts.csv"
    names = HEADER.strip().split(",") + [f"c{i}" for i in range(6, columns)]
    path.write_text(",".join(names) + "\n" + ROW.strip() + "," * (columns - 6) + "\n")
    return path


def far_cell_xlsx(root: Path) -> Path:
    """A header, one post, and one cell at XFD1048576 (5 KB as xlsxwriter writes it)."""
    import xlsxwriter

    path = root / "exports" / "ana" / "Content_2021-10-01_2021-10-31_Ana.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for row, values in enumerate([HEADER.strip().split(","), ROW.strip().split(",")]):
        sheet.write_row(row, 0, values)
    sheet.write(1048575, 16383, "x")
    book.close()
    return path


def zip_bomb_xlsx(root: Path, inflated: int) -> Path:
    """A workbook whose one sheet inflates to `inflated` bytes (blank space between two rows)."""
    path = root / "exports" / "dataset_posts.xlsx"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
        'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for name, text in parts.items():
            book.writestr(name, text)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                        b'2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>post_id</t></is></c></row>')  # fmt: skip
            blank = b" " * MIB
            for _ in range(inflated // MIB):
                sheet.write(blank)
            sheet.write(b"</sheetData></worksheet>")
    return path


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    make: Callable[[Path], Path]
    toml: str = ""


CASES = [
    Case("sparse-csv", "1 GiB sparse CSV (header, row, NUL hole), default limits", lambda r: sparse_csv(r, 1 << 30)),
    Case(
        "sparse-csv-raised",
        "1 GiB sparse CSV, limit raised (max_file_mb = 2048)",
        lambda r: sparse_csv(r, 1 << 30),
        "[inputs]\nmax_file_mb = 2048\n",
    ),
    Case("large-csv", "256 MiB valid CSV (~400,000 posts of 600-byte texts)", lambda r: large_csv(r, 256 * MIB)),
    Case(
        "sparse-csv-256",
        "256 MiB sparse CSV (header, row, NUL hole), default limits",
        lambda r: sparse_csv(r, 256 * MIB),
    ),
    Case("json-string", "200 MiB JSON string (one post's text)", lambda r: long_json_string(r, 200 * MIB)),
    Case("wide-csv", "100,000-column CSV, default limits", lambda r: wide_csv(r, 100_000)),
    Case(
        "wide-csv-raised",
        "100,000-column CSV, limit raised (max_columns = 200000)",
        lambda r: wide_csv(r, 100_000),
        "[inputs]\nmax_columns = 200000\n",
    ),
    Case("far-cell-xlsx", "5 KB XLSX with a cell at XFD1048576", far_cell_xlsx),
    Case("zip-bomb-xlsx", "XLSX zip bomb inflating to 512 MiB", lambda r: zip_bomb_xlsx(r, 512 * MIB)),
]


def measure(case: Case, scratch: Path) -> dict[str, object]:
    """Generate the case, run `ranking validate` on it, and measure it."""
    root = scratch / case.name
    subprocess.run(["rm", "-rf", str(root)], check=True)
    _workspace(root, case.toml)
    path = case.make(root)
    command = [sys.executable, "-m", "ranking", "validate", "-w", str(root)]
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    output, _ = child.communicate()
    wall = time.perf_counter() - started
    text = output.decode(errors="replace")
    lines = [line for line in text.splitlines() if path.name in line]
    # the error naming the file, else what validate says it read
    answer = next((line for line in lines if line.startswith("Error:")), lines[0] if lines else text[-160:])
    answer = answer.replace(str(root) + "/", "")
    return {"size": path.stat().st_size, "wall": wall, "status": child.returncode, "answer": answer.strip()[:160]}


def _run_measured(case: Case, scratch: Path) -> dict[str, object]:
    """`measure` in a child process of its own, so that ru_maxrss of its children is the validate's alone."""
    code = (
        "import json, resource, sys; sys.path.insert(0, sys.argv[1]); from bench import inputs; "
        "r = inputs.measure(next(c for c in inputs.CASES if c.name == sys.argv[2]), inputs.Path(sys.argv[3])); "
        "r['peak'] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024; print(json.dumps(r))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(REPO), case.name, str(scratch)], capture_output=True,
                          text=True, check=True)  # fmt: skip
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def section(rows: list[tuple[Case, dict[str, object]]], started: datetime) -> str:
    lines = [
        f"<!-- {MARKER} -->",
        "## Hostile inputs: `ranking validate` on one file made to exhaust memory or time (issue 23)",
        "",
        f"Run {started:%Y-%m-%d %H:%M} UTC with `python bench/inputs.py` (files generated in the scratch folder)."
        " Targets: peak RSS under 1 GiB at 1 GiB of input and under twice the data kept; 100,000 columns under 5 s.",
        "",
        "| case | file (MiB) | wall s | peak RSS (MiB) | exit | answer |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for case, r in rows:
        answer = str(r["answer"]).replace("|", "\\|")
        size, peak = int(r["size"]) / MIB, int(r["peak"]) / MIB  # type: ignore[call-overload]
        lines.append(f"| {case.what} | {size:,.1f} | {r['wall']:.2f} | {peak:,.0f} | {r['status']} | {answer} |")
    lines.append(f"<!-- /{MARKER} -->")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="a case's name (several allowed); printed, not written")
    parser.add_argument("--data", type=Path, default=REPO / "bench" / "data", help="where the cases are generated")
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results" / "latest.md")
    args = parser.parse_args()
    started = datetime.now(UTC)
    scratch = args.data / "scratch" / "inputs"
    scratch.mkdir(parents=True, exist_ok=True)
    rows = []
    for case in CASES:
        if args.only and case.name not in args.only:
            continue
        result = _run_measured(case, scratch)
        rows.append((case, result))
        print(f"{case.name}: {result}", flush=True)
        subprocess.run(["rm", "-rf", str(scratch / case.name)], check=True)
    if not args.only:
        sys.path.insert(0, str(REPO))  # run as a script: the repository's `bench` package
        from bench.endtoend import write

        write(args.results, section(rows, started), MARKER)
        print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
