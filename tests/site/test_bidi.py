"""Text whose direction may differ from the page's is isolated (`<bdi>`, or an element with its
own `dir`), so a Persian name in an English line, or an English one in a Persian line, cannot
reorder the words and punctuation around it. Checked on the rendered HTML."""

import pytest
from bs4 import BeautifulSoup, NavigableString

from dateline.editions.models import FollowLink
from tests.factories import make_section, make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db


def isolated(text: NavigableString) -> bool:
    """True when the text sits in a `<bdi>` or an element with `dir` holding that text alone
    (an ancestor holding more than this text isolates the wrong thing)."""
    own = text.strip()
    for element in text.parents:
        if element.get_text().strip() != own:
            return False
        if element.name == "bdi" or element.has_attr("dir"):
            return True
    return False


def unisolated(soup: BeautifulSoup, markers: list[str]) -> list[str]:
    """The markers shown somewhere on the page without isolation (the `<title>` aside: plain
    text, nothing can isolate there)."""
    found = []
    for marker in markers:
        texts = [t for t in soup.body.find_all(string=lambda s, m=marker: m in s)]
        assert texts, f"{marker!r} is not on the page at all"
        found += [f"{marker!r} in <{t.parent.name}>" for t in texts if not isolated(t)]
    return found


@pytest.fixture
def mixed(editions):
    """The English edition carrying Persian names, tags and a Persian story; the Persian
    edition carrying English ones."""
    en, fa = editions
    en_section = make_section(en, "middle-east", "خاورمیانه")
    fa_section = make_section(fa, "sport", "Sport")
    FollowLink.objects.create(
        edition=en, network="تلگرام", handle="@dateline_fa", url="https://t.me/x"
    )
    FollowLink.objects.create(
        edition=fa, network="Telegram", handle="@DatelineEN", url="https://t.me/y"
    )
    english = make_story(
        en,
        section=en_section,
        headline="Talks resume in Vienna",
        tags=("برجام", "Water"),
        byline="علی رضایی",
        dateline_place="تهران",
        dateline_source="IRNA",
    )
    persian_in_en = make_story(
        en,
        section=en_section,
        tags=("Water",),
        headline="سلام دنیا",
        lead="باران بارید.",
        language="fa",
    )
    persian = make_story(
        fa,
        section=fa_section,
        headline="گفت‌وگوها در وین از سر گرفته شد",
        tags=("Climate Change", "آب"),
        byline="John Smith",
        dateline_place="London",
        dateline_source="Reuters",
    )
    english_in_fa = make_story(
        fa,
        section=fa_section,
        tags=("آب",),
        headline="Hello world",
        lead="It rained.",
        language="en",
    )
    return english, persian_in_en, persian, english_in_fa


EN_MARKERS = {
    "/en/": ["خاورمیانه", "سلام دنیا", "باران بارید.", "تلگرام"],
    "/en/section/middle-east/": ["خاورمیانه", "سلام دنیا", "باران بارید."],
    "/en/tag/water/": ["خاورمیانه", "سلام دنیا", "باران بارید."],
    "/en/tag/برجام/": ["برجام", "خاورمیانه"],
}
FA_MARKERS = {
    "/fa/": ["Sport", "Hello world", "It rained.", "Telegram", "@DatelineEN"],
    "/fa/section/sport/": ["Sport", "Hello world", "It rained."],
    "/fa/tag/آب/": ["Sport", "Hello world", "It rained."],
    "/fa/tag/climate-change/": ["Climate Change", "Sport"],
}


@pytest.mark.parametrize("markers", [EN_MARKERS, FA_MARKERS], ids=["en", "fa"])
def test_other_direction_text_in_lists_is_isolated(client, mixed, markers):
    problems = {path: unisolated(page(client.get(path)), m) for path, m in markers.items()}
    assert problems == {path: [] for path in markers}


def test_names_datelines_tags_and_related_headlines_on_an_article_are_isolated(client, mixed):
    english, _, persian, _ = mixed
    soup = page(client.get(english.get_absolute_url()))
    assert unisolated(soup, ["علی رضایی", "تهران", "برجام", "خاورمیانه", "سلام دنیا"]) == []
    assert unisolated(soup, ["@DatelineEN", "تلگرام"]) == []  # follow links
    soup = page(client.get(persian.get_absolute_url()))
    assert (
        unisolated(soup, ["John Smith", "London", "Climate Change", "Sport", "Hello world"]) == []
    )


def test_a_story_of_another_language_carries_its_own_language_and_direction(client, mixed):
    _, persian_in_en, _, english_in_fa = mixed
    soup = page(client.get(persian_in_en.get_absolute_url()))
    assert soup.html["dir"] == "ltr"
    assert (soup.select_one("article.story")["lang"], soup.select_one("article.story")["dir"]) == (
        "fa",
        "rtl",
    )
    # The furniture inside it (section, time) stays in the edition's language and direction.
    assert soup.select_one(".story-header .meta")["dir"] == "ltr"
    soup = page(client.get(english_in_fa.get_absolute_url()))
    assert (soup.select_one("article.story")["lang"], soup.select_one("article.story")["dir"]) == (
        "en",
        "ltr",
    )
    front = page(client.get("/fa/"))
    for selector in (".story-list h2", ".section-block h3"):
        headings = front.select(selector)
        other = next(h for h in headings if h.get_text() == "Hello world")
        assert (other["lang"], other["dir"]) == ("en", "ltr"), selector
        same = next(h for h in headings if h.get_text() != "Hello world")
        assert not same.has_attr("lang"), selector  # the page's own language needs no mark
    lead = front.find("p", string="It rained.")
    assert (lead["lang"], lead["dir"]) == ("en", "ltr")


def test_a_dateline_keeps_the_story_direction_and_isolates_place_and_source(client, mixed):
    english, _, persian, _ = mixed
    dateline = page(client.get(english.get_absolute_url())).select_one(".lead .dateline")
    assert dateline["dir"] == "ltr"  # an English dateline, whatever script its place is in
    assert [b.get_text() for b in dateline.find_all("bdi")] == ["تهران", "IRNA"]
    assert dateline.get_text() == "تهران, IRNA –"
    dateline = page(client.get(persian.get_absolute_url())).select_one(".lead .dateline")
    assert dateline["dir"] == "rtl"
    assert [b.get_text() for b in dateline.find_all("bdi")] == ["London", "Reuters"]
    assert dateline.get_text() == "London- Reuters-"


def test_the_example_dates_of_a_message_read_left_to_right_on_a_persian_page(client, editions):
    """After Persian words a hyphen has no direction of its own: an example date not isolated
    left to right was shown day first ("28-11-2026", "۰۸-۰۹-۱۴۰۵"), the wrong way to type it."""
    soup = page(client.get("/fa/search", {"q": "باران", "from": "28/11"}))
    assert unisolated(soup, ["۱۴۰۵-۰۹-۰۸", "2026-11-28"]) == []
    dates = soup.select_one("#search-bad-date").find_all(string=lambda s: s[:1] in "۱2")
    assert [(date, date.parent["dir"]) for date in dates] == [
        ("۱۴۰۵-۰۹-۰۸", "ltr"),
        ("2026-11-28", "ltr"),
    ]


def test_the_comment_pages_link_a_story_of_another_language_in_its_language(client, mixed):
    """The pages confirming a comment's report or deletion name its story: a Persian headline
    on an English page carries its language and direction, as in every list."""
    from dateline.comments.models import Status
    from dateline.comments.notifications import delete_token
    from tests.newsroom.test_comment_moderation import make_comment

    _, persian_in_en, _, _ = mixed
    comment = make_comment(persian_in_en, status=Status.APPROVED)
    for path in (f"/en/comments/{comment.pk}/report", f"/comments/delete/{delete_token(comment)}"):
        link = page(client.get(path)).main.find("a", string=persian_in_en.headline)
        assert (link["lang"], link["dir"]) == ("fa", "rtl"), path
