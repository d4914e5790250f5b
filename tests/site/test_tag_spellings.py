"""A tag written with the Arabic letters Persian writes otherwise (ك, ي: an Arabic keyboard) is
the tag written with the Persian ones (ک, ی): its page, its feeds and search's tag filter list
the stories tagged either way, and an address in the other spelling moves to the tag's own."""

import urllib.parse

import feedparser
import pytest

from dateline.stories.models import Tag
from tests.factories import make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db

PERSIAN, ARABIC = "اوپک", "اوپك"  # OPEC with the Persian kaf, and with the Arabic one


def quoted(text: str) -> str:
    return urllib.parse.quote(text)


@pytest.fixture
def opec(editions, django_capture_on_commit_callbacks):
    """Two Persian stories about OPEC, tagged in each spelling (and indexed for search)."""
    _, fa = editions
    with django_capture_on_commit_callbacks(execute=True):
        make_story(fa, headline="اوپک تولید را کم کرد", tags=(PERSIAN,))
        make_story(fa, headline="نشست نفتی اوپک در وین", tags=(ARABIC, "ايران"))
    return {"اوپک تولید را کم کرد", "نشست نفتی اوپک در وین"}


def headlines(response) -> set[str]:
    return {a.get_text() for a in page(response).select(".story-list h2 a")}


def test_the_tag_page_lists_the_stories_tagged_in_either_spelling(client, opec):
    assert Tag.objects.get(slug=PERSIAN).name == PERSIAN
    assert headlines(client.get(f"/fa/tag/{PERSIAN}/")) == opec


@pytest.mark.parametrize(
    ("asked", "canonical"),
    [
        (f"/fa/tag/{ARABIC}/", f"/fa/tag/{quoted(PERSIAN)}/"),
        (f"/fa/tag/{ARABIC}/?page=1", f"/fa/tag/{quoted(PERSIAN)}/?page=1"),
        ("/fa/tag/ايران/", f"/fa/tag/{quoted('ایران')}/"),
        (f"/fa/tag/{ARABIC}/feed.atom", f"/fa/tag/{quoted(PERSIAN)}/feed.atom"),
        ("/fa/tag/اوپـــک/feed.json", f"/fa/tag/{quoted(PERSIAN)}/feed.json"),  # tatweel
        (f"/fa/tag/\u202e{ARABIC}/", f"/fa/tag/{quoted(PERSIAN)}/"),  # a bidi override
        # A query sent in UTF-8 unescaped (WSGI gives its bytes as Latin-1): escaped as UTF-8.
        (f"/fa/tag/{ARABIC}/?utm_term=نفت", f"/fa/tag/{quoted(PERSIAN)}/?utm_term={quoted('نفت')}"),
    ],
)
def test_another_spelling_moves_to_the_tags_own_address(client, opec, asked, canonical):
    response = client.get(asked)
    assert (response.status_code, response["Location"]) == (301, canonical)
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("path", ["/fa/tag/ـــ/", "/fa/tag/ـ/feed.rss", "/fa/tag/\u2067/"])
def test_an_address_with_nothing_of_a_tag_left_is_not_found(client, opec, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/fa/tag/بودجۀ/",  # no tag "بودجه"
        "/fa/tag/بودجۀ/feed.atom",
        "/fa/tag/ايرانی/",  # no tag "ایرانی"
        "/en/tag/Gas/feed.rss",  # no tag "gas"
        "/en/tag/Embargoed/",  # the tag "embargoed" only on a draft
        "/en/tag/Embargoed/feed.json",
        "/en/tag/ايران/",  # the tag "ایران" only on stories of the other edition
    ],
)
def test_another_spelling_of_a_tag_the_edition_does_not_show_is_not_found_at_once(
    client, editions, opec, path
):
    """Not a move to an address that is not found either (nor one saying a tag exists that
    the edition does not show: a tag shows no story that is not public)."""
    make_story(editions[0], tags=("Embargoed",), published=False)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/en/tag/%FF/",  # a byte that is no UTF-8 (Django reads it back as "%FF")
        "/en/tag/%FF/feed.atom",
        "/en/tag/%D8/",  # the first half of a Persian letter
        "/en/tag/%25FF/",  # an address encoded twice: no tag's slug holds a "%" either
    ],
)
def test_an_address_that_cannot_be_decoded_names_no_tag(client, editions, path):
    """Not a move to the tag "ff" (what `tag_slug` leaves of "%FF"): another tag's page."""
    make_story(editions[0], tags=("FF", "D8"))
    assert client.get(path).status_code == 404


def test_the_tag_feed_has_the_stories_tagged_in_either_spelling(client, opec):
    feed = feedparser.parse(client.get(f"/fa/tag/{PERSIAN}/feed.rss").content)
    assert {entry.title for entry in feed.entries} == opec


@pytest.mark.parametrize("spelling", [PERSIAN, ARABIC])
def test_search_filtered_by_either_spelling_finds_both(client, opec, spelling):
    response = client.get("/fa/search?" + urllib.parse.urlencode({"q": "اوپک", "tag": spelling}))
    found = {a.get_text() for a in page(response).select(".search-results h2 a")}
    assert found == opec
    assert page(response).select_one("input[name=tag]")["value"] == PERSIAN


@pytest.mark.parametrize("typed", ["Caspian%20Sea", "caspian-sea-" + "x" * 400])
def test_an_address_in_another_spelling_moves_before_the_page_cache_is_asked(
    client, editions, typed
):
    """Asked first, the cache built a key of the address as typed: spaces and any length,
    which it warns of (a memcached could not hold it), for an answer that is only a redirect."""
    import warnings

    from django.core.cache import CacheKeyWarning

    make_story(editions[0], tags=("Caspian Sea",))
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        moved = client.get(f"/en/tag/{typed}/")
    assert moved.status_code in (301, 404)


def test_a_tag_written_with_and_without_its_hamza_is_one_page(client, editions):
    """At the address it was first written at; the other spelling's stories are listed too."""
    _, fa = editions
    make_story(fa, headline="سفر به آمریکا", tags=("أمريكا",))
    make_story(fa, headline="تحریم‌های امریکا", tags=("امريكا",))
    both = {"سفر به آمریکا", "تحریم‌های امریکا"}
    assert headlines(client.get("/fa/tag/أمریکا/")) == both
    response = client.get("/fa/tag/أمريكا/")  # the Arabic yeh and kaf: moved to the Persian
    assert (response.status_code, response["Location"]) == (301, f"/fa/tag/{quoted('أمریکا')}/")


def test_an_address_from_before_a_zwnj_separated_a_tags_words_moves_to_its_new_one(
    client, editions
):
    """Migration stories/0019 gave such tags new slugs; pages kept, links and feeds readers
    subscribed to still name the old ones."""
    _, fa = editions
    make_story(fa, headline="قطار تهران–مشهد", tags=("راه\u200cآهن",))
    new = quoted("راه-آهن")
    for asked, moved in [
        ("/fa/tag/راهآهن/", f"/fa/tag/{new}/"),
        ("/fa/tag/راهآهن/?page=1", f"/fa/tag/{new}/?page=1"),
        ("/fa/tag/راهآهن/feed.atom", f"/fa/tag/{new}/feed.atom"),
    ]:
        response = client.get(asked)
        assert (response.status_code, response["Location"]) == (301, moved)
    assert headlines(client.get("/fa/tag/راه-آهن/")) == {"قطار تهران–مشهد"}
    assert client.get("/en/tag/راهآهن/").status_code == 404  # not a tag of that edition
    assert client.get("/fa/tag/راهاهن-x/").status_code == 404
