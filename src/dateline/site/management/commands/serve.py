import argparse
import errno
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from dateline.config.database import not_set_up_message, unapplied_migrations

# The task worker's restarts under `serve`: the wait before each, for its failures in a row.
RESTART_DELAYS = (1.0, 2.0, 5.0, 15.0, 60.0)
STEADY_SECONDS = 60  # a worker that ran this long before failing starts the count again
LAST_PORT = 65535


def _whole_number(value: str, least: int, most: int | None = None) -> int:
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < least or (most is not None and number > most):
        span = f"from {least} to {most}" if most is not None else f"{least} or more"
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number {span}")
    return number


def port_number(value: str) -> int:
    return _whole_number(value, 1, LAST_PORT)


def worker_count(value: str) -> int:
    return _whole_number(value, 1)


class Command(BaseCommand):
    help = (
        "Serve the site with gunicorn and run the background task worker beside it; "
        "Ctrl-C stops both."
    )
    # What it decides lives in the functions below, which tests/site/test_commands_in_process.py
    # calls in the test process (mutmut cannot see into the `dateline serve` that tests/ops runs).

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="the address to listen on (default %(default)s; 0.0.0.0 for every interface)",
        )
        parser.add_argument(
            "--port",
            type=port_number,
            default=settings.PORT,
            help="1 to 65535 (default %(default)s: the PORT variable, else 8000)",
        )
        parser.add_argument(
            "--workers",
            type=worker_count,
            default=settings.WEB_WORKERS,
            help="web processes, at least 1 (default %(default)s: DATELINE_WEB_WORKERS, else 2)",
        )
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
        returncode = supervise(
            processes,
            restart_first=None if no_worker else lambda: subprocess.Popen(worker_command()),
        )
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


def supervise(
    processes: list[subprocess.Popen],
    *,
    restart_first: Callable[[], subprocess.Popen] | None = None,
    delays: tuple[float, ...] = RESTART_DELAYS,
) -> int:
    """Wait while every process runs; when one exits, on Ctrl-C or on SIGTERM or SIGHUP (a
    closed terminal; both then exit with 0), terminate the others and wait for them. Returns
    the exit code of the first process that failed (ended otherwise than with 0 or by
    SIGTERM), or 0.

    With `restart_first`, the first process is the task worker, and its failure (a crash, the
    kernel's out-of-memory killer) does not take the site down with it: it is said on stderr
    and the worker started again by `restart_first` after `delays[n]` seconds, n its failures
    in a row (one that ran STEADY_SECONDS starts the count again), while pages are served."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    signal.signal(signal.SIGHUP, _exit_on_sigterm)
    processes = list(processes)
    failures_in_a_row, started_at, restart_at = 0, time.monotonic(), None
    try:
        while True:
            if restart_at is not None and time.monotonic() >= restart_at:
                processes[0], started_at, restart_at = restart_first(), time.monotonic(), None
            ended = [process for process in processes if process.poll() is not None]
            worker_ended_alone = restart_first is not None and ended == [processes[0]]
            if worker_ended_alone and _failed(processes[0]):
                if restart_at is None:
                    if time.monotonic() - started_at >= STEADY_SECONDS:
                        failures_in_a_row = 0
                    delay = delays[min(failures_in_a_row, len(delays) - 1)]
                    failures_in_a_row += 1
                    restart_at = time.monotonic() + delay
                    message = _worker_ended_message(processes[0].returncode, delay)
                    print(message, file=sys.stderr, flush=True)
            elif ended:
                break
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            process.wait(timeout=30)
    failed = [p for p in processes if _failed(p)]
    return failed[0].returncode if failed else 0


def _failed(process: subprocess.Popen) -> bool:
    return process.returncode not in (0, -signal.SIGTERM, None)


def _worker_ended_message(returncode: int, delay: float) -> str:
    how = (
        f"was killed by {signal.Signals(-returncode).name}"
        if returncode < 0
        else f"ended with exit code {returncode}"
    )
    return (
        f"dateline serve: the task worker {how}; starting it again in {delay:g} s "
        "(pages are served meanwhile)"
    )


def ensure_port_is_free(host: str, port: int) -> None:
    """Say plainly that the port is taken before claiming to serve, rather than leave gunicorn
    to retry and print "Connection in use" five times."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind((host, port))
        except OSError as error:
            problem = f"cannot serve on {host}:{port}: {error.strerror or error}"
            if error.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"{problem}. Another program is using that port; choose another with "
                    f"PORT={port + 1} make run or dateline serve --port {port + 1}"
                ) from None
            if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
                problem += f" (--host {host} is no address of this machine)"
            raise CommandError(problem) from None
