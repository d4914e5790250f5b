"""Paragraphs at the edges: blank lines before the first line are not inner ones; a tab indents
like a space; the first block is a sub-heading by the lead before it, never by the last block;
a byline may have up to ten words."""

from dateline.copy.paragraphs import split_paragraphs, take_byline, to_blocks


def test_blank_lines_before_the_first_line_leave_one_line_per_paragraph():
    lines = ["", "", "The talks resumed.", "Delegates arrived."]
    assert split_paragraphs(lines, hard_wrapped=False) == [
        "The talks resumed.",
        "Delegates arrived.",
    ]


def test_a_tab_indents_a_paragraph_like_spaces():
    lines = ["The talks resumed on Monday", "in Vienna.", "\tDelegates arrived", "on Sunday."]
    assert split_paragraphs(lines, hard_wrapped=False) == [
        "The talks resumed on Monday in Vienna.",
        "Delegates arrived on Sunday.",
    ]


def test_the_first_block_is_a_sub_heading_whatever_the_last_block_is():
    blocks = to_blocks(
        ["Talks in Vienna", "Delegates arrived.", "More to follow"], detect_headings=True
    )
    assert [block.kind for block in blocks] == ["h2", "p", "p"]


def test_a_byline_of_ten_words_is_a_byline():
    byline = "By Ana Maria de la Cruz y Garcia in Madrid"
    assert len(byline.split()) == 10
    assert take_byline([byline, "The talks resumed."]) == (byline, ["The talks resumed."])
    eleven = f"{byline} today"
    assert take_byline([eleven, "The talks resumed."]) == ("", [eleven, "The talks resumed."])
