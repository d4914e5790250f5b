"""`dateline serve` and `dateline test` in the test process, where mutmut can see them.

tests/ops starts the real commands; a started process imports the unmutated code, so those
tests catch no mutant (docs/mutation.md). These call the commands' functions here, and start
only tiny Python children of their own where a process is needed.
"""

import errno
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dateline.site.management.commands import serve
from dateline.site.management.commands.test import pytest_command

SLEEPER = "import time; time.sleep(60)"


@pytest.fixture
def start():
    """Start `python -c CODE` children; any still running at the end are killed."""
    children = []

    def start_child(code: str) -> subprocess.Popen:
        child = subprocess.Popen([sys.executable, "-c", code])
        children.append(child)
        return child

    yield start_child
    for child in children:
        if child.poll() is None:
            child.kill()
            child.wait()


@pytest.fixture
def sigterm_handler():
    """`supervise` installs its own SIGTERM handler in this process: put back the suite's after
    the test. Meanwhile SIGTERM raises an error rather than ending the test run, should
    `supervise` fail to install its handler."""

    def not_installed(*_):
        raise AssertionError("supervise did not install its SIGTERM handler")

    previous = signal.signal(signal.SIGTERM, not_installed)
    previous_hangup = signal.signal(signal.SIGHUP, not_installed)
    yield
    signal.signal(signal.SIGTERM, previous)
    signal.signal(signal.SIGHUP, previous_hangup)


@pytest.fixture
def occupied_port():
    """A port of 127.0.0.1 that another socket listens on."""
    with socket.socket() as occupant:
        occupant.bind(("127.0.0.1", 0))
        occupant.listen()
        yield occupant.getsockname()[1]


def free_port(host: str = "127.0.0.1", family: socket.AddressFamily = socket.AF_INET) -> int:
    with socket.socket(family) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def in_use_message(host: str, port: int) -> str:
    return (
        f"cannot serve on {host}:{port}: {os.strerror(errno.EADDRINUSE)}. "
        f"Another program is using that port; choose another with PORT={port + 1} make run "
        f"or dateline serve --port {port + 1}"
    )


# dateline serve: the port check


def test_a_free_port_passes():
    serve.ensure_port_is_free("127.0.0.1", free_port())


def test_a_port_in_use_is_named_with_the_variable_to_choose_another(occupied_port):
    with pytest.raises(CommandError) as raised:
        serve.ensure_port_is_free("127.0.0.1", occupied_port)
    assert str(raised.value) == in_use_message("127.0.0.1", occupied_port)


@pytest.mark.parametrize("host", ["no-such-host.invalid", "192.0.2.1"])
def test_a_host_that_is_no_address_here_is_named_not_called_a_port_in_use(host):
    with pytest.raises(CommandError) as raised:
        serve.ensure_port_is_free(host, free_port())
    assert str(raised.value).startswith(f"cannot serve on {host}:")
    assert str(raised.value).endswith(f"(--host {host} is no address of this machine)")
    assert "Another program" not in str(raised.value)


def test_an_ipv6_host_is_checked_over_ipv6():
    if not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    try:
        port = free_port("::1", socket.AF_INET6)
    except OSError:
        pytest.skip("no IPv6 loopback here")
    serve.ensure_port_is_free("::1", port)
    with socket.socket(socket.AF_INET6) as occupant:
        occupant.bind(("::1", port))
        occupant.listen()
        with pytest.raises(CommandError) as raised:
            serve.ensure_port_is_free("::1", port)
    assert str(raised.value) == in_use_message("::1", port)


def test_a_port_left_in_time_wait_counts_as_free_as_gunicorn_sees_it():
    """gunicorn binds with SO_REUSEADDR, so a port whose last connection lingers in TIME_WAIT
    (just after a restart) is free to it; the check must not refuse it."""
    with socket.socket() as listener:  # the gunicorn stopped a moment ago
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _ = listener.accept()
            accepted.close()  # the server's side closes first: it is left in TIME_WAIT
            client.recv(1)
    with socket.socket() as plain, pytest.raises(OSError):  # without SO_REUSEADDR, it is taken
        plain.bind(("127.0.0.1", port))
    serve.ensure_port_is_free("127.0.0.1", port)


@pytest.fixture
def stopped_if_served(sigterm_handler):
    """Should `serve` not refuse and start serving instead (a bug), SIGTERM stops it, as it
    would stop the real command, rather than leave the test hanging."""
    stop = threading.Timer(20, os.kill, (os.getpid(), signal.SIGTERM))
    stop.start()
    yield
    stop.cancel()


# --no-worker: were the port check broken, no task worker would start from the test process.


def test_serve_on_a_port_in_use_refuses_before_starting_anything(
    occupied_port, stopped_if_served, capsys
):
    with pytest.raises(CommandError) as raised:
        call_command("serve", "--port", str(occupied_port), "--no-worker")
    assert str(raised.value) == in_use_message("127.0.0.1", occupied_port)
    assert "is serving" not in capsys.readouterr().out


def test_serve_checks_the_port_of_the_settings_by_default(
    occupied_port, settings, stopped_if_served
):
    settings.PORT = occupied_port
    with pytest.raises(CommandError) as raised:
        call_command("serve", "--no-worker")
    assert str(raised.value) == in_use_message("127.0.0.1", occupied_port)


# dateline serve: what it starts


def test_gunicorn_command_line():
    assert serve.gunicorn_command("0.0.0.0", 8123, 3) == [
        sys.executable,
        "-m",
        "gunicorn",
        "dateline.config.wsgi:application",
        "--bind",
        "0.0.0.0:8123",
        "--workers",
        "3",
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--limit-request-line",
        "8190",
        "--access-logfile",
        "-",
        "--no-control-socket",
    ]


def test_worker_command_line():
    assert serve.worker_command() == [sys.executable, "-m", "dateline", "worker"]


def test_serve_starts_the_worker_then_gunicorn():
    assert serve.command_lines("127.0.0.1", 8000, 2, no_worker=False) == [
        serve.worker_command(),
        serve.gunicorn_command("127.0.0.1", 8000, 2),
    ]


def test_serve_with_no_worker_starts_gunicorn_only():
    assert serve.command_lines("127.0.0.1", 8000, 2, no_worker=True) == [
        serve.gunicorn_command("127.0.0.1", 8000, 2)
    ]


def test_serving_message():
    assert (
        serve.serving_message("127.0.0.1", 8000)
        == "Dateline is serving http://127.0.0.1:8000/  (Ctrl-C to stop)"
    )


# dateline serve: supervising what it started


def test_when_one_process_ends_the_others_are_stopped(start, sigterm_handler):
    running, done = start(SLEEPER), start("pass")
    assert serve.supervise([running, done]) == 0
    assert running.returncode == -signal.SIGTERM
    assert done.returncode == 0


def test_a_process_that_fails_stops_the_others_and_gives_its_exit_code(start, sigterm_handler):
    running = start(SLEEPER)
    failing = start("import sys, time; time.sleep(0.5); sys.exit(3)")
    assert serve.supervise([running, failing]) == 3
    assert running.returncode == -signal.SIGTERM


def test_an_exit_code_of_1_is_a_failure_too(start, sigterm_handler):
    assert serve.supervise([start(SLEEPER), start("import sys; sys.exit(1)")]) == 1


def test_supervise_waits_while_all_run(start, sigterm_handler):
    began = time.monotonic()
    assert serve.supervise([start(SLEEPER), start("import time; time.sleep(1.5)")]) == 0
    assert time.monotonic() - began >= 1.5


def test_ctrl_c_stops_every_process_and_is_no_failure(start, sigterm_handler):
    def interrupt(*_):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        processes = [start(SLEEPER), start(SLEEPER)]
        assert serve.supervise(processes) == 0
    except KeyboardInterrupt:  # would stop the whole test run, not fail this test
        pytest.fail("Ctrl-C escaped supervise")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert [process.returncode for process in processes] == [-signal.SIGTERM] * 2


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_or_a_hang_up_stops_every_process_and_exits_with_0(start, sigterm_handler, signum):
    """SIGHUP: the terminal `dateline serve` ran in was closed; nothing must outlive it."""
    processes = [start(SLEEPER), start(SLEEPER)]
    terminate_me = threading.Timer(0.5, os.kill, (os.getpid(), signum))
    terminate_me.start()
    try:
        with pytest.raises(SystemExit) as exited:
            serve.supervise(processes)
    finally:
        terminate_me.cancel()
    assert exited.value.code == 0
    assert [process.returncode for process in processes] == [-signal.SIGTERM] * 2


def restarted_workers(start, codes: list[str]):
    """`supervise`'s worker starter for the tests: the workers' code in turn, the first started
    at once; after the last is started, this process gets SIGTERM (as from its operator)."""
    workers = [start(codes[0])]

    def start_worker():
        workers.append(start(codes[len(workers)]))
        if len(workers) == len(codes):
            threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM)).start()
        return workers[-1]

    return workers, start_worker


def test_a_failed_worker_is_started_again_while_the_site_goes_on(start, sigterm_handler, capfd):
    """The worker (first) crashes twice; gunicorn (second) is never stopped for it, and each
    crash is said with the wait before the next start, longer for a failure in a row."""
    crash = "import sys; sys.exit(3)"
    workers, start_worker = restarted_workers(start, [crash, crash, SLEEPER])
    site = start(SLEEPER)
    with pytest.raises(SystemExit):
        serve.supervise([workers[0], site], restart_first=start_worker, delays=(0.1, 0.3))
    assert len(workers) == 3
    assert site.returncode == -signal.SIGTERM  # served until the end
    assert workers[-1].returncode == -signal.SIGTERM
    assert capfd.readouterr().err.splitlines() == [
        "dateline serve: the task worker ended with exit code 3; starting it again in 0.1 s"
        " (pages are served meanwhile)",
        "dateline serve: the task worker ended with exit code 3; starting it again in 0.3 s"
        " (pages are served meanwhile)",
    ]


def test_a_worker_killed_by_a_signal_is_named_so_and_started_again(start, sigterm_handler, capfd):
    killed = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
    workers, start_worker = restarted_workers(start, [killed, SLEEPER])
    with pytest.raises(SystemExit):
        serve.supervise([workers[0], start(SLEEPER)], restart_first=start_worker, delays=(0,))
    assert len(workers) == 2
    assert "the task worker was killed by SIGKILL; starting it again in 0 s" in (
        capfd.readouterr().err
    )


def test_a_worker_that_ran_a_while_before_failing_waits_the_shortest_again(
    start, sigterm_handler, capfd, monkeypatch
):
    monkeypatch.setattr(serve, "STEADY_SECONDS", 0.4)
    late = "import sys, time; time.sleep(0.6); sys.exit(2)"
    workers, start_worker = restarted_workers(
        start, ["import sys; sys.exit(2)", late, late, SLEEPER]
    )
    with pytest.raises(SystemExit):
        serve.supervise([workers[0], start(SLEEPER)], restart_first=start_worker, delays=(0, 0.2))
    waits = [line.split(" in ")[1].split(" s ")[0] for line in capfd.readouterr().err.splitlines()]
    assert waits == ["0", "0", "0"]  # each later crash came after STEADY_SECONDS of running


def test_a_worker_stopped_on_purpose_or_a_failed_site_still_stops_serve(start, sigterm_handler):
    """Only the worker's failure is mended: it ending with 0 (stopped by its operator), or
    gunicorn ending at all, ends `serve` as before."""
    never = pytest.fail
    assert serve.supervise([start("pass"), start(SLEEPER)], restart_first=never) == 0
    worker, site = start(SLEEPER), start("import sys; sys.exit(4)")
    assert serve.supervise([worker, site], restart_first=never) == 4
    assert worker.returncode == -signal.SIGTERM


# dateline test


def test_pytest_command_drops_the_leading_separator_only():
    assert pytest_command(["--", "-k", "x", "--", "y"]) == [
        sys.executable,
        "-m",
        "pytest",
        "-k",
        "x",
        "--",
        "y",
    ]
    assert pytest_command(["-x", "--", "y"]) == [sys.executable, "-m", "pytest", "-x", "--", "y"]
    assert pytest_command([]) == [sys.executable, "-m", "pytest"]


@pytest.fixture
def project(tmp_path, settings, monkeypatch):
    """A project directory with a passing and a failing test, and a working directory
    elsewhere: `dateline test` must run pytest in the project."""
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    (project / "tests" / "test_passes.py").write_text("def test_passes():\n    pass\n")
    (project / "tests" / "test_fails.py").write_text("def test_fails():\n    assert False\n")
    settings.PROJECT_DIR = project
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return project


# The child pytest needs neither Django nor a cache directory.
QUIET = ["-q", "-p", "no:django", "-p", "no:cacheprovider"]


def test_dateline_test_exits_with_0_when_the_tests_pass(project, capfd):
    with pytest.raises(SystemExit) as exited:
        call_command("test", "--", "tests/test_passes.py", *QUIET)
    assert exited.value.code == 0
    assert "1 passed" in capfd.readouterr().out


def test_dateline_test_passes_on_the_exit_code_of_failing_tests(project, capfd):
    with pytest.raises(SystemExit) as exited:
        call_command("test", "tests/test_fails.py", *QUIET)
    assert exited.value.code == pytest.ExitCode.TESTS_FAILED
    assert "1 failed" in capfd.readouterr().out


def test_dateline_test_passes_on_the_exit_code_when_nothing_is_selected(project, capfd):
    with pytest.raises(SystemExit) as exited:
        call_command("test", "--", "tests", "-k", "no_such_test", *QUIET)
    assert exited.value.code == pytest.ExitCode.NO_TESTS_COLLECTED


NOT_A_CHECKOUT = (
    "the test suite runs from a source checkout with the dev dependencies: run `make test` there"
)


def test_dateline_test_outside_a_source_checkout_says_so(tmp_path, settings):
    settings.PROJECT_DIR = tmp_path  # no tests/ here
    with pytest.raises(CommandError) as raised:
        call_command("test")
    assert str(raised.value) == NOT_A_CHECKOUT


def test_dateline_test_without_pytest_installed_says_so(project, monkeypatch):
    raised = None
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "pytest", None)  # find_spec("pytest") now finds nothing
        try:
            call_command("test")
        except CommandError as error:
            raised = error
    assert str(raised) == NOT_A_CHECKOUT


# dateline serve, for real: `handle` starts gunicorn (and the worker) from the test process


def children_of(pid: int) -> list[int]:
    """The processes `pid` started (Linux's /proc)."""
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as children:
            found += [int(child) for child in children.read().split()]
    return found


@pytest.fixture
def started(monkeypatch, db):  # serve first asks the database whether it is set up
    """What `serve` starts: the real processes, their command lines recorded on the way (the
    server retitles its process, so /proc cannot tell its command line afterwards)."""
    commands: list[list[str]] = []
    processes: list[subprocess.Popen] = []
    real_popen = subprocess.Popen

    def popen(command, *args, **kwargs):
        commands.append(command)
        processes.append(real_popen(command, *args, **kwargs))
        return processes[-1]

    monkeypatch.setattr(serve.subprocess, "Popen", popen)
    return commands, processes


def serve_until_answered(*arguments: str, port: int) -> tuple[int, str, dict[int, int]]:
    """Run `dateline serve ARGUMENTS` here until its /healthz answers, then stop it with SIGTERM
    as an operator would. Returns its exit code, the first answer, and how many processes each
    process it started had started in turn (gunicorn's workers)."""
    seen: dict[str, object] = {"answer": "", "grandchildren": {}}

    def stop_once_answered():
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    seen["answer"] = r.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        time.sleep(0.5)  # every worker booted
        seen["grandchildren"] = {
            child: len(children_of(child)) for child in children_of(os.getpid())
        }
        os.kill(os.getpid(), signal.SIGTERM)

    watcher = threading.Thread(target=stop_once_answered)
    watcher.start()
    try:
        with pytest.raises(SystemExit) as exited:
            call_command("serve", *arguments)
    finally:
        watcher.join()
    return exited.value.code, seen["answer"], seen["grandchildren"]


def test_serve_answers_on_the_port_asked_for_with_the_workers_asked_for(
    sigterm_handler, started, capsys
):
    port = free_port()
    code, answer, grandchildren = serve_until_answered(
        "--port", str(port), "--workers", "3", "--no-worker", port=port
    )
    assert (code, answer) == (0, "ok")
    commands, processes = started
    assert commands == [serve.gunicorn_command("127.0.0.1", port, 3)]
    assert grandchildren[processes[0].pid] == 3  # other tests may have left children of their own
    assert all(process.returncode is not None for process in processes)
    assert capsys.readouterr().out == serve.serving_message("127.0.0.1", port) + "\n"


def test_serve_starts_the_task_worker_beside_gunicorn_unless_told_not_to(
    sigterm_handler, started, settings
):
    settings.WEB_WORKERS = 1
    port = free_port()
    code, answer, _ = serve_until_answered("--port", str(port), port=port)
    assert (code, answer) == (0, "ok")
    commands, processes = started
    assert commands == serve.command_lines("127.0.0.1", port, 1, no_worker=False)
    assert all(process.returncode is not None for process in processes)


def test_serve_exits_with_the_code_of_a_server_that_fails(sigterm_handler, monkeypatch, db):
    monkeypatch.setenv("GUNICORN_CMD_ARGS", "--no-such-option")  # gunicorn refuses to start
    with pytest.raises(SystemExit) as exited:
        call_command("serve", "--port", str(free_port()), "--no-worker")
    assert exited.value.code == 2  # argparse's exit code for a bad option


def test_serve_refuses_a_worker_count_that_is_not_a_number_before_starting_anything(
    stopped_if_served,
):
    with pytest.raises(CommandError) as raised:
        call_command("serve", "--port", str(free_port()), "--workers", "many", "--no-worker")
    assert str(raised.value) == "Error: argument --workers: 'many' is not a whole number 1 or more"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--port", "70000", "'70000' is not a whole number from 1 to 65535"),
        ("--port", "-1", "'-1' is not a whole number from 1 to 65535"),
        ("--workers", "0", "'0' is not a whole number 1 or more"),
    ],
)
def test_serve_refuses_a_port_or_worker_count_out_of_range_before_starting_anything(
    stopped_if_served, option, value, message
):
    """Not a traceback from the port check (bind() of port 70000), nor "is serving" and then
    gunicorn's refusal of -3 workers, nor a gunicorn with no worker to answer."""
    arguments = {"--port": str(free_port()), "--workers": "1", option: value}
    with pytest.raises(CommandError) as raised:
        call_command("serve", *[f"{name}={given}" for name, given in arguments.items()])
    assert str(raised.value) == f"Error: argument {option}: {message}"


def test_serve_help_explains_each_option_and_its_default(settings):
    settings.PORT, settings.WEB_WORKERS = 8123, 3  # what the environment set
    help_text = serve.Command().create_parser("dateline", "serve").format_help()
    said = " ".join(help_text.split())
    assert "--no-worker serve pages only (workers run elsewhere)" in said
    assert "--host HOST the address to listen on (default 127.0.0.1;" in said
    assert "--port PORT 1 to 65535 (default 8123:" in said
    assert "--workers WORKERS web processes, at least 1 (default 3:" in said


def test_dateline_test_help_says_where_its_arguments_go():
    from dateline.site.management.commands.test import Command

    help_text = Command().create_parser("dateline", "test").format_help()
    assert "pytest_args passed to pytest" in " ".join(help_text.split())


def test_a_first_serve_collects_the_static_files_pages_need(settings, tmp_path, client, db):
    """A new DATELINE_VAR_DIR has no collected files: every page would be a 500 for want of
    the stylesheet's hashed name."""
    from dateline.site.templating import static_url

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    static_url.cache_clear()
    try:
        assert serve.collect_static_files_if_missing() is True
        assert (tmp_path / "static" / "staticfiles.json").is_file()
        assert serve.collect_static_files_if_missing() is False  # once
        assert static_url("site/site.css").startswith("/static/site/site.")
        # An upgrade that adds or changes a file: the next start collects again.
        manifest = tmp_path / "static" / "staticfiles.json"
        os.utime(manifest, (0, 0))
        assert serve.collect_static_files_if_missing() is True
        assert manifest.stat().st_mtime > 0
        assert serve.collect_static_files_if_missing() is False
    finally:
        static_url.cache_clear()
