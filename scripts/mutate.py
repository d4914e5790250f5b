"""`make mutate`: run mutmut, then print the mutation score per module and save it as JSON.

    python scripts/mutate.py                            every configured module (incremental)
    python scripts/mutate.py dateline.stories.querysets one module, or several, or a package
    python scripts/mutate.py src/dateline/copy/         paths work too
    python scripts/mutate.py --report                   only the report of the last runs

What is mutated, and which tests run, is [tool.mutmut] in pyproject.toml; docs/mutation.md says
why and how to read the result. Results are kept in mutants/ between runs: a run without modules
tests only mutants that are new or whose function changed; naming modules re-tests all of theirs.
"""

import argparse
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
RESULTS_DIR = ROOT / "bench" / "results"
EQUIVALENTS_DOC = ROOT / "docs" / "mutation.md"
# The shared corpora (seed story, Reuters-21578) beside the repository, for the tests that read
# them: from inside mutants/ the tests would look for them one level too deep.
SHARED = ROOT.parent / "shared"

# mutmut's verdicts, folded into what a reader needs: a timeout means the tests noticed (a mutant
# that loops forever), so it counts as caught; a type checker is not configured.
FOLDED = {"caught by type check": "killed", "segfault": "suspicious"}


def status(exit_code: int | None) -> str:
    from mutmut.stats import status_by_exit_code

    verdict = status_by_exit_code[exit_code]
    return FOLDED.get(verdict, verdict)


MUTANT_NAME = re.compile(r"`(dateline\.[\w.ǁ]+__mutmut_\d+)`")


def module_globs(modules: list[str]) -> list[str]:
    """`dateline.copy`, `src/dateline/copy/`, `src/dateline/copy/dateline.py` → mutant globs."""
    globs = []
    for module in modules:
        dotted = module.removesuffix(".py").strip("/").removeprefix("src/").replace("/", ".")
        globs.append(f"{dotted}.*")
    return globs


def refresh_copies() -> None:
    """mutmut copies the source tree into mutants/ once and then only regenerates the files it
    mutates: templates, static files and tests would stay as they were on the first run."""
    if not MUTANTS.is_dir():
        return
    shutil.rmtree(MUTANTS / "tests", ignore_errors=True)
    for path in (MUTANTS / "src").rglob("*"):
        if path.is_file() and path.suffix not in {".py", ".meta", ".spans"}:
            path.unlink()


def after_test_changes() -> None:
    """mutmut links tests to functions in one full run of the suite and afterwards only adds
    tests with new names; it re-tests a survivor only when asked. So when any test file changed
    since the last run, drop the links (mutmut records them again, one run of the suite) and
    mark the survivors untested: a plain run then tries the new tests on them."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "tests").rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    marker = MUTANTS / "tests.sha256"
    if marker.is_file() and marker.read_text() == digest.hexdigest():
        return
    MUTANTS.mkdir(exist_ok=True)
    (MUTANTS / "mutmut-stats.json").unlink(missing_ok=True)
    for meta in (MUTANTS / "src").rglob("*.py.meta"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        verdicts = data["exit_code_by_key"]
        for name, code in verdicts.items():
            if status(code) not in {"killed", "timeout"}:
                verdicts[name] = None
        meta.write_text(json.dumps(data, indent=4), encoding="utf-8")
    marker.write_text(digest.hexdigest())


def run_mutmut(modules: list[str]) -> int:
    env = dict(os.environ)
    if SHARED.is_dir():
        env.setdefault("DATELINE_SHARED_DIR", str(SHARED))
    mutmut = Path(sys.executable).with_name("mutmut")
    command = [str(mutmut), "run", *module_globs(modules)]
    print("$", " ".join(command), flush=True)
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def listed_equivalents() -> set[str]:
    """Mutant names docs/mutation.md lists as equivalent (no test can tell them apart)."""
    if not EQUIVALENTS_DOC.is_file():
        return set()
    text = EQUIVALENTS_DOC.read_text(encoding="utf-8")
    section = text.partition("## Equivalent mutants")[2].partition("\n## ")[0]
    return set(MUTANT_NAME.findall(section))


def collect(modules: list[str]) -> dict[str, dict]:
    """Counts per module from mutmut's result files (mutants/src/**/*.py.meta)."""
    prefixes = [glob.removesuffix("*") for glob in module_globs(modules)]
    equivalent = listed_equivalents()
    report = {}
    for meta in sorted((MUTANTS / "src").rglob("*.py.meta")):
        module = ".".join(meta.relative_to(MUTANTS / "src").with_suffix("").with_suffix("").parts)
        module = module.removesuffix(".__init__")
        if prefixes and not any(f"{module}.".startswith(prefix) for prefix in prefixes):
            continue
        exit_codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        if not exit_codes:
            continue
        counts = Counter(status(code) for code in exit_codes.values())
        survivors = sorted(
            name
            for name, code in exit_codes.items()
            if status(code) in {"survived", "no tests", "suspicious"}
        )
        equivalent_here = [
            name
            for name in survivors
            if name in equivalent and status(exit_codes[name]) == "survived"
        ]
        counts["equivalent"] = len(equivalent_here)
        counts["total"] = len(exit_codes)
        report[module] = {
            "counts": dict(counts),
            "survivors": [name for name in survivors if name not in equivalent_here],
            "equivalent": equivalent_here,
        }
    return report


def score(counts: Counter | dict) -> tuple[int, int, float | None]:
    """(caught, countable, percent): not-checked and skipped mutants are not counted, nor are
    survivors listed as equivalent; survivors with no test covering them are."""
    caught = counts.get("killed", 0) + counts.get("timeout", 0)
    countable = (
        caught
        + counts.get("survived", 0)
        - counts.get("equivalent", 0)
        + counts.get("no tests", 0)
        + counts.get("suspicious", 0)
    )
    return caught, countable, (100 * caught / countable if countable else None)


def print_report(report: dict[str, dict]) -> None:
    columns = ["killed", "timeout", "survived", "equivalent", "no tests", "not checked", "total"]
    header = f"{'module':<42}" + "".join(f"{c:>12}" for c in columns) + f"{'score':>9}"
    print()
    print(header)
    print("-" * len(header))
    total: Counter = Counter()
    for module, entry in report.items():
        counts = entry["counts"]
        total.update(counts)
        percent = score(counts)[2]
        print(
            f"{module:<42}"
            + "".join(f"{counts.get(c, 0):>12}" for c in columns)
            + (f"{percent:>8.1f}%" if percent is not None else f"{'-':>9}")
        )
    print("-" * len(header))
    percent = score(total)[2]
    print(
        f"{'all':<42}"
        + "".join(f"{total.get(c, 0):>12}" for c in columns)
        + (f"{percent:>8.1f}%" if percent is not None else f"{'-':>9}")
    )
    print(
        "\nscore = (killed + timeout) / (all - not checked - equivalent). "
        "`.venv/bin/mutmut show NAME` shows a survivor's diff."
    )


def save(report: dict[str, dict]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    data = {
        "tool": "mutmut",
        "finished_at": now.isoformat(timespec="seconds"),
        "modules": {
            module: {**entry, "score": score(entry["counts"])[2]}
            for module, entry in report.items()
        },
    }
    path = RESULTS_DIR / f"mutation-{now:%Y%m%dT%H%M%SZ}.json"
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    (RESULTS_DIR / "mutation-latest.json").write_text(text, encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="dotted modules or source paths (default: all)")
    parser.add_argument("--report", action="store_true", help="only report the last results")
    args = parser.parse_args()

    returncode = 0
    if not args.report:
        refresh_copies()
        after_test_changes()
        returncode = run_mutmut(args.modules)
    report = collect(args.modules)
    if not report:
        print("No mutation results yet: run `make mutate` first.", file=sys.stderr)
        return returncode or 1
    print_report(report)
    path = save(report)
    print(f"JSON: {path.relative_to(ROOT)} (and bench/results/mutation-latest.json)")
    return returncode


if __name__ == "__main__":
    sys.exit(main())
