"""Running `dateline` in a fresh process, as an operator would, on a private var directory."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
# Deployment settings of the shell the suite runs in must not leak into a "fresh" Dateline.
INHERITED_SETTINGS = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")


def dateline_env(var_dir: Path, **overrides: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DATELINE_") and name not in INHERITED_SETTINGS
    }
    env.update({"DATELINE_VAR_DIR": str(var_dir), "DATELINE_LOG_LEVEL": "WARNING", **overrides})
    return env


def run_dateline(
    *args: str, env: dict[str, str], check: bool = False
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dateline", *args],
        env=env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=180,
        check=check,
    )


def start_dateline(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "dateline", *args],
        env=env,
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
