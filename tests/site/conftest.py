import io

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from dateline.stories.models import Story
from tests.factories import make_edition, make_section


def page(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def editions(db):
    en = make_edition("en", name="Dateline English", timezone="Asia/Tehran")
    fa = make_edition("fa", name="دیت‌لاین فارسی")
    make_section(en, "world", "World")
    make_section(fa, "world", "جهان")
    return en, fa


@pytest.fixture
def seed_story(editions, seed_path) -> Story:
    call_command(
        "import",
        str(seed_path),
        "--publish",
        "--edition",
        "en",
        "--section",
        "world",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    return Story.objects.get()
