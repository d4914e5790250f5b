"""`dateline … | head`: the reader of the output goes away early, as `head` does. The command
stops quietly with the shell's status for it (141), not with a BrokenPipeError traceback."""

import subprocess
import sys

from tests.processes import PROJECT, dateline_env


def test_a_reader_closing_the_pipe_stops_the_command_without_a_traceback(tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    for n in range(400):  # each parsed story is a line of JSON: far more than a pipe holds
        (copy / f"story-{n:03}.txt").write_text(f"Headline {n}\n\n" + "Body text. " * 100 + "\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "dateline", "parse", str(copy)],
        env=dateline_env(tmp_path / "var"),
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout.readline().startswith(b"{")
    process.stdout.close()  # as `head -1` exits
    _out, err = process.communicate(timeout=120)
    assert b"Traceback" not in err, err.decode()[-2000:]
    assert process.returncode == 141
