"""Story body Markdown → safe HTML, done once when a story is written, never per request."""

from functools import cache

import nh3
from markdown_it import MarkdownIt

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
    return md


# Built once per process. Not `@cache` on the builder: mutmut leaves decorated functions alone,
# and this is where the safety settings live (docs/mutation.md).
_markdown = cache(_new_markdown)


def render_body(markdown: str) -> str:
    """Render the Markdown subset to HTML that is safe to put on a page as it is."""
    html = _markdown().render(markdown)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow ugc",
    )
