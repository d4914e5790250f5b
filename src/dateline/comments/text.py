"""A comment as readers see it: its plain text escaped, paragraphs kept, web addresses linked.

Nothing a reader types is ever markup: the text is stored as typed and escaped here, and only
the links this module builds (from addresses linkify-it finds) are HTML, with `rel="nofollow
ugc"` so that spam gains no search rank from them.
"""

import re
from functools import cache

from linkify_it import LinkifyIt
from markupsafe import Markup, escape

SAFE_SCHEMES = ("http:", "https:")


@cache
def _linkify() -> LinkifyIt:
    # Fuzzy links ("example.com" without a scheme) count too: they are what spammers type.
    return LinkifyIt(options={"fuzzy_link": True, "fuzzy_email": False, "fuzzy_ip": False})


def links_in(text: str) -> list[str]:
    """The web addresses in `text` (with a scheme added where the reader left it out)."""
    matches = _linkify().match(text) or []
    return [m.url for m in matches if m.url.lower().startswith(SAFE_SCHEMES)]


# What any address linkify-it would find has: a scheme's "://", or a dot between two word
# characters ("example.org"). Most lines of most comments have neither, and asking linkify-it
# costs a hundred times more than asking this.
_MAY_HOLD_A_LINK = re.compile(r"://|\w\.\w")


def _linked(line: str) -> Markup:
    if not _MAY_HOLD_A_LINK.search(line):
        return escape(line)
    out, position = [], 0
    for match in _linkify().match(line) or []:
        if not match.url.lower().startswith(SAFE_SCHEMES):
            continue
        out.append(escape(line[position : match.index]))
        out.append(
            Markup('<a href="{}" rel="nofollow ugc noopener">{}</a>').format(
                match.url, line[match.index : match.last_index]
            )
        )
        position = match.last_index
    out.append(escape(line[position:]))
    return Markup("").join(out)


def comment_html(text: str) -> Markup:
    """Paragraphs for blank-line-separated blocks, <br> for single line breaks."""
    paragraphs = [p.strip("\n") for p in text.replace("\r\n", "\n").split("\n\n")]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(_linked(line) for line in p.split("\n")))
        for p in paragraphs
        if p.strip()
    )
