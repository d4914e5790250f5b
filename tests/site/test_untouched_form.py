"""The comment form every reader gets (no reply named, nothing sent back) is written once per
process for each set of values it shows and given a new token per reader (decision 0044's
way): a change to any of those values shows on the next page. Each test changes one value of
the key; leaving it out of the key fails that test."""

import pytest

from dateline.site import comments
from tests.factories import make_story
from tests.prefix import asked_under
from tests.site.conftest import page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rendered_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


def form(response):
    return page(response).select_one("#comment-form")


def test_each_reader_gets_a_new_token_in_a_form_written_once(client, editions):
    en, _ = editions
    story = make_story(en)
    comments._untouched_forms.held.clear()
    first, second = (form(client.get(story.get_absolute_url())) for _ in range(2))
    tokens = [f.select_one("input[name=token]")["value"] for f in (first, second)]
    assert tokens[0] != tokens[1]
    for each in (first, second):
        each.select_one("input[name=token]")["value"] = ""
    assert str(first) == str(second)
    assert len(comments._untouched_forms.held) == 1


def test_each_story_and_edition_has_its_own_form(client, editions):
    en, fa = editions
    stories = [make_story(en), make_story(en), make_story(fa, headline="خبر", lead="متن.")]
    for story in stories:
        action = form(client.get(story.get_absolute_url())).select_one("form")["action"]
        assert action.startswith(f"/{story.edition.code}/news/{story.code}/")


def test_the_forms_words_follow_the_editions_language(client, editions):
    en, _ = editions
    story = make_story(en)
    assert form(client.get(story.get_absolute_url())).h2.get_text() == "Your Comment"
    en.language = "fa"
    en.save()
    assert form(client.get(story.get_absolute_url())).h2.get_text() == "نظر شما"


def test_cancel_goes_back_to_the_address_the_story_was_read_at(client, editions):
    en, _ = editions
    story = make_story(en)
    plain = form(client.get(story.get_absolute_url())).select_one("a.cancel-reply")["href"]
    assert plain == f"{story.get_absolute_url()}#comment-form"
    prefixed = form(asked_under("/agency/", client.get, story.get_absolute_url()))
    assert prefixed.select_one("a.cancel-reply")["href"].startswith("/agency/en/news/")
    assert prefixed.select_one("form")["action"].startswith("/agency/en/news/")


def test_the_length_limit_shows_as_set(client, editions, settings):
    en, _ = editions
    story = make_story(en)
    assert form(client.get(story.get_absolute_url())).textarea["maxlength"] != "300"
    settings.COMMENT_MAX_LENGTH = 300
    assert form(client.get(story.get_absolute_url())).textarea["maxlength"] == "300"


def test_a_reply_named_is_this_readers_alone(client, editions):
    en, _ = editions
    story = make_story(en)
    form(client.get(story.get_absolute_url()))
    replying = form(client.get(story.get_absolute_url() + "?reply=999"))
    assert replying.select_one("input[name=parent]")["value"] == ""  # no such comment
    assert form(client.get(story.get_absolute_url())).select_one("p.replying").has_attr("hidden")
