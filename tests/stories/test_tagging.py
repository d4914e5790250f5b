"""Tags for labels, and the memo an import keeps of the tags it has met."""

import pytest

from dateline.copy import ParsedStory
from dateline.stories.importing import ImportTarget, StorySkipped, import_story
from dateline.stories.models import Story, Tag
from dateline.stories.tagging import MAX_TAG_LENGTH, tag_slug, tags_for
from tests.factories import make_edition


def parsed(headline: str, tags: dict[str, list[str]], source_id: str | None = None) -> ParsedStory:
    return ParsedStory(
        headline=headline,
        language="en",
        direction="ltr",
        dateline=None,
        lead="A lead paragraph.",
        blocks=[],
        stripped=[],
        warnings=[],
        source_name="test.txt",
        source_id=source_id,
        published_at=None,
        tags=tags,
    )


@pytest.mark.django_db(transaction=True)  # real transactions: a rollback really removes rows
def test_a_rolled_back_import_leaves_no_memo_of_the_tags_it_created():
    edition = make_edition("en")
    target = ImportTarget(edition=edition, section=None, publish=True)
    broken = parsed("x" * 301, {"places": ["Caspian Sea"], "topics": ["Energy"]})  # too long

    with pytest.raises(StorySkipped, match="headline"):
        import_story(broken, target)
    assert not Tag.objects.exists()  # the tags were created, then rolled back with the story

    story = import_story(parsed("Caspian talks resume", {"places": ["Caspian Sea"]}), target)
    story = Story.objects.get(pk=story.pk)
    assert [(t.slug, t.name) for t in story.tags.all()] == [("caspian-sea", "Caspian Sea")]
    assert Tag.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_import_keeps_the_memo_consistent_for_the_next_story():
    edition = make_edition("en")
    target = ImportTarget(edition=edition, section=None, publish=False)
    import_story(parsed("First", {"places": ["Oman"]}, source_id="wire:1"), target)
    with pytest.raises(StorySkipped, match="already imported"):
        import_story(
            parsed("First again", {"places": ["Oman", "Gulf"]}, source_id="wire:1"), target
        )
    story = import_story(parsed("Second", {"places": ["Oman", "Gulf"]}, source_id="wire:2"), target)
    assert sorted(t.slug for t in Story.objects.get(pk=story.pk).tags.all()) == ["gulf", "oman"]
    assert sorted(Tag.objects.values_list("slug", flat=True)) == ["gulf", "oman"]


@pytest.mark.django_db
def test_labels_are_matched_by_slug_and_keep_their_first_spelling():
    tags = tags_for(
        [("place", "Caspian Sea"), ("place", "caspian-sea"), ("place", " CASPIAN  sea ")]
    )
    assert [(t.slug, t.name, t.vocabulary) for t in tags] == [
        ("caspian-sea", "Caspian Sea", "place")
    ]
    again = tags_for([("keyword", "caspian sea")])
    assert again[0].pk == tags[0].pk
    assert Tag.objects.count() == 1


@pytest.mark.django_db
def test_tags_come_back_in_the_order_of_their_labels():
    tags = tags_for(
        [("keyword", "Oil"), ("keyword", "Gas"), ("keyword", "Oil"), ("topic", "Ports")]
    )
    assert [t.slug for t in tags] == ["oil", "gas", "ports"]


@pytest.mark.django_db
def test_unknown_vocabulary_becomes_a_keyword_and_known_ones_are_kept():
    tags = tags_for([("orgs", "OPEC"), ("person", "Jane Doe"), ("org", "IAEA")])
    assert {t.slug: t.vocabulary for t in tags} == {
        "opec": "keyword",
        "jane-doe": "person",
        "iaea": "org",
    }


@pytest.mark.django_db
def test_labels_without_a_slug_are_skipped_and_persian_is_kept():
    tags = tags_for([("keyword", "   "), ("keyword", "!!!"), ("keyword", "دریای خزر")])
    assert [(t.slug, t.name) for t in tags] == [("دریای-خزر", "دریای خزر")]


@pytest.mark.django_db
def test_long_labels_are_cut_to_the_column_length():
    label = "Talks " * 40
    (tag,) = tags_for([("keyword", label)])
    assert len(tag.name) == MAX_TAG_LENGTH
    assert tag.name == " ".join(label.split())[:MAX_TAG_LENGTH]
    assert len(tag.slug) <= MAX_TAG_LENGTH
    assert not tag.slug.endswith("-")


@pytest.mark.django_db
def test_the_memo_saves_every_query_for_tags_met_before(django_assert_num_queries):
    known: dict[str, Tag] = {}
    Tag.objects.create(slug="oil", name="Oil", key="oil")
    with django_assert_num_queries(3):  # find the known one, insert the rest, read them back
        first = tags_for([("keyword", "Oil"), ("keyword", "Gas"), ("keyword", "Ports")], known)
    assert set(known) == {"oil", "gas", "ports"}
    with django_assert_num_queries(0):
        second = tags_for([("keyword", "Ports"), ("keyword", "Oil")], known)
    assert [t.pk for t in second] == [first[2].pk, first[0].pk]


@pytest.mark.django_db
def test_existing_tags_cost_one_query_and_no_insert(django_assert_num_queries):
    Tag.objects.create(slug="oil", name="Oil", key="oil", vocabulary="topic")
    with django_assert_num_queries(1):
        (tag,) = tags_for([("keyword", "OIL")])
    assert (tag.name, tag.vocabulary) == ("Oil", "topic")  # the stored tag, not the new label


@pytest.mark.django_db
def test_arabic_and_persian_letter_forms_are_one_tag_named_as_first_written():
    """What search folds (ي ى → ی, ك → ک, ة ە → ه, ٱ → ا, tatweel dropped), tags fold too: an
    Arabic keyboard's keyword is the Persian one. Presentation forms are their letters first."""
    (first,) = tags_for([("keyword", "ايران")])
    assert (first.slug, first.name) == ("ایران", "ايران")
    same = tags_for(
        [
            ("keyword", "ایران"),
            ("place", "ايـــران"),  # tatweel
            ("keyword", "اﻳﺮان"),  # yeh and reh in their presentation forms
            ("keyword", "اِیران"),  # a kasra
        ]
    )
    assert [tag.pk for tag in same] == [first.pk]
    assert [t.slug for t in tags_for([("keyword", "اوپك"), ("keyword", "ٱلقاهرة")])] == [
        "اوپک",
        "القاهره",
    ]
    assert Tag.objects.count() == 3


@pytest.mark.django_db
def test_letters_written_with_or_without_their_hamza_or_madda_are_one_tag():
    """Arabic copy writes "أمريكا" and "امريكا" alike, and search finds either by the other.
    The address keeps the letters as first written: "آب" (water) is no "اب"."""
    (first,) = tags_for([("place", "أمريكا")])
    assert (first.slug, first.name) == ("أمریکا", "أمريكا")
    same = tags_for([("place", "امريكا"), ("place", "آمريكا"), ("place", "إمريكا")])
    assert [tag.pk for tag in same] == [first.pk]
    assert tags_for([("keyword", "رئيس")]) == tags_for([("keyword", "رييس")])
    assert tags_for([("keyword", "مسؤول")]) == tags_for([("keyword", "مسوول")])
    assert tags_for([("keyword", "آب")])[0].slug == "آب"
    # Latin letters keep their accents: only Arabic script's marks go (decision 0048).
    assert tags_for([("keyword", "Café")])[0].pk != tags_for([("keyword", "Cafe")])[0].pk


@pytest.mark.django_db
def test_persian_arabic_and_ascii_digits_are_one_tag():
    (year,) = tags_for([("keyword", "انتخابات ۱۴۰۴")])
    assert year.slug == "انتخابات-۱۴۰۴"  # the address as written
    assert tags_for([("keyword", "انتخابات ١٤٠٤"), ("keyword", "انتخابات 1404")]) == [year]


@pytest.mark.django_db
def test_an_abbreviation_with_or_without_its_periods_is_one_tag():
    (us,) = tags_for([("place", "U.S.")])
    for spelling in ("US", "u.s", "U.S", "U\u200b.S.", "\u200bU.S.\u2060"):
        assert tags_for([("place", spelling)]) == [us]
    assert (us.slug, us.name) == ("us", "U.S.")
    assert tags_for([("place", "U.S.A.")]) != [us]
    dotnet, net, node = tags_for([("keyword", ".NET"), ("keyword", "NET"), ("keyword", "Node.js")])
    assert len({dotnet.pk, net.pk, node.pk}) == 3
    assert tags_for([("keyword", "nodejs")])[0].pk != node.pk


@pytest.mark.django_db
def test_labels_with_nothing_left_after_folding_make_no_tag():
    labels = ["ـــ", "\u202eـ\u202c", "\u2067\u2069", "\x00\x1f", "ـ-ـ"]
    assert tags_for(("keyword", label) for label in labels) == []
    assert not Tag.objects.exists()
    assert [
        t.slug for t in tags_for([("keyword", "\u202eاوپك\u202c"), ("keyword", "ا\u2066وپک")])
    ] == ["اوپک"]


@pytest.mark.parametrize(
    "text",
    [
        "Caspian Sea",
        "اوپك",
        "ـكـ ـيـ",
        "ﻛ",
        "a\u200cb",
        "x" * 130 + "ك",
        "-ك-",
        "ٱ ة ە ى",
        "بودجۀ",
        "أإآؤئ",
        "Pérez",
        "انتخابات ۱۴۰۴",
    ],
)
def test_a_slug_made_for_a_tag_comes_back_unchanged(text):
    slug = tag_slug(text)
    assert slug and tag_slug(slug) == slug
    assert not set(slug) & set("يىكةەۀٱـ")


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("راه\u200cآهن", "راه-آهن"),
        ("برقی\u200cکردن خودروها", "برقی-کردن-خودروها"),
        ("\u200cنفت\u200c", "نفت"),
    ],
)
def test_a_zero_width_non_joiner_separates_words_in_a_tags_slug(name, slug):
    """As in a story's slug: dropped, it joined the word's parts into a misspelling (راهآهن)."""
    assert tag_slug(name) == slug


@pytest.mark.django_db
def test_names_told_apart_by_punctuation_their_slug_drops_are_two_tags(django_assert_num_queries):
    """Both slugs of "C#" and "C++" are "c": the one met second is its own tag, at a slug of
    its own that stays its own; the first keeps its address."""
    (cpp,) = tags_for([("keyword", "C++")])
    with django_assert_num_queries(5):  # not found; "c" taken, none read back; "c-2", read
        (csharp,) = tags_for([("keyword", "C#")])
    assert [(t.slug, t.name) for t in (cpp, csharp)] == [("c", "C++"), ("c-2", "C#")]
    together = tags_for([("keyword", "C--"), ("keyword", "c#"), ("keyword", "C++")])
    assert [(t.slug, t.name) for t in together] == [("c-3", "C--"), ("c-2", "C#"), ("c", "C++")]
    assert [t.pk for t in together[1:]] == [csharp.pk, cpp.pk]
    assert Tag.objects.count() == 3


@pytest.mark.django_db
def test_case_spacing_compatibility_forms_and_letter_forms_still_name_one_tag():
    (cpp,) = tags_for([("keyword", "C++")])
    same = tags_for([("keyword", " c++ "), ("keyword", "Ｃ＋＋"), ("place", "C\u200c++")])
    assert [t.pk for t in same] == [cpp.pk]
    (opec,) = tags_for([("keyword", "اوپك؟")])  # a question mark after OPEC, Arabic kaf
    assert [t.pk for t in tags_for([("keyword", "اوپکـ؟"), ("keyword", " اوپک؟")])] == [opec.pk]
    assert (opec.slug, tags_for([("keyword", "اوپک")])[0].slug) == ("اوپک", "اوپک-2")


@pytest.mark.django_db
def test_imported_keywords_told_apart_by_punctuation_are_two_tags():
    target = ImportTarget(edition=make_edition("en"), section=None, publish=False)
    first = import_story(parsed("C++ 26 is out", {"keywords": ["C++"]}, "wire:1"), target)
    second = import_story(parsed("C# 14 is out", {"keywords": ["C#", "c++"]}, "wire:2"), target)
    later = ImportTarget(edition=first.edition, section=None, publish=False)  # a run of its own
    third = import_story(parsed("C# again", {"keywords": ["c#"]}, "wire:3"), later)
    tags = [[(t.slug, t.name) for t in s.tags.order_by("pk")] for s in (first, second, third)]
    assert tags == [[("c", "C++")], [("c", "C++"), ("c-2", "C#")], [("c-2", "C#")]]
