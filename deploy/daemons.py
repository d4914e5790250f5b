"""Starting and stopping the servers the scaled form puts in front (Varnish, the edge's nginx):
each runs in the foreground as a child of whoever starts it."""

import signal
import socket
import subprocess
import time
from pathlib import Path


def wait_until_answering(
    process: subprocess.Popen, listen: tuple[str, int], log: Path, seconds: float = 30
) -> None:
    """Return once something accepts connections at `listen`; raise, with `log`, if the
    process exits first or nothing answers in time."""
    name = Path(process.args[0]).name
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"{name} exited with {process.returncode}: {said}")
        try:
            socket.create_connection(listen, timeout=1).close()
        except OSError:
            time.sleep(0.1)
            continue
        return
    raise RuntimeError(f"{name} did not answer on {listen[0]}:{listen[1]} in {seconds} s")


def stop(process: subprocess.Popen, stop_signal: int = signal.SIGTERM) -> None:
    """`stop_signal`, then SIGKILL if it has not exited within 10 s."""
    if process.poll() is None:
        process.send_signal(stop_signal)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
