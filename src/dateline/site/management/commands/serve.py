import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Serve the site with gunicorn and run the background task worker beside it; "
        "Ctrl-C stops both."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--workers", type=int, default=settings.WEB_WORKERS)
        parser.add_argument(
            "--no-worker", action="store_true", help="serve pages only (workers run elsewhere)"
        )

    def handle(self, *args, host, port, workers, no_worker, **options):
        ensure_port_is_free(host, port)
        processes = []
        if not no_worker:
            processes.append(subprocess.Popen([sys.executable, "-m", "dateline", "worker"]))
        processes.append(
            subprocess.Popen(
                [
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
                    "--access-logfile",
                    "-",
                ]
            )
        )
        self.stdout.write(f"Dateline is serving http://{host}:{port}/  (Ctrl-C to stop)")
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
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
        if failed:
            sys.exit(failed[0].returncode)


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
