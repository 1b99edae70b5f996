"""Benchmarks: each stage against its floor, as medians of several runs, with peak memory.

    python benchmarks/run.py            # full run (a few minutes)
    python benchmarks/run.py --quick    # tiny sizes, one run each: checks the script works

Every measurement runs in a fresh child process (`--child NAME ...`), which reports its time
and its own peak RSS, so one measurement's memory never counts for another.
"""

from __future__ import annotations

import argparse
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
    """Run one measurement in this process; return seconds and peak RSS in MB."""
    if name == "extract":
        from extractor.pipeline import extract

        path = Path(args[0])
        seconds = _timed(lambda: extract(path))
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
    else:
        raise SystemExit(f"unknown child {name}")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "rss_mb": rss_mb}


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


def _wall(repeat: int, command: list[str]) -> tuple[float, float]:
    """Median wall time of a whole command, and its peak RSS in MB."""
    times, peak = [], 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
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

    def add(self, *cells: str) -> None:
        self.rows.append(cells)
        print(" | ".join(cells), file=sys.stderr, flush=True)

    def markdown(self) -> str:
        header = ("measure", "median", "floor", "ratio", "throughput", "peak RSS")
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run each")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(_child(options.child[0], options.child[1:])))
        return
    repeat = 1 if options.quick else options.repeat
    scales = (1, 2, 4) if options.quick else (1, 10, 100)
    table = Table()
    ms = lambda s: f"{s * 1000:.0f} ms"  # noqa: E731
    mb = lambda m: f"{m:.0f} MB"  # noqa: E731

    python_pass, _ = _wall(repeat, [sys.executable, "-c", "pass"])
    table.add("python -c pass", ms(python_pass), "", "", "", "")
    for label, command in (
        ("extract --help", [str(EXTRACT), "--help"]),
        ("extract raw/h24.txt (whole command)", [str(EXTRACT), "raw/h24.txt", "-q", "-o", "-"]),
    ):
        seconds, rss = _wall(repeat, command)
        table.add(label, ms(seconds), ms(python_pass), f"{seconds / python_pass:.1f}×", "", mb(rss))

    with tempfile.TemporaryDirectory() as folder:
        for scale in scales:
            path = big_packet(Path(folder), scale)
            size_mb = path.stat().st_size / 1e6
            seconds, rss = _median_child(repeat, "extract", str(path))
            floor, _ = _median_child(repeat, "tsv_floor", str(path))
            table.add(
                f"text path, h24 body ×{scale} ({size_mb:.1f} MB)",
                ms(seconds),
                ms(floor),
                f"{seconds / floor:.0f}×",
                f"{size_mb / seconds:.2f} MB/s ({seconds / size_mb * 1000:.0f} ms/MB)",
                mb(rss),
            )

    seconds, rss = _median_child(repeat, "extract", str(H24_PDF))
    floor, floor_rss = _median_child(repeat, "pdf_floor", str(H24_PDF))
    table.add(
        "PDF path, raw/h24.pdf (6 pages)",
        ms(seconds),
        f"{ms(floor)} (pdfplumber extract_tables)",
        f"{seconds / floor:.2f}×",
        f"{6 / seconds:.1f} pages/s",
        f"{mb(rss)} (floor {mb(floor_rss)})",
    )

    with tempfile.TemporaryDirectory() as folder:
        count = 2 if options.quick else 4
        copies = []
        for i in range(count):
            copy = Path(folder) / f"p{i}.pdf"
            shutil.copy(H24_PDF, copy)
            copies.append(str(copy))
        out = str(Path(folder) / "out")
        serial, _ = _wall(repeat, [str(EXTRACT), *copies, "-q", "-j", "1", "-o", out])
        parallel, _ = _wall(repeat, [str(EXTRACT), *copies, "-q", "-o", out])
        table.add(
            f"{count} PDFs, one process vs -j {os.cpu_count()}",
            ms(parallel),
            ms(serial),
            f"{parallel / serial:.2f}×",
            "",
            "",
        )

    if (ROOT / "benchmarks" / "linking.py").exists():
        sizes = ((3, 50), (10, 100)) if options.quick else ((10, 100), (10, 1000), (20, 1000))
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

    print(f"Machine: {machine()}\n")
    print(table.markdown())


if __name__ == "__main__":
    main()
