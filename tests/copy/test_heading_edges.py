"""What passes for a sub-heading, at the edges of its limits."""

import pytest

from dateline.copy.paragraphs import MAX_HEADING_CHARS, MAX_HEADING_WORDS, is_heading_like


def words(count: int) -> str:
    return " ".join(["Word"] * count)


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        ("", False),
        ("A", True),
        ("7", True),
        (words(MAX_HEADING_WORDS), True),
        (words(MAX_HEADING_WORDS + 1), False),
        ("H" * MAX_HEADING_CHARS, True),
        ("H" * (MAX_HEADING_CHARS + 1), False),
        ("-Heading", False),
        ("(Update) Talks resume", False),
        ("“Talks resume”", False),
        ("Talks resume:", False),
        ("Talks resume", True),
    ],
)
def test_heading_like_at_the_limits(text, heading):
    assert is_heading_like(text) is heading
