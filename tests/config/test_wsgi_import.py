"""What importing the WSGI module leaves a web process with (decision 0058)."""

import subprocess
import sys

from tests.processes import PROJECT, dateline_env

REPORT = """
import gc
before = gc.get_freeze_count()
import dateline.config.wsgi
print(before, gc.get_freeze_count(), len(gc.get_objects()))
"""


def test_the_process_s_lasting_objects_are_frozen_out_of_the_collector(tmp_path):
    report = subprocess.run(
        [sys.executable, "-c", REPORT],
        env=dateline_env(tmp_path),
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    before, frozen, still_collected = map(int, report.stdout.split())
    assert before == 0
    # Django and Dateline's modules are tens of thousands of objects; what the collector
    # still walks is a small remainder of them.
    assert frozen > 20_000
    assert still_collected < frozen / 10
