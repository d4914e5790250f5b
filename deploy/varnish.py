"""Varnish in front of the web processes: the configuration rendered from deploy/varnish.vcl.in,
and varnishd started and stopped (by `make scaled-up`, tests/deploy and bench/load.py)."""

import shutil
import subprocess
from pathlib import Path

from deploy import daemons

TEMPLATE = Path(__file__).resolve().parent / "varnish.vcl.in"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VSL_MASK = ",".join(
    f"-{tag}"
    for tag in [
        "ReqHeader", "RespHeader", "BereqHeader", "BerespHeader", "ObjHeader",
        "ReqUnset", "RespUnset", "BereqUnset", "BerespUnset",
        "Timestamp", "VCL_call", "VCL_return", "Link", "Storage", "Debug",
    ]
)  # fmt: skip


def available() -> bool:
    return Path(VARNISHD).is_file() and shutil.which("cc") is not None


def render(backends: list[tuple[str, int]], *, default_ttl: int, purgers=("127.0.0.1", "::1")):
    """The VCL for these web processes, round robin with health probes."""
    declared, added = [], []
    for index, (host, port) in enumerate(backends):
        for name, probe in ((f"web{index}", "    .probe = healthz;\n"), (f"any{index}", "")):
            declared.append(
                f'backend {name} {{\n    .host = "{host}";\n    .port = "{port}";\n{probe}'
                "    .connect_timeout = 1s;\n    .first_byte_timeout = 30s;\n}"
            )
        added += [f"    web.add_backend(web{index});", f"    anyweb.add_backend(any{index});"]
    values = {
        "@BACKENDS@": "\n\n".join(declared),
        "@DIRECTOR_ADDS@": "\n".join(added),
        "@PURGERS@": "\n".join(f'    "{address}";' for address in purgers),
        "@DEFAULT_TTL@": str(default_ttl),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(name, value)
    return text


def start(
    state_dir: Path,
    *,
    listen: tuple[str, int],
    backends: list[tuple[str, int]],
    default_ttl: int = 60,
    memory: str = "256m",
    new_session: bool = False,
) -> subprocess.Popen:
    """varnishd in the foreground (a child of the caller), its VCL and working directory under
    `state_dir`; returns once it answers."""
    state_dir.mkdir(parents=True, exist_ok=True)
    vcl = state_dir / "varnish.vcl"
    vcl.write_text(render(backends, default_ttl=default_ttl), encoding="utf-8")
    work = state_dir / "varnish-work"
    work.mkdir(exist_ok=True)
    command = [
        VARNISHD,
        "-F",  # foreground: the caller owns the process
        "-n", str(work),
        "-a", f"{listen[0]}:{listen[1]}",
        "-f", str(vcl),
        "-s", f"malloc,{memory}",
        "-T", "none",
        "-p", "default_grace=10",
        # Threads for the load of a small machine, started at once rather than on demand.
        "-p", "thread_pools=2",
        "-p", "thread_pool_min=50",
        # The shared-memory log without every header and timestamp of every request: writing
        # them was a quarter of the CPU of a hit (docs/benchmarks.md, "Load"). varnishlog still
        # shows each request's method, URL, status and errors.
        "-p", f"vsl_mask={VSL_MASK}",
        # No privilege separation: it runs as whoever starts it, and reads that one's files.
        "-j", "none",
    ]  # fmt: skip
    log = (state_dir / "varnish.log").open("ab")
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=new_session
    )
    daemons.wait_until_answering(process, listen, state_dir / "varnish.log")
    return process


def stop(process: subprocess.Popen) -> None:
    daemons.stop(process)
