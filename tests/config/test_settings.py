"""The embedded default, as a new checkout gets it: SQLite in WAL mode and a kept secret key."""

import os
import sqlite3
import stat
import subprocess
import sys


def run_dateline(*args, var_dir) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATELINE_")}
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        env.pop(name, None)
    env["DATELINE_VAR_DIR"] = str(var_dir)
    return subprocess.run(
        [sys.executable, "-m", "dateline", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_embedded_database_is_sqlite_in_wal_mode_under_var(tmp_path):
    run_dateline("migrate", "-v0", var_dir=tmp_path)
    database = tmp_path / "dateline.sqlite3"
    assert database.is_file()
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_secret_key_is_generated_once_private_and_kept(tmp_path):
    show_key = [
        "shell",
        "-v0",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
    ]
    first = run_dateline(*show_key, var_dir=tmp_path).stdout.strip()
    second = run_dateline(*show_key, var_dir=tmp_path).stdout.strip()
    key_file = tmp_path / "secret_key"
    assert first == second == key_file.read_text()
    assert len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
