"""Writing direction from a language tag in any of the spellings editions and feeds use."""

import pytest

from dateline.copy import direction_for


@pytest.mark.parametrize(
    ("tag", "direction"),
    [
        ("fa", "rtl"),
        ("FA", "rtl"),
        ("fa-IR", "rtl"),
        ("fa_IR", "rtl"),
        ("fa-Arab-IR", "rtl"),
        ("ar-EG", "rtl"),
        ("he", "rtl"),
        ("ur-PK", "rtl"),
        ("en", "ltr"),
        ("en-GB", "ltr"),
        ("far", "ltr"),  # another language, not Persian
        ("", "ltr"),
    ],
)
def test_direction_for_a_language_tag(tag, direction):
    assert direction_for(tag) == direction
