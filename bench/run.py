"""Dateline's benchmarks: `python bench/run.py [--quick] [--only NAME]`.

- parse:   Reuters-21578 (22 files) through the pure wire-copy parser, stories per second,
           median of several runs, in memory and with file I/O. Target ≥ 5,000 stories/s.
- import:  the parsed Reuters stories stored through `import_stories`, in batches of 500 (one
           transaction each), rendered and published, into a fresh SQLite database; stories
           per second beside the parser alone in the same run, and their ratio; time per
           batch, database size. Target ≥ 2,500 stories/s.
- article: the article page's server cost in-process (median and p95 ms over 1,000 requests
           after warm-up, queries per request, page size) beside a minimal plain-Django page
           measured in the same run through the same middleware. Targets: ≤ 2 ms median,
           ≤ 6 queries, ≤ 3 × the minimal page. The edition front page is shown for information.
- release: scheduled time → story visible on its page, over HTTP from a real `dateline serve`
           (gunicorn and the worker) on SQLite: median and worst over 100 stories.
           Targets: ≤ 2 s median, ≤ 5 s worst.
- newsroom: the newsroom's story list (filtered and not), Incoming and the audit log at
           100,000 stories (bulk-written), signed in, through the test client: median and p95
           ms, queries per request at 2,500 and at 100,000 stories. Targets: ≤ 150 ms median
           for the list; no query added by the table's size.
- comments: the article page rendered (a cache miss) with 2,000 approved comments beside the
           same page with none, in the same run: median ms, queries, comments drawn, and their
           ratio (target ≤ 1.5); comment posts through the whole pipeline (the comment view
           and `submit_comment`) on SQLite, comments per second (target ≥ 200/s).
- related: Related News quality on Reuters-21578 with the topic labels held out: precision@5
           over a seeded sample of 2,000 stories (share of the 5 related sharing a topic),
           overall and on the hard subset (neither earn nor acq), complete lists, and the same
           read off the article pages. Targets: ≥ 0.90 overall, ≥ 0.85 hard.
- pagecost: the page-cost table: nginx serving the article page as a file, a raw WSGI app
           returning its bytes (Python's floor), a plain Django view, and the article, front,
           section and tag pages from the page cache and rendered, each driven by wrk (32
           connections) against gunicorn with 2 sync workers: req/s, server CPU per request
           from /proc, in-process ms; resident memory of web processes and the task worker.
           Targets: rendered ≤ 10 × the floor's CPU, cache hits ≥ 0.6 × the floor's req/s.
           DATELINE_BENCH_PAGECOST_CORPUS points it at a scale corpus (bench/pagecost.py).

Each benchmark runs in its own Python process (and its own temporary database), so none
inherits another's caches or heap. Targets are reported as met or not met; a missed target
never fails the run, only a benchmark that breaks does. The table goes to stdout, the JSON to
bench/results/bench-<UTC timestamp>.json and bench/results/latest.json.
"""

import argparse
import datetime
import importlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
# Run as a script, Python puts bench/ itself first on the path; the modules are bench.*.
if sys.path[0] == str(BENCH_DIR):
    sys.path[0] = str(BENCH_DIR.parent)

BENCHMARKS = {
    "parse": "bench.parse",
    "import": "bench.import_",
    "article": "bench.article",
    "release": "bench.release",
    "newsroom": "bench.newsroom",
    "comments": "bench.comments",
    "related": "bench.related",
    "load": "bench.load",
    "wire": "bench.wire",
    "invalidation": "bench.invalidation",
    "scale": "bench.discovery_scale",
    "pagecost": "bench.pagecost",
}
CHILD_TIMEOUT_SECONDS = 600
# The scale benchmark builds corpora of up to a million stories the first time (then cached);
# the page-cost one drives 15 targets for 3 rounds (11 minutes at load 13); Related News
# quality computes every list of 10,000 Reuters stories (over 10 minutes on a loaded machine).
CHILD_TIMEOUTS = {"scale": 6 * 3600, "load": 1200, "pagecost": 1800, "related": 1800}


def main(argv: list[str] | None = None) -> int:
    options = _arguments(argv)
    if options.child:
        return _child(options)
    from bench import report

    started = datetime.datetime.now(datetime.UTC)
    machine = report.machine()
    names = [options.only] if options.only else list(BENCHMARKS)
    rows = []
    for name in names:
        rows += _in_child_process(name, options.quick)
    print(report.table(rows))
    machine["load_average_after"] = report.load_average()
    path = report.write_json(_document(rows, options, started, machine), started)
    print(f"\nJSON: {path.relative_to(BENCH_DIR.parent)} (and bench/results/latest.json)")
    return 1 if any("error" in row for row in rows) else 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, 3 Reuters files")
    parser.add_argument("--only", choices=BENCHMARKS, help="run one benchmark")
    parser.add_argument("--child", choices=BENCHMARKS, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _child(options: argparse.Namespace) -> int:
    """Run one benchmark in this process and write its rows to --out."""
    module = importlib.import_module(BENCHMARKS[options.child])
    rows = module.run(quick=options.quick)
    options.out.write_text(json.dumps(rows), encoding="utf-8")
    return 0


def _in_child_process(name: str, quick: bool) -> list[dict]:
    """The rows of benchmark `name`, run by a fresh interpreter; an error row if it breaks."""
    with tempfile.TemporaryDirectory(prefix="dateline-bench-") as scratch:
        out = Path(scratch) / "rows.json"
        command = [sys.executable, __file__, "--child", name, "--out", str(out)]
        started = time.perf_counter()
        timeout = CHILD_TIMEOUTS.get(name, CHILD_TIMEOUT_SECONDS)
        try:
            completed = subprocess.run(command + (["--quick"] if quick else []), timeout=timeout)
        except subprocess.TimeoutExpired:
            return [{"name": name, "error": f"over {timeout} s; stopped"}]
        print(f"{name}: done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        if completed.returncode != 0 or not out.exists():
            return [{"name": name, "error": f"exit status {completed.returncode}, see above"}]
        return json.loads(out.read_text(encoding="utf-8"))


def _document(rows, options, started, machine) -> dict:
    return {
        "started_at": started.isoformat(),
        "finished_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "quick": options.quick,
        "only": options.only,
        "machine": machine,
        "results": rows,
    }


if __name__ == "__main__":
    sys.exit(main())
