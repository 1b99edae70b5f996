"""Benchmarks: each stage against its floor, as medians of several runs, with peak memory.

    python benchmarks/run.py            # full run (several minutes)
    python benchmarks/run.py --quick    # tiny sizes, one run each: checks the script works

Every measurement runs in a fresh child process (`--child NAME ...`), which reports its time
and its own peak RSS, so one measurement's memory never counts for another. The package's
bytecode is compiled first, as an installed package's is (some environments set
PYTHONDONTWRITEBYTECODE, which would otherwise recompile every module on every run).
"""

from __future__ import annotations

import argparse
import compileall
import csv
import io
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
H24_TXT = ROOT / "raw" / "h24.txt"
H24_PDF = ROOT / "raw" / "h24.pdf"
EXTRACT = Path(sys.executable).parent / "extract"
COVER_LINES = 12  # h24's cover ends here; the body (page titles, goals, tables) follows


# --- children ----------------------------------------------------------------------------


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _child(name: str, args: list[str]) -> dict[str, float]:
    """Run one measurement in this process; return seconds and peak RSS in MB (and counts)."""
    extra: dict[str, float] = {}
    if name == "extract":
        from extractor.pipeline import extract
        from extractor.settings import ExtractSettings

        path = Path(args[0])
        settings = ExtractSettings(jobs=int(args[1]) if len(args) > 1 else None)
        extra["start_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        seconds = _timed(lambda: extract(path, settings))
    elif name == "tsv_floor":
        path = Path(args[0])

        def read_and_split() -> None:
            text = path.read_bytes().decode("utf-8")
            for _ in csv.reader(io.StringIO(text, newline=""), delimiter="\t"):
                pass

        seconds = _timed(read_and_split)
    elif name == "pdf_floor":
        import pdfplumber

        path = Path(args[0])

        def extract_tables() -> None:
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    page.extract_tables()

        seconds = _timed(extract_tables)
    elif name == "link":
        from benchmarks.linking import link_years

        seconds = link_years(int(args[0]), int(args[1]))
    elif name == "look_alikes":
        from benchmarks.linking import link_look_alikes

        seconds, right, total = link_look_alikes(Path(args[0]), Path(args[1]))
        extra = {"right": right, "total": total}
    elif name == "scan":
        from benchmarks.scans import read_scan_level

        seconds, extra = read_scan_level(args[0], int(args[1]), args[2:])
    else:
        raise SystemExit(f"unknown child {name}")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "rss_mb": rss_mb, **extra}


# --- parent ------------------------------------------------------------------------------


def _run_child(name: str, *args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", name, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _median_child(repeat: int, name: str, *args: str) -> tuple[float, float]:
    runs = [_run_child(name, *args) for _ in range(repeat)]
    return statistics.median(r["seconds"] for r in runs), max(r["rss_mb"] for r in runs)


MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
    "seconds = time.perf_counter() - start\n"
    "print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
)


def _wall(repeat: int, command: list[str]) -> tuple[float, float]:
    """Median wall time of a whole command, and its peak RSS in MB (its own and that of
    every process it waited for), each run measured by a fresh process of its own."""
    times, peak = [], 0.0
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", MEASURE, *command],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        seconds, rss = (float(x) for x in done.stdout.split())
        times.append(seconds)
        peak = max(peak, rss)
    return statistics.median(times), peak


def big_packet(folder: Path, scale: int) -> Path:
    """Write h24 with its body repeated `scale` times; return the path."""
    lines = H24_TXT.read_text(encoding="utf-8").split("\n")
    text = "\n".join(lines[:COVER_LINES] + lines[COVER_LINES:] * scale)
    path = folder / f"h24x{scale}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{platform.system()} {platform.machine()}, {model or platform.processor()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []
        self.header = ("measure", "median", "floor", "ratio", "throughput", "peak RSS")

    def add(self, *cells: str) -> None:
        self.rows.append(cells)
        print(" | ".join(cells), file=sys.stderr, flush=True)

    def markdown(self) -> str:
        header = self.header
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def mb(megabytes: float) -> str:
    return f"{megabytes:.0f} MB"


def startup(table: Table, repeat: int) -> None:
    python_pass, _ = _wall(repeat, [sys.executable, "-c", "pass"])
    table.add("python -c pass", ms(python_pass), "", "", "", "")
    floor, _ = _wall(repeat, [sys.executable, "-c", "import pydantic, click"])
    table.add('python -c "import pydantic, click"', ms(floor), "", "", "", "")
    seconds, rss = _wall(repeat, [str(EXTRACT), "--help"])
    table.add(
        "extract --help", ms(seconds), ms(python_pass), f"{seconds / python_pass:.1f}×", "", mb(rss)
    )
    seconds, rss = _wall(repeat, [str(EXTRACT), "raw/h24.txt", "-q", "-o", "-"])
    table.add(
        "extract raw/h24.txt (whole command)",
        ms(seconds),
        f"{ms(floor)} (import pydantic, click)",
        f"{seconds / floor:.1f}×",
        "",
        mb(rss),
    )


def text_path(table: Table, repeat: int, scales: tuple[int, ...]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for scale in scales:
            path = big_packet(Path(folder), scale)
            size_mb = path.stat().st_size / 1e6
            runs = [_run_child("extract", str(path)) for _ in range(repeat)]
            seconds = statistics.median(r["seconds"] for r in runs)
            rss = max(r["rss_mb"] for r in runs)
            start = min(r["start_mb"] for r in runs)
            floor, _ = _median_child(repeat, "tsv_floor", str(path))
            table.add(
                f"text path, h24 body ×{scale} ({size_mb:.1f} MB)",
                ms(seconds),
                ms(floor),
                f"{seconds / floor:.0f}×",
                f"{seconds / size_mb * 1000:.0f} ms/MB",
                f"{mb(rss)} ({(rss - start) / size_mb:.1f} MB per MB above the start)",
            )


def pdf_path(table: Table, repeat: int, quick: bool) -> None:
    cores = os.cpu_count() or 1
    seconds, rss = _median_child(repeat, "extract", str(H24_PDF), str(cores))
    floor, floor_rss = _median_child(repeat, "pdf_floor", str(H24_PDF))
    table.add(
        f"PDF path, raw/h24.pdf (6 pages, -j {cores})",
        ms(seconds),
        f"{ms(floor)} (pdfplumber extract_tables)",
        f"{seconds / floor:.2f}×",
        f"{6 / seconds:.1f} pages/s",
        f"{mb(rss)} (floor {mb(floor_rss)})",
    )
    with tempfile.TemporaryDirectory() as folder:
        count = 2 if quick else 4
        copies = []
        for i in range(count):
            copy = Path(folder) / f"p{i}.pdf"
            shutil.copy(H24_PDF, copy)
            copies.append(str(copy))
        out = str(Path(folder) / "out")
        serial, _ = _wall(repeat, [str(EXTRACT), *copies, "-q", "-j", "1", "-o", out, "--no-link"])
        parallel, _ = _wall(repeat, [str(EXTRACT), *copies, "-q", "-o", out, "--no-link"])
        table.add(
            f"{count} PDFs, -j {cores} vs one process",
            ms(parallel),
            ms(serial),
            f"{parallel / serial:.2f}×",
            "",
            "",
        )


def linking(table: Table, repeat: int, quick: bool) -> None:
    from benchmarks.linking import look_alike_packets, right_copies

    sizes = ((3, 50), (10, 100)) if quick else ((10, 100), (10, 1000), (20, 1000))
    for years, per_year in sizes:
        seconds, rss = _median_child(repeat, "link", str(years), str(per_year))
        table.add(
            f"link {years} years × {per_year} activities",
            ms(seconds),
            "",
            "",
            f"{years * per_year / seconds:,.0f} activities/s",
            mb(rss),
        )
    with tempfile.TemporaryDirectory() as folder:
        copies = 2 if quick else 37  # 37 copies of h24's 54 activities: 1,998 a year
        first, second = look_alike_packets(copies, Path(folder))
        out = Path(folder) / "out"
        unlinked, _ = _wall(
            repeat, [str(EXTRACT), str(first), str(second), "-q", "--no-link", "-o", str(out)]
        )
        (out / "crosswalk.json").unlink(missing_ok=True)
        linked, rss = _wall(repeat, [str(EXTRACT), str(first), str(second), "-q", "-o", str(out)])
        right, total = right_copies(out / "crosswalk.json")
        table.add(
            f"2 years × {total:,} look-alike activities, no name shared: extract with linking",
            ms(linked),
            f"{ms(unlinked)} (--no-link)",
            f"{linked / unlinked:.2f}×",
            f"{right:,} of {total:,} linked to their own copy",
            mb(rss),
        )
        big = 3 if quick else 93  # 93 copies: 5,022 activities a year
        first, second = look_alike_packets(big, Path(folder))
        result = _run_child("look_alikes", str(first), str(second))
        table.add(
            f"1 pair of years × {int(result['total']):,} look-alike activities: linking",
            ms(result["seconds"]),
            "",
            "",
            f"{int(result['right']):,} of {int(result['total']):,} right",
            f"{mb(result['rss_mb'])} (with both years extracted)",
        )


def scans(quick: bool) -> Table:
    """Scans of raw/h24.pdf at each degradation level (and at the cleanest and the worst
    with the synthetic h23 packet's dataset as the year before), and of the next year's
    packet printed in another font at the cleanest and the worst, read without and with
    h24's dataset as the year before: seconds per page (all cores) and the fields read
    right, against the dataset of the PDF's text layer."""
    from tests.scans import LEVELS

    table = Table()
    table.header = (
        "scan",
        "pages",
        "time",
        "per page",
        "fields right",
        "wrong ones warned",
    )
    pages = ["1", "2"] if quick else []
    last = len(LEVELS) - 1
    runs = [("h24", n) for n in range(len(LEVELS))]
    runs += [("h24+h23", 0), ("h24+h23", last)]
    runs += [("next", 0), ("next", last), ("next+h24", 0), ("next+h24", last)]
    names = {
        "h24": "raw/h24.pdf",
        "h24+h23": "raw/h24.pdf, with the synthetic h23 as the year before",
        "next": "next year's packet, another font",
        "next+h24": "the same, with h24 as the year before",
    }
    for packet, number in runs[:1] if quick else runs:
        result = _run_child("scan", packet, str(number), *pages)
        count = int(result["pages"])
        table.add(
            f"{names[packet]}: {LEVELS[number].name}",
            str(count),
            f"{result['seconds']:.1f} s",
            f"{result['seconds'] / count:.1f} s",
            f"{int(result['right'])}/{int(result['total'])} "
            f"({100 * result['right'] / result['total']:.1f}%)",
            f"{int(result['warned'])}/{int(result['wrong'])}",
        )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run each")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(_child(options.child[0], options.child[1:])))
        return
    sys.path.insert(0, str(ROOT))
    compileall.compile_dir(str(ROOT / "extractor"), quiet=1)
    repeat = 1 if options.quick else options.repeat
    table = Table()
    startup(table, repeat)
    text_path(table, repeat, (1, 2, 4) if options.quick else (1, 10, 100))
    pdf_path(table, repeat, options.quick)
    linking(table, repeat, options.quick)
    scan_table = scans(options.quick)
    print(f"Machine: {machine()}\n")
    print(table.markdown())
    print()
    print(scan_table.markdown())


if __name__ == "__main__":
    main()
