"""Constants shared by the wire-copy parser tests (a plain module, not a conftest,
so that it cannot be confused with the project's top-level ``conftest``)."""

import datetime
from pathlib import Path

from tests.paths import REUTERS, SEED  # noqa: F401  (re-exported for the parser tests)

DATA = Path(__file__).resolve().parent / "data"
NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)
