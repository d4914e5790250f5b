"""One normalisation for the index and for queries: the spellings a reader and the copy may
differ in come out the same; words stay where they were."""

import pytest

from dateline.discovery.text import index_text, normalise, tokens, written_words

# (as a reader or the copy may write it, as the other may) -> the same tokens
SAME_WORD = [
    ("می‌روند", "میروند"),  # with and without the zero-width non-joiner
    ("نمی‌دانم", "نمیدانم"),
    ("كتاب", "کتاب"),  # Arabic kaf, Persian keheh
    ("عربي", "عربی"),  # Arabic yeh, Persian yeh
    ("مصطفى", "مصطفی"),  # alef maksura
    ("مدرسة", "مدرسه"),  # teh marbuta
    ("خانۀ", "خانه"),  # heh with yeh above
    ("كِتَابٌ", "کتاب"),  # harakat
    ("تـــهران", "تهران"),  # tatweel
    ("أحمد", "احمد"),  # alef with hamza above
    ("إيران", "ایران"),  # alef with hamza below
    ("آسیا", "اسیا"),  # alef with madda
    ("مؤسسه", "موسسه"),  # waw with hamza
    ("ﻻ", "لا"),  # a presentation form (lam-alef ligature)
    ("۱۴۰۳", "1403"),  # Persian digits
    ("٢٠٢٤", "2024"),  # Arabic-Indic digits
    ("TEHRAN", "tehran"),
    ("Straße", "STRASSE"),
    ("Café", "cafe"),
    ("ｏｉｌ", "oil"),  # full-width Latin
    ("İstanbul", "istanbul"),  # capital I with a dot: folds to i and a mark
    ("℡", "tel"),  # a compatibility form that decomposes to capitals
]


@pytest.mark.parametrize(("one", "other"), SAME_WORD)
def test_variants_of_a_word_give_the_same_token(one, other):
    assert tokens(one) == tokens(other)
    assert len(tokens(one)) == 1


def test_words_are_split_at_spaces_and_punctuation_only():
    assert tokens("Iran's oil, U.S. a_b 3.5") == ["iran", "s", "oil", "u", "s", "a", "b", "3", "5"]
    assert tokens("وزیران بازرگانی، «اکو»؛ ۱۲ نفر") == ["وزیران", "بازرگانی", "اکو", "12", "نفر"]


def test_control_characters_surrogates_and_zero_width_spaces_break_words():
    assert tokens("a\x00b\x1fc\u200bd\ud800e") == ["a", "b", "c", "d", "e"]


def test_invisible_format_characters_vanish():
    # left-to-right mark, soft hyphen, word joiner, byte order mark
    assert tokens("ab\u200ecd\u00adef\u2060gh\ufeffij") == ["abcdefghij"]


def test_index_text_is_tokens_one_space_apart():
    assert index_text("  Oil   prices, <b>rise</b>! ") == "oil prices b rise b"


def test_a_word_written_with_a_non_joiner_is_indexed_whole_and_its_parts_after_the_text():
    # (آ loses its madda, as every alef does)
    assert index_text("قطار راه\u200cآهن تهران") == "قطار راهاهن تهران راه اهن"
    assert index_text("راهآهن تهران") == "راهاهن تهران"  # no joiner, nothing added


def test_normalise_keeps_word_breaks_where_they_were():
    assert normalise("Oil-price rise") == "oil-price rise"


def test_written_words_keep_marks_and_joiners_inside_a_word():
    text = "كِتَابٌ می‌روند, Iran"
    spans = written_words(text)
    assert [text[start:end] for start, end in spans] == ["كِتَابٌ", "می‌روند", "Iran"]
