"""The 500 page speaks the language of the edition the URL points into, with the stylesheet."""

import pytest
from bs4 import BeautifulSoup
from django.http import Http404
from django.templatetags.static import static

from dateline.site.views import home, server_error
from dateline.site.webfonts import webfont_stylesheet
from tests.prefix import asked_under


@pytest.mark.parametrize(
    ("path", "language", "direction", "title"),
    [
        ("/fa/news/1/x", "fa", "rtl", "خطایی رخ داد"),
        ("/en/news/1/x", "en", "ltr", "Something went wrong"),
        ("/xx/news/1/x", "en", "ltr", "Something went wrong"),  # no such edition: English
        ("/Xfa/news/1/x", "en", "ltr", "Something went wrong"),  # nor is one it merely holds
        ("/", "en", "ltr", "Something went wrong"),
    ],
)
def test_the_500_page_is_in_the_language_of_the_url(rf, path, language, direction, title):
    response = server_error(rf.get(path))
    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 500
    assert (soup.html["lang"], soup.html["dir"]) == (language, direction)
    assert soup.h1.get_text() == title


@pytest.mark.parametrize(
    ("path", "front"),
    [("/fa/news/1/x", "/fa/"), ("/en/search", "/en/"), ("/xx/news/1/x", "/"), ("/", "/")],
)
def test_the_500_pages_home_is_the_front_of_its_language(rf, path, front):
    """A Persian reader's way on is the Persian front, not "/" (the default edition's)."""
    soup = BeautifulSoup(server_error(rf.get(path)).content, "html.parser")
    assert soup.main.find("a")["href"] == front


def test_under_a_prefix_the_500_page_reads_the_edition_after_it(rf):
    """Behind a proxy's path (SCRIPT_NAME) the first segment is the edition's, not the prefix."""
    response = asked_under("/agency/", lambda path, **kw: server_error(rf.get(path, **kw)), "/fa/x")
    soup = BeautifulSoup(response.content, "html.parser")
    assert (soup.html["lang"], soup.main.find("a")["href"]) == ("fa", "/agency/fa/")


@pytest.mark.django_db
def test_under_a_prefix_the_404_page_is_the_editions_it_points_into(client, editions):
    response = asked_under("/agency/", client.get, "/fa/no-such-page/")
    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 404
    assert (soup.html["lang"], soup.h1.get_text()) == ("fa", "صفحه پیدا نشد")


def test_the_500_page_links_the_site_stylesheet(rf):
    soup = BeautifulSoup(server_error(rf.get("/en/news/1/x")).content, "html.parser")
    assert [link["href"] for link in soup.find_all("link", rel="stylesheet")] == [
        static("site/site.css")
    ]


@pytest.mark.parametrize("language", ["fa", "ar"])
def test_the_500_page_in_arabic_script_links_its_web_font(rf, language):
    """As every Persian and Arabic page does (when `make setup` installed the font)."""
    webfont = webfont_stylesheet(language)
    if webfont is None:
        pytest.skip("Vazirmatn is not installed (make setup installs it with npm)")
    soup = BeautifulSoup(server_error(rf.get(f"/{language}/news/1/x")).content, "html.parser")
    assert [link["href"] for link in soup.find_all("link", rel="stylesheet")] == [
        static("site/site.css"),
        webfont,
    ]


@pytest.mark.django_db
def test_without_an_edition_the_home_page_says_what_is_missing(rf):
    with pytest.raises(Http404, match=r"^No edition has been set up yet$"):
        home(rf.get("/"))
