"""A list page's head (front, section, tag) is written once per process for each set of values it
shows, and remembered (decision 0044's addendum): a change to any of them shows on the next
page. Each test changes one value of the key; leaving it out of the key fails that test."""

import pytest
from django.template import engines

from dateline.site.remembered import Remembered
from dateline.stories.models import Section, Tag
from tests.factories import make_story
from tests.prefix import asked_under
from tests.site.conftest import page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rendered_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.ALLOWED_HOSTS = ["testserver", "news.example.org"]


def heads() -> Remembered:
    return engines["jinja2"].env.globals["list_head"].remembered


def head(response) -> dict[str, str]:
    soup = page(response)
    return {
        "title": soup.find("meta", property="og:title")["content"],
        "site": soup.find("meta", property="og:site_name")["content"],
        "description": soup.find("meta", attrs={"name": "description"})["content"],
        "canonical": soup.find("link", rel="canonical")["href"],
        "feed": soup.find("link", type="application/rss+xml")["title"],
    }


def test_each_list_page_has_its_own_head_remembered(client, editions):
    en, _ = editions
    make_story(en, section=Section.objects.get(edition=en, slug="world"), tags=("Water",))
    heads().held.clear()
    front, section, tag = (
        head(client.get(path)) for path in ("/en/", "/en/section/world/", "/en/tag/water/")
    )
    assert front["canonical"] == "http://testserver/en/"
    persian = head(client.get("/fa/"))  # the same furniture, another edition
    assert (persian["site"], persian["canonical"]) == ("دیت‌لاین فارسی", "http://testserver/fa/")
    assert (section["title"], section["canonical"]) == (
        "World",
        "http://testserver/en/section/world/",
    )
    assert (tag["title"], tag["feed"]) == ("Water", "Water – Dateline English (RSS)")
    written = dict(heads().held)
    assert len(written) == 4
    client.get("/en/section/world/")
    assert heads().held == written  # none written again


def test_a_renamed_section_or_edition_shows_on_the_next_page(client, editions):
    en, _ = editions
    assert head(client.get("/en/section/world/"))["title"] == "World"
    world = Section.objects.get(edition=en, slug="world")
    world.name = "Abroad"
    world.save()
    assert head(client.get("/en/section/world/"))["title"] == "Abroad"
    en.name = "Dateline International"
    en.save()
    assert head(client.get("/en/section/world/"))["site"] == "Dateline International"


def test_a_renamed_tag_shows_on_the_next_page(client, editions):
    en, _ = editions
    make_story(en, tags=("Water",))
    assert head(client.get("/en/tag/water/"))["title"] == "Water"
    Tag.objects.filter(slug="water").update(name="WATER")  # no furniture changes with a tag
    shown = head(client.get("/en/tag/water/"))
    assert (shown["title"], shown["feed"]) == ("WATER", "WATER – Dateline English (RSS)")


def test_each_page_of_a_list_names_itself(client, editions):
    en, _ = editions
    for _ in range(21):
        make_story(en)
    assert head(client.get("/en/"))["canonical"] == "http://testserver/en/"
    assert head(client.get("/en/?page=2"))["canonical"] == "http://testserver/en/?page=2"


def test_the_address_the_site_is_reached_at_is_the_heads_own(client, editions):
    assert head(client.get("/en/"))["canonical"] == "http://testserver/en/"
    other_host = client.get("/en/", headers={"host": "news.example.org"})
    assert head(other_host)["canonical"] == "http://news.example.org/en/"
    assert head(client.get("/en/", secure=True))["canonical"] == "https://testserver/en/"
    under_prefix = asked_under("/agency/", client.get, "/en/")
    assert head(under_prefix)["canonical"] == "http://testserver/agency/en/"
