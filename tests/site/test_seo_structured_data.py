"""What search engines and link previews read from real pages: schema.org NewsArticle JSON-LD
and Open Graph, extracted with extruct as a crawler would, and the Twitter card."""

import datetime
import json
import struct

import extruct
import pytest
from django.utils import timezone

from dateline.site.seo import og_locale
from dateline.stories.actions import correct_story
from tests.factories import make_member, make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
HOSTILE = "</script><script>alert(1)</script><!-- \"quoted\" & 'single' </SCRIPT >"


def read(client, path: str) -> tuple[dict, list[tuple[str, str]], object]:
    """The page's JSON-LD objects by @type, its Open Graph properties, and its HTML tree."""
    response = client.get(path)
    soup = page(response)
    data = extruct.extract(
        response.content.decode(),
        base_url=f"http://testserver{path}",
        syntaxes=["json-ld", "opengraph"],
        uniform=False,
    )
    json_ld = {item["@type"]: item for item in data["json-ld"]}
    properties = [p for block in data["opengraph"] for p in block["properties"]]
    return json_ld, properties, soup


def one(properties: list[tuple[str, str]], name: str) -> str:
    values = [value for key, value in properties if key == name]
    assert len(values) == 1, (name, values)
    return values[0]


def iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@pytest.fixture
def corrected_story(editions):
    en, _ = editions
    story = make_story(
        en,
        headline="Dam reopens after repairs",
        lead="The Karaj dam reopened on Friday after two months of repairs.",
        section=en.sections.get(),
        tags=("Water", "Karaj"),
        byline="Sara Ahmadi",
        dateline_place="Karaj",
        dateline_source="IRNA",
    )
    return correct_story(story, note="An earlier version gave the wrong month.")


def test_article_carries_a_news_article_with_every_field(client, corrected_story):
    story = corrected_story
    correction = story.corrections.get()
    json_ld, _, soup = read(client, story.get_absolute_url())
    article = json_ld["NewsArticle"]
    canonical = soup.find("link", rel="canonical")["href"]
    assert article["@context"] == "https://schema.org"
    assert article["headline"] == "Dam reopens after repairs"
    assert article["description"] == story.lead
    assert article["url"] == canonical == f"http://testserver{story.get_absolute_url()}"
    assert article["mainEntityOfPage"] == {"@type": "WebPage", "@id": canonical}
    assert article["datePublished"] == iso(story.published_at)
    # Modified when corrected: the time the page shows beside "Updated".
    assert article["dateModified"] == iso(correction.at)
    assert article["dateModified"] == soup.select_one(".updated time")["datetime"]
    assert article["author"] == {"@type": "Person", "name": "Sara Ahmadi"}
    assert article["publisher"] == {
        "@type": "Organization",
        "name": "Dateline English",
        "url": "http://testserver/en/",
    }
    # The dateline readers see in front of the lead.
    assert article["dateline"] == soup.select_one(".dateline").get_text()
    assert article["dateline"].startswith("Karaj")
    assert article["inLanguage"] == "en"
    assert article["articleSection"] == "World"
    assert sorted(article["keywords"]) == ["Karaj", "Water"]
    assert article["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "An earlier version gave the wrong month.",
            "datePublished": iso(correction.at),
        }
    ]


@pytest.mark.parametrize(
    ("byline", "people"),
    [
        ("By Sara Ahmadi", {"@type": "Person", "name": "Sara Ahmadi"}),
        ("Abby Smith", {"@type": "Person", "name": "Abby Smith"}),
        ("By Michael Gelb, Reuters", {"@type": "Person", "name": "Michael Gelb"}),
        (
            "by Sara Ahmadi and Ali Rezaei",
            [{"@type": "Person", "name": "Sara Ahmadi"}, {"@type": "Person", "name": "Ali Rezaei"}],
        ),
        (
            "به قلم سارا احمدی و علی رضایی",
            [{"@type": "Person", "name": "سارا احمدی"}, {"@type": "Person", "name": "علی رضایی"}],
        ),
    ],
)
def test_the_author_is_each_person_the_byline_names_without_its_by(
    client, editions, byline, people
):
    story = make_story(editions[0], byline=byline)
    json_ld, _, soup = read(client, story.get_absolute_url())
    assert json_ld["NewsArticle"]["author"] == people
    assert byline in soup.get_text()  # the page prints the byline as written


def test_a_story_without_byline_correction_or_section_names_the_edition_as_author(client, editions):
    _, fa = editions
    story = make_story(fa, headline="بارش باران در تهران", lead="باران بارید.")
    json_ld, properties, _ = read(client, story.get_absolute_url())
    article = json_ld["NewsArticle"]
    edition = {"@type": "Organization", "name": "دیت‌لاین فارسی", "url": "http://testserver/fa/"}
    assert article["author"] == edition
    assert article["publisher"] == edition
    assert article["inLanguage"] == "fa"
    assert article["headline"] == "بارش باران در تهران"
    assert article["dateModified"] == article["datePublished"] == iso(story.published_at)
    for absent in ("correction", "articleSection", "keywords", "dateline"):
        assert absent not in article, absent
    assert one(properties, "og:locale") == "fa_IR"
    assert one(properties, "og:site_name") == "دیت‌لاین فارسی"
    assert [key for key, _ in properties if key in ("article:section", "article:tag")] == []


def test_article_open_graph_and_twitter_card(client, corrected_story):
    story = corrected_story
    _, properties, soup = read(client, story.get_absolute_url())
    assert one(properties, "og:type") == "article"
    assert one(properties, "og:title") == "Dam reopens after repairs"
    assert one(properties, "og:description") == story.lead
    assert one(properties, "og:url") == soup.find("link", rel="canonical")["href"]
    assert one(properties, "og:site_name") == "Dateline English"
    assert one(properties, "og:locale") == "en_US"
    assert one(properties, "article:published_time") == iso(story.published_at)
    assert one(properties, "article:modified_time") == iso(story.corrections.get().at)
    assert one(properties, "article:section") == "World"
    assert sorted(v for k, v in properties if k == "article:tag") == ["Karaj", "Water"]
    assert soup.find("meta", attrs={"name": "twitter:card"})["content"] == "summary"


@pytest.mark.parametrize("path", ["article", "/en/", "/fa/section/world/"])
def test_every_page_names_an_image_that_is_served_at_the_size_it_says(client, editions, path):
    """Open Graph requires og:image; stories have no pictures, so the site's card stands in."""
    if path == "article":
        path = make_story(editions[0]).get_absolute_url()
    _, properties, _ = read(client, path)
    image = one(properties, "og:image")
    assert image.startswith("http://testserver/static/") and image.endswith(".png")
    served = client.get(image.removeprefix("http://testserver"))
    assert served.status_code == 200
    png = b"".join(served.streaming_content) if served.streaming else served.content
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert (one(properties, "og:image:width"), one(properties, "og:image:height")) == (
        str(width),
        str(height),
    )
    assert (width, height) == (1200, 630)  # the large link previews' size
    assert one(properties, "og:image:alt")


def test_a_long_lead_is_cut_for_the_description(client, editions):
    story = make_story(editions[0], lead="word " * 100)
    _, properties, _ = read(client, story.get_absolute_url())
    description = one(properties, "og:description")
    assert len(description) <= 200
    assert description.endswith("…")


@pytest.mark.parametrize(("edition", "word"), [(0, "transits"), (1, "پیش‌بینی‌شده")])
def test_a_long_lead_is_cut_after_a_whole_word(client, editions, edition, word):
    """A link preview shows "… transits …", never "… transits t…" (a Persian word cut
    mid-word is another word, or none)."""
    lead = " ".join([word] * 60)
    _, properties, _ = read(client, make_story(editions[edition], lead=lead).get_absolute_url())
    description = one(properties, "og:description")
    assert len(description) <= 200
    assert description == " ".join([word] * description.count(word)) + "…"


@pytest.mark.parametrize(
    ("path", "title", "description"),
    [
        ("/en/", "Dateline English", "The latest news from Dateline English, as it happens."),
        ("/en/section/world/", "World", "World: the latest news from Dateline English."),
        ("/en/tag/water/", "Water", "News tagged Water, from Dateline English."),
        ("/fa/", "دیت‌لاین فارسی", "آخرین اخبار دیت‌لاین فارسی، همزمان با رخدادها."),
        ("/fa/section/world/", "جهان", "جهان: آخرین اخبار دیت‌لاین فارسی."),
        ("/fa/tag/آب/", "آب", "اخبار با برچسب آب، از دیت‌لاین فارسی."),
    ],
)
def test_list_pages_carry_website_open_graph(client, editions, path, title, description):
    en, fa = editions
    make_story(en, section=en.sections.get(), tags=("Water",))
    make_story(fa, section=fa.sections.get(), tags=("آب",))
    json_ld, properties, soup = read(client, path)
    assert "NewsArticle" not in json_ld  # an article page's alone
    assert set(json_ld) == (set() if path in ("/en/", "/fa/") else {"BreadcrumbList"})
    assert one(properties, "og:type") == "website"
    assert one(properties, "og:title") == title
    assert one(properties, "og:description") == description
    assert (
        one(properties, "og:description")
        == soup.find("meta", attrs={"name": "description"})["content"]
    )
    assert one(properties, "og:url") == soup.find("link", rel="canonical")["href"]
    assert one(properties, "og:locale") == ("en_US" if path.startswith("/en/") else "fa_IR")
    assert soup.find("meta", attrs={"name": "twitter:card"})["content"] == "summary"
    assert not [key for key, _ in properties if key.startswith("article:")]


def test_a_later_page_of_a_list_is_its_own_url(client, editions, settings):
    from dateline.site import pagination

    en, _ = editions
    settings.PAGE_CACHE_SECONDS = 0
    for _ in range(pagination.PER_PAGE + 1):
        make_story(en, section=en.sections.get())
    for path in ("/en/section/world/?page=2", "/en/?page=2"):
        _, properties, soup = read(client, path)
        assert one(properties, "og:url") == f"http://testserver{path}"
        assert soup.find("link", rel="canonical")["href"] == f"http://testserver{path}"


def test_hostile_text_cannot_leave_the_json_ld(client, editions):
    en, _ = editions
    story = make_story(
        en,
        headline=f"Headline {HOSTILE}",
        lead=f"Lead {HOSTILE}",
        byline=f"By {HOSTILE}",
        dateline_place="Tehran",
        dateline_source="IRNA",
        section=en.sections.get(),
        tags=(f"Tag {HOSTILE}",),
    )
    story = correct_story(story, note=f"Note {HOSTILE}")
    response = client.get(story.get_absolute_url())
    json_ld, properties, soup = read(client, story.get_absolute_url())
    # Only the page's own two scripts: no text of the story became an element.
    scripts = soup.find_all("script")
    assert [s.get("type") or s.get("src") for s in scripts] == [
        scripts[0]["src"],
        "application/ld+json",
        "application/ld+json",
    ]
    assert b"<script>alert" not in response.content
    article = json_ld["NewsArticle"]
    assert article["headline"] == f"Headline {HOSTILE}"
    assert article["description"] == f"Lead {HOSTILE}"
    # The byline's "By" left out, and its " & " read as two people.
    assert article["author"] == [
        {"@type": "Person", "name": '</script><script>alert(1)</script><!-- "quoted"'},
        {"@type": "Person", "name": "'single' </SCRIPT >"},
    ]
    assert article["keywords"] == [f"Tag {HOSTILE}"]
    assert article["correction"][0]["text"] == f"Note {HOSTILE}"
    # The element's own text is the JSON, whole, with every '<' written as \u003c.
    raw = scripts[1].string
    assert "<" not in raw and json.loads(raw)["headline"] == f"Headline {HOSTILE}"
    assert one(properties, "og:title") == f"Headline {HOSTILE}"
    assert [v for k, v in properties if k == "article:tag"] == [f"Tag {HOSTILE}"]
    assert json_ld["BreadcrumbList"]["itemListElement"][-1]["name"] == f"Headline {HOSTILE}"
    assert "<" not in scripts[2].string


def crumbs(json_ld: dict) -> list[tuple[int, str, str]]:
    trail = json_ld["BreadcrumbList"]
    assert trail["@context"] == "https://schema.org"
    return [(i["position"], i["name"], i["item"]) for i in trail["itemListElement"]]


def test_an_article_sits_under_its_edition_and_section(client, corrected_story):
    json_ld, _, soup = read(client, corrected_story.get_absolute_url())
    canonical = soup.find("link", rel="canonical")["href"]
    assert crumbs(json_ld) == [
        (1, "Dateline English", "http://testserver/en/"),
        (2, "World", "http://testserver/en/section/world/"),
        (3, "Dam reopens after repairs", canonical),
    ]
    # The same trail the reader sees: the section's link above the headline.
    assert soup.select_one("p.kicker a")["href"] == "/en/section/world/"


def test_an_article_without_a_section_sits_under_its_edition(client, editions):
    _, fa = editions
    story = make_story(fa, headline="بارش باران در تهران", lead="باران بارید.")
    json_ld, _, soup = read(client, story.get_absolute_url())
    assert crumbs(json_ld) == [
        (1, "دیت‌لاین فارسی", "http://testserver/fa/"),
        (2, "بارش باران در تهران", soup.find("link", rel="canonical")["href"]),
    ]


@pytest.mark.parametrize(
    "path, name",
    [("/en/section/world/", "World"), ("/en/tag/water/", "Water"), ("/fa/tag/آب/", "آب")],
)
def test_a_section_or_tag_page_sits_under_its_edition(client, editions, settings, path, name):
    from dateline.site import pagination

    settings.PAGE_CACHE_SECONDS = 0
    en, fa = editions
    for _ in range(pagination.PER_PAGE + 1):
        make_story(en, section=en.sections.get(), tags=("Water",))
    make_story(fa, tags=("آب",))
    front = f"http://testserver{path[:4]}"
    edition = "Dateline English" if path.startswith("/en/") else "دیت‌لاین فارسی"
    json_ld, _, soup = read(client, path)
    expected = [(1, edition, front), (2, name, soup.find("link", rel="canonical")["href"])]
    assert crumbs(json_ld) == expected
    if path.startswith("/en/"):  # a later page sits where the first does
        assert crumbs(read(client, path + "?page=2")[0]) == expected


def test_the_private_preview_is_never_indexed_nor_described(client, editions):
    en, _ = editions
    client.force_login(make_member("eddie", "editor", (en,)))
    stories = [
        make_story(en, headline="A draft", published=False),
        make_story(en, headline="Scheduled", published_at=timezone.now() + HOUR),
        make_story(en, headline="Published"),
    ]
    for story in stories:
        response = client.get(f"/newsroom/stories/{story.pk}/preview/")
        soup = page(response)
        assert soup.find("h1").get_text() == story.headline
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex, nofollow"
        # Nothing a crawler or a link preview would take for the public article.
        assert soup.find("script", type="application/ld+json") is None
        assert soup.select('meta[property^="og:"], meta[name^="twitter:"]') == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "en_US"),
        ("fa", "fa_IR"),
        ("ar", "ar_EG"),
        ("en-GB", "en_GB"),
        ("pt-BR", "pt_BR"),
        ("zh-Hans", "zh_CN"),
        ("zh-Hant", "zh_TW"),
        ("qq", "qq"),  # no such language: named as it is, never an error
        ("not a tag", "not a tag"),
    ],
)
def test_open_graph_locale_of_an_edition_language(language, expected):
    assert og_locale(language) == expected


def test_a_long_headline_is_cut_at_a_word_for_the_json_ld_only(client, editions):
    headline = "Parliament debates " + "the long budget bill " * 12 + "tonight"
    story = make_story(editions[0], headline=headline)
    json_ld, properties, soup = read(client, story.get_absolute_url())
    shown = json_ld["NewsArticle"]["headline"]
    assert len(shown) <= 110 and shown.endswith("…")
    assert headline.startswith(shown.removesuffix("…") + " ")  # whole words
    assert soup.find("h1").get_text() == headline
    assert one(properties, "og:title") == headline


def test_a_headline_of_110_characters_is_not_cut(client, editions):
    headline = "A" * 50 + " " + "B" * 59
    story = make_story(editions[0], headline=headline)
    json_ld, _, _ = read(client, story.get_absolute_url())
    assert json_ld["NewsArticle"]["headline"] == headline


def test_files_collected_before_the_card_existed_leave_pages_without_an_image(
    client, editions, settings, tmp_path
):
    """Not a 500 on every page until `collectstatic` runs: the preview goes without its image."""
    paths = {"site/site.css": "site/site.0123.css", "site/favicon.svg": "site/favicon.0123.svg"}
    (tmp_path / "staticfiles.json").write_text(json.dumps({"version": "1.1", "paths": paths}))
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    response = client.get("/en/")
    assert response.status_code == 200
    _, properties, _ = read(client, "/en/")
    assert [key for key, _ in properties if key.startswith("og:image")] == []
