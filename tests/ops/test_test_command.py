"""`dateline test` runs the pytest suite instead of Django's runner, which finds nothing here."""

from tests.processes import dateline_env, run_dateline


def test_dateline_test_runs_the_pytest_suite(tmp_path):
    result = run_dateline(
        "test", "--", "tests/copy/test_language.py", "-q", env=dateline_env(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
    assert "NO TESTS RAN" not in result.stdout + result.stderr


def test_dateline_test_fails_when_pytest_selects_nothing(tmp_path):
    result = run_dateline(
        "test", "tests/copy/test_language.py", "-k", "no_such_test", env=dateline_env(tmp_path)
    )
    assert result.returncode != 0
