import argparse
import subprocess
import sys
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Run the test suite with pytest (what `make test` runs after set-up); arguments after "
        "the command go to pytest, e.g. `dateline test -- -k dateline -x`."
    )
    # Replaces Django's own `test`, which finds no tests here: the suite is written for pytest.

    def add_arguments(self, parser):
        parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed to pytest")

    def handle(self, *args, pytest_args, **options):
        tests = settings.PROJECT_DIR / "tests"
        if not tests.is_dir() or find_spec("pytest") is None:
            raise CommandError(
                "the test suite runs from a source checkout with the dev dependencies: "
                "run `make test` there"
            )
        pytest = pytest_command(pytest_args)
        sys.exit(subprocess.run(pytest, cwd=settings.PROJECT_DIR, check=False).returncode)


def pytest_command(pytest_args: list[str]) -> list[str]:
    """The pytest command line for the arguments given after `dateline test`, less a leading
    `--` (what separates them from the command's own)."""
    if pytest_args[:1] == ["--"]:
        pytest_args = pytest_args[1:]
    return [sys.executable, "-m", "pytest", *pytest_args]
