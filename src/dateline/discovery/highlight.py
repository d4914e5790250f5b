"""Search results with the words the reader asked for in `<mark>`: found in the text as written
(each word normalised as the index normalises it, so "كتاب" marks "کتاب"), everything else
HTML-escaped, so a story's `<script>` shows as text."""

from collections.abc import Iterable, Iterator

from markupsafe import Markup, escape

from dateline.discovery.query import SearchQuery
from dateline.discovery.text import joined_parts, normalise, tokens, written_words

SNIPPET_CHARS = 240
# Words before the first match that a snippet keeps, to show where it stands.
CONTEXT_CHARS = 60
# Snippets are looked for this far into a story, no further: a match deeper in still finds
# the story, whose snippet is then its opening.
SCANNED_CHARS = 20_000


def _marked(text: str, query: SearchQuery) -> Iterator[tuple[int, int]]:
    """The spans of `text`'s words that the query asked for, in order, found as they are
    asked for. Normalising word by word is what costs (a story's 20,000 characters took
    milliseconds), so a text holding none of the query's words anywhere is not looked into;
    a word's normal form is part of its text's, every change being one of letters in a word."""
    if not query.may_match(normalise(text)):
        return iter(())
    return (
        (start, end)
        for start, end in written_words(text)
        # A word written with a ZWNJ is found by its parts too, as the index holds them.
        if any(
            query.matches_word(token)
            for token in (*tokens(text[start:end]), *joined_parts(text[start:end]))
        )
    )


def _html(text: str, spans: Iterable[tuple[int, int]]) -> Markup:
    html, done = Markup(), 0
    for start, end in spans:
        html += escape(text[done:start]) + Markup("<mark>%s</mark>") % text[start:end]
        done = end
    return html + escape(text[done:])


def highlight(text: str, query: SearchQuery) -> Markup:
    """All of `text` (a headline), escaped, its matching words marked."""
    return _html(text, _marked(text, query))


def snippet(text: str, query: SearchQuery, width: int = SNIPPET_CHARS) -> Markup:
    """About `width` characters of `text` around its first matching word (its opening if none
    matches), cut at word breaks, with '…' where text was left out; escaped, matches marked."""
    scanned = text[:SCANNED_CHARS]
    first_match = next(_marked(scanned, query), None)
    start = 0
    if first_match and first_match[1] > width:
        first = first_match[0]
        space = scanned.find(" ", max(first - CONTEXT_CHARS, 0), first)
        start = space + 1 if space >= 0 else first
    end = min(start + width, len(text))
    if end < len(text) and (space := scanned.rfind(" ", start, end)) > start:
        end = space
    part = text[start:end].strip()
    return (
        escape("…" if start > 0 else "")
        + _html(part, _marked(part, query))
        + escape("…" if end < len(text) else "")
    )
