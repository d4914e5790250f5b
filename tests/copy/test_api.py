"""The package's public interface, and its independence from Django."""

import subprocess
import sys
from pathlib import Path

import dateline.copy

PUBLIC = {
    "MAX_TEXT_BYTES", "Block", "CopyError", "Dateline", "NotWireCopy", "ParseResult", "Withdrawn",
    "ParsedStory",
    "detect_language", "direction_for", "format_dateline", "parse_file",
    "parse_reuters_sgml", "parse_text",
}  # fmt: skip


def test_exports() -> None:
    assert set(dateline.copy.__all__) == PUBLIC
    assert all(hasattr(dateline.copy, name) for name in PUBLIC)
    assert dateline.copy.MAX_TEXT_BYTES == 10 * 1024 * 1024


def test_imports_no_django() -> None:
    src = Path(dateline.copy.__file__).resolve().parents[2]
    code = (
        "import sys, dateline.copy; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); "
        "sys.exit(', '.join(bad) or None)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(src)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
