"""nginx at the edge, in front of Varnish: the configuration rendered from deploy/edge.conf.in,
and nginx started and stopped (by `make scaled-up`, tests/deploy and bench/load.py).
Decision 0049."""

import os
import shutil
import signal
import subprocess
from pathlib import Path

from deploy import daemons

TEMPLATE = Path(__file__).resolve().parent / "edge.conf.in"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# How long the edge keeps a page Varnish shares (the VCL's X-Accel-Expires): nginx's clock
# counts whole seconds, so a page is kept until the second after next, one to two seconds.
KEPT_SECONDS = 1


def available() -> bool:
    return Path(NGINX).is_file()


def render(state_dir: Path, *, listen: tuple[str, int], varnish: tuple[str, int]) -> str:
    values = {
        # nginx started by root would drop its workers to nobody, who cannot write the store.
        "@USER@": "user root;" if os.geteuid() == 0 else "",
        "@STATE@": str(state_dir),
        "@LISTEN@": f"{listen[0]}:{listen[1]}",
        "@VARNISH@": f"{varnish[0]}:{varnish[1]}",
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(name, value)
    return text


def start(
    state_dir: Path,
    *,
    listen: tuple[str, int],
    varnish: tuple[str, int],
    new_session: bool = False,
) -> subprocess.Popen:
    """nginx in the foreground (a child of the caller), its configuration, store and logs under
    `state_dir`; returns once it answers."""
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "edge-temp").mkdir(exist_ok=True)
    config = state_dir / "edge.conf"
    config.write_text(render(state_dir, listen=listen, varnish=varnish), encoding="utf-8")
    log = (state_dir / "edge.log").open("ab")
    process = subprocess.Popen(
        [NGINX, "-c", str(config), "-e", str(state_dir / "edge-error.log")],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=new_session,
    )
    daemons.wait_until_answering(process, listen, state_dir / "edge-error.log")
    return process


def stop(process: subprocess.Popen) -> None:
    daemons.stop(process, signal.SIGQUIT)  # nginx's graceful stop
