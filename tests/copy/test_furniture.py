"""Page furniture is recognised on whole lines only and kept out of the story."""

import pytest
from copy_support import NOW

from dateline.copy import parse_text
from dateline.copy.furniture import is_furniture, strip_furniture


@pytest.mark.parametrize(
    "line",
    [
        "Follow us on Twitter @IrnaEnglish",
        "Follow us on Instagram @irna_1313",
        "follow us on Telegram",
        "Related News",
        "  Related News  ",
        "Your Comment",
        "Your comment *",
        "You are replying to: .",
        "You are replying to: Ali's comment",
        "Share this story",
        "Share",
        "Print",
        "Send to friend",
        "Tags",
        "Tags:",
        "Comments",
        "Most viewed",
        "News ID: 84299330",
        "اخبار مرتبط",
        "نظر شما",
        "برچسب‌ها",
        "پربازدیدترین",
        "کد خبر: ۸۴۲۹۹۳۳۰",
    ],
)
def test_furniture_lines(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "The ministry posted related news on its website.",
        "Related News agencies reported the talks.",
        "Share prices fell 3 pct.",
        "Your comment on the deal was welcome, he told the minister.",
        "Tags were attached to the cargo.",
        "Follow us on Twitter @IrnaEnglish for updates on the talks every day, he said.",
        "اخبار مرتبط با مذاکرات وین منتشر شد",
        "",
    ],
)
def test_body_lines_are_not_furniture(line: str) -> None:
    assert not is_furniture(line)


def test_strip_furniture_keeps_line_positions() -> None:
    kept, stripped = strip_furniture(["Headline", "Share", "Body text.", " Related News "])
    assert kept == ["Headline", "", "Body text.", ""]
    assert stripped == ["Share", "Related News"]


def test_furniture_anywhere_in_a_story() -> None:
    data = (
        "Share this story\n"
        "Talks resume in Vienna\n\n"
        "Tehran, IRNA – Talks resumed on Monday.\n\n"
        "Print\n\n"
        "Officials said the related news would follow.\n\n"
        "Related News\n\n"
        "نظر شما\n"
    ).encode()
    story = parse_text(data, name="vienna.txt", now=NOW)
    assert story.headline == "Talks resume in Vienna"
    assert story.stripped == ["Share this story", "Print", "Related News", "نظر شما"]
    assert [b.text for b in story.blocks] == ["Officials said the related news would follow."]
    assert story.lead == "Talks resumed on Monday."
