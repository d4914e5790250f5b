"""`dateline serve`, as `make run` starts it: pages over HTTP and a live task worker."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

PROJECT = Path(__file__).resolve().parents[2]


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


@pytest.fixture
def site_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATELINE_", "DATABASE_URL"))}
    env.pop("REDIS_URL", None)
    env.update(DATELINE_VAR_DIR=str(tmp_path / "var"), DATELINE_LOG_LEVEL="WARNING")
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"], ["loaddemo"]):
        subprocess.run(
            [sys.executable, "-m", "dateline", *command],
            env=env,
            cwd=PROJECT,
            check=True,
            capture_output=True,
            timeout=180,
        )
    return env


def test_serve_answers_pages_and_runs_the_worker(site_env, tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "dateline", "serve", "--port", str(port), "--workers", "1"],
        env=site_env,
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(lambda: fetch(base + "/healthz")[0] == 200, 30), "server did not start"
        status, body = fetch(base + "/fa/")
        assert status == 200
        assert BeautifulSoup(body, "html.parser").html["dir"] == "rtl"

        mark = tmp_path / "mark.txt"
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup();"
                "from tests.ops.worker_tasks import leave_a_mark;"
                f"leave_a_mark.enqueue({str(mark)!r})",
            ],
            env={**site_env, "DJANGO_SETTINGS_MODULE": "dateline.config.settings"},
            cwd=PROJECT,
            check=True,
            capture_output=True,
            timeout=60,
        )
        assert wait_for(mark.exists, 30), "the worker did not run the queued task"
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode()
    assert server.returncode == 0, output
