"""A throw-away Dateline for one benchmark process: embedded profile, fresh SQLite, migrated.

The settings read the environment once, at `django.setup()`, so everything is set before it:
a temporary DATELINE_VAR_DIR (database, secret key, static files) and no DATABASE_URL or
REDIS_URL, so every run measures the same embedded deployment whatever the shell exports.
"""

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bench.measure import say

IGNORED_VARIABLES = ("DATABASE_URL", "REDIS_URL", "DATELINE_PROFILE", "DATELINE_DEBUG")


@contextlib.contextmanager
def fresh_site(*, static_files: bool = False) -> Iterator[Path]:
    """Set Django up on an empty temporary var dir and yield that dir; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="dateline-bench-") as var_dir:
        _environment(Path(var_dir))
        import django
        from django.core.management import call_command
        from django.db import connections

        django.setup()
        call_command("migrate", interactive=False, verbosity=0)
        if static_files:  # the page templates need the hashed names of the manifest
            call_command("collectstatic", interactive=False, verbosity=0)
        try:
            yield Path(var_dir)
        finally:
            connections.close_all()


def _environment(var_dir: Path) -> None:
    for name in IGNORED_VARIABLES:
        if os.environ.pop(name, None) is not None:
            say(f"bench: ignoring {name} (benchmarks use the embedded SQLite set-up)")
    os.environ["DATELINE_VAR_DIR"] = str(var_dir)
    os.environ["DATELINE_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "dateline.config.settings"
