"""The Varnish configuration on its own: a web process killed behind the cache costs readers
nothing (the request goes to the other one). Which pages a ban reaches: tests/site/test_purge.py."""

import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from deploy import varnish


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def two_web_processes(tmp_path):
    """Two plain HTTP servers standing in for gunicorn: each answers /healthz and any page."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "healthz").write_text("ok")
    (root / "page").write_text("a page")
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    yield list(zip(ports, servers, strict=True))
    for server in servers:
        if server.poll() is None:
            server.kill()
        server.wait()


@pytest.mark.slow
@pytest.mark.skipif(not varnish.available(), reason="varnishd or a C compiler is missing")
def test_a_killed_web_process_costs_readers_nothing(two_web_processes, tmp_path):
    listen = ("127.0.0.1", _free_port())
    cache = varnish.start(
        tmp_path / "varnish",
        listen=listen,
        backends=[("127.0.0.1", port) for port, _ in two_web_processes],
    )
    try:
        # Every request a miss (its own query string), so each goes to a web process.
        def read(n: int) -> int:
            url = f"http://{listen[0]}:{listen[1]}/page?n={n}"
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

        time.sleep(1)
        assert [read(n) for n in range(10)] == [200] * 10
        two_web_processes[0][1].send_signal(signal.SIGKILL)
        two_web_processes[0][1].wait()
        # Round robin sends every other request to the dead one until the probe notices.
        assert [read(n) for n in range(10, 60)] == [200] * 50
    finally:
        varnish.stop(cache)


@pytest.mark.slow
@pytest.mark.skipif(not varnish.available(), reason="varnishd or a C compiler is missing")
def test_processes_the_probe_condemns_still_answer_readers(two_web_processes, tmp_path):
    """Under load a busy process can fail its health check; when every one has, Varnish
    still sends readers to them rather than answering 503."""
    (tmp_path / "site" / "healthz").unlink()  # every check now fails (404)
    listen = ("127.0.0.1", _free_port())
    cache = varnish.start(
        tmp_path / "varnish",
        listen=listen,
        backends=[("127.0.0.1", port) for port, _ in two_web_processes],
    )
    try:
        time.sleep(11)  # for the probe to condemn both: 2 of 3 checks failed, 1 s apart
        url = f"http://{listen[0]}:{listen[1]}/page?n="
        statuses = []
        for n in range(10):
            try:
                with urllib.request.urlopen(f"{url}{n}", timeout=10) as response:
                    statuses.append(response.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
        assert statuses == [200] * 10
    finally:
        varnish.stop(cache)


@pytest.mark.slow
@pytest.mark.skipif(not varnish.available(), reason="varnishd or a C compiler is missing")
def test_a_process_that_accepts_but_does_not_answer_is_out_of_rotation_within_7_seconds(
    two_web_processes, tmp_path
):
    """A web process started again takes connections before its workers can answer: the
    probe must take it out before readers wait on it."""
    port, _ = two_web_processes[0]
    booting = socket.socket()  # listens, never answers: a gunicorn whose workers still load
    booting.bind(("127.0.0.1", 0))
    booting.listen(64)
    listen = ("127.0.0.1", _free_port())
    cache = varnish.start(
        tmp_path / "varnish",
        listen=listen,
        backends=[("127.0.0.1", port), booting.getsockname()],
    )
    try:
        time.sleep(7)  # two checks timed out (2 s each, 1 s apart), and some slack for load
        for n in range(6):  # round robin would send every other one to the silent process
            url = f"http://{listen[0]}:{listen[1]}/page?n={n}"
            with urllib.request.urlopen(url, timeout=3) as response:
                assert response.status == 200
    finally:
        varnish.stop(cache)
        booting.close()
