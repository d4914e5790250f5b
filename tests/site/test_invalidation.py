"""Targeted invalidation (decision 0032): a change to story A retires every page that shows A
and no other. Whether a page came from the page cache is read from its queries: a page kept
and still valid costs one (the newest change ids), a page drawn again several."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dateline.comments import moderation
from dateline.comments.models import Comment
from dateline.discovery.models import RelatedStory
from dateline.editions.models import CommentPolicy
from dateline.site.invalidation import retire_story_pages, urls_showing
from dateline.stories.actions import (
    choose_related,
    correct_story,
    edit_story,
    kill_story,
    link_translation,
    unpublish_story,
)
from dateline.stories.models import Tag
from tests.comments.conftest import post
from tests.factories import make_section, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(editions):
    """Two stories of one edition in different sections and tags, comments closed (the
    article pages hold no per-reader form) and each page kept once."""
    en, _fa = editions
    en.comment_policy = CommentPolicy.CLOSED
    en.save()
    business = make_section(en, "business", "Business")
    a = make_story(en, section=en.sections.get(slug="world"), tags=("Water",), headline="Dam A")
    b = make_story(en, section=business, tags=("Oil",), headline="Refinery B")
    return en, a, b


def kept(client, path: str) -> bool:
    """Whether `path` is answered from the page cache (after any change has been applied)."""
    client.get("/en/feed.json")  # some request applies the changes since
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries) == 1


def a_pages(a) -> list[str]:
    return [
        a.get_absolute_url(),
        "/en/section/world/",
        "/en/tag/water/",
        "/en/section/world/feed.rss",
        "/en/tag/water/feed.json",
    ]


def warm(client, paths):
    for path in paths:
        assert client.get(path).status_code == 200, path
    for path in paths:
        assert kept(client, path), path


@pytest.mark.parametrize("change", ["correct", "kill", "publish another"])
def test_a_change_to_b_leaves_the_pages_showing_only_a_cached(client, newsroom, change):
    en, a, b = newsroom
    warm(client, a_pages(a))
    if change == "correct":
        correct_story(b, note="Spelling", headline="Refinery B, corrected")
    elif change == "kill":
        kill_story(b, reason="Legal")
    else:
        make_story(en, section=b.section, tags=("Oil",), headline="Refinery C")
    for path in a_pages(a):
        assert kept(client, path), path
    # … while B's own lists were retired: the front shows every story of the edition.
    assert not kept(client, "/en/section/business/")
    assert not kept(client, "/en/")


def headlines_everywhere(client, paths: list[str], text: str) -> dict[str, bool]:
    return {path: text.encode() in client.get(path).content for path in paths}


def test_a_correction_to_a_retires_every_page_that_shows_it(client, newsroom, editions):
    en, a, b = newsroom
    _, fa = editions
    reader = make_story(en, headline="Reader R")  # its Related News list holds A
    RelatedStory.objects.create(story=reader, related=a, rank=1, score=0.9, explanation="")
    translation = make_story(fa, headline="ترجمه")
    link_translation(translation, a)
    a.refresh_from_db()  # its translation group
    warm(client, [b.get_absolute_url()])
    paths = [p for p in urls_showing(a) if "sitemap" not in p]
    assert {reader.get_absolute_url(), translation.get_absolute_url()} <= set(paths)
    for path in paths:
        assert client.get(path).status_code == 200, path
    assert headlines_everywhere(client, paths, "Dam A") == dict.fromkeys(paths, True)
    correct_story(a, note="Which dam", headline="Dam A on the Karun")
    a.refresh_from_db()
    paths = [p for p in urls_showing(a) if "sitemap" not in p]
    shown = headlines_everywhere(client, paths, "Dam A on the Karun")
    assert shown == dict.fromkeys(paths, True)
    assert kept(client, b.get_absolute_url())


def test_a_kill_of_a_takes_it_off_every_page_at_once(client, newsroom):
    en, a, b = newsroom
    reader = make_story(en, headline="Reader R")
    RelatedStory.objects.create(story=reader, related=a, rank=1, score=0.9, explanation="")
    warm(client, [b.get_absolute_url()])
    paths = [p for p in urls_showing(a) if p != a.get_absolute_url() and "sitemap" not in p]
    assert all(headlines_everywhere(client, paths, "Dam A").values())
    kill_story(a, reason="Legal")
    assert client.get(a.get_absolute_url()).status_code == 410
    assert headlines_everywhere(client, paths, "Dam A") == dict.fromkeys(paths, False)
    assert kept(client, b.get_absolute_url())


def test_a_published_comment_retires_its_article_and_its_lists_not_others(client, editions):
    en, _ = editions
    en.comment_policy = CommentPolicy.POST  # published on arrival: a moderation event
    en.save()
    a = make_story(en, tags=("Water",), headline="Dam A")
    b = make_story(en, headline="Refinery B")
    client.get(a.get_absolute_url())
    client.get(b.get_absolute_url())
    warm(client, ["/en/tag/water/feed.rss"])
    assert post(client, a, text="A comment on the dam.").status_code == 303
    assert Comment.objects.get().status == "approved"
    assert b"A comment on the dam." in client.get(a.get_absolute_url()).content
    assert not kept(client, "/en/tag/water/feed.rss")  # lists show comment counts
    assert kept(client, b.get_absolute_url())  # its form costs no query


def test_retire_story_pages_retires_exactly_those(client, newsroom):
    _en, a, b = newsroom
    warm(client, [a.get_absolute_url(), b.get_absolute_url()])
    retire_story_pages([a.code])
    assert not kept(client, a.get_absolute_url())
    assert kept(client, b.get_absolute_url())


def test_an_import_sized_batch_retires_every_page(client, newsroom, settings):
    en, a, _b = newsroom
    settings.PAGE_CACHE_TARGETED_LIMIT = 1
    warm(client, [a.get_absolute_url()])
    make_story(en, headline="One")  # created and published: two changes
    assert not kept(client, a.get_absolute_url())


def test_furniture_still_retires_every_page(client, newsroom):
    en, a, _b = newsroom
    warm(client, [a.get_absolute_url()])
    en.name = "Dateline International"
    en.save()
    assert b"Dateline International" in client.get(a.get_absolute_url()).content


def test_urls_showing_names_its_pages_and_no_other_story(newsroom):
    _en, a, b = newsroom
    urls = urls_showing(a)
    assert urls[0] == a.get_absolute_url()
    assert {
        "/en/",
        "/en/section/world/",
        "/en/tag/water/",
        "/en/feed.rss",
        "/en/section/world/feed.atom",
        "/en/tag/water/feed.json",
        "/sitemap.xml",
        "/sitemaps/stories-en.xml",
        "/sitemaps/news-en.xml",
    } <= set(urls)
    assert b.get_absolute_url() not in urls
    assert "/en/section/business/" not in urls and "/en/tag/oil/" not in urls
    assert len(urls) == len(set(urls))


def test_a_related_list_written_retires_the_page_showing_it_and_no_other(client, newsroom):
    _en, a, b = newsroom
    warm(client, [a.get_absolute_url(), b.get_absolute_url()])
    assert b"Refinery B" not in client.get(a.get_absolute_url()).content
    # As discovery writes a list: new rows (no story change, no signal).
    RelatedStory.objects.create(story=a, related=b, rank=1, score=0.5, explanation="")
    assert b"Refinery B" in client.get(a.get_absolute_url()).content
    assert kept(client, b.get_absolute_url())


def test_a_kill_retires_the_pages_whose_stand_in_list_showed_it(client, newsroom):
    """A story with no stored Related News list shows the stand-in (the newest stories sharing
    a tag or its section): those pages show A too, though no stored list names A."""
    en, a, _b = newsroom
    neighbour = make_story(en, section=a.section, tags=("Water",), headline="Canal N")
    assert not RelatedStory.objects.filter(story=neighbour).exists()
    assert b"Dam A" in client.get(neighbour.get_absolute_url()).content
    kill_story(a, reason="Legal")
    assert b"Dam A" not in client.get(neighbour.get_absolute_url()).content


@pytest.fixture
def picked(client, newsroom):
    """B picked by an editor into A's Related News, which holds a stored list without B (so
    A's page shows no stand-in, which a change in B's section or tags would retire), and A's
    page kept showing B."""
    en, a, b = newsroom
    listed = make_story(en, section=a.section, headline="Reservoir L")
    RelatedStory.objects.create(story=a, related=listed, rank=1, score=0.9, explanation="")
    choose_related(a, b.code, "pick")
    warm(client, [a.get_absolute_url()])
    assert b"Refinery B" in client.get(a.get_absolute_url()).content
    return a, b


@pytest.mark.parametrize(
    "take_down",
    [
        pytest.param(lambda b: kill_story(b, reason="Legal"), id="kill"),
        pytest.param(unpublish_story, id="unpublish"),
    ],
)
def test_a_picked_story_taken_down_leaves_the_page_that_picked_it_at_once(
    client, picked, take_down
):
    a, b = picked
    take_down(b)
    page = client.get(a.get_absolute_url()).content
    assert b"Refinery B" not in page
    assert b.get_absolute_url().encode() not in page
    assert b"Reservoir L" in page


def test_a_correction_of_a_picked_story_shows_on_the_page_that_picked_it_at_once(client, picked):
    a, b = picked
    correct_story(b, note="Which refinery", headline="Refinery B at Abadan")
    assert b"Refinery B at Abadan" in client.get(a.get_absolute_url()).content


def test_an_editors_pick_taken_or_cleared_shows_on_the_page_at_once(client, picked):
    a, b = picked
    choose_related(a, b.code, "clear")
    assert b"Refinery B" not in client.get(a.get_absolute_url()).content
    warm(client, [a.get_absolute_url()])
    choose_related(a, b.code, "pick")
    assert b"Refinery B" in client.get(a.get_absolute_url()).content


def test_urls_showing_names_the_public_pages_that_picked_the_story(newsroom):
    en, a, b = newsroom
    choose_related(a, b.code, "pick")
    hidden = make_story(en, headline="Unpublished U", published=False)
    choose_related(hidden, b.code, "pick")
    excluding = make_story(en, headline="Excluding E")
    choose_related(excluding, b.code, "exclude")
    urls = urls_showing(b)
    assert a.get_absolute_url() in urls
    assert excluding.get_absolute_url() not in urls
    assert not any(f"/news/{hidden.code}/" in url for url in urls)


def test_a_page_showing_a_stand_in_says_which_lists_it_shows(client, newsroom):
    """The stand-in names its section and tags in X-Also-Shows (the HTTP cache in front bans
    on it); a page showing a stored list names none, and a change in its tag keeps it."""
    en, a, b = newsroom
    standing_in = make_story(en, section=a.section, tags=("Water", "Dams"), headline="Canal N")
    response = client.get(standing_in.get_absolute_url())
    assert sorted(response["X-Also-Shows"].split(",")) == [
        "section:en:world",
        "tag:en:dams",
        "tag:en:water",
    ]
    RelatedStory.objects.create(story=a, related=b, rank=1, score=0.5, explanation="")
    response = client.get(a.get_absolute_url())
    assert "X-Also-Shows" not in response
    assert kept(client, a.get_absolute_url())
    make_story(en, section=a.section, tags=("Water",), headline="Weir W")
    assert kept(client, a.get_absolute_url())
    assert b"Weir W" in client.get(standing_in.get_absolute_url()).content


def test_a_kept_stand_in_page_keeps_its_header(client, newsroom):
    """Kept under the section's token as it was when the stand-in was read: served from the
    cache until a change in the section, with its header."""
    en, a, _b = newsroom
    neighbour = make_story(en, section=a.section, headline="Canal N")
    client.get(neighbour.get_absolute_url())
    correct_story(a, note="Which dam", headline="Dam A on the Karun")  # the section's token
    assert b"Dam A on the Karun" in client.get(neighbour.get_absolute_url()).content
    assert kept(client, neighbour.get_absolute_url())
    assert client.get(neighbour.get_absolute_url())["X-Also-Shows"] == "section:en:world"


def test_a_story_that_leaves_its_section_and_a_tag_leaves_their_pages_at_once(
    client, newsroom, django_capture_on_commit_callbacks
):
    """The pages of the section and tag it left showed it too, though it no longer names them."""
    en, a, b = newsroom
    make_story(en, section=a.section, tags=("Water",), headline="Well C")  # the lists go on
    left = ["/en/section/world/", "/en/section/world/feed.json", "/en/tag/water/"]
    left.append("/en/tag/water/feed.rss")
    warm(client, left)
    assert headlines_everywhere(client, left, "Dam A") == dict.fromkeys(left, True)
    oil = Tag.objects.get(slug="oil")
    with django_capture_on_commit_callbacks(execute=True):
        edit_story(a, base_version=a.version, section=b.section, tags=[oil])
    assert headlines_everywhere(client, left, "Dam A") == dict.fromkeys(left, False)
    joined = ["/en/section/business/", "/en/tag/oil/"]
    assert headlines_everywhere(client, joined, "Dam A") == dict.fromkeys(joined, True)


def test_the_change_log_alone_retires_the_pages_a_story_left(client, newsroom):
    """No callback runs after the commit here, as when the process that saved the change
    stopped: the next request reads the change, which names the section and tag left."""
    _en, a, b = newsroom
    left = ["/en/section/world/", "/en/tag/water/feed.atom"]
    warm(client, left)
    edit_story(a, base_version=a.version, section=b.section, tags=[])
    assert headlines_everywhere(client, left, "Dam A") == dict.fromkeys(left, False)


def test_a_readers_erased_comments_leave_the_pages_at_once(client, editions):
    """Erasure is a privacy request: the kept page must not go on showing what was erased."""
    en, _ = editions
    en.comment_policy = CommentPolicy.POST  # published on arrival
    en.save()
    a = make_story(en, tags=("Water",), headline="Dam A")
    assert post(client, a, name="Leyla Karimi", text="The dam leaks.").status_code == 303
    warm(client, [a.get_absolute_url()])
    assert b"The dam leaks." in client.get(a.get_absolute_url()).content

    assert moderation.erase("maryam@example.org", by=None) == 1

    page = client.get(a.get_absolute_url()).content
    assert b"The dam leaks." not in page and b"Leyla Karimi" not in page
