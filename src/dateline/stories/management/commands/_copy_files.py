"""What `dateline parse` and `dateline import` share: finding files and reading options."""

import argparse
import datetime
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import CommandParser

from dateline.copy.characters import printable_name
from dateline.copy.errors import CopyError, NotWireCopy
from dateline.copy.files import not_wire_copy_by_name
from dateline.copy.model import EARLIEST

FORMATS = ["auto", "text", "reuters-sgml", "ninjs", "newsml"]


def add_copy_arguments(parser: CommandParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="FILE|DIR", help="files or directories")
    parser.add_argument("--format", choices=FORMATS, default="auto", help="default: auto")
    parser.add_argument(
        "--date",
        type=iso_date,
        help="the date of copy that carries none (YYYY-MM-DD; default: today): datelines "
        "without a year take the latest such date not after it, and `import --publish` "
        "publishes such copy on it",
    )


def display_path(path: Path) -> str:
    """The path as it may be printed: bytes that are not UTF-8 as ``\\xNN``, control and bidi
    characters escaped (a strict UTF-8 stdout would refuse the raw surrogate escapes)."""
    return printable_name(str(path))


def error_at(path: Path, error: CopyError) -> str:
    """The parser's message, which names the file by its name alone, naming it by its path as
    every other line of the run does (a directory's files are in subdirectories)."""
    message, named = str(error), f"{printable_name(path.name)}: "
    return (
        display_path(path) + ": " + message.removeprefix(named)
        if message.startswith(named)
        else message
    )


def iso_date(text: str) -> datetime.date:
    try:
        date = datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a date as YYYY-MM-DD") from None
    if date < EARLIEST.date():
        raise argparse.ArgumentTypeError(f"{text!r}: no news copy is dated before {EARLIEST.year}")
    return date


def expand_paths(paths: list[str], format: str = "auto") -> Iterator[tuple[Path, str | None]]:
    """Each file under the given paths, in name order, with a problem message or None.

    A missing path or an unreadable file or directory yields its problem instead of stopping
    the whole run. In a directory, hidden files are left out silently, and a file that is not
    wire copy by its name (a suffix other than .txt, .sgm, .sgml, or with `format` ninjs or
    newsml other than .json or .xml; a README) yields the reason
    it is passed over, starting "passed over, not wire copy:"; a file named on the command
    line is taken whatever its name. A link in a directory to a file outside it is passed over.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            try:
                children = sorted(p for p in path.rglob("*") if not _hidden(p, path))
            except OSError as error:
                yield path, f"cannot list the directory ({error.strerror})"
                continue
            inside = path.resolve()
            for child in children:
                if child.is_dir():
                    continue
                if child.is_symlink() and not child.resolve().is_relative_to(inside):
                    # A directory handed over is read, not what its links point at elsewhere.
                    yield child, f"{NotWireCopy.PREFIX}: a link to a file outside {path}"
                elif (reason := not_wire_copy_by_name(child, format)) is not None:
                    yield child, f"{NotWireCopy.PREFIX}: {reason}"
                else:
                    yield child, _problem_with(child)
        elif path.exists() or path.is_symlink():
            yield path, _problem_with(path)
        else:
            yield path, "no such file or directory"


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _problem_with(path: Path) -> str | None:
    """Why the file cannot be read, or None. Checked up front so a run reports every bad file."""
    if path.exists() and not path.is_file():
        return "not a regular file"  # a FIFO or device would block or never end
    try:
        with path.open("rb"):
            return None
    except OSError as error:
        return f"cannot be read ({error.strerror})"
