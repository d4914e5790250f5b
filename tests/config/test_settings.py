"""The embedded default, as a new checkout gets it: SQLite in WAL mode and a kept secret key."""

import sqlite3
import stat

import pytest

from tests.processes import dateline_env, run_dateline


def test_embedded_database_is_sqlite_in_wal_mode_under_var(tmp_path):
    run_dateline("migrate", "-v0", env=dateline_env(tmp_path), check=True)
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
    env = dateline_env(tmp_path)
    first = run_dateline(*show_key, env=env, check=True).stdout.strip()
    second = run_dateline(*show_key, env=env, check=True).stdout.strip()
    key_file = tmp_path / "secret_key"
    assert first == second == key_file.read_text()
    assert len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DATELINE_DEBUG", "maybe", "dateline: DATELINE_DEBUG='maybe': expected one of"),
        (
            "DATELINE_PROFILE",
            "production",
            "dateline: DATELINE_PROFILE=production needs SECRET_KEY",
        ),
        ("DATELINE_LOG_LEVEL", "chatty", "dateline: DATELINE_LOG_LEVEL='chatty': expected one of"),
        ("DATABASE_URL", "nonsense", "dateline: DATABASE_URL='nonsense': expected a database URL"),
        (
            "REDIS_URL",
            "http://127.0.0.1:6379/12",
            "dateline: REDIS_URL='http://127.0.0.1:6379/12': expected a Redis URL",
        ),
        (
            "DATELINE_WEB_WORKERS",
            "0",
            "dateline: DATELINE_WEB_WORKERS='0': expected a whole number, 1",
        ),
        ("DATELINE_HTTP_MAX_AGE", "-30", "dateline: DATELINE_HTTP_MAX_AGE='-30': expected a whole"),
        ("PORT", "70000", "dateline: PORT='70000': expected a whole number, 65535 or less"),
    ],
)
def test_a_mistyped_setting_stops_with_one_line_naming_it(tmp_path, variable, value, message):
    """What an operator got wrong, and nothing else: not 45 lines of traceback through the
    settings module ending in it."""
    result = run_dateline("story", "list", env=dateline_env(tmp_path, **{variable: value}))
    assert result.returncode == 1
    assert result.stderr.startswith(message), result.stderr[-2000:]
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_a_log_level_is_read_in_any_case(tmp_path):
    result = run_dateline(
        "shell",
        "-v0",
        "-c",
        "import logging; print(logging.getLevelName(logging.getLogger().level))",
        env=dateline_env(tmp_path, DATELINE_LOG_LEVEL="debug"),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-1] == "DEBUG"
