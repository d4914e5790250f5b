"""The seed article, imported, on its public page."""

import datetime
import urllib.request

import pytest
from bs4 import BeautifulSoup

from tests.factories import make_story
from tests.prefix import asked_under
from tests.site.conftest import page

pytestmark = pytest.mark.django_db


def test_seed_article_page_over_http(live_server, seed_story):
    # Over a real socket, as a reader's browser would fetch it.
    url = live_server.url + seed_story.get_absolute_url()
    with urllib.request.urlopen(urllib.request.Request(url)) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        soup = BeautifulSoup(response.read(), "html.parser")
    assert soup.h1.get_text() == (
        "Lavrov’s visit to Tehran amid JCPOA talks heralds bright prospects for ties with Russia"
    )
    lead = soup.select_one(".story-body p.lead")
    assert lead.select_one(".dateline").get_text() == "Moscow, April 18, IRNA –"
    assert lead.get_text().startswith("Moscow, April 18, IRNA – Analysts believe")
    assert [h.get_text() for h in soup.select(".story-body h2")] == [
        "No alternative to JCPOA",
        "High level of Russia-Iran ties",
        "Ready to help Iran in fighting COVID-19",
        "Results of Lavrov’s visit to Tehran",
    ]
    assert soup.select_one("section.related h2").get_text() == "Related News"
    follow = soup.select_one("ul.follow a")
    assert " ".join(follow.get_text().split()) == "Follow us on Twitter @DatelineEN"
    assert follow["href"] == "https://twitter.com/DatelineEN"
    assert soup.select_one("#comments") is not None
    assert soup.html["lang"] == "en" and soup.html["dir"] == "ltr"
    body_text = soup.select_one(".story-body").get_text()
    for furniture in ("Related News", "Your Comment", "You are replying to", "Follow us"):
        assert furniture not in body_text


def test_article_shows_time_section_and_tags_linking_to_tag_pages(client, editions):
    en, _ = editions
    story = make_story(en, section=en.sections.get(), tags=("Caspian Sea", "Trade"))
    soup = page(client.get(story.get_absolute_url()))
    shown = datetime.datetime.fromisoformat(soup.select_one(".story-header time")["datetime"])
    assert shown == story.published_at.replace(microsecond=0)
    assert soup.select_one(".kicker a")["href"] == "/en/section/world/"
    tag_links = {a.get_text(): a["href"] for a in soup.select(".tags a")}
    assert tag_links == {"Caspian Sea": "/en/tag/caspian-sea/", "Trade": "/en/tag/trade/"}
    assert client.get("/en/tag/caspian-sea/").status_code == 200


def test_tags_of_any_spelling_come_with_the_story_whole_and_by_name(client, editions):
    """The article's query brings its tags as JSON text (`_tag_rows_of`): names holding what
    JSON and the joining comma must escape come back whole, in name order."""
    en, _ = editions
    odd = 'Zinc, "quoted" \\ [brackets]'
    story = make_story(en, tags=(odd, "حمل\u200cونقل", "Alpha"))
    soup = page(client.get(story.get_absolute_url()))
    assert [a.get_text() for a in soup.select(".tags a")] == ["Alpha", odd, "حمل\u200cونقل"]
    bare = make_story(en, headline="No tags at all")
    assert page(client.get(bare.get_absolute_url())).select(".tags a") == []


def test_related_news_shares_a_tag_or_the_section_and_is_public_only(client, editions):
    en, fa = editions
    story = make_story(en, tags=("Water",))
    sharing_tag = make_story(en, tags=("Water",), headline="Dams fill up")
    unrelated = make_story(en, tags=("Football",), headline="Cup final")
    draft = make_story(en, tags=("Water",), headline="Draft about water", published=False)
    other_edition = make_story(fa, tags=("Water",), headline="آب")
    soup = page(client.get(story.get_absolute_url()))
    related = [a.get_text() for a in soup.select("section.related a")]
    assert related == [sharing_tag.headline]
    assert unrelated.headline not in related and draft.headline not in related
    assert other_edition.headline not in related


@pytest.mark.parametrize("wrong", ["wrong-slug", "", "lavrov"])
def test_wrong_or_old_slug_redirects_permanently(client, seed_story, wrong):
    path = f"/en/news/{seed_story.code}/{wrong}".rstrip("/")
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == seed_story.get_absolute_url()


def test_a_slash_after_the_slug_leads_to_the_article(client, seed_story, editions):
    url = seed_story.get_absolute_url()
    response = client.get(f"{url}/?reply=7")
    assert response.status_code == 301 and response["Location"] == f"{url}?reply=7"
    assert client.get(response["Location"]).status_code == 200
    persian = make_story(editions[1], headline="باران در تهران")
    response = client.get(f"{persian.get_absolute_url()}/")
    assert response.status_code == 301 and response["Location"] == persian.get_absolute_url()
    assert client.post(f"{url}/").status_code == 405


@pytest.mark.parametrize(
    "query", ["order=newest", "reply=7", "utm_source=x&cpage=2", "flag&s=%2F%20+&bad=%FF"]
)
def test_a_wrong_slug_redirect_keeps_what_was_asked_of_the_page(client, seed_story, query):
    response = client.get(f"/en/news/{seed_story.code}?{query}")
    assert response.status_code == 301
    assert response["Location"] == f"{seed_story.get_absolute_url()}?{query}"


@pytest.mark.parametrize("written", ["0{code}", "00{code}", "+{code}", "{code}" + "0" * 19])
def test_a_code_written_otherwise_than_its_own_is_not_found(client, seed_story, written):
    """One story, one address: "01" is not a second one of story 1."""
    code = written.format(code=seed_story.code)
    assert client.get(f"/en/news/{code}/{seed_story.slug}").status_code == 404
    assert client.get(f"/en/news/{code}").status_code == 404


def test_a_wrong_slug_redirects_under_the_prefix_the_site_is_served_at(client, seed_story):
    """Behind a proxy's path (SCRIPT_NAME, which Django's WSGI handler makes the script
    prefix; the test client does not) the redirect stays under it."""
    response = asked_under("/agency/", client.get, f"/en/news/{seed_story.code}/old-slug")
    assert response.status_code == 301
    assert response["Location"] == "/agency" + seed_story.get_absolute_url()


def test_story_is_not_found_in_another_edition_or_as_a_draft(client, editions):
    en, _ = editions
    story = make_story(en)
    draft = make_story(en, published=False)
    assert client.get(f"/fa/news/{story.code}/{story.slug}").status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_persian_article_has_a_persian_slug_and_rtl_page(client, editions):
    _, fa = editions
    story = make_story(fa, headline="بارش باران در تهران", lead="باران بارید.")
    response = client.get(story.get_absolute_url())
    soup = page(response)
    assert soup.html["dir"] == "rtl" and soup.html["lang"] == "fa"
    assert soup.select_one("section.related h2").get_text() == "اخبار مرتبط"


def test_article_page_query_count(client, seed_story, settings, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = 0  # rendered every time: the cost of a cache miss
    client.get(seed_story.get_absolute_url())  # warm the edition furniture
    # Its Related News not stored yet (the worker has not run): the first rule's query too.
    # With a stored list, one query less (tests/discovery/test_related.py).
    with django_assert_max_num_queries(5):
        assert client.get(seed_story.get_absolute_url()).status_code == 200


def test_story_with_neither_tags_nor_section_has_an_empty_related_block(client, editions):
    en, _ = editions
    lonely = make_story(en)
    make_story(en, headline="Something else")
    soup = page(client.get(lonely.get_absolute_url()))
    assert soup.select("section.related a") == []
    assert soup.select_one("section.related .empty") is not None


@pytest.mark.parametrize(
    ("edition", "said"), [(0, "Source: Agence France-Presse"), (1, "منبع: Agence France-Presse")]
)
def test_partner_copy_names_its_source_to_readers(client, editions, edition, said):
    theirs = make_story(editions[edition], headline="Talks resume", credit="Agence France-Presse")
    ours = make_story(editions[edition], headline="Rail opens")
    credit = page(client.get(theirs.get_absolute_url())).select_one(".story-header .credit")
    assert credit.get_text() == said
    assert credit.bdi.get_text() == "Agence France-Presse"  # isolated in a Persian line
    assert page(client.get(ours.get_absolute_url())).select_one(".credit") is None
