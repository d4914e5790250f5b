import math
import tempfile
from pathlib import Path

import pytest
from django.core.cache import caches
from django.urls import get_script_prefix, set_script_prefix

from tests.paths import IPTC_EXAMPLES, REUTERS, SEED


def pytest_configure(config):
    from django.conf import settings

    # Tests serve static files straight from the apps, so the suite needs no collectstatic run;
    # tests/site/test_static.py exercises the hashed, compressed production storage itself.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Scrypt is slow on purpose; the suite makes hundreds of newsroom members.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    for alias, cache_settings in settings.CACHES.items():
        # The embedded caches, in directories of the test run's own, not a dev server's.
        if cache_settings["BACKEND"].endswith("FileBasedCache"):
            cache_settings["LOCATION"] = tempfile.mkdtemp(prefix=f"dateline-test-{alias}-")
        elif cache_settings["BACKEND"].endswith("SQLiteCounterCache"):
            directory = Path(tempfile.mkdtemp(prefix=f"dateline-test-{alias}-"))
            cache_settings["LOCATION"] = directory / "counters.sqlite3"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached edition furniture must not leak between
    tests whose database rows were rolled back (nor the copy a process trusts for a moment)."""
    from dateline.site import chrome
    from dateline.stories import querysets

    chrome._trusted_until = -math.inf
    querysets._known.clear()  # each process's copy of tags' frequencies, read from the cache
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


@pytest.fixture(autouse=True)
def _script_prefix():
    """Each test ends with the script prefix it started with. Django's WSGI handler makes a
    request's SCRIPT_NAME the prefix of its thread and never puts it back, so a test calling the
    WSGI application under `/news` (tests/site/test_fast_path.py) left every later test's
    `reverse()` and `get_absolute_url()` under `/news/`, whose pages the test client then asked
    for and got 404s. In file order the next request put it back; mutmut runs the tests in
    another order (docs/mutation.md), where an unrelated test failed."""
    prefix = get_script_prefix()
    yield
    set_script_prefix(prefix)


@pytest.fixture
def seed_path() -> Path:
    if not SEED.is_file():
        pytest.skip(
            f"the seed document is not at {SEED} (../shared is absent; set DATELINE_SHARED_DIR)"
        )
    return SEED


@pytest.fixture
def iptc_examples() -> Path:
    """IPTC's NewsML-G2 examples (../shared/data/iptc)."""
    if not IPTC_EXAMPLES.is_dir():
        pytest.skip(
            f"IPTC's NewsML-G2 examples are not at {IPTC_EXAMPLES} (../shared is absent; set "
            "DATELINE_SHARED_DIR)"
        )
    return IPTC_EXAMPLES


@pytest.fixture
def reuters_dir() -> Path:
    if not REUTERS.is_dir():
        pytest.skip(
            f"Reuters-21578 is not at {REUTERS} (../shared is absent; set DATELINE_SHARED_DIR)"
        )
    return REUTERS
