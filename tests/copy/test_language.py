"""Language by script, and writing direction."""

import pytest
from copy_support import NOW

from dateline.copy import detect_language, direction_for, parse_text


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Lavrov visits Tehran", "en"),
        ("سفر لاوروف به تهران و چشم‌انداز روابط", "fa"),
        ("زيارة لافروف إلى طهران", "ar"),
        ("ביקור לברוב בטהרן", "he"),
        ("", "en"),
        ("12345 !!!", "en"),
        ("IRNA: سفر لاوروف به تهران و چشم‌انداز روابط ایران", "fa"),
        ("Dateline: تهران", "en"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("language", "direction"),
    [("fa", "rtl"), ("ar", "rtl"), ("he", "rtl"), ("ur", "rtl"), ("fa-IR", "rtl"),
     ("en", "ltr"), ("ru", "ltr"), ("", "ltr")],
)  # fmt: skip
def test_direction_for(language: str, direction: str) -> None:
    assert direction_for(language) == direction


def test_persian_story() -> None:
    data = (
        "سفر لاوروف به تهران\n\n"
        "تهران- ایرنا- وزیر امور خارجه روسیه به تهران سفر کرد.\n\n"
        "این سفر دو روزه بود.\n\n"
        "اخبار مرتبط\n"
    ).encode()
    story = parse_text(data, name="fa.txt", now=NOW)
    assert (story.language, story.direction) == ("fa", "rtl")
    assert story.dateline is not None
    assert (story.dateline.place, story.dateline.source) == ("تهران", "ایرنا")
    assert story.lead == "وزیر امور خارجه روسیه به تهران سفر کرد."
    assert story.stripped == ["اخبار مرتبط"]
