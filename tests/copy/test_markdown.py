"""HTML and Markdown rendering keep hostile wire text literal."""

import html

import pytest
from copy_support import NOW
from markdown_it import MarkdownIt

from dateline.copy import Block, Dateline, ParsedStory, parse_text
from dateline.copy.render import escape_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "# not a heading",
    "## also not a heading ##",
    "1. not a list",
    "2) not a list either",
    "> not a quote",
    "- not a bullet",
    "+ not a bullet",
    "* not a bullet",
    "*x* and _y_ and **z** stay plain",
    "`code` and ``more``",
    "[x](javascript:alert(1)) and ![img](http://e.com/a.png)",
    "<http://example.com> autolink",
    "&amp; &lt;b&gt; entities stay literal",
    "back\\slash \\* escapes",
    "---",
    "===",
    "| a | b |",
    "~~~",
    "    indented code",
    "Price rose 5* to $3.",
]


def _render(markdown: str) -> str:
    return MarkdownIt("commonmark", {"html": False}).render(markdown)


def _story(blocks: list[Block], lead: str = "Lead <b>bold</b> & more") -> ParsedStory:
    return ParsedStory(
        headline="H",
        language="en",
        direction="ltr",
        dateline=Dateline("Tehran", None, "IRNA", "Tehran, IRNA <i>–</i>"),
        lead=lead,
        blocks=blocks,
        stripped=[],
        warnings=[],
        source_name="t.txt",
        source_id=None,
        published_at=None,
        tags={},
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_paragraph_renders_literally(text: str) -> None:
    rendered = _render(escape_markdown(text))
    assert rendered.startswith("<p>")
    assert rendered.endswith("</p>\n")
    assert html.unescape(rendered.removeprefix("<p>").removesuffix("</p>\n")) == " ".join(
        text.split()
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_heading_renders_literally(text: str) -> None:
    rendered = _render(_story([Block("h2", text), Block("p", "x")]).body_markdown())
    heading = rendered.split("\n")[0]
    assert heading.startswith("<h2>")
    assert heading.endswith("</h2>")
    assert html.unescape(heading[4:-5]) == " ".join(text.split())


def test_markdown_body_structure() -> None:
    story = _story([Block("p", "First *para*."), Block("h2", "Sub # head"), Block("p", "1. Last")])
    markdown = story.body_markdown()
    assert markdown == "First \\*para\\*.\n\n## Sub \\# head\n\n1\\. Last"
    assert _render(markdown) == ("<p>First *para*.</p>\n<h2>Sub # head</h2>\n<p>1. Last</p>\n")


def test_markdown_excludes_lead() -> None:
    assert "Lead" not in _story([Block("p", "Body.")]).body_markdown()


def test_body_html_escapes_everything() -> None:
    story = _story([Block("p", text) for text in HOSTILE] + [Block("h2", "<b>Sub</b>")])
    body = story.body_html()
    tags = {part.split(">")[0].split()[0] for part in body.split("<")[1:]}
    assert tags <= {"p", "/p", "h2", "/h2", "span", "/span"}
    assert body.startswith(
        '<p><span class="dateline">Tehran, IRNA &lt;i&gt;–&lt;/i&gt;</span> '
        "Lead &lt;b&gt;bold&lt;/b&gt; &amp; more</p>\n"
    )
    assert "<h2>&lt;b&gt;Sub&lt;/b&gt;</h2>" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_parsed_hostile_text_file() -> None:
    lines = "\n\n".join(HOSTILE[:14])
    data = f"Hostile <b>copy</b>\n\nTehran, IRNA – Lead *here*.\n\n{lines}\n".encode()
    story = parse_text(data, name="hostile.txt", now=NOW)
    assert story.headline == "Hostile <b>copy</b>"
    assert "<script>" not in story.body_html()
    rendered = _render(story.body_markdown())
    assert "<script>" not in rendered
    assert "<img" not in rendered
    assert 'href="javascript' not in rendered
    assert "<h1>" not in rendered
    assert "<ol>" not in rendered
    assert "<ul>" not in rendered
    assert "<blockquote>" not in rendered
    assert "<em>" not in rendered
    assert "<code>" not in rendered
