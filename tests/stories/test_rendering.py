import pytest
from bs4 import BeautifulSoup

from dateline.stories.rendering import render_body


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
    assert "nofollow" in link["rel"]


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
