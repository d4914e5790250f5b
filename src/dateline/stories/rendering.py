"""Story body Markdown → safe HTML, done once when a story is written, never per request."""

import re
from functools import cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from dateline.copy.characters import has_visible_character

# The body subset: paragraphs, sub-headings, quotes, lists, links, emphasis. `#` headings are
# demoted (the page's h1 is the headline) and raw HTML in Markdown is shown as text.
ALLOWED_TAGS = {"p", "h2", "h3", "blockquote", "ul", "ol", "li", "a", "em", "strong", "code", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def _new_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.disable(["image", "code", "fence", "hr", "table"], ignoreInvalid=True)

    def demoted_heading(renderer, tokens, idx, options, env):
        token = tokens[idx]
        token.tag = f"h{min(max(int(token.tag[1]), 2), 3)}"
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("heading_open", demoted_heading)
    md.add_render_rule("heading_close", demoted_heading)
    md.core.ruler.push("drop_invisible_blocks", _drop_invisible_blocks)
    return md


def _drop_invisible_blocks(state: StateCore) -> None:
    """Sub-headings and paragraphs with nothing to see ("## " and a half-space, a direction
    mark) are left out: an empty <h2> is still a heading to a screen reader and an outline."""
    tokens, kept = state.tokens, []
    index = 0
    while index < len(tokens):
        opening = tokens[index]
        if (
            opening.type in ("heading_open", "paragraph_open")
            and index + 2 < len(tokens)
            and tokens[index + 1].type == "inline"
            and not has_visible_character(tokens[index + 1].content)
        ):
            index += 3  # the opening, its text and its closing
            continue
        kept.append(opening)
        index += 1
    state.tokens = kept


# Built once per process. Not `@cache` on the builder: mutmut leaves decorated functions alone,
# and this is where the safety settings live (docs/mutation.md).
_markdown = cache(_new_markdown)


# A line that may open quotes or lists deep enough for the renderer to stop: its leading run of
# markers and indentation is at least this long (each level of either takes a character or
# more). Only such a body is parsed a second time to make sure (`nests_too_deep`).
_DEEP_START = re.compile(r"^[ \t>*+\-0-9.)]{16,}", re.MULTILINE)


def nests_too_deep(markdown: str) -> bool:
    """Whether the body nests quotes or lists as deep as the renderer's limit (markdown-it's
    `maxNesting`, a guard against runaway recursion), where it stops reading the block and
    drops everything in it that follows: about ten lists or twenty quotes deep."""
    if not _DEEP_START.search(markdown):
        return False
    md = _markdown()
    deepest = max((token.level for token in md.parse(markdown)), default=0)
    return deepest >= md.options.maxNesting - 1


def render_body(markdown: str) -> str:
    """Render the Markdown subset to HTML that is safe to put on a page as it is."""
    html = _markdown().render(markdown)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        # The newsroom's links are its own citations, not readers' words: no `nofollow` or
        # `ugc` (comments carry those), and nh3's default `noopener noreferrer` would hide
        # from a cited site where its readers come from.
        link_rel=None,
    )
