"""Paged lists: every page number a URL can carry is either a page that exists or a 404, and
none reaches the database as an integer it cannot hold."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from dateline.site import pagination
from dateline.site.pagination import PER_PAGE, page_of
from dateline.site.views import FRONT_LATEST
from dateline.stories.models import Story
from tests.factories import make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db

HUGE = [
    "461168601842738792",  # times 20 rows a page: past a 64-bit integer
    "9223372036854775807",  # the largest 64-bit integer
    "9223372036854775808",
    "1" + "0" * 40,
    "9" * 5000,  # more digits than int() converts
]
# int() takes all of these; the site links to none of them.
MALFORMED = ["0", "-1", "abc", "", "+2", " 2", "2 ", "2_0", "1.0", "1e3", "2\n"]
MALFORMED += ["²", "2\u200c", "۲-"]  # superscript; a ZWNJ, a dash after a Persian digit
# The second page, written in digits the site does not write: moved to "?page=2".
WRITTEN_OTHERWISE = ["02", "٢", "۲", "０２", "۰۲"]  # Arabic-Indic, Persian, full-width


@pytest.fixture
def two_full_pages(editions):
    """Exactly two pages of the World section and of the Water tag, four of the English front,
    and a Persian story."""
    en, fa = editions
    make_story(fa)
    world = en.sections.get()
    now = timezone.now()
    for minutes in range(2 * PER_PAGE):
        make_story(
            en,
            section=world,
            tags=("Water",),
            published_at=now - datetime.timedelta(minutes=minutes + 1),
        )
    return en


LIST_PATHS = ["/en/", "/fa/", "/en/section/world/", "/en/tag/water/"]


@pytest.mark.parametrize("number", HUGE)
def test_a_huge_page_number_is_not_found_on_any_list(client, editions, number):
    en, fa = editions
    make_story(en, section=en.sections.get(), tags=("Water",))
    make_story(fa)
    for path in LIST_PATHS:
        assert client.get(path).status_code == 200, path
        assert client.get(path, {"page": number}).status_code == 404, path


def test_a_page_past_the_deepest_served_is_not_found_without_a_query(
    client, editions, django_assert_max_num_queries
):
    make_story(editions[0], section=editions[0].sections.get())
    deepest = pagination.max_page(PER_PAGE)
    assert (deepest - 1) * PER_PAGE <= pagination.MAX_OFFSET < deepest * PER_PAGE
    assert client.get("/en/section/world/").status_code == 200  # the furniture, cached
    with django_assert_max_num_queries(1):  # the page cache's generation, no list
        response = client.get("/en/section/world/", {"page": str(deepest + 1)})
    assert response.status_code == 404


@pytest.mark.parametrize("number", HUGE)
def test_a_huge_page_number_costs_no_query(number, django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(Http404):
        page_of(Story.objects.all(), number)


def test_a_malformed_page_number_is_not_found(client, two_full_pages):
    assert client.get("/en/section/world/", {"page": "2"}).status_code == 200
    found = {n: client.get("/en/section/world/", {"page": n}).status_code for n in MALFORMED}
    assert found == dict.fromkeys(MALFORMED, 404)


@pytest.mark.parametrize("path", ["/en/", "/en/section/world/", "/en/tag/water/"])
def test_a_page_number_written_otherwise_moves_to_the_page(client, two_full_pages, path):
    """A Persian reader may type "۲": not a 404, and not a second address of page 2."""
    second = client.get(path, {"page": "2"}).content
    for number in WRITTEN_OTHERWISE:
        response = client.get(f"{path}?page={number}&utm_source=%D8%A7")
        moved = f"{path}?page=2&utm_source=%D8%A7"
        assert (response.status_code, response["Location"]) == (301, moved), number
        assert client.get(moved).content == second
    assert client.get(path, {"page": "۹۹"})["Location"] == f"{path}?page=99"
    assert client.get(path, {"page": "۰"}).status_code == 404  # no page 0 in any digits


@pytest.mark.parametrize("number", MALFORMED + WRITTEN_OTHERWISE)
def test_a_malformed_page_number_costs_no_query(number, django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(Http404):
        page_of(Story.objects.all(), number)


def test_no_page_number_is_the_first_page():
    assert pagination.page_number(None) == 1
    assert pagination.page_number("1") == 1
    assert pagination.page_number("12") == 12


def test_exactly_the_last_page_has_no_next(client, two_full_pages):
    first = page(client.get("/en/section/world/?page=1"))
    assert len(first.select(".story-list > li")) == PER_PAGE
    assert first.select_one('a[rel="next"]')["href"] == "?page=2"
    assert first.select_one('a[rel="prev"]') is None
    last = page(client.get("/en/section/world/?page=2"))
    assert len(last.select(".story-list > li")) == PER_PAGE
    assert last.select_one('a[rel="next"]') is None
    assert last.select_one('a[rel="prev"]')["href"] == "./"


@pytest.mark.parametrize(
    ("path", "first_title"),
    [
        ("/en/", "Dateline English"),
        ("/en/section/world/", "World – Dateline English"),
        ("/en/tag/water/", "Water – Dateline English"),
    ],
)
def test_a_later_page_is_titled_apart_from_the_first(client, two_full_pages, path, first_title):
    assert page(client.get(path)).title.get_text() == first_title
    assert page(client.get(f"{path}?page=2")).title.get_text() == f"{first_title} – Page 2"


def test_one_past_the_last_page_is_not_found(client, two_full_pages):
    assert client.get("/en/section/world/?page=3").status_code == 404
    assert client.get("/en/tag/water/?page=3").status_code == 404
    assert client.get(f"/en/?page={2 * PER_PAGE // FRONT_LATEST}").status_code == 200
    assert client.get(f"/en/?page={2 * PER_PAGE // FRONT_LATEST + 1}").status_code == 404


def test_the_first_page_of_an_empty_list_is_found(client, editions):
    for path in ("/en/", "/fa/", "/en/section/world/"):
        soup = page(client.get(path))
        assert soup.select(".story-list") == []
        assert soup.select_one(".empty") is not None
        assert soup.select_one(".pagination") is None
    assert client.get("/en/?page=2").status_code == 404


def test_the_deepest_page_served_offers_no_next(editions, monkeypatch):
    en, _ = editions
    for _ in range(7):
        make_story(en)
    monkeypatch.setattr(pagination, "MAX_OFFSET", 4)  # two rows a page: pages 1 to 3
    assert pagination.max_page(2) == 3
    deepest = page_of(Story.objects.order_by("code"), "3", per_page=2)
    assert len(deepest.items) == 2 and not deepest.has_next
    with pytest.raises(Http404):
        page_of(Story.objects.order_by("code"), "4", per_page=2)


def test_the_deepest_page_stays_within_a_database_integer():
    for per_page in (1, FRONT_LATEST, PER_PAGE):
        assert pagination.max_page(per_page) * per_page + 1 < 2**31


def test_a_later_front_page_names_itself_as_canonical(client, two_full_pages):
    first = page(client.get("/en/")).find("link", rel="canonical")["href"]
    second = page(client.get("/en/?page=2")).find("link", rel="canonical")["href"]
    assert first == "http://testserver/en/"
    assert second == "http://testserver/en/?page=2"  # not page 1: its stories are others
