"""What a reader typed, read as a search: words, "phrases in quotes" and prefixes (word*).

Nothing of the reader's text reaches a search backend's query language: the query is parsed
here into terms whose words are normalised tokens (letters and digits only), and each backend
writes its own syntax from those (`discovery.backends`). Operators of either backend (AND, OR,
NOT, NEAR, ^, :, -, parentheses) are plain words or nothing; a quote without its partner is
ignored; control characters and lone surrogates are word breaks.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from dateline.discovery.text import tokens

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
# A prefix must be this long at least: "a*" would ask for most of the index.
MIN_PREFIX_CHARS = 2

# Straight quotes, curly ones and the guillemets Persian writes.
_QUOTE_PAIRS = {'"': '"', "“": "”", "„": "“", "«": "»"}
_PHRASE = re.compile(
    "|".join(f"{re.escape(o)}([^{re.escape(c)}]*){re.escape(c)}" for o, c in _QUOTE_PAIRS.items())
)
_CHUNK = re.compile(r"\S+")


class QueryProblem(ValueError):
    """Why a query cannot be searched for; `reason` names it for the page: 'empty', 'long'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Term:
    """Words that must stand together in this order (one word, or a phrase); `prefix`: the
    last one may be the start of a longer word."""

    words: tuple[str, ...]
    prefix: bool = False

    def stands_at(self, tokens: Sequence[str], start: int) -> bool:
        """Whether this term's words are `tokens` (normalised, in the index's order) from
        `start` on, one after the other, as the index finds them; for a prefix, the last may
        be the start of a longer word (highlighting)."""
        last = len(self.words) - 1
        if start + last >= len(tokens):
            return False
        for n, word in enumerate(self.words):
            token = tokens[start + n]
            if token != word and not (n == last and self.prefix and token.startswith(word)):
                return False
        return True


@dataclass(frozen=True)
class SearchQuery:
    terms: tuple[Term, ...]
    # Whether the text held more than MAX_TERMS terms: the rest were not asked for.
    cut: bool = field(default=False, compare=False)

    def may_match(self, normalised_text: str) -> bool:
        """Whether a word the query asked for (or the start of one) occurs anywhere in this
        normalised text: when not, none of its words can match, and none need be looked at."""
        return any(word in normalised_text for term in self.terms for word in term.words)


def parse_query(text: str) -> SearchQuery:
    """The terms of `text`, all of which a story must have. Raises QueryProblem('long') over
    MAX_QUERY_CHARS, QueryProblem('empty') when no word is left (blank, punctuation only)."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryProblem("long")
    terms: list[Term] = []
    rest = []
    at = 0
    for match in _PHRASE.finditer(text):
        rest.append(text[at : match.start()])
        at = match.end()
        words = tuple(tokens(next(group for group in match.groups() if group is not None)))
        if words:
            terms.append(Term(words))
    rest.append(text[at:])
    for part in rest:
        for chunk in _CHUNK.findall(part):
            if term := _term_of(chunk):
                terms.append(term)
    unique = tuple(dict.fromkeys(terms))
    if not unique:
        raise QueryProblem("empty")
    return SearchQuery(unique[:MAX_TERMS], cut=len(unique) > MAX_TERMS)


def _term_of(chunk: str) -> Term | None:
    """One run of text between spaces: a word, or several ("U.S.", "Iran's") as a phrase;
    ending in '*', a prefix."""
    words = tuple(tokens(chunk))
    if not words:
        return None
    prefix = chunk.rstrip().endswith("*") and len(words[-1]) >= MIN_PREFIX_CHARS
    return Term(words, prefix=prefix)
