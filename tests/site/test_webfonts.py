"""The Persian web font: linked from the Persian edition's pages once `make setup` installed it,
never from the English edition's, and its absence (no npm) costs nothing but the font."""

import json

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from dateline.site.webfonts import VAZIRMATN
from tests.factories import make_story

pytestmark = pytest.mark.django_db


def stylesheets(client, path) -> list[str]:
    response = client.get(path)
    assert response.status_code in (200, 404), path
    soup = BeautifulSoup(response.content, "html.parser")
    return [link["href"] for link in soup.find_all("link", rel="stylesheet")]


@pytest.fixture
def installed():
    if not (settings.INSTALLED_STATIC_DIR / VAZIRMATN).is_file():
        pytest.skip("Vazirmatn is not installed (make setup without npm)")


def test_persian_pages_link_the_font_and_english_pages_never_do(client, editions, installed):
    en, fa = editions
    english = make_story(en, section=en.sections.get())
    persian = make_story(fa, section=fa.sections.get(), headline="باران", lead="باران بارید.")
    for path in ["/fa/", "/fa/section/world/", persian.get_absolute_url(), "/fa/nothing/"]:
        assert "/static/site/fonts/vazirmatn.css" in stylesheets(client, path), path
    for path in ["/en/", "/en/section/world/", english.get_absolute_url(), "/en/nothing/"]:
        assert not any("fonts" in href for href in stylesheets(client, path)), path


def test_the_font_rule_swaps_in_and_names_the_installed_file(installed):
    rule = (settings.INSTALLED_STATIC_DIR / VAZIRMATN).read_text()
    assert "font-display: swap" in rule
    assert (settings.INSTALLED_STATIC_DIR / "site/fonts/vazirmatn-nl-variable.woff2").is_file()


def test_without_the_installed_font_persian_pages_use_system_fonts(client, editions, settings):
    settings.STATICFILES_DIRS = []  # a set-up that had no npm
    assert stylesheets(client, "/fa/") == ["/static/site/site.css"]


def test_a_font_installed_after_the_last_collectstatic_is_not_linked(
    client, editions, settings, tmp_path, installed
):
    """The hashed storage knows only what was collected: asking it for the font's name would
    raise, and a page must not fail for want of a font."""
    paths = {"site/site.css": "site/site.0123.css", "site/favicon.svg": "site/favicon.0123.svg"}
    (tmp_path / "staticfiles.json").write_text(json.dumps({"version": "1.1", "paths": paths}))
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    assert stylesheets(client, "/fa/") == ["/static/site/site.0123.css"]
