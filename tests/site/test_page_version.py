"""The code version in every page-cache key covers the modules, templates, stylesheets and
interface words that render pages, and nothing else: a deployment that changes how a page looks
retires the pages cached before it, and one that does not keeps them."""

from pathlib import Path

import pytest

from dateline.site.page_cache import _code_version


def version_with_changed(monkeypatch, suffix: str) -> str:
    """The version as it would be if every file ending in `suffix` read differently."""
    read_bytes = Path.read_bytes

    def changed(path: Path) -> bytes:
        data = read_bytes(path)
        return data + b"\n/* changed */" if path.suffix == suffix else data

    with monkeypatch.context() as patch:
        patch.setattr(Path, "read_bytes", changed)
        return _code_version()


def test_the_version_is_a_short_stable_digest():
    version = _code_version()
    assert len(version) == 12 and int(version, 16) >= 0
    assert _code_version() == version


@pytest.mark.parametrize("suffix", [".py", ".html", ".css", ".po", ".xml"])
def test_a_changed_module_template_stylesheet_or_translation_changes_the_version(
    monkeypatch, suffix
):
    assert version_with_changed(monkeypatch, suffix) != _code_version()


def test_a_compiled_catalogue_counts_by_being_there_not_by_its_bytes(monkeypatch):
    """Compiled by another Babel, a .mo differs and means the same; missing, pages are in
    English, and once it is compiled they must not be served from the cache as they were."""
    assert version_with_changed(monkeypatch, ".mo") == _code_version()
    rglob = Path.rglob

    def without_mo(path: Path, pattern: str):
        return (found for found in rglob(path, pattern) if found.suffix != ".mo")

    with monkeypatch.context() as patch:
        patch.setattr(Path, "rglob", without_mo)
        uncompiled = _code_version()
    assert uncompiled != _code_version()


@pytest.mark.parametrize("suffix", [".txt", ".toml"])  # demo copy, its catalogue
def test_other_files_leave_the_version(monkeypatch, suffix):
    assert version_with_changed(monkeypatch, suffix) == _code_version()


def test_a_file_renamed_with_the_same_content_changes_the_version(monkeypatch):
    """The names count as well as the contents: the 404 template saved under another name
    (same place in the order, same bytes) makes a new version."""
    relative_to = Path.relative_to

    def renamed(path: Path, *others) -> Path:
        name = relative_to(path, *others)
        return name.with_name("404-renamed.html") if name.name == "404.html" else name

    with monkeypatch.context() as patch:
        patch.setattr(Path, "relative_to", renamed)
        moved = _code_version()
    assert moved != _code_version()


def test_files_beside_the_package_leave_the_version():
    """Installed, the package sits in site-packages among every other distribution: their
    modules are not ours and must not make a new version (nor be read at start-up)."""
    import dateline

    beside_the_package = Path(dateline.__file__).resolve().parents[1]
    neighbour = beside_the_package / "zz_dateline_test_neighbour.py"
    before = _code_version()
    neighbour.write_text("NOT_DATELINE = True\n")
    try:
        assert _code_version() == before
    finally:
        neighbour.unlink()
