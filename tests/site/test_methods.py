"""Public pages only read: any other method is a 405 naming GET and HEAD, also for a client
that sends no CSRF token (a browser's or a crawler's POST), which Django's CSRF check would
otherwise answer 403 before the page is reached."""

import pytest
from django.test import Client

from dateline.site.templating import story_url
from tests.factories import make_story


@pytest.fixture
def paths(editions) -> list[str]:
    en, _ = editions
    story = make_story(en, section=en.sections.get(slug="world"), tags=("Rail",))
    return [
        "/",
        "/favicon.ico",
        "/robots.txt",
        "/sitemap.xml",
        "/sitemaps/stories-en.xml",
        "/en/",
        "/en/section/world/",
        "/en/tag/rail/",
        "/en/feed.atom",
        "/en/section/world/feed.rss",
        "/en/tag/rail/feed.json",
        "/en/search?q=rail",
        f"/en/news/{story.code}",
        story_url("en", story),
    ]


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_a_page_that_only_reads_refuses_other_methods_with_405(paths, method):
    browser = Client(enforce_csrf_checks=True)
    for path in paths:
        assert browser.get(path).status_code in (200, 301, 302), path
        response = getattr(browser, method)(path)
        assert response.status_code == 405, (path, response.status_code)
        assert response["Allow"] == "GET, HEAD", path
