import pytest
from bs4 import BeautifulSoup

from dateline.stories.models import Story
from dateline.stories.rendering import _markdown, render_body
from tests.factories import make_edition, make_story


@pytest.fixture(autouse=True)
def _fresh_parser():
    """Each test renders with a parser built for it, so it checks how the parser is built, not
    one an earlier test left in the process (and mutmut links these tests to the builder)."""
    _markdown.cache_clear()
    yield
    _markdown.cache_clear()


def test_markdown_subset():
    html = render_body(
        "Para with *emphasis* and a [link](https://example.org).\n\n"
        "## Sub-heading\n\n> A quote\n\n- one\n- two\n\n1. first\n"
    )
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h2.get_text() == "Sub-heading"
    assert soup.blockquote.get_text(strip=True) == "A quote"
    assert [li.get_text() for li in soup.ul.find_all("li")] == ["one", "two"]
    assert soup.ol is not None
    link = soup.find("a")
    assert link["href"] == "https://example.org"


def test_top_level_heading_is_demoted_below_the_page_h1():
    assert render_body("# Big") == "<h2>Big</h2>\n"


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="https://x" onclick="steal()">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        "![pixel](https://tracker.example/p.gif)",
    ],
)
def test_hostile_markup_never_reaches_the_page(hostile):
    soup = BeautifulSoup(render_body(hostile), "html.parser")
    for tag in soup.find_all(True):
        assert tag.name in {"p", "a", "em", "strong"}
        assert not any(attribute.startswith("on") for attribute in tag.attrs)
        assert not tag.get("href", "").startswith("javascript")
    assert soup.find(["script", "img", "iframe"]) is None


def visible_text(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text()


def test_raw_html_in_the_body_is_shown_as_text_not_markup():
    markdown = "Press <kbd>Ctrl</kbd> and read <em>this</em> <b>now</b>."
    html = render_body(markdown)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(["kbd", "em", "b"]) is None
    assert soup.p.get_text() == markdown


def test_raw_html_block_is_shown_as_text_not_markup():
    markdown = '<div class="box">\n<strong>Boxed</strong>\n</div>'
    soup = BeautifulSoup(render_body(markdown), "html.parser")
    assert soup.find(["div", "strong"]) is None
    assert " ".join(soup.get_text().split()) == '<div class="box"> <strong>Boxed</strong> </div>'


@pytest.mark.django_db
def test_raw_html_written_in_a_story_reaches_the_reader_as_text(client):
    """Through the real writer (create + publish) and the real article page."""
    edition = make_edition("en")
    story = make_story(
        edition,
        body="The <em>minister</em> said <script>alert(1)</script> twice.\n\n<i>Aside</i>",
    )
    stored = BeautifulSoup(Story.objects.get(pk=story.pk).body_html, "html.parser")
    assert stored.find(["em", "i", "script"]) is None

    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    body = BeautifulSoup(response.content, "html.parser").select_one(".story-body")
    assert body.find(["em", "i", "script"]) is None
    text = body.get_text()
    assert "The <em>minister</em> said <script>alert(1)</script> twice." in text
    assert "<i>Aside</i>" in text


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("# One", "<h2>One</h2>\n"),
        ("## Two", "<h2>Two</h2>\n"),
        ("### Three", "<h3>Three</h3>\n"),
        ("#### Four", "<h3>Four</h3>\n"),
        ("###### Six", "<h3>Six</h3>\n"),
        ("Setext one\n===", "<h2>Setext one</h2>\n"),
        ("Setext two\n---", "<h2>Setext two</h2>\n"),
    ],
)
def test_headings_stay_between_h2_and_h3(markdown, html):
    # The page's h1 is the headline; body headings sit below it and are never deeper than h3.
    assert render_body(markdown) == html


@pytest.mark.parametrize(
    ("markdown", "kept"),
    [
        ("![the harbour at dawn](https://example.org/p.jpg)", "the harbour at dawn"),
        ("    indented four spaces", "indented four spaces"),
        ("```\nfenced line\n```", "fenced line"),
        ("Above\n\n***\n\nBelow", "***"),
        ("Above\n\n___\n\nBelow", "___"),
    ],
)
def test_constructs_outside_the_subset_keep_the_writers_text(markdown, kept):
    # Images, code blocks and rules are not part of the body subset: they are not rendered,
    # and nothing the writer typed silently disappears either: it stays in a paragraph.
    soup = BeautifulSoup(render_body(markdown), "html.parser")
    assert soup.find(["img", "pre", "hr"]) is None
    assert any(kept in paragraph.get_text() for paragraph in soup.find_all("p"))
    assert {tag.name for tag in soup.find_all(True)} <= {"p", "a", "code"}


def test_inline_code_and_line_breaks_are_kept():
    soup = BeautifulSoup(render_body("Run `make test` now,  \nthen rest."), "html.parser")
    assert soup.code.get_text() == "make test"
    assert soup.br is not None


def test_links_are_the_newsrooms_citations_without_a_rel():
    # Not `nofollow ugc`, which tells search engines the link is a reader's, nor nh3's default
    # `noreferrer`, which hides the citation from the cited site.
    soup = BeautifulSoup(render_body('[report](https://example.org/r "The report")'), "html.parser")
    assert not soup.a.has_attr("rel")
    assert soup.a["title"] == "The report"
    assert soup.a["href"] == "https://example.org/r"


@pytest.mark.parametrize(
    ("markdown", "href"),
    [
        ("[site](https://example.org/)", "https://example.org/"),
        ("[plain](http://example.org/)", "http://example.org/"),
        ("[desk](mailto:desk@example.org)", "mailto:desk@example.org"),
        ("<https://example.org/auto>", "https://example.org/auto"),
        ("[file](ftp://example.org/f)", None),
        ("[call](tel:+98211234)", None),
    ],
)
def test_only_web_and_mail_links_keep_their_address(markdown, href):
    link = BeautifulSoup(render_body(markdown), "html.parser").a
    assert link is not None
    assert link.get("href") == href


def test_ordered_list_keeps_its_start_number():
    soup = BeautifulSoup(render_body("3. third\n4. fourth"), "html.parser")
    assert soup.ol["start"] == "3"
    assert [li.get_text() for li in soup.ol.find_all("li")] == ["third", "fourth"]


def test_the_parser_is_built_once_per_process():
    render_body("one")
    render_body("two")
    assert _markdown() is _markdown()
