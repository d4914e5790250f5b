"""Search results with the words the reader asked for in `<mark>`: found in the text as written
(each word normalised as the index normalises it, so "كتاب" marks "کتاب"; a phrase's words
only where they follow one another), everything else HTML-escaped, so a story's `<script>`
shows as text."""

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
    return _matched_words(text, query)


class _Terms:
    """A query's terms, and a quick look at whether a token may start one: highlighting asks
    it of every word of a text, and most start none."""

    def __init__(self, query: SearchQuery):
        self.terms = query.terms
        self.firsts = frozenset(term.words[0] for term in query.terms)
        self.prefixes = tuple(t.words[0] for t in query.terms if t.prefix and len(t.words) == 1)

    def may_start(self, token: str) -> bool:
        return token in self.firsts or token.startswith(self.prefixes)


# Stands between the parts of words written with a ZWNJ that are not side by side: no token is
# empty, so no term's word is this, and no phrase is read across the words between them.
_APART = ""


class _Reading:
    """Normalised tokens of a text in an order the index holds them, each with the number of
    the written word it comes from, read as far as the highlighter has asked."""

    def __init__(self):
        self.tokens: list[str] = []
        self.word_of: list[int] = []
        self.looked_at = 0  # tokens already tried as the start of a term

    def add(self, found: list[str], word: int) -> None:
        self.tokens += found
        self.word_of += [word] * len(found)

    def reach_from(self, word: int, terms: _Terms) -> int:
        """The last written word reached by a term starting in `word` (the first word not yet
        looked at), -1 if none starts there."""
        reach = -1
        tokens, word_of = self.tokens, self.word_of
        while self.looked_at < len(tokens) and word_of[self.looked_at] <= word:
            start = self.looked_at
            if terms.may_start(tokens[start]):
                for term in terms.terms:
                    if term.stands_at(tokens, start):
                        reach = max(reach, word_of[start + len(term.words) - 1])
            self.looked_at += 1
        return reach


def _matched_words(text: str, query: SearchQuery) -> Iterator[tuple[int, int]]:
    """The spans of the words of `text` where a term of `query` stands whole, as the index
    finds it: a phrase's words only where they follow one another ("oil prices" marks no lone
    "oil"; "Iran's" no "s" of "year's"). The text is read only as far as a term starting in
    the word at hand could reach: a snippet stops at its first match."""
    unread = written_words(text)
    spans: list[tuple[int, int]] = []  # of the words read that have a token
    # The text as the index holds it (`index_text`): its tokens, and the parts of its words
    # written with a ZWNJ, where a phrase typed with a space ("راه آهن") finds "راه‌آهن".
    whole, parts = _Reading(), _Reading()
    terms = _Terms(query)
    longest = max(len(term.words) for term in query.terms)

    def read_word() -> bool:
        for start, end in unread:
            word = text[start:end]
            found = tokens(word)
            if not found:  # marks or joiners alone: nothing of it is indexed, or marked
                continue
            number = len(spans)
            spans.append((start, end))
            whole.add(found, number)
            if joined := joined_parts(word):
                parts.add(joined, number)
            elif parts.tokens and parts.tokens[-1] != _APART:
                parts.add([_APART], number)
            return True
        return False

    reached = -1  # the last word a term found so far stands in
    at = 0
    # Each word read has a token, so a term starting in word `at` ends `longest - 1` words on
    # at most.
    while len(spans) < at + longest and read_word():
        pass
    while at < len(spans):
        reached = max(reached, whole.reach_from(at, terms), parts.reach_from(at, terms))
        if reached >= at:
            yield spans[at]
        at += 1
        read_word()


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
