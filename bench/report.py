"""The results as a plain-text table on stdout and as JSON under bench/results/."""

import datetime
import json
import os
import platform
import sqlite3
import subprocess
import sys
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
COLUMNS = ("benchmark", "value", "unit", "target", "met?")


def machine() -> dict:
    """What the numbers depend on besides the code."""
    import django

    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average_before": load_average(),
        "git": _git_revision(),
    }


def load_average() -> tuple[float, float, float] | None:
    """Runnable processes over 1, 5 and 15 minutes: how much else the machine was doing."""
    return os.getloadavg() if hasattr(os, "getloadavg") else None


def _git_revision() -> str | None:
    try:
        completed = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=RESULTS_DIR.parent,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return completed.stdout.strip()


def table(rows: list[dict]) -> str:
    lines = [_cells(row) for row in rows]
    widths = [max(len(line[i]) for line in [COLUMNS, *lines]) for i in range(len(COLUMNS))]
    rendered = [
        "  ".join(
            cell.ljust(width) if i in (0, 2, 3) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()
        for cells in [COLUMNS, *lines]
    ]
    rendered.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(rendered)


def _cells(row: dict) -> tuple[str, ...]:
    if "skipped" in row:
        return (row["name"], "skipped", "", "", row["skipped"])
    if "error" in row:
        return (row["name"], "ERROR", "", "", row["error"])
    met = {True: "met", False: "NOT MET", None: ""}[row["met"]]
    return (row["name"], _number(row["value"]), row["unit"], row["target"] or "", met)


def _number(value: float) -> str:
    if isinstance(value, int) or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def write_json(document: dict, started: datetime.datetime) -> Path:
    """bench/results/bench-<UTC timestamp>.json, copied to latest.json; returns the first."""
    RESULTS_DIR.mkdir(exist_ok=True)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    path = RESULTS_DIR / f"bench-{started:%Y%m%dT%H%M%SZ}.json"
    path.write_text(text, encoding="utf-8")
    (RESULTS_DIR / "latest.json").write_text(text, encoding="utf-8")
    return path
