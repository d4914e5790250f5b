"""What the benchmarks share: where the data lives, sample summaries and result rows."""

import math
import os
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

SHARED_DIR = Path(
    os.environ.get("DATELINE_SHARED_DIR") or Path(__file__).resolve().parents[1].parent / "shared"
)
REUTERS_DIR = SHARED_DIR / "data" / "reuters21578"
SEED_STORY = SHARED_DIR / "seed" / "irna-en-84299330.txt"

AT_LEAST = "≥"
AT_MOST = "≤"


def reuters_files(limit: int | None = None) -> list[Path]:
    """The Reuters-21578 SGML files in name order (the first `limit` only, when given)."""
    files = sorted(REUTERS_DIR.glob("reut2-*.sgm"))
    return files[:limit] if limit else files


def say(message: str) -> None:
    """Progress for the person waiting; stderr, so the table on stdout stays clean."""
    print(message, file=sys.stderr, flush=True)


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest sample with `fraction` of them at or below it."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def summary(samples: Sequence[float], unit: str) -> dict:
    """Median, p95, min, max and n of raw samples, for the JSON file."""
    return {
        "unit": unit,
        "n": len(samples),
        "median": statistics.median(samples),
        "p95": percentile(samples, 0.95),
        "min": min(samples),
        "max": max(samples),
    }


def row(
    name: str,
    value: float,
    unit: str,
    *,
    target: tuple[str, float] | None = None,
    samples: dict | None = None,
    **notes,
) -> dict:
    """One measurement; `target` is (AT_LEAST or AT_MOST, goal) and decides `met`."""
    met = None
    if target is not None:
        sign, goal = target
        met = value >= goal if sign == AT_LEAST else value <= goal
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "target": f"{target[0]} {target[1]:,}" if target else None,
        "met": met,
        "samples": samples,
        **({"notes": notes} if notes else {}),
    }


def skipped(name: str, reason: str) -> dict:
    """A benchmark that could not run here; the reason is printed, nothing fails."""
    say(f"{name}: skipped: {reason}")
    return {"name": name, "skipped": reason}
