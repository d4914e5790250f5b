"""The scaled deployment on one machine: PostgreSQL and Redis (started if down, as .ci/run
does), nginx at the edge and Varnish behind it, two or more gunicorn processes behind that,
two or more task workers, the demo content. `make scaled-up` / `make scaled-down` /
`make scaled-status`; bench/load.py starts its own on other ports and another database.

    python -m deploy.scaled up|down|status

Configuration is the operating guide's environment variables (docs/operating.md, "Scaled
deployment"); a variable already set in the environment wins over the default here. State
(process ids, logs, the rendered VCL, the secret key) lives under var/scaled/ (DATELINE_SCALED_DIR).
"""

import dataclasses
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from deploy import edge, varnish

PROJECT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


@dataclasses.dataclass
class Deployment:
    state_dir: Path = PROJECT / "var" / "scaled"
    host: str = "127.0.0.1"
    edge_port: int = 8080  # nginx: what readers reach
    varnish_port: int = 8081  # Varnish, behind the edge: where bans go
    first_web_port: int = 8082  # gunicorn i listens on first_web_port + i
    web_processes: int = 2  # gunicorn masters, each behind Varnish on its own port
    workers_per_web: int = 2  # DATELINE_WEB_WORKERS: gunicorn workers of each
    task_workers: int = 2  # `dateline worker` processes
    database_url: str = "postgres://postgres@127.0.0.1:5432/dateline_scaled"
    redis_url: str = "redis://127.0.0.1:6379/7"
    demo_content: bool = True
    extra_env: dict[str, str] = dataclasses.field(default_factory=dict)  # a benchmark's own

    @classmethod
    def from_environment(cls) -> "Deployment":
        """Defaults, overridden by DATELINE_SCALED_* and the documented DATABASE_URL/REDIS_URL."""
        env = os.environ
        defaults = cls()
        port = int(env.get("DATELINE_SCALED_PORT", defaults.edge_port))
        return cls(
            state_dir=Path(env.get("DATELINE_SCALED_DIR", defaults.state_dir)),
            edge_port=port,
            varnish_port=port + 1,
            first_web_port=port + 2,
            web_processes=int(env.get("DATELINE_SCALED_WEB", defaults.web_processes)),
            workers_per_web=int(env.get("DATELINE_WEB_WORKERS", defaults.workers_per_web)),
            task_workers=int(env.get("DATELINE_SCALED_TASK_WORKERS", defaults.task_workers)),
            database_url=env.get("DATABASE_URL", defaults.database_url),
            redis_url=env.get("REDIS_URL", defaults.redis_url),
        )

    @property
    def reader_url(self) -> str:
        return f"http://{self.host}:{self.edge_port}"

    @property
    def varnish_url(self) -> str:
        return f"http://{self.host}:{self.varnish_port}"

    @property
    def web_ports(self) -> list[int]:
        return [self.first_web_port + n for n in range(self.web_processes)]

    @property
    def pids_file(self) -> Path:
        return self.state_dir / "pids.json"

    def environment(self) -> dict[str, str]:
        """What every web and worker process gets: the operating guide's variables."""
        key_file = self.state_dir / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
            key_file.chmod(0o600)
        owned = {  # this deployment's own: its database, cache, directory, processes
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "DATELINE_VAR_DIR": str(self.state_dir / "var"),
            "DATELINE_HTTP_CACHE_PURGE_URL": self.varnish_url,
            "DATELINE_WEB_WORKERS": str(self.workers_per_web),
        }
        defaults = {  # the operating guide's production settings, unless exported otherwise
            "DATELINE_PROFILE": "production",
            "SECRET_KEY": key_file.read_text(encoding="utf-8").strip(),
            "DATELINE_ALLOWED_HOSTS": f"{self.host},localhost",
            # Plain http on this machine: no TLS terminator in front to redirect to.
            "DATELINE_SSL_REDIRECT": "false",
            "DATELINE_HSTS_SECONDS": "0",
            # The edge appends the reader to X-Forwarded-For, Varnish the edge.
            "DATELINE_TRUSTED_PROXIES": "2",
            "DATELINE_EMAIL_BACKEND": "file",
            "DATELINE_LOG_LEVEL": "WARNING",
        }
        if os.environ.get("DATELINE_PROFILE", "production") != "production":
            del defaults["DATELINE_TRUSTED_PROXIES"]  # read in production only
        return {**defaults, **os.environ, **owned, **self.extra_env}


# --- the services it stands on ------------------------------------------------------------------


def ensure_services(deployment: Deployment) -> None:
    """PostgreSQL and Redis answering at the deployment's URLs (the machine's own, on their
    default ports, started as .ci/run starts them if not), the database made if missing."""
    from urllib.parse import urlsplit

    database, redis = urlsplit(deployment.database_url), urlsplit(deployment.redis_url)
    pg_ready = ["pg_isready", "-q", "-h", database.hostname or "127.0.0.1"]
    pg_ready += ["-p", str(database.port or 5432)]
    if subprocess.run(pg_ready).returncode != 0:
        if (database.port or 5432) != 5432:
            raise SystemExit(f"PostgreSQL does not answer at {deployment.database_url}")
        versions = sorted(
            os.listdir("/etc/postgresql"), key=lambda v: [int(p) for p in v.split(".")]
        )
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],
            check=True,
        )
        _wait(lambda: subprocess.run(pg_ready).returncode == 0, 30)
    redis_ping = ["redis-cli", "-h", redis.hostname or "127.0.0.1", "-p", str(redis.port or 6379)]
    if subprocess.run([*redis_ping, "ping"], capture_output=True).returncode:
        if (redis.port or 6379) != 6379:
            raise SystemExit(f"Redis does not answer at {deployment.redis_url}")
        subprocess.run(
            ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379",
             "--save", "", "--appendonly", "no"],
            check=True,
        )  # fmt: skip
    create_database(deployment.database_url)


def create_database(url: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    psql = ["psql", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    psql += ["-U", parts.username or "postgres", "-d", "postgres", "-tAc"]
    exists = subprocess.run(
        [*psql, f"select 1 from pg_database where datname = '{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run([*psql, f'create database "{name}"'], check=True, capture_output=True)


# --- starting and stopping ----------------------------------------------------------------------


def dateline(deployment: Deployment, *args: str) -> None:
    """Run a `dateline` command to its end (migrate, collectstatic, loaddemo), before the
    cache is started: nothing to purge yet."""
    env = {**deployment.environment(), "DATELINE_HTTP_CACHE_PURGE_URL": ""}
    subprocess.run([PYTHON, "-m", "dateline", *args], env=env, cwd=PROJECT, check=True)


def web_command(deployment: Deployment, port: int) -> list[str]:
    from dateline.site.management.commands.serve import gunicorn_command

    return gunicorn_command(deployment.host, port, deployment.workers_per_web)


def _spawn(deployment: Deployment, name: str, command: list[str]) -> dict:
    logs = deployment.state_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with (logs / f"{name}.log").open("ab") as log:
        process = subprocess.Popen(
            command,
            env=deployment.environment(),
            cwd=PROJECT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # outlives `make scaled-up`; its own group to stop
        )
    return _entry(name, process)


def start_web(deployment: Deployment, index: int) -> dict:
    port = deployment.web_ports[index]
    entry = _spawn(deployment, f"web{index}", web_command(deployment, port))
    entry["port"] = port
    return entry


def start_worker(deployment: Deployment, index: int) -> dict:
    return _spawn(deployment, f"worker{index}", [PYTHON, "-m", "dateline", "worker"])


def up(deployment: Deployment) -> list[dict]:
    if deployment.pids_file.exists() and any(alive(p) for p in _recorded(deployment)):
        raise SystemExit(f"already running (see {deployment.pids_file}); stop it first")
    for port in [deployment.edge_port, deployment.varnish_port, *deployment.web_ports]:
        _ensure_free(deployment.host, port)
    deployment.state_dir.mkdir(parents=True, exist_ok=True)
    ensure_services(deployment)
    dateline(deployment, "migrate", "--noinput", "--verbosity", "0")
    dateline(deployment, "collectstatic", "--noinput", "--verbosity", "0")
    if deployment.demo_content:
        dateline(deployment, "loaddemo")
    processes = [start_web(deployment, n) for n in range(deployment.web_processes)]
    processes += [start_worker(deployment, n) for n in range(deployment.task_workers)]
    record(deployment, processes)
    for entry in processes:
        if "port" in entry:
            url = f"http://{deployment.host}:{entry['port']}/healthz"
            if not _wait(lambda url=url: _answers(url), 60):
                down(deployment)
                raise SystemExit(f"{entry['name']} did not answer {url}; see its log")
    processes.append(_start_cache(deployment))
    record(deployment, processes)
    processes.append(_start_edge(deployment))
    record(deployment, processes)
    return processes


def _start_cache(deployment: Deployment) -> dict:
    backends = [(deployment.host, port) for port in deployment.web_ports]
    page_seconds = int(deployment.environment().get("DATELINE_PAGE_CACHE_SECONDS", "60"))
    # varnish.start waits for it to answer; it runs in its own session, like the others.
    process = varnish.start(
        deployment.state_dir,
        listen=(deployment.host, deployment.varnish_port),
        backends=backends,
        default_ttl=page_seconds,
        new_session=True,
    )
    return _entry("varnish", process)


def _start_edge(deployment: Deployment) -> dict:
    process = edge.start(
        deployment.state_dir,
        listen=(deployment.host, deployment.edge_port),
        varnish=(deployment.host, deployment.varnish_port),
        new_session=True,
    )
    return _entry("edge", process)


def _entry(name: str, process: subprocess.Popen) -> dict:
    return {
        "name": name,
        "pid": process.pid,
        "started_at": started_at(process.pid),
        "command": process.args,
    }


def down(deployment: Deployment) -> None:
    """Stop every process recorded (SIGTERM to its group, SIGKILL after 15 s)."""
    entries = _recorded(deployment)
    for entry in entries:
        if alive(entry):
            os.killpg(entry["pid"], signal.SIGTERM)
    deadline = time.monotonic() + 15
    for entry in entries:
        while alive(entry) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(entry):
            os.killpg(entry["pid"], signal.SIGKILL)
    deployment.pids_file.unlink(missing_ok=True)


def status(deployment: Deployment) -> list[dict]:
    """Each recorded process: alive, and its resident memory with its children's."""
    rows = []
    for entry in _recorded(deployment):
        rows.append({**entry, "alive": alive(entry), "rss_mib": group_rss_mib(entry["pid"])})
    return rows


def record(deployment: Deployment, processes: list[dict]) -> None:
    deployment.pids_file.write_text(json.dumps(processes, indent=2, default=str), encoding="utf-8")


def _recorded(deployment: Deployment) -> list[dict]:
    if not deployment.pids_file.exists():
        return []
    return json.loads(deployment.pids_file.read_text(encoding="utf-8"))


def alive(entry: dict) -> bool:
    """The recorded process still runs, and is still ours: the same start time, not a recycled
    id (gunicorn renames its processes, so the command line would not tell)."""
    return started_at(entry["pid"]) == entry.get("started_at", -1)


def started_at(pid: int) -> int | None:
    """The process's start time in clock ticks since boot; None if gone or a zombie."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] == "Z" else int(fields[19])


# --- memory -------------------------------------------------------------------------------------


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of one process (its threads included); 0 if gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def group_rss_mib(pid: int) -> float:
    return rss_mib(pid) + sum(group_rss_mib(child) for child in children(pid))


# --- small helpers ------------------------------------------------------------------------------


def _ensure_free(host: str, port: int) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise SystemExit(
                f"port {port} on {host} is taken; choose others with DATELINE_SCALED_PORT"
            ) from None


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _wait(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def main(argv: list[str]) -> int:
    deployment = Deployment.from_environment()
    command = argv[0] if argv else "status"
    if command == "up":
        processes = up(deployment)
        for entry in processes:
            print(f"{entry['name']:<8} pid {entry['pid']}")
        print(f"Dateline (scaled) is serving {deployment.reader_url}/ (nginx, then Varnish);")
        print(f"state and logs under {deployment.state_dir}; `make scaled-down` stops it.")
    elif command == "down":
        down(deployment)
        print("stopped")
    elif command == "status":
        rows = status(deployment)
        if not rows:
            print("not running")
        for row in rows:
            state = "running" if row["alive"] else "stopped"
            print(f"{row['name']:<8} pid {row['pid']:<7} {state:<8} {row['rss_mib']:.0f} MiB")
    else:
        print("usage: python -m deploy.scaled up|down|status", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
