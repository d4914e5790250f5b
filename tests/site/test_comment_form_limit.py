"""The comment box tells the reader's browser the longest comment the site accepts, from the
setting the server checks: a reader is stopped while typing, not after sending."""

import pytest

from tests.factories import make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db


def test_the_comment_box_carries_the_sites_length_limit(client, editions, settings):
    settings.COMMENT_MAX_LENGTH = 300
    en, _ = editions
    story = make_story(en)
    box = page(client.get(story.get_absolute_url())).select_one(
        "#comment-form textarea#comment-text"
    )
    assert box["maxlength"] == "300"
    assert box.has_attr("required")
