"""An argument that is not UTF-8 (typed in a Latin-1 terminal) is refused naming it, before
any command runs: not a UnicodeEncodeError traceback from the database or a hash, and not a
note stored without its letter. A file's name is bytes: one naming a file is still taken."""

import os

from tests.processes import dateline_env, run_dateline

LATIN_1 = os.fsdecode(b"Caf\xe9")  # what Python makes of the bytes: "Caf\udce9"


def test_an_argument_that_is_not_utf8_is_refused_naming_it(tmp_path):
    env = dateline_env(tmp_path)
    run_dateline("migrate", "-v0", env=env, check=True)
    for command in (
        ("comments", "export", "--email", f"{LATIN_1}@example.org"),
        ("comments", "approve", "1", "--as", LATIN_1),
        ("reindex", f"--edition={LATIN_1}"),
        ("story", "comments", "1", "pre", "--note", LATIN_1),
    ):
        result = run_dateline(*command, env=env)
        assert result.returncode == 2, command
        assert "Traceback" not in result.stderr
        [line] = result.stderr.splitlines()
        assert "Caf\\xe9" in line and "is not UTF-8 text" in line, line


def test_a_file_whose_name_is_not_utf8_is_still_read(tmp_path):
    copy = tmp_path / f"{LATIN_1}.txt"
    copy.write_text("Rail link opens\n\nTEHRAN, Dec 1 (Reuters) - The line opened today.\n")
    result = run_dateline("parse", str(copy), env=dateline_env(tmp_path / "var"))
    assert result.returncode == 0, result.stderr
    assert "Rail link opens" in result.stdout
