"""What readers see of linked translations: reciprocal hreflang alternates with x-default,
visible links in the other language, nothing of a version they may not see, at once after a
change; and the edition switcher on every kind of page."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.encoding import iri_to_uri

from dateline.stories.actions import (
    embargo_story,
    kill_story,
    link_translation,
    unlink_translation,
    unpublish_story,
)
from tests.factories import make_edition, make_section, make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db

HOST = "http://testserver"


def alternates(client, story) -> dict[str, str]:
    """hreflang → absolute URL, from the page's <head>."""
    soup = page(client.get(story.get_absolute_url()))
    links = soup.head.find_all("link", rel="alternate", hreflang=True)
    found = {link["hreflang"]: link["href"] for link in links}
    assert len(found) == len(links), "an hreflang appears twice"
    return found


def absolute(story) -> str:
    return HOST + path(story)


def path(story) -> str:
    """The story's path as the pages write it: percent-encoded (Persian slugs)."""
    story.refresh_from_db()
    return iri_to_uri(story.get_absolute_url())


def translation_links(client, story) -> list:
    soup = page(client.get(story.get_absolute_url()))
    nav = soup.find("nav", class_="translations")
    return nav.find_all("a") if nav else []


@pytest.fixture
def trio(editions):
    en, fa = editions
    ar = make_edition("ar", name="دیت‌لاین العربية", position=2)
    stories = {
        "en": make_story(en, headline="Rail link opens"),
        "fa": make_story(fa, headline="خط آهن افتتاح شد"),
        "ar": make_story(ar, headline="افتتاح خط السكك الحديدية"),
    }
    return stories


@pytest.mark.parametrize("languages", [("en", "fa"), ("fa", "ar"), ("en", "fa", "ar")])
def test_every_version_names_the_same_set_including_itself(client, trio, languages):
    members = [trio[language] for language in languages]
    for other in members[1:]:
        link_translation(members[0], other.pk)
    expected = {language: absolute(trio[language]) for language in languages}
    # x-default: the default edition's version (English) when it is in the group, else the
    # oldest, the same on every page.
    expected["x-default"] = expected["en"] if "en" in languages else absolute(members[0])
    for story in members:
        assert alternates(client, story) == expected
        canonical = page(client.get(story.get_absolute_url())).find("link", rel="canonical")
        assert canonical["href"] == absolute(story)  # each names itself as its canonical says
    left_out = next((trio[code] for code in trio if code not in languages), None)
    if left_out is not None:
        assert alternates(client, left_out) == {}


def test_visible_links_point_to_the_others_in_their_own_language(client, trio):
    link_translation(trio["en"], trio["fa"].pk)
    link_translation(trio["en"], trio["ar"].pk)
    links = translation_links(client, trio["fa"])
    assert [(a["href"], a["hreflang"], a["lang"], a["dir"]) for a in links] == [
        (path(trio["en"]), "en", "en", "ltr"),
        (path(trio["ar"]), "ar", "ar", "rtl"),
    ]
    assert [a.get_text(" ", strip=True) for a in links] == [
        "English: Rail link opens",
        "العربية: افتتاح خط السكك الحديدية",
    ]
    # The heading is in the Persian edition's words.
    soup = page(client.get(trio["fa"].get_absolute_url()))
    assert soup.find(id="translations-title").get_text() == "این خبر به زبان‌های دیگر"


def test_a_story_without_translations_has_neither_links_nor_alternates(client, trio):
    assert translation_links(client, trio["en"]) == []
    assert alternates(client, trio["en"]) == {}


def hide_by_draft(story):
    unpublish_story(story)


def hide_by_kill(story):
    kill_story(story, reason="withdrawn")


def hide_by_embargo(story):
    unpublish_story(story)
    embargo_story(story, until=timezone.now() + datetime.timedelta(hours=2))


def hide_by_schedule(story):
    unpublish_story(story)
    from dateline.stories.actions import schedule_story

    schedule_story(story, at=timezone.now() + datetime.timedelta(hours=2))


@pytest.mark.parametrize("hide", [hide_by_draft, hide_by_kill, hide_by_embargo, hide_by_schedule])
def test_a_version_readers_may_not_see_appears_nowhere(client, trio, hide):
    link_translation(trio["en"], trio["fa"].pk)
    link_translation(trio["en"], trio["ar"].pk)
    hide(trio["en"])  # the default edition's version: x-default moves to the oldest public one
    for story in (trio["fa"], trio["ar"]):
        response = client.get(story.get_absolute_url())
        assert b"Rail link opens" not in response.content
        assert f"/news/{trio['en'].pk}/".encode() not in response.content
        assert alternates(client, story) == {
            "fa": absolute(trio["fa"]),
            "ar": absolute(trio["ar"]),
            "x-default": absolute(trio["fa"]),
        }
    hide(trio["ar"])  # one public version left: nothing to link to
    assert alternates(client, trio["fa"]) == {}
    assert translation_links(client, trio["fa"]) == []


def test_a_draft_linked_from_the_start_shows_up_once_published(client, editions):
    from dateline.stories.actions import publish_story

    en, fa = editions
    english, persian = make_story(en), make_story(fa, published=False)
    link_translation(english, persian.pk)
    assert translation_links(client, english) == []
    publish_story(persian)
    assert [a["href"] for a in translation_links(client, english)] == [path(persian)]


def test_the_cached_page_of_the_other_version_shows_a_new_link_at_once(
    client, editions, django_capture_on_commit_callbacks
):
    en, fa = editions
    english, persian = make_story(en), make_story(fa)
    assert translation_links(client, persian) == []  # now in the page cache
    with django_capture_on_commit_callbacks(execute=True):
        link_translation(english, persian.pk)
    assert [a["href"] for a in translation_links(client, persian)] == [path(english)]
    with django_capture_on_commit_callbacks(execute=True):
        unlink_translation(english)
    assert translation_links(client, persian) == []
    assert alternates(client, persian) == {}


def test_a_hostile_headline_stays_text_in_the_link(client, editions):
    en, fa = editions
    english = make_story(en, headline='<script>alert(1)</script> "quoted" & <b>bold</b>')
    persian = make_story(fa)
    link_translation(persian, english.pk)
    soup = page(client.get(persian.get_absolute_url()))
    (link,) = soup.find("nav", class_="translations").find_all("a")
    assert link.find("script") is None and link.find("b") is None
    assert "<script>alert(1)</script>" in link.get_text()


# --- the edition switcher ----------------------------------------------------------------------


def switcher(response) -> list[tuple[str, str, str, str, str]]:
    soup = BeautifulSoup(response.content, "html.parser")
    nav = soup.find("header").find("nav", class_="edition-switch")
    return [
        (a["href"], a["hreflang"], a["lang"], a["dir"], a.get_text(strip=True))
        for a in nav.find_all("a")
    ]


ENGLISH = ("/en/", "en", "en", "ltr", "English")
PERSIAN = ("/fa/", "fa", "fa", "rtl", "فارسی")
ARABIC = ("/ar/", "ar", "ar", "rtl", "العربية")


@pytest.mark.parametrize("kind", ["front", "section", "tag", "article", "404", "withdrawn"])
def test_every_page_links_to_the_other_editions_fronts(client, editions, kind):
    en, fa = editions
    make_edition("ar", name="دیت‌لاین العربية", position=2)
    stories = {
        code: make_story(edition, section=edition.sections.get(), tags=("Water",))
        for code, edition in (("en", en), ("fa", fa))
    }
    withdrawn = {code: make_story(edition) for code, edition in (("en", en), ("fa", fa))}
    for story in withdrawn.values():
        kill_story(story, reason="withdrawn")
    for code, expected in (("en", [PERSIAN, ARABIC]), ("fa", [ENGLISH, ARABIC])):
        path = {
            "front": f"/{code}/",
            "section": f"/{code}/section/world/",
            "tag": f"/{code}/tag/water/",
            "article": stories[code].get_absolute_url(),
            "404": f"/{code}/no/such/page",
            "withdrawn": withdrawn[code].get_absolute_url(),
        }[kind]
        response = client.get(path)
        assert response.status_code == {"404": 404, "withdrawn": 410}.get(kind, 200)
        assert switcher(response) == expected, path


def test_a_site_of_one_edition_has_no_switcher(client, db):
    en = make_edition("en")
    make_section(en, "world")
    soup = page(client.get("/en/"))
    assert soup.find("nav", class_="edition-switch") is None


def test_translations_cost_one_query_and_only_on_a_linked_page(client, editions, settings):
    settings.PAGE_CACHE_SECONDS = 0
    en, fa = editions
    plain, english, persian = make_story(en), make_story(en), make_story(fa)
    link_translation(english, persian.pk)
    queries = {}
    for story in (plain, english):
        client.get(story.get_absolute_url())  # the furniture and the comment section cached
        with CaptureQueriesContext(connection) as captured:
            assert client.get(story.get_absolute_url()).status_code == 200
        queries[story] = [query["sql"] for query in captured.captured_queries]
    assert not any('translation_group_id" = ' in sql for sql in queries[plain])
    assert len(queries[english]) == len(queries[plain]) + 1
    assert sum('translation_group_id" = ' in sql for sql in queries[english]) == 1
