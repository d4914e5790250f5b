"""`dateline serve`, as `make run` starts it: pages over HTTP and a live task worker."""

import os
import signal
import socket
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.processes import dateline_env, run_dateline, start_dateline


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def wait_for(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except OSError:
            pass
        time.sleep(0.25)
    return False


def enqueue_mark(env: dict[str, str], mark) -> None:
    """Queue the test task that writes `mark` (tests/ops/worker_tasks.py): a worker that runs
    it proves it picked the queue up."""
    enqueue = (
        f"from tests.ops.worker_tasks import leave_a_mark; leave_a_mark.enqueue({str(mark)!r})"
    )
    run_dateline("shell", "-v0", "-c", enqueue, env=env, check=True)


def worker_of(pid: int) -> int | None:
    """The `dateline worker` process that `dateline serve` (pid) started, if one runs."""
    for child in Path("/proc").glob("[0-9]*"):
        try:
            stat = (child / "stat").read_text()
            command = (child / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid and command[-3:-1] == [b"dateline", b"worker"]:
            return int(child.name)
    return None


@pytest.fixture
def site_env(tmp_path):
    env = dateline_env(tmp_path / "var")
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"], ["loaddemo"]):
        run_dateline(*command, env=env, check=True)
    return env


def test_serve_answers_pages_and_runs_the_worker(site_env, tmp_path):
    port = free_port()
    server = start_dateline("serve", "--port", str(port), "--workers", "1", env=site_env)
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(lambda: fetch(base + "/healthz")[0] == 200, 30), "server did not start"
        status, body = fetch(base + "/fa/")
        assert status == 200
        assert BeautifulSoup(body, "html.parser").html["dir"] == "rtl"
        # A search over gunicorn's default request line (4 KB) gets the site's own answer.
        long_search = base + "/fa/search?q=" + urllib.parse.quote("راه " * 300)
        assert len(long_search) > 4_500
        status, body = fetch(long_search)
        assert status == 200
        assert BeautifulSoup(body, "html.parser").select_one("p.search-message") is not None

        mark = tmp_path / "mark.txt"
        enqueue_mark(site_env, mark)
        assert wait_for(mark.exists, 30), "the worker did not run the queued task"

        # The worker killed (the out-of-memory killer, say): pages go on, a new one runs.
        killed = worker_of(server.pid)
        os.kill(killed, signal.SIGKILL)
        assert fetch(base + "/en/")[0] == 200
        assert wait_for(lambda: worker_of(server.pid) not in (None, killed), 30)
        again = tmp_path / "again.txt"
        enqueue_mark(site_env, again)
        assert wait_for(again.exists, 30), "no worker ran the task after the first was killed"
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode()
    assert server.returncode == 0, output


def test_serve_on_a_port_in_use_says_so_and_names_the_variable(tmp_path):
    with socket.socket() as occupant:
        occupant.bind(("127.0.0.1", 0))
        occupant.listen()
        port = occupant.getsockname()[1]
        result = run_dateline("serve", "--port", str(port), env=dateline_env(tmp_path))
    assert result.returncode != 0
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr
    assert f"PORT={port + 1} make run" in result.stderr
    assert "is serving" not in result.stdout
