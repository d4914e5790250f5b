import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from dateline.config.database import not_set_up_message, unapplied_migrations


class Command(BaseCommand):
    help = (
        "Serve the site with gunicorn and run the background task worker beside it; "
        "Ctrl-C stops both."
    )
    # What it decides lives in the functions below, which tests/site/test_commands_in_process.py
    # calls in the test process (mutmut cannot see into the `dateline serve` that tests/ops runs).

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--workers", type=int, default=settings.WEB_WORKERS)
        parser.add_argument(
            "--no-worker", action="store_true", help="serve pages only (workers run elsewhere)"
        )

    def handle(self, *args, host, port, workers, no_worker, **options):
        ensure_port_is_free(host, port)
        if unapplied := unapplied_migrations():
            # Not "serving" readers a 503 for ever: nothing would ever create the tables.
            raise CommandError(not_set_up_message(unapplied))
        if collect_static_files_if_missing():
            self.stdout.write(f"collected the static files into {settings.STATIC_ROOT}")
        processes = [
            subprocess.Popen(command)
            for command in command_lines(host, port, workers, no_worker=no_worker)
        ]
        self.stdout.write(serving_message(host, port))
        returncode = supervise(processes)
        if returncode:
            sys.exit(returncode)


def collect_static_files_if_missing() -> bool:
    """Every page names its files by the hashed names the collected files' manifest holds:
    without it, or without a file an upgrade added, each page is an error. A first start on a
    new DATELINE_VAR_DIR, or the first after an upgrade changed a file, collects them (`make
    setup` does too); True when it did."""
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    if manifest is None:
        return False  # a storage without a manifest serves names as they are
    collected = Path(settings.STATIC_ROOT, manifest)
    if collected.exists() and not _newer_than(collected.stat().st_mtime):
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    return True


def _newer_than(moment: float) -> bool:
    """Whether a static file the finders find was changed (or added) after `moment`."""
    for finder in get_finders():
        for path, storage in finder.list([]):
            if Path(storage.path(path)).stat().st_mtime > moment:
                return True
    return False


def worker_command() -> list[str]:
    """The background task worker, as `dateline worker` runs it."""
    return [sys.executable, "-m", "dateline", "worker"]


def gunicorn_command(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "dateline.config.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        # gunicorn's most (its default is half): a long search, Persian words percent-encoded
        # six bytes a letter, reaches the site's own "too long" message, not a bare 414.
        "--limit-request-line",
        "8190",
        "--access-logfile",
        "-",
        # No control socket: gunicorn's default is one path per user, which a second `serve`
        # would take over and any one stopping would delete (nothing here uses it).
        "--no-control-socket",
    ]


def command_lines(host: str, port: int, workers: int, *, no_worker: bool) -> list[list[str]]:
    """The processes `dateline serve` starts, in order: the worker (unless --no-worker), then
    gunicorn."""
    commands = [] if no_worker else [worker_command()]
    commands.append(gunicorn_command(host, port, workers))
    return commands


def serving_message(host: str, port: int) -> str:
    return f"Dateline is serving http://{host}:{port}/  (Ctrl-C to stop)"


def _exit_on_sigterm(*_) -> None:
    sys.exit(0)


def supervise(processes: list[subprocess.Popen]) -> int:
    """Wait while every process runs; when one exits, on Ctrl-C or on SIGTERM or SIGHUP (a
    closed terminal; both then exit with 0), terminate the others and wait for them. Returns
    the exit code of the first process that failed (ended otherwise than with 0 or by
    SIGTERM), or 0."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    signal.signal(signal.SIGHUP, _exit_on_sigterm)
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            process.wait(timeout=30)
    failed = [p for p in processes if p.returncode not in (0, -signal.SIGTERM, None)]
    return failed[0].returncode if failed else 0


def ensure_port_is_free(host: str, port: int) -> None:
    """Say plainly that the port is taken before claiming to serve, rather than leave gunicorn
    to retry and print "Connection in use" five times."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind((host, port))
        except OSError as error:
            raise CommandError(
                f"cannot serve on {host}:{port}: {error.strerror or error}. "
                f"Another program is using that port; choose another with PORT={port + 1} make run "
                f"or dateline serve --port {port + 1}"
            ) from None
