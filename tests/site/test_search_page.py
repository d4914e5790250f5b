"""The search page as readers see it: results with the words marked (escaped), filters,
pagination, both editions, hostile queries answered with a page (never a 500), noindex, and
the search box in the header of every kind of page."""

import datetime
import urllib.parse

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.utils import timezone

from dateline.editions.models import Calendar
from dateline.site import search as search_view
from dateline.stories.actions import kill_story
from tests.factories import make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the fan-out of the changes made inside (the search index's receiver among them)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def results(response) -> list[str]:
    return [a.get_text() for a in page(response).select(".search-results h2 a")]


def messages(response) -> list[str]:
    return [p.get_text() for p in page(response).select(".search-message")]


def test_results_link_to_the_stories_found_with_the_words_marked(client, editions, committed):
    en, _ = editions
    with committed():
        story = make_story(
            en,
            headline="Saffron growers expect a record crop",
            lead="Farmers in Khorasan say the saffron harvest will be the largest yet.",
        )
        make_story(en, headline="Football result")
    soup = page(client.get("/en/search?q=saffron"))
    assert [a["href"] for a in soup.select(".search-results h2 a")] == [story.get_absolute_url()]
    assert [m.get_text() for m in soup.select(".search-results h2 mark")] == ["Saffron"]
    assert [m.get_text() for m in soup.select(".snippet mark")] == ["saffron"]
    assert soup.h1.get_text() == "Results for “saffron”"
    assert soup.select_one("#search-page-q")["value"] == "saffron"


def test_a_story_killed_after_it_was_found_is_found_no_more(client, editions, committed):
    en, _ = editions
    with committed():
        story = make_story(en, headline="Pistachio exports fall")
    assert results(client.get("/en/search?q=pistachio")) == ["Pistachio exports fall"]
    with committed():
        kill_story(story, reason="legal")
    response = client.get("/en/search?q=pistachio")
    assert results(response) == []
    assert "Pistachio" not in response.content.decode()
    assert page(response).select_one(".empty").get_text().startswith("No story matches")


def test_stories_are_escaped_and_only_the_matches_are_marked(client, editions, committed):
    en, _ = editions
    with committed():
        make_story(
            en,
            headline="<script>alert('head')</script> copper & <b>zinc</b>",
            lead="Copper <img src=x onerror=alert(1)> rose; <mark>fake</mark> copper.",
        )
    response = client.get("/en/search?q=copper")
    soup = page(response)
    main = soup.select_one("main")
    assert not main.select("script, img, b") and not soup.select("script")
    headline = main.select_one(".search-results h2 a")
    assert headline.get_text() == "<script>alert('head')</script> copper & <b>zinc</b>"
    assert [m.get_text() for m in headline.select("mark")] == ["copper"]
    snippet = main.select_one(".snippet")
    assert [m.get_text() for m in snippet.select("mark")] == ["Copper", "copper"]
    assert "<mark>fake</mark>" in snippet.get_text()
    assert b"&lt;script&gt;" in response.content


def marks_of(soup, selector: str) -> list[str]:
    return [m.get_text() for m in soup.select(f".search-results {selector} mark")]


@pytest.mark.parametrize(
    ("query", "headline", "lead", "marked_headline", "marked_snippet"),
    [
        (  # a phrase's words where they stand together, and not alone
            '"oil prices"',
            "Oil prices rise as oil output falls",
            "Traders said oil exports, not oil prices, moved the market; prices of oil fell.",
            ["Oil", "prices"],
            ["oil", "prices"],
        ),
        (  # one word written with an apostrophe is a phrase too: no "s" of "year’s"
            "Iran's",
            "Iran's budget is this year’s test",
            "The city’s traders read Iran’s plan, the ministry’s words.",
            ["Iran", "s"],
            ["Iran", "s"],
        ),
        (
            "U.S.",
            "U.S. talks: a U turn and an S bend",
            "Us and the U.S. envoy; a U-boat.",
            ["U", "S"],
            ["U", "S"],
        ),
        (  # words and prefixes as before: wherever they are
            "oil export*",
            "Oil exporters meet",
            "The oil exports and oil fields.",
            ["Oil", "exporters"],
            ["oil", "exports", "oil"],
        ),
        (  # Persian, in guillemets, the headline spelled with Arabic letters
            "«قیمت نفت»",
            "قيمت نفت بالا رفت",
            "نفت ایران ارزان شد و قیمت طلا ثابت ماند؛ قیمت نفت خام هم.",
            ["قيمت", "نفت"],
            ["قیمت", "نفت"],
        ),
    ],
    ids=["phrase", "apostrophe", "initials", "word-and-prefix", "persian-phrase"],
)
def test_a_phrase_is_marked_only_where_its_words_stand_together(
    client, editions, committed, query, headline, lead, marked_headline, marked_snippet
):
    edition = editions[1] if query.startswith("«") else editions[0]
    with committed():
        make_story(edition, headline=headline, lead=lead)
    response = client.get(f"/{edition.code}/search?" + urllib.parse.urlencode({"q": query}))
    assert results(response) == [headline]
    soup = page(response)
    assert marks_of(soup, "h2") == marked_headline
    assert marks_of(soup, ".snippet") == marked_snippet


def test_a_marked_phrase_is_escaped_like_the_rest(client, editions, committed):
    en, _ = editions
    with committed():
        make_story(en, headline="<b>oil prices</b> & <i>oil</i>")
    soup = page(client.get("/en/search?q=%22oil+prices%22"))
    headline = soup.select_one(".search-results h2 a")
    assert not headline.select("b, i")
    assert headline.get_text() == "<b>oil prices</b> & <i>oil</i>"
    assert marks_of(soup, "h2") == ["oil", "prices"]


def test_persian_page_is_right_to_left_and_finds_either_spelling(client, editions, committed):
    _, fa = editions
    with committed():
        make_story(fa, headline="كتاب‌های عربي در نمایشگاه", lead="ناشران می‌روند.")
    for words, marked in [
        ("کتابهای عربی", ["كتاب‌های", "عربي"]),
        ("كتاب‌های", ["كتاب‌های"]),
        ("میروند", ["می‌روند"]),
        ("كِتَاب*", ["كتاب‌های"]),
    ]:
        response = client.get("/fa/search?" + urllib.parse.urlencode({"q": words}))
        soup = page(response)
        assert soup.html["dir"] == "rtl" and soup.html["lang"] == "fa"
        assert results(response) == ["كتاب‌های عربي در نمایشگاه"], words
        assert [m.get_text() for m in soup.select(".search-results mark")] == marked
    assert page(client.get("/fa/search?q=x")).select_one("form[role=search] button").get_text() == (
        "جستجو"
    )


def test_results_are_paged_and_links_keep_the_search(client, editions, committed, monkeypatch):
    en, _ = editions
    monkeypatch.setattr(search_view, "SEARCH_PER_PAGE", 2)
    world = en.sections.get()
    now = timezone.now()
    with committed():
        for n in range(5):
            make_story(en, headline=f"Tin market {n}", section=world, published_at=now - n * HOUR)
    first = page(client.get("/en/search?q=tin&section=world"))
    assert [a.get_text() for a in first.select(".search-results h2 a")] == [
        "Tin market 0",
        "Tin market 1",
    ]
    assert not first.select("a[rel=prev]")
    following = first.select_one("a[rel=next]")["href"]
    assert urllib.parse.parse_qs(following[1:]) == {
        "q": ["tin"],
        "section": ["world"],
        "page": ["2"],
    }
    last = page(client.get("/en/search?q=tin&section=world&page=3"))
    assert [a.get_text() for a in last.select(".search-results h2 a")] == ["Tin market 4"]
    assert not last.select("a[rel=next]") and last.select("a[rel=prev]")
    past = page(client.get("/en/search?q=tin&section=world&page=4"))  # past the end
    assert past.select_one("p.empty").get_text(" ", strip=True) == (
        "This search has fewer pages of results. Back to the first page"
    )
    assert urllib.parse.parse_qs(past.select_one("p.empty a")["href"][1:]) == {
        "q": ["tin"],
        "section": ["world"],
    }
    assert not past.select("nav.pagination")
    # Nothing a reader can put in ?page= is an error: not a page number is the first page, a
    # number past the deepest page served is past the end (and asks the index nothing).
    for typo in ("0", "-1", "x", "1e3", "²", "۰", ""):
        answered = client.get(f"/en/search?q=tin&section=world&page={typo}")
        assert answered.status_code == 200, typo
        shown = [a.get_text() for a in page(answered).select(".search-results h2 a")]
        assert shown == ["Tin market 0", "Tin market 1"], typo
    for second in ("٢", "۲", "02"):  # Arabic-Indic, Persian digits: the page they write
        answered = page(client.get(f"/en/search?q=tin&section=world&page={second}"))
        shown = [a.get_text() for a in answered.select(".search-results h2 a")]
        assert shown == ["Tin market 2", "Tin market 3"], second
    for deep in ("99999", "999999999", "9" * 20, "9" * 5000):
        answered = page(client.get(f"/en/search?q=tin&page={deep}"))
        assert (
            answered.select_one("p.empty")
            .get_text(" ", strip=True)
            .startswith("This search has fewer pages of results.")
        )


def test_words_past_the_twelfth_are_not_looked_for_and_the_page_says_so(
    client, editions, committed
):
    en, _ = editions
    lead = "The price of tin rose to a high in London and traders said so for a day on end."
    with committed():
        make_story(en, headline="Tin market steadies", lead=lead)
    words = "tin market steadies the of and to in a said for on xyzzyqq"
    answered = page(client.get(f"/en/search?q={urllib.parse.quote(words)}"))
    assert answered.select_one("#search-cut").get_text() == (
        "Your search has more words than are looked for: only its first 12 were."
    )
    assert [a.get_text() for a in answered.select(".search-results h2 a")] == [
        "Tin market steadies"
    ]
    assert not messages(client.get("/en/search?q=tin+market"))


def test_filters_narrow_the_results(client, editions, committed):
    en, _ = editions
    world = en.sections.get()
    march_tenth = datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)
    with committed():
        make_story(en, headline="Cotton tagged", tags=("Farming",), published_at=march_tenth)
        make_story(
            en, headline="Cotton in world", section=world, published_at=march_tenth + 24 * HOUR
        )
    assert results(client.get("/en/search?q=cotton&section=world")) == ["Cotton in world"]
    tagged = client.get("/en/search?q=cotton&tag=farming")
    assert results(tagged) == ["Cotton tagged"]
    assert page(tagged).select_one("input[name=tag]")["value"] == "farming"
    assert results(client.get("/en/search?q=cotton&from=2026-03-11")) == ["Cotton in world"]
    assert results(client.get("/en/search?q=cotton&to=2026-03-10")) == ["Cotton tagged"]
    # Persian digits in a date are read too
    assert results(client.get("/en/search?q=cotton&to=۲۰۲۶-۰۳-۱۰")) == ["Cotton tagged"]


def test_a_section_written_in_capitals_is_its_section_as_its_page_is(client, editions, committed):
    """/en/section/World/ is the World page (a redirect): a search's section=World is too."""
    en, _ = editions
    with committed():
        make_story(en, headline="Cotton in world", section=en.sections.get())
        make_story(en, headline="Cotton elsewhere")
    response = client.get("/en/search?q=cotton&section=World")
    assert (results(response), messages(response)) == (["Cotton in world"], [])
    assert page(response).select_one("#search-section option[selected]")["value"] == "world"


def solar_hijri_budget_stories(editions, committed, days: dict[str, tuple[int, int, int]]):
    """The Persian edition, in the Solar Hijri calendar, with a story published at 09:00 UTC on
    each day of `days` (headline: year, month, day). Returns the edition."""
    _, fa = editions
    fa.calendar = Calendar.SOLAR_HIJRI
    fa.save()
    with committed():
        for headline, day in days.items():
            published_at = datetime.datetime(*day, 9, tzinfo=datetime.UTC)
            make_story(fa, headline=headline, published_at=published_at)
    return fa


def test_a_persian_edition_reads_a_solar_hijri_date_typed_by_hand(client, editions, committed):
    """The date field sends Gregorian days; a Persian reader typing the address writes the
    edition's calendar: 1405-09-08 is 29 November 2026, not a day of the year 1405."""
    fa = solar_hijri_budget_stories(
        editions, committed, {"بودجه پاییز": (2026, 11, 29), "بودجه بهار": (2026, 3, 10)}
    )
    for since in ("۱۴۰۵-۰۹-۰۸", "1405-09-08", "2026-11-29"):
        response = client.get("/fa/search?" + urllib.parse.urlencode({"q": "بودجه", "from": since}))
        assert results(response) == ["بودجه پاییز"], since
        assert page(response).select_one("input[name=from]")["value"] == "۱۴۰۵-۰۹-۰۸"
    assert messages(client.get("/fa/search?q=بودجه&from=1405-13-01")) == [
        "چنین روزی در تقویم نیست: ماه و روز را بررسی کنید."
    ]
    # An edition of the Gregorian calendar reads the same digits as the year 1405.
    fa.calendar = Calendar.GREGORIAN
    fa.save()
    everything = client.get("/fa/search?q=بودجه&from=1405-09-08")
    assert results(everything) == ["بودجه پاییز", "بودجه بهار"]


def date_fields(response) -> dict[str, dict[str, str]]:
    """The search form's date fields: each one's type, value, placeholder and invalidity."""
    return {
        field["name"]: {
            name: field.get(name, "") for name in ("type", "value", "placeholder", "aria-invalid")
        }
        for field in page(response).select(".search-filters input[name=from], input[name=to]")
    }


def test_a_solar_hijri_edition_s_date_fields_show_and_take_its_calendar_and_digits(
    client, editions, committed
):
    """The browser's date field is Gregorian, in the browser's digits: a Persian reader can
    neither type nor read the edition's dates in it. In an edition of the Solar Hijri calendar
    the fields are text, showing that calendar's days in the edition's digits."""
    solar_hijri_budget_stories(
        editions, committed, {"بودجه پاییز": (2026, 11, 26), "بودجه تابستان": (2026, 8, 1)}
    )
    text_field = {"type": "text", "placeholder": "۱۴۰۵-۰۹-۰۸", "aria-invalid": ""}
    # As typed, as Persian writes it (a slash, no leading zero), or a Gregorian day (an older
    # link): each is shown in the edition's calendar and digits.
    for typed in ("۱۴۰۵-۰۹-۰۵", "۱۴۰۵/۹/۵", "1405-09-05", "2026-11-26"):
        response = client.get("/fa/search?" + urllib.parse.urlencode({"q": "بودجه", "from": typed}))
        assert results(response) == ["بودجه پاییز"], typed
        assert date_fields(response) == {
            "from": {**text_field, "value": "۱۴۰۵-۰۹-۰۵"},
            "to": {**text_field, "value": ""},
        }
    # A day the calendar does not have (1404 is not a leap year): said, and given back as
    # typed, to be corrected.
    response = client.get("/fa/search?q=بودجه&from=۱۴۰۴-۱۲-۳۰&to=۱۴۰۵-۰۵-۲۰")
    assert messages(response) == ["چنین روزی در تقویم نیست: ماه و روز را بررسی کنید."]
    assert date_fields(response) == {
        "from": {**text_field, "value": "۱۴۰۴-۱۲-۳۰", "aria-invalid": "true"},
        "to": {**text_field, "value": "۱۴۰۵-۰۵-۲۰"},
    }
    assert results(response) == ["بودجه تابستان"]
    # The English edition keeps the browser's date field.
    response = client.get("/en/search?q=cotton&from=2026-11-26")
    assert date_fields(response) == {
        "from": {"type": "date", "value": "2026-11-26", "placeholder": "", "aria-invalid": ""},
        "to": {"type": "date", "value": "", "placeholder": "", "aria-invalid": ""},
    }


@pytest.mark.parametrize(
    "typed",
    [
        "۱۴۰۵-۰۹-۰۵",
        "0001-01-01",
        "1699-12-29",  # the last day read as Solar Hijri: 20 March 2321
        "2321-03-21",  # the first Gregorian day after it, which is 1700 in Solar Hijri
        "9999-12-31",
        "0000-01-01",
        "1405-00-05",
        "۱۴۰۵-۰۹-۰۵x",
        "1405-9-5-1",
        "١٤٠٥-٠٩-٠٥",  # Arabic-Indic digits
        "%ED%A0%80",
        "x" * 500,
    ],
)
def test_what_a_solar_hijri_date_field_shows_reads_back_as_the_same_day(client, editions, typed):
    """Never an error; and what the field shows, sent again, asks for what was asked first."""
    _, fa = editions
    fa.calendar = Calendar.SOLAR_HIJRI
    fa.save()
    first = client.get(f"/fa/search?q=x&to={typed}")
    assert first.status_code == 200
    shown = date_fields(first)["to"]["value"]
    assert len(shown) <= 20
    again = client.get("/fa/search?" + urllib.parse.urlencode({"q": "x", "to": shown}))
    assert date_fields(again) == date_fields(first)
    assert messages(again) == messages(first)


def test_dates_the_wrong_way_round_are_named(client, editions, committed):
    en, _ = editions
    with committed():
        make_story(en, headline="Cotton prices")
    response = client.get("/en/search?q=cotton&from=2026-03-11&to=2026-03-01")
    assert messages(response) == ["The first date is after the last one: nothing falls between."]
    assert results(response) == []


def wrong_fields(soup) -> dict[str, list[str]]:
    """Each field marked invalid, and the texts of the messages that describe it."""
    return {
        field["name"]: [soup.find(id=ref).get_text() for ref in field["aria-describedby"].split()]
        for field in soup.select(".search-form [aria-invalid=true]")
    }


@pytest.mark.parametrize(
    ("parameters", "wrong"),
    [
        ("from=2026-11-01&to=2026-10-01", {"from": ["reversed"], "to": ["reversed"]}),
        ("from=2026-11-01&to=yesterday", {"to": ["bad"]}),
        ("from=2026-13-01&to=yesterday", {"from": ["no day"], "to": ["bad"]}),
        ("from=2026-02-30", {"from": ["no day"]}),
        ("from=2026-10-01&to=2026-11-01", {}),
        ("q=" + "بندر " * 50, {"q": ["long"]}),  # the last q is the one read
    ],
)
def test_a_field_the_search_cannot_use_is_marked_and_described_by_its_message(
    client, editions, parameters, wrong
):
    soup = page(client.get(f"/fa/search?q=بندر&{parameters}"))
    said = {
        "reversed": "تاریخ نخست پس از تاریخ پایانی است: میان آن دو چیزی نیست.",
        "bad": "تاریخ را به شکل سال-ماه-روز بنویسید، برای نمونه ۱۴۰۵-۰۹-۰۸ یا 2026-11-28.",
        "no day": "چنین روزی در تقویم نیست: ماه و روز را بررسی کنید.",
        "long": "جستجوی شما بیش از اندازه بلند است: حداکثر ۲۰۰ نویسه بنویسید.",
    }
    assert wrong_fields(soup) == {
        field: [said[problem] for problem in problems] for field, problems in wrong.items()
    }


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ("section=nope", "There is no such section"),
        ("tag=nope", "There is no such tag"),
        ("from=2026-13-01", "There is no such day in the calendar"),
        ("from=2026-02-30", "There is no such day in the calendar"),
        ("to=yesterday", "Write dates as year-month-day"),
        ("to=2026-1-1-1", "Write dates as year-month-day"),
        ("to=9999-12-31", None),
        ("from=0001-01-01", None),
    ],
)
def test_a_filter_that_cannot_be_used_is_named_and_left_out(
    client, editions, committed, parameters, message
):
    en, _ = editions
    with committed():
        make_story(en, headline="Cotton prices")
    response = client.get(f"/en/search?q=cotton&{parameters}")
    shown = messages(response)
    if message is None:
        assert shown == []
    else:
        assert len(shown) == 1 and shown[0].startswith(message)
    assert results(response) == ["Cotton prices"]


def test_a_tag_only_hidden_stories_carry_is_not_shown(client, editions, committed):
    en, _ = editions
    with committed():
        make_story(en, headline="Cotton prices")
        make_story(en, headline="Secret", tags=("Secret plan",), published=False)
    response = client.get("/en/search?q=cotton&tag=secret-plan")
    assert "Secret plan" not in response.content.decode()
    assert messages(response)[0].startswith("There is no such tag")


HOSTILE = [
    "",
    " ",
    '"',
    '"""',
    "*",
    "**",
    "^",
    "NEAR(",
    "NEAR(oil gas",
    "oil NEAR/3 gas",
    "oil AND",
    "OR",
    "NOT oil",
    "-oil",
    "headline:oil",
    "{headline lead}: oil",
    "oil + gas",
    '"oil',
    'oil"',
    "oil*gas",
    "(oil",
    "'",
    "'; DROP TABLE stories_story; --",
    "1' OR '1'='1",
    "oil\\",
    "%",
    "_",
    "<script>alert(1)</script>",
    "a\x00b",
    "\x00",
    "\x1b[31m",
    "\u202eoil",
    "\ufeff",
    "oil" * 100,
    "word " * 60,
    "ـــ",
    "،؛؟",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_queries_get_a_page_never_an_error(client, editions, committed, text):
    en, _ = editions
    with committed():
        make_story(en, headline="Oil and gas output")
    for edition in ("en", "fa"):
        response = client.get(f"/{edition}/search?" + urllib.parse.urlencode({"q": text}))
        soup = page(response)
        assert soup.select_one('meta[name="robots"]')["content"] == "noindex"
        assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize(
    "raw",
    [
        "q=%ED%A0%80",  # a lone surrogate, UTF-8 encoded
        "q=%ED%A0%80oil%ED%B0%80",
        "q=%FF%FE",  # not UTF-8
        "q=%00",
        "q=oil&q=gas",
        "q[]=oil",
        "q=" + "%E2%80%8F" * 300,  # over-long in invisible characters
        "q=oil&from=%00&to=%ED%A0%80&section=%00&tag=%ED%A0%80&page=1",
        "q=oil&tag=%00&section=%ED%A0%80",
        "q=oil&tag=" + "x" * 5000,
    ],
)
def test_malformed_query_strings_get_a_page(client, editions, committed, raw):
    en, _ = editions
    with committed():
        make_story(en, headline="Oil and gas output")
    response = client.get(f"/en/search?{raw}")
    assert response.status_code == 200
    page(response)


def test_the_messages_say_what_to_change(client, editions):
    assert messages(client.get("/en/search?q=" + "a" * 201)) == [
        "Your search is too long: write at most 200 characters."
    ]
    assert messages(client.get("/fa/search?q=" + "a" * 201)) == [
        "جستجوی شما بیش از اندازه بلند است: حداکثر ۲۰۰ نویسه بنویسید."
    ]
    assert messages(client.get("/en/search?q=%22*%5E"))[0].startswith("Type one or more words")
    blank = page(client.get("/en/search"))
    assert not blank.select(".search-message") and blank.select_one(".search-help")
    assert blank.h1.get_text() == "Search"


def test_result_pages_are_noindex_and_not_in_the_page_cache(
    client, editions, committed, settings, monkeypatch
):
    settings.PAGE_CACHE_SECONDS = 60
    en, _ = editions
    with committed():
        make_story(en, headline="Lentil imports")
    stored = []
    real_set = cache.set
    monkeypatch.setattr(
        cache, "set", lambda key, *a, **k: stored.append(key) or real_set(key, *a, **k)
    )
    response = client.get("/en/search?q=lentil")
    assert results(response) == ["Lentil imports"]
    assert response["X-Robots-Tag"] == "noindex"
    assert page(response).select_one('meta[name="robots"]')["content"] == "noindex"
    assert not [key for key in stored if key.startswith("site:page:")]
    client.get("/en/")  # a page that is cached, so the spy is known to see it
    assert [key for key in stored if key.startswith("site:page:")]


def header_search_box(soup: BeautifulSoup, edition: str) -> None:
    form = soup.select_one("header form[role=search]")
    assert form is not None
    assert form["action"] == f"/{edition}/search" and form.get("method", "get") == "get"
    field = form.select_one("input[name=q]")
    label = soup.select_one(f"label[for={field['id']}]")
    assert label is not None and label.get_text().strip()
    assert form.select_one("button[type=submit]")


def test_every_kind_of_page_has_the_search_box_in_its_header(client, editions, committed):
    en, fa = editions
    with committed():
        story = make_story(en, section=en.sections.get(), tags=("Water",))
        persian = make_story(fa, headline="خبر")
        withdrawn = make_story(en)
        kill_story(withdrawn, reason="gone")
    for path, status, edition in [
        ("/en/", 200, "en"),
        ("/fa/", 200, "fa"),
        ("/en/section/world/", 200, "en"),
        ("/en/tag/water/", 200, "en"),
        (story.get_absolute_url(), 200, "en"),
        (persian.get_absolute_url(), 200, "fa"),
        (withdrawn.get_absolute_url(), 410, "en"),
        ("/en/no-such-page/", 404, "en"),
        ("/fa/section/none/", 404, "fa"),
        ("/en/search?q=water", 200, "en"),
        ("/fa/search", 200, "fa"),
    ]:
        response = client.get(path)
        assert response.status_code == status, path
        header_search_box(BeautifulSoup(response.content, "html.parser"), edition)


def test_a_latin_query_is_isolated_on_the_persian_page(client, editions):
    """A Latin query in a Persian heading, title or box must not read "?oil prices"."""
    soup = page(client.get("/fa/search?" + urllib.parse.urlencode({"q": "oil prices?"})))
    assert [bdi.get_text() for bdi in soup.h1.select("bdi")] == ["oil prices?"]
    assert "\u2068oil prices?\u2069" in soup.title.get_text()
    for box in ("#site-search-q", "#search-page-q"):  # the masthead's, the page's
        assert soup.select_one(box)["dir"] == "auto", box


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("/en/search?q=dams", ["Search the news", "Your search"]),
        ("/fa/search?q=سد", ["جستجو در اخبار", "جستجوی شما"]),
    ],
)
def test_the_two_search_landmarks_are_told_apart_in_the_editions_words(
    client, editions, path, names
):
    """The header's box and the page's own form are both role="search": each is named."""
    soup = page(client.get(path))
    assert [form.get("aria-label") for form in soup.select("[role=search]")] == names
