"""Snippets and headlines with the reader's words marked, all else escaped."""

from dateline.discovery.highlight import SNIPPET_CHARS, highlight, snippet
from dateline.discovery.query import parse_query


def test_matching_words_are_marked_whatever_their_spelling():
    query = parse_query("کتاب export* میروند")
    html = highlight("كِتَابٌ Exporters می‌روند exports-x other", query)
    assert html == (
        "<mark>كِتَابٌ</mark> <mark>Exporters</mark> <mark>می‌روند</mark> <mark>exports</mark>-x other"
    )


def test_a_word_written_with_a_non_joiner_is_marked_when_its_parts_are_asked_for():
    """Typed with a space ("راه آهن"), the search finds "راه‌آهن" (the index holds its parts):
    the word it was found by is marked too."""
    html = highlight("شرکت راه\u200cآهن ایران", parse_query("راه آهن"))
    assert html == "شرکت <mark>راه\u200cآهن</mark> ایران"


def test_everything_else_is_escaped():
    html = highlight('<b onclick="x">oil</b> & <mark>', parse_query("oil"))
    assert html == "&lt;b onclick=&#34;x&#34;&gt;<mark>oil</mark>&lt;/b&gt; &amp; &lt;mark&gt;"


def test_a_snippet_is_cut_around_the_first_match_at_word_breaks():
    text = "opening " * 100 + "the copper price rose " + "closing " * 100
    shown = snippet(text, parse_query("copper"))
    assert shown.startswith("…") and shown.endswith("…")
    assert "<mark>copper</mark>" in shown
    words = shown.strip("…").split()
    assert set(words) - {"<mark>copper</mark>"} <= {"opening", "the", "price", "rose", "closing"}
    assert len(shown) <= SNIPPET_CHARS + len("<mark></mark>") + 2


def test_a_match_near_the_start_shows_the_opening():
    text = "Copper rose. " + "more words " * 50
    shown = snippet(text, parse_query("copper"))
    assert shown.startswith("<mark>Copper</mark> rose.") and shown.endswith("…")


def test_without_a_match_in_the_text_the_opening_is_shown_whole_if_short():
    assert snippet("A short lead & more.", parse_query("copper")) == "A short lead &amp; more."


def test_a_long_word_before_the_match_does_not_hide_it():
    text = "x" * 400 + " copper"
    assert snippet(text, parse_query("copper")) == "…<mark>copper</mark>"


def test_a_word_is_marked_though_the_other_words_asked_for_are_not_in_the_text():
    """Results hold every word asked for, but a headline or a snippet may show only some."""
    query = parse_query('copper "gold price" zinc*')
    assert highlight("Gold price rose", query) == "<mark>Gold</mark> <mark>price</mark> rose"
    assert highlight("Zincs and golden", query) == "<mark>Zincs</mark> and golden"
    assert snippet("Silver fell. " * 30 + "Copper rose.", query).endswith(
        "<mark>Copper</mark> rose."
    )


def test_a_phrase_is_marked_where_its_words_follow_one_another_and_nowhere_else():
    query = parse_query('"gold price" Iran\'s')
    html = highlight("Gold rose, the gold price fell; price of gold. Iran’s year’s", query)
    assert html == (
        "Gold rose, the <mark>gold</mark> <mark>price</mark> fell; price of gold."
        " <mark>Iran</mark>’<mark>s</mark> year’s"
    )


def test_a_phrase_typed_with_a_space_marks_the_word_written_with_a_non_joiner():
    """As the index finds it: in the parts of "راه‌آهن", one after the other; not in a "راه"
    and an "آهن" apart, nor in the parts of two words with another between them."""
    query = parse_query('"راه آهن"')
    assert highlight("شرکت راه\u200cآهن ایران", query) == "شرکت <mark>راه\u200cآهن</mark> ایران"
    assert highlight("راه دور و آهن", query) == "راه دور و آهن"
    apart = "سر\u200cراه و آهن\u200cگری"
    assert highlight(apart, query) == apart
