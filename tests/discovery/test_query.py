"""Reading a reader's search: words, phrases and prefixes, and nothing of any query language."""

import pytest

from dateline.discovery.backends import _fts5_term, _tsquery_term
from dateline.discovery.query import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    QueryProblem,
    Term,
    parse_query,
)


def test_words_are_terms_all_of_which_must_match():
    assert parse_query("Oil  PRICES").terms == (Term(("oil",)), Term(("prices",)))


def test_quotes_make_a_phrase_and_a_star_a_prefix():
    query = parse_query('"nuclear talks" export* «قیمت نفت»')
    assert query.terms == (
        Term(("nuclear", "talks")),
        Term(("قیمت", "نفت")),
        Term(("export",), prefix=True),
    )


def test_a_word_punctuation_splits_is_a_phrase():
    assert parse_query("U.S.").terms == (Term(("u", "s")),)


def test_a_one_letter_prefix_is_a_plain_word():
    assert parse_query("a*").terms == (Term(("a",)),)


def test_a_lone_quote_is_ignored():
    assert parse_query('"oil prices').terms == (Term(("oil",)), Term(("prices",)))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("NEAR(oil gas, 3)", [("near", "oil"), ("gas",), ("3",)]),
        ("oil AND gas OR NOT x", [("oil",), ("and",), ("gas",), ("or",), ("not",), ("x",)]),
        ("headline:oil ^gas -x", [("headline", "oil"), ("gas",), ("x",)]),
        ("'; DROP TABLE stories_story; --", [("drop",), ("table",), ("stories", "story")]),
        ("oil\x00gas", [("oil", "gas")]),
    ],
)
def test_operators_are_words_or_nothing(text, words):
    assert [term.words for term in parse_query(text).terms] == words


@pytest.mark.parametrize("text", ["", "   ", '"""', "*", "^", "()", "--", "«»", "\x00\x01", "!?؟،"])
def test_a_query_without_words_is_empty(text):
    with pytest.raises(QueryProblem) as raised:
        parse_query(text)
    assert raised.value.reason == "empty"


def test_an_over_long_query_is_refused():
    parse_query("a" * MAX_QUERY_CHARS)
    with pytest.raises(QueryProblem) as raised:
        parse_query("a" * (MAX_QUERY_CHARS + 1))
    assert raised.value.reason == "long"


def test_terms_are_capped_and_repeats_dropped():
    query = parse_query(" ".join(f"w{n}" for n in range(30)) + " w0")
    assert len(query.terms) == MAX_TERMS
    assert query.terms[0] == Term(("w0",))


def test_each_backend_quotes_every_word():
    phrase = Term(("nuclear", "talks"))
    prefix = Term(("exp",), prefix=True)
    assert _fts5_term(phrase) == '"nuclear talks"' and _fts5_term(prefix) == '"exp"*'
    assert _tsquery_term(phrase) == "('nuclear' <-> 'talks')"
    assert _tsquery_term(prefix) == "('exp':*)"


def test_a_term_stands_where_its_words_follow_one_another_for_highlighting():
    phrase, prefix = parse_query('"oil prices" export*').terms
    tokens = ["oil", "prices", "oil", "exporters", "expo", "prices"]
    assert [n for n in range(len(tokens)) if phrase.stands_at(tokens, n)] == [0]
    assert [n for n in range(len(tokens)) if prefix.stands_at(tokens, n)] == [3]
    assert not phrase.stands_at(["oil"], 0)  # the text ends before the phrase does
    dotted = parse_query("u.exp*").terms[0]
    assert dotted.stands_at(["u", "exports"], 0) and not dotted.stands_at(["us", "exports"], 0)
