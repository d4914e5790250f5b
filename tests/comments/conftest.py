import time

import pytest

from dateline.comments.defences import issue_token
from tests.factories import make_edition, make_story
from tests.site.conftest import page


@pytest.fixture
def editions(db):
    return make_edition("en"), make_edition("fa", language="fa")


@pytest.fixture
def story(editions):
    return make_story(editions[0], headline="Talks resume in Moscow")


@pytest.fixture(autouse=True)
def _generous_rate(settings):
    """Most tests post several comments from one test client: the flood tests set their own."""
    settings.COMMENT_RATE = [(1000, 60)]


def form_data(story, **fields) -> dict:
    """A filled-in form as a reader sends it, its token issued a minute ago."""
    return {
        "name": "Maryam",
        "email": "maryam@example.org",
        "text": "A thoughtful comment.",
        "token": issue_token(story.code, story.version, now=time.time() - 60),
        "website": "",
        **fields,
    }


def post(client, story, **fields):
    url = f"/{story.edition.code}/news/{story.code}/comment"
    return client.post(url, form_data(story, **fields), REMOTE_ADDR=fields.pop("ip", "10.0.0.1"))


__all__ = ["form_data", "page", "post"]
