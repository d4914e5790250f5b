"""Whatever wire copy or an editor types is shown as text, never run as markup, on every page
that shows it (checked on the rendered pages, not in the database)."""

import pytest
from bs4 import BeautifulSoup

from tests.factories import make_section, make_story

pytestmark = pytest.mark.django_db


def hostile(where: str) -> str:
    return f'"><script>alert("{where}")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile_pages(client, editions):
    en, _ = editions
    section = make_section(en, "hostile", hostile("section"))
    story = make_story(
        en,
        section=section,
        headline=hostile("headline"),
        lead=hostile("lead"),
        tags=(hostile("tag"), "Water"),
        byline=hostile("byline"),
        dateline_place=hostile("place"),
        dateline_source="IRNA",
    )
    neighbour = make_story(en, section=section, tags=("Water",), headline="A neighbour")
    tag_slug = story.tags.exclude(slug="water").get().slug
    paths = {
        "front": "/en/",
        "section": "/en/section/hostile/",
        "tag": f"/en/tag/{tag_slug}/",
        "tag shared": "/en/tag/water/",
        "article": story.get_absolute_url(),
        "related list": neighbour.get_absolute_url(),
    }
    return {name: client.get(path) for name, path in paths.items()}


EXPECTED_TEXT = {
    "front": ["headline", "lead", "section"],
    "section": ["headline", "lead", "section"],
    "tag": ["headline", "lead", "tag"],
    "tag shared": ["headline", "lead"],
    "article": ["headline", "lead", "section", "tag", "byline", "place"],
    "related list": ["headline"],
}


def test_hostile_text_is_shown_as_text_on_every_page(hostile_pages):
    for name, response in hostile_pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        soup = BeautifulSoup(html, "html.parser")
        # The only scripts are the site's own files (the article's comment form script), and
        # its JSON-LD (site/seo.py), data no browser runs, holding no '<': below the front a
        # BreadcrumbList, on an article its NewsArticle too.
        scripts = soup.find_all("script")
        code = [s for s in scripts if s.get("type") != "application/ld+json"]
        assert all(s["src"].startswith("/static/site/") and not s.string for s in code), name
        data = {"front": 0, "article": 2, "related list": 2}.get(name, 1)
        assert len(scripts) - len(code) == data, name
        assert all("<" not in s.string for s in scripts if s not in code), name
        assert soup.find("img") is None, name
        assert html.lower().count("<script") == len(scripts), name
        for tag in soup.find_all(True):
            assert not [a for a in tag.attrs if a.startswith("on")], (name, tag.name, tag.attrs)
        text = soup.body.get_text()
        for where in EXPECTED_TEXT[name]:
            # Shown, as the very characters that were typed: escaped once, not twice.
            assert hostile(where) in text, (name, where)


def test_hostile_text_in_attributes_stays_inside_them(hostile_pages):
    soup = BeautifulSoup(hostile_pages["article"].content, "html.parser")
    description = soup.find("meta", attrs={"name": "description"})
    assert description["content"].startswith(hostile("lead")[:40])
    assert hostile("headline") in soup.title.get_text()
