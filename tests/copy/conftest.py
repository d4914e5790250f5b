"""Fixtures for the wire-copy parser tests."""

from pathlib import Path

import pytest
from copy_support import SHARED


@pytest.fixture
def shared() -> Path:
    """The shared data directory beside the repository; skips the test when absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared (seed document and Reuters-21578) is not present")
    return SHARED
