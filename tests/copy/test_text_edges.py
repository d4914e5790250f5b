"""Plain-text copy at the edges: a headline may have exactly 300 characters; two lines of one
lowercase word each are already a word list, and lowercase lines of two words are not; the
language is counted over the text alone, with nothing added between its paragraphs."""

import pytest
from copy_support import NOW

from dateline.copy import CopyError, parse_text
from dateline.copy.errors import NotWireCopy
from dateline.copy.text import MAX_HEADLINE_CHARS

LEAD = "Tehran, IRNA – Talks resumed on Monday."


def parse(data: str):
    return parse_text(data.encode(), name="wire.txt", now=NOW)


def test_a_headline_of_exactly_the_limit_is_a_headline():
    headline = "Talks " + "x" * (MAX_HEADLINE_CHARS - len("Talks "))
    assert parse(f"{headline}\n\n{LEAD}\n").headline == headline
    with pytest.raises(CopyError, match="301 characters long"):
        parse(f"{headline}x\n\n{LEAD}\n")


def test_two_lines_of_one_lowercase_word_are_a_word_list():
    with pytest.raises(NotWireCopy, match=r"a word list \(each of its 2 lines"):
        parse("cocoa\ncoffee\n")


def test_lowercase_lines_of_two_words_are_not_a_word_list():
    story = parse("cocoa prices\ncoffee prices\n")
    assert (story.headline, story.lead) == ("cocoa prices", "coffee prices")


def test_persian_letters_that_outnumber_latin_ones_by_a_few_make_a_persian_story():
    headline = "Oil news today"  # 12 Latin letters
    lead = "نفت ایران گران شد"  # 14 Persian letters
    story = parse(f"{headline}\n\n{lead}\n")
    assert (story.language, story.direction) == ("fa", "rtl")
