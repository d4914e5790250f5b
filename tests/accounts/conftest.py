import pytest
from django.contrib.auth import get_user_model

from tests.accounts.signing_in import PASSWORD
from tests.site.conftest import browser  # noqa: F401  (Debian's Chromium, shared with site tests)


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings):
    """Scrypt costs a tenth of a second a password by design; these tests check dozens.
    Throttling does not depend on the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_staff(username: str):
    return get_user_model().objects.create_user(
        username, f"{username}@example.org", PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.fixture
def editor(db):
    return make_staff("editor")


@pytest.fixture
def reporter(db):
    return make_staff("reporter")
