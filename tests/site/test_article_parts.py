"""The article page's head and story parts are remembered by what they show
(site.article_parts, decision 0059): rendered again, the page shows every change under them at
once, each host its own addresses, and the newsroom's preview is never served from them."""

import pytest
from django.urls import reverse

from dateline.site import article_parts
from dateline.stories.actions import correct_story, edit_story, link_translation
from dateline.stories.models import Story
from tests.factories import make_edition, make_member, make_section, make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rendered_every_time(settings):
    """No page cache: every request renders the page, so what it shows comes from the parts.
    (Settings set here, before any page: changing one forgets every remembered part.)"""
    settings.PAGE_CACHE_SECONDS = 0
    settings.ALLOWED_HOSTS = ["testserver", "news.example"]


@pytest.fixture
def story() -> Story:
    edition = make_edition("en", name="Dateline English")
    world = make_section(edition, "world", "World")
    return make_story(edition, headline="Talks resume in Vienna", section=world, tags=("Oil",))


def shown(client, story, **headers):
    html = page(client.get(story.get_absolute_url(), **headers))
    return html, str(html)


def test_a_second_render_writes_nothing_new_and_shows_the_same(client, story):
    first, _ = shown(client, story)
    remembered = len(article_parts._remembered.held)
    assert remembered >= 2  # the head and the story
    again, _ = shown(client, story)
    assert len(article_parts._remembered.held) == remembered
    assert again.head == first.head
    assert again.find("article") == first.find("article")
    assert first.find("section", class_="share") is not None


def edit_headline(story):
    edit_story(story, base_version=story.version, headline="Talks end in Geneva")
    return "Talks end in Geneva", "Talks resume in Vienna"


def correct_lead(story):
    correct_story(story, note="The talks were in Geneva.", lead="Delegates met in Geneva.")
    return "The talks were in Geneva.", None


def rename_section(story):
    story.section.name = "Planet"
    story.section.save()
    return '"articleSection": "Planet"', '"articleSection": "World"'


def rename_tag(story):
    tag = story.tags.get()
    tag.name = "Crude oil"
    tag.save()
    return '"keywords": ["Crude oil"]', '"keywords": ["Oil"]'


def rename_edition(story):
    edition = story.edition
    edition.name = "Dateline World Service"
    edition.save()
    return 'content="Dateline World Service"', 'content="Dateline English"'


@pytest.mark.parametrize(
    "change", [edit_headline, correct_lead, rename_section, rename_tag, rename_edition]
)
def test_a_change_under_the_parts_shows_on_the_next_render(
    client, story, change, django_capture_on_commit_callbacks
):
    shown(client, story)  # both parts remembered
    with django_capture_on_commit_callbacks(execute=True):
        new, old = change(story)
    html, text = shown(client, Story.objects.get(pk=story.pk))
    assert new in text
    if old is not None:
        assert old not in text
    assert html.find("article", class_="story") is not None


def test_each_host_gets_its_own_addresses(client, story):
    _, at_test_server = shown(client, story)
    html, text = shown(client, story, HTTP_HOST="news.example")
    assert html.find("link", rel="canonical")["href"].startswith("http://news.example/")
    assert "http://testserver/" not in text
    assert "http://testserver/" in at_test_server


def test_the_preview_is_never_served_from_the_public_parts(client, story):
    public, _ = shown(client, story)
    assert public.find("section", class_="share") is not None
    editor = make_member("eddie", "editor", (story.edition,))
    client.force_login(editor)
    preview = page(client.get(reverse("newsroom:preview", args=[story.pk])))
    assert preview.find("section", class_="share") is None  # it reaches no network
    assert preview.find("link", rel="canonical") is None
    assert preview.find("h1").get_text() == "Talks resume in Vienna"


def test_a_new_version_in_another_edition_shows_on_the_next_render(
    client, story, django_capture_on_commit_callbacks
):
    persian = make_story(make_edition("fa", name="دیت‌لاین"), headline="گفت‌وگوها در وین")
    html, _ = shown(client, story)
    assert html.find("nav", class_="translations") is None
    with django_capture_on_commit_callbacks(execute=True):
        link_translation(story, persian.pk)
    html, _ = shown(client, story)
    assert html.find("nav", class_="translations").find("a").get_text().endswith("گفت‌وگوها در وین")
    with django_capture_on_commit_callbacks(execute=True):
        edit_story(persian, base_version=persian.version, headline="گفت‌وگوها در ژنو")
    html, _ = shown(client, story)
    assert html.find("nav", class_="translations").find("a").get_text().endswith("گفت‌وگوها در ژنو")
    hreflang = {link["hreflang"] for link in html.find_all("link", rel="alternate", hreflang=True)}
    assert hreflang == {"en", "fa", "x-default"}


def test_a_changed_setting_forgets_the_parts(client, story, settings):
    html, _ = shown(client, story)
    assert html.find("meta", property="og:image")["content"].startswith("http://testserver/")
    assert "/static/" in html.find("meta", property="og:image")["content"]
    settings.STATIC_URL = "/assets/"
    html, _ = shown(client, story)
    assert html.find("meta", property="og:image")["content"].startswith("http://testserver/assets/")
