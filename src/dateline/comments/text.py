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


# What linkify-it takes into an address but a reader typed after it: Persian and Arabic
# punctuation ("…/تهران،", "…/a؟"), a colon, and a closing quote ("“https://…”", a phone's
# smart quotes; "«https://…»") unless the address holds its opening one (`?q=«x»`).
_ENDS_A_SENTENCE = "،؛؟۔:"
_CLOSING_QUOTES = {"”": "“", "’": "‘", "»": "«", "›": "‹"}


def _address(text: str, match) -> tuple[int, str]:
    """Where the address linkify-it found in `text` ends, and its URL, without what it took in
    of the punctuation after it."""
    end = match.last_index
    while end > match.index:
        last = text[end - 1]
        opening = _CLOSING_QUOTES.get(last)
        if last in _ENDS_A_SENTENCE or (opening and opening not in text[match.index : end]):
            end -= 1
        else:
            break
    cut = match.last_index - end
    return end, match.url[: len(match.url) - cut] if cut else match.url


def links_in(text: str) -> list[str]:
    """The web addresses in `text` (with a scheme added where the reader left it out)."""
    matches = _linkify().match(text) or []
    urls = [_address(text, m)[1] for m in matches]
    return [url for url in urls if url.lower().startswith(SAFE_SCHEMES)]


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
        end, url = _address(line, match)
        out.append(escape(line[position : match.index]))
        out.append(
            Markup('<a href="{}" rel="nofollow ugc noopener">{}</a>').format(
                url, line[match.index : end]
            )
        )
        position = end
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
