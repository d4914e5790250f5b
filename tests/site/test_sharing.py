"""Share links on the article page: plain links carrying the story's URL and headline, encoded,
and no third-party script anywhere on the page."""

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.factories import make_member, make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db

HOSTILE = 'Q&A: "Rates" rise 5% <script>alert(1)</script> #1 + ?x=y&z'

# network label → (scheme and host of the share page, query key of the URL, of the headline)
EXPECTED = {
    "X": ("https://twitter.com/intent/tweet", "url", "text"),
    "Facebook": ("https://www.facebook.com/sharer/sharer.php", "u", None),
    "Telegram": ("https://t.me/share/url", "url", "text"),
}


def share_links(client, story) -> tuple[dict, BeautifulSoup]:
    soup = page(client.get(story.get_absolute_url()))
    section = soup.select_one("article.story section.share")
    assert section["aria-labelledby"] == "share-title"
    return {a.get_text(): a for a in section.select("a")}, soup


def test_share_links_carry_the_story_url_and_headline_encoded(client, editions):
    en, _ = editions
    story = make_story(en, headline=HOSTILE)
    links, soup = share_links(client, story)
    story_url = "http://testserver" + story.get_absolute_url()
    assert list(links) == ["X", "Facebook", "Telegram", "WhatsApp", "Email"]
    for name, (address, url_key, text_key) in EXPECTED.items():
        href = urlsplit(links[name]["href"])
        assert f"{href.scheme}://{href.netloc}{href.path}" == address, name
        query = parse_qs(href.query, strict_parsing=True)
        assert query[url_key] == [story_url], name
        if text_key:
            assert query[text_key] == [HOSTILE], name
        assert not href.fragment, name  # the headline's "#" did not cut the address short
    whatsapp = urlsplit(links["WhatsApp"]["href"])
    assert (whatsapp.netloc, parse_qs(whatsapp.query)["text"]) == (
        "wa.me",
        [f"{HOSTILE} {story_url}"],
    )
    email = links["Email"]["href"]
    assert email.startswith("mailto:?") and "+" not in email  # RFC 6068: spaces are %20
    assert parse_qs(urlsplit(email).query) == {"subject": [HOSTILE], "body": [story_url]}
    assert all(a["rel"] == ["noopener"] for a in links.values())
    # Nothing of another site runs: every script is our own.
    assert all(not urlsplit(s.get("src", "")).netloc for s in soup.find_all("script"))


def test_share_links_are_in_the_edition_language(client, editions):
    _, fa = editions
    story = make_story(fa, headline="بارش باران در تهران", lead="باران بارید.")
    links, soup = share_links(client, story)
    assert list(links) == ["ایکس", "فیسبوک", "تلگرام", "واتساپ", "ایمیل"]
    assert soup.select_one("#share-title").get_text() == "اشتراک‌گذاری"
    text = parse_qs(urlsplit(links["تلگرام"]["href"]).query)["text"]
    assert text == ["بارش باران در تهران"]


def test_share_words_around_a_story_of_another_language_keep_the_edition_language(client, editions):
    en, _ = editions
    story = make_story(en, headline="گفت‌وگو در تهران", lead="گفتند.", language="fa")
    _, soup = share_links(client, story)
    share = soup.select_one("section.share")
    assert (share["lang"], share["dir"]) == ("en", "ltr")


def test_the_newsroom_preview_has_no_share_links(client, editions):
    """A draft's or an embargoed story's headline must not reach a network from the preview."""
    en, _ = editions
    story = make_story(en, headline="Embargoed until noon", published=False)
    client.force_login(make_member("eddie", "editor", (en,)))
    preview = page(client.get(f"/newsroom/stories/{story.pk}/preview/"))
    assert preview.h1.get_text() == "Embargoed until noon"
    assert preview.select(".share") == []
