import pytest

from tests.factories import make_edition, make_section


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the changes inside fan out once they commit (the search
    index's receiver among them), as outside a test's transaction."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def editions(db):
    en = make_edition("en", timezone="Asia/Tehran")
    fa = make_edition("fa")
    make_section(en, "world", "World")
    make_section(en, "politics", "Politics")
    return en, fa
