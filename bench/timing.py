"""Whole-process timing helpers: interleaved A/B runs, medians, and the report file."""
from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "docs" / "benchmarks.md"
MLWIRE = [sys.executable, "-m", "designer.cli"]


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> float:
    """Seconds one command takes, start to exit; a failure stops the benchmark loudly."""
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env={**os.environ, **(env or {})},
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"benchmark command failed ({done.returncode}): {' '.join(cmd)}\n"
                         f"{done.stderr[-3000:]}")
    return seconds


def interleaved(variants: dict[str, callable], repeats: int) -> dict[str, list[float]]:
    """Run A B A B ... so that machine noise hits every variant alike."""
    times = {name: [] for name in variants}
    for i in range(repeats):
        for name, run in variants.items():
            times[name].append(run())
            print(f"  {name} #{i + 1}: {times[name][-1]:.2f} s", file=sys.stderr, flush=True)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def write_section(name: str, text: str) -> None:
    """Replace (or append) the section between this benchmark's markers in docs/benchmarks.md."""
    REPORT.parent.mkdir(exist_ok=True)
    current = REPORT.read_text() if REPORT.exists() else "# Benchmarks\n"
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{begin}\n{text.strip()}\n{end}"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    updated = pattern.sub(lambda _: block, current) if begin in current else \
        current.rstrip() + "\n\n" + block + "\n"
    REPORT.write_text(updated)


def machine() -> str:
    import platform
    return f"{platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}"
