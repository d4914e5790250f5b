"""A command run on a database that was never migrated says so and names the cure, instead of
Django's traceback ("no such table"); and changes nothing."""

import socket
import sqlite3

from tests.processes import dateline_env, run_dateline


def test_a_command_on_a_database_not_set_up_names_the_cure(tmp_path):
    env = dateline_env(tmp_path)
    result = run_dateline("story", "list", env=env)
    assert result.returncode == 1
    assert "the database is not set up" in result.stderr
    assert "run `dateline migrate` first" in result.stderr
    assert "Traceback" not in result.stderr
    run_dateline("migrate", "-v0", env=env, check=True)
    assert run_dateline("story", "list", env=env).returncode == 0


def test_other_database_errors_are_not_called_a_missing_set_up(tmp_path):
    """A database that cannot be reached is not one "not set up": its own error shows."""
    env = dateline_env(tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:9/none")
    result = run_dateline("story", "list", env=env)
    assert result.returncode != 0
    assert "not set up" not in result.stderr
    assert "127.0.0.1" in result.stderr


def test_a_failing_migrate_shows_its_own_error(tmp_path):
    """`migrate` is the cure, not the ailment: when it fails, what failed is shown."""
    with sqlite3.connect(tmp_path / "dateline.sqlite3") as database:
        database.execute("CREATE TABLE editions_edition (squatter integer)")  # in its way
    result = run_dateline("migrate", "-v0", env=dateline_env(tmp_path))
    assert result.returncode != 0
    assert "not set up" not in result.stderr
    assert "editions_edition" in result.stderr


def test_serve_on_a_database_not_set_up_refuses_to_start(tmp_path):
    """Not "serving" a 503 page for ever: nothing would ever create the tables."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_dateline("serve", "--no-worker", "--port", str(port), env=dateline_env(tmp_path))
    assert result.returncode == 1
    assert "the database is not set up" in result.stderr
    assert "is serving" not in result.stdout


def test_a_database_that_cannot_be_used_is_one_line_naming_it(tmp_path):
    """An operator's trouble, not a hundred lines through Django: which database, and what it
    answered (DATELINE_DEBUG=true still shows the traceback)."""
    unreachable = dateline_env(tmp_path / "a", DATABASE_URL="postgres://nobody@127.0.0.1:9/none")
    missing_dir = dateline_env(
        tmp_path / "b", DATABASE_URL=f"sqlite:///{tmp_path}/no/such/dir/x.sqlite3"
    )
    for env, named in ((unreachable, "none on 127.0.0.1:9"), (missing_dir, "no/such/dir")):
        result = run_dateline("story", "list", env=env)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        [line] = result.stderr.splitlines()
        assert line.startswith("dateline: the database ") and named in line, line
    debugging = run_dateline("story", "list", env={**unreachable, "DATELINE_DEBUG": "true"})
    assert "Traceback" in debugging.stderr


def test_a_var_directory_that_cannot_be_made_is_named(tmp_path):
    (tmp_path / "a-file").write_text("")
    result = run_dateline("story", "list", env=dateline_env(tmp_path / "a-file" / "var"))
    assert result.returncode == 1
    assert result.stderr.strip().endswith("cannot be made a directory (Not a directory)")
    assert "Traceback" not in result.stderr
