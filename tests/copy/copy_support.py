"""Constants shared by the wire-copy parser tests (a plain module, not a conftest,
so that it cannot be confused with the project's top-level ``conftest``)."""

import datetime
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DATA = Path(__file__).resolve().parent / "data"
NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)
