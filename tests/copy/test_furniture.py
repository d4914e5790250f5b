"""Page furniture is recognised on whole lines only and kept out of the story."""

import re

import pytest
from copy_support import NOW

from dateline.copy import parse_text
from dateline.copy.furniture import _LINE_PATTERNS, is_furniture, strip_furniture

# Every kind of line the module knows, in each of its spellings: English first, then Persian.
ENGLISH_FURNITURE = [
    "Follow us on Twitter @IrnaEnglish",
    "Follow us on Instagram @irna_1313",
    "follow us on Telegram",
    "Follow us on Google+",
    "Related News",
    "Related stories",
    "RELATED ARTICLES",
    "Related content",
    "Your Comment",
    "You are replying to: .",
    "You are replying to: Ali's comment",
    "Share",
    "Share this",
    "Share this story",
    "Share this article",
    "Share this page",
    "Share on Facebook",
    "Print",
    "Print this",
    "Print this story",
    "Print this article",
    "Print this page",
    "Send to friend",
    "Send to friends",
    "Send to a friend",
    "Email this story",
    "E-mail this article",
    "email this page",
    "Tag",
    "Tags",
    "Comment",
    "Comments",
    "Most viewed",
    "Most visited",
    "Most read",
    "Most popular",
    "Read more",
    "News ID: 84299330",
    "News ID 84299330",
    "news id:84299330",
]
PERSIAN_FURNITURE = [
    "اخبار مرتبط",
    "خبرهای مرتبط",
    "نظر شما",
    "نظرات",
    "اشتراک گذاری",
    "اشتراک\u200cگذاری",
    "اشتراکگذاری",
    "چاپ",
    "برچسب ها",
    "برچسب\u200cها",
    "برچسبها",
    "پربازدیدترین",
    "پربازدیدترین ها",
    "پربازدیدترین\u200cها",
    "ارسال به دوستان",
    "کد خبر: ۸۴۲۹۹۳۳۰",
    "کد خبر ۸۴۲۹۹۳۳۰",
    "کد خبر:84299330",
    "کد خبر:۸۴۲۹۹۳۳۰",
]


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


ARABIC_FURNITURE = [
    "أخبار ذات صلة",
    "اخبار ذات صلة",
    "مواضيع ذات صلة",
    "مقالات ذات صلة",
    "تابعونا على",
    "تابعونا عبر",
    "تابعونا على تويتر",
    "تابعونا على فيسبوك @sana.syria",
    "اقرأ أيضا",
    "إقرأ أيضاً",
    "اقرأ أيضًا",
    "شارك",
    "شارك الخبر",
    "شارك على فيسبوك",
    "طباعة",
    "التعليقات",
    "تعليقات",
    "أضف تعليقك",
    "اضف تعليقا",
    "أضف تعليق",
    "أضف تعليقاً",
    "الأكثر قراءة",
    "الاكثر مشاهدة",
    "كلمات مفتاحية",
    "أرسل لصديق",
    "ارسل إلى صديق",
]
ALL_FURNITURE = ENGLISH_FURNITURE + PERSIAN_FURNITURE + ARABIC_FURNITURE


@pytest.mark.parametrize("line", ALL_FURNITURE)
def test_every_known_furniture_line(line: str) -> None:
    assert is_furniture(line)
    assert is_furniture(f"  {line} :")  # around it: whitespace and trailing ":", "." or "*"
    assert is_furniture(f"\t{line}.*  ")
    assert not is_furniture(f"A sentence about {line}")
    if not line.startswith("You are replying to:"):  # whatever follows is the quoted comment
        assert not is_furniture(f"{line} in a sentence that goes on")


@pytest.mark.parametrize("pattern", _LINE_PATTERNS)
def test_every_pattern_of_the_module_has_examples_here(pattern: str) -> None:
    """A line added to the module needs its examples above, in each spelling it allows."""
    own = re.compile(pattern, re.IGNORECASE)
    examples = [line for line in ALL_FURNITURE if own.fullmatch(line.replace("\u200c", " "))]
    assert examples, f"no example of furniture line {pattern!r}"


def test_persian_furniture_is_stripped_from_a_persian_story() -> None:
    data = ("\n".join(["چاپ", "افتتاح خط آهن", "", "رشت- ایرنا- قطار حرکت کرد.", ""])
            + "\n".join(PERSIAN_FURNITURE)).encode()  # fmt: skip
    story = parse_text(data, name="khabar.txt", now=NOW)
    assert story.headline == "افتتاح خط آهن"
    assert story.lead == "قطار حرکت کرد."
    assert story.blocks == []
    assert story.stripped == ["چاپ", *PERSIAN_FURNITURE]


def test_arabic_furniture_is_stripped_from_an_arabic_story() -> None:
    data = "\n".join(
        ["طباعة", "افتتاح خط سكة حديد", "", "دمشق-سانا افتتح الخط اليوم.", "", *ARABIC_FURNITURE]
    ).encode()
    story = parse_text(data, name="khabar.txt", now=NOW)
    assert story.headline == "افتتاح خط سكة حديد"
    assert (story.dateline.place, story.dateline.source) == ("دمشق", "سانا")
    assert story.lead == "افتتح الخط اليوم."
    assert story.blocks == []
    assert story.stripped == ["طباعة", *ARABIC_FURNITURE]
    assert story.language == "ar"


@pytest.mark.parametrize(
    "line",
    [
        "أخبار ذات صلة بالمفاوضات نشرت اليوم",
        "تابعونا على تويتر وفيسبوك وإنستغرام للمزيد من الأخبار",
        "شارك الوزير في الاجتماع",
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
