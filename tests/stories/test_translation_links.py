"""Linking and unlinking translations: the rules, the refusals with their reasons, and the
change log of every member whose translations changed."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from dateline.accounts.models import Role
from dateline.stories.actions import kill_story, link_translation, unlink_translation
from dateline.stories.models import Story, StoryChange, TranslationGroup
from dateline.stories.workflow import IllegalTransition, NotAllowed
from tests.factories import make_edition, make_member, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def en():
    return make_edition("en")


@pytest.fixture
def fa():
    return make_edition("fa")


@pytest.fixture
def ar():
    return make_edition("ar")


def group_of(story: Story) -> set[int]:
    story.refresh_from_db()
    if story.translation_group_id is None:
        return set()
    return set(
        Story.objects.filter(translation_group_id=story.translation_group_id).values_list(
            "pk", flat=True
        )
    )


def changes(*stories: Story) -> list[tuple[int, str, str]]:
    return list(
        StoryChange.objects.filter(story__in=stories, action__in=["linked", "unlinked"])
        .order_by("id")
        .values_list("story_id", "action", "note")
    )


def test_linking_puts_both_in_one_group_and_logs_a_change_on_each(en, fa):
    english, persian = make_story(en), make_story(fa, published=False)
    editor = make_member("eve", Role.EDITOR, (en, fa))
    link_translation(english, persian.pk, by=editor, note="same wire copy")
    assert group_of(english) == group_of(persian) == {english.pk, persian.pk}
    names = f"translations: {english.pk} (en), {persian.pk} (fa); same wire copy"
    assert changes(english, persian) == [
        (english.pk, "linked", names),
        (persian.pk, "linked", names),
    ]
    assert set(StoryChange.objects.filter(action="linked").values_list("actor", flat=True)) == {
        editor.pk
    }
    assert english.translation_group_id is not None  # the caller's object shows the write


def test_a_third_edition_joins_the_group_from_either_side(en, fa, ar):
    english, persian, arabic = make_story(en), make_story(fa), make_story(ar)
    link_translation(english, persian.pk)
    link_translation(arabic, persian.pk)  # the new one first, its partner already in a group
    assert (
        group_of(english)
        == group_of(persian)
        == group_of(arabic)
        == {
            english.pk,
            persian.pk,
            arabic.pk,
        }
    )
    # The second link is logged on all three: each page now shows another translation.
    assert [row[:2] for row in changes(english, persian, arabic)][2:] == [
        (english.pk, "linked"),
        (persian.pk, "linked"),
        (arabic.pk, "linked"),
    ]


def test_two_groups_of_different_editions_merge_and_the_empty_one_goes(en, fa, ar):
    de = make_edition("de")
    english, persian = make_story(en), make_story(fa)
    arabic, german = make_story(ar), make_story(de)
    link_translation(english, persian.pk)
    link_translation(arabic, german.pk)
    link_translation(persian, arabic.pk)
    assert group_of(english) == {english.pk, persian.pk, arabic.pk, german.pk}
    assert TranslationGroup.objects.count() == 1


@pytest.mark.parametrize(
    ("make_refused", "reason"),
    [
        (lambda s: (s["english"], s["english"].pk), r"cannot be its own translation"),
        (lambda s: (s["english"], s["other_english"].pk), r"both in the Edition en edition"),
        (lambda s: (s["english"], 987654), r"There is no story with news code 987654\."),
        (lambda s: (s["english"], 2**70), r"There is no story with news code \d+\."),
        (lambda s: (s["english"], -1), r"There is no story with news code -1\."),
        (lambda s: (s["english"], s["persian"].pk), r"are linked already"),
        # The other English story would join a group that has an English version.
        (lambda s: (s["other_english"], s["persian"].pk), r"would both be the Edition en version"),
        (lambda s: (s["arabic"], s["other_english"].pk), None),  # allowed: the control
    ],
)
def test_bad_links_are_refused_with_the_reason_and_change_nothing(en, fa, ar, make_refused, reason):
    stories = {
        "english": make_story(en),
        "other_english": make_story(en),
        "persian": make_story(fa),
        "arabic": make_story(ar),
    }
    link_translation(stories["english"], stories["persian"].pk)
    before = (StoryChange.objects.count(), TranslationGroup.objects.count())
    story, other = make_refused(stories)
    if reason is None:
        link_translation(story, other)
        assert StoryChange.objects.count() == before[0] + 2
        return
    with pytest.raises(ValidationError, match=reason) as refused:
        link_translation(story, other)
    assert "other" in refused.value.message_dict
    assert (StoryChange.objects.count(), TranslationGroup.objects.count()) == before
    assert group_of(stories["english"]) == {stories["english"].pk, stories["persian"].pk}
    assert group_of(stories["other_english"]) == group_of(stories["arabic"]) == set()


def test_unlinking_one_of_three_keeps_the_other_two_linked(en, fa, ar):
    english, persian, arabic = make_story(en), make_story(fa), make_story(ar)
    link_translation(english, persian.pk)
    link_translation(english, arabic.pk)
    unlink_translation(arabic, note="a different story after all")
    assert group_of(arabic) == set()
    assert group_of(english) == group_of(persian) == {english.pk, persian.pk}
    note = f"{arabic.pk} (ar) unlinked from {english.pk} (en), {persian.pk} (fa)"
    assert changes(english, persian, arabic)[-3:] == [
        (english.pk, "unlinked", note + "; a different story after all"),
        (persian.pk, "unlinked", note + "; a different story after all"),
        (arabic.pk, "unlinked", note + "; a different story after all"),
    ]


def test_unlinking_one_of_two_dissolves_the_group(en, fa):
    english, persian = make_story(en), make_story(fa)
    link_translation(persian, english.pk)
    unlink_translation(english)
    assert group_of(english) == group_of(persian) == set()
    assert TranslationGroup.objects.count() == 0
    with pytest.raises(IllegalTransition, match=f"Story {persian.pk} is not linked"):
        unlink_translation(persian)


def test_only_editors_of_both_editions_may_link(en, fa):
    english, persian = make_story(en), make_story(fa)
    reporter = make_member("rita", Role.REPORTER, (en, fa))
    english_editor = make_member("ed", Role.EDITOR, (en,))
    with pytest.raises(NotAllowed, match="may not make the change 'Translation linked'"):
        link_translation(english, persian.pk, by=reporter)
    # A story of an edition the editor does not work on is as unknown as a missing code.
    with pytest.raises(ValidationError, match=f"no story with news code {persian.pk} in your"):
        link_translation(english, persian.pk, by=english_editor)
    with pytest.raises(NotAllowed, match="does not work on"):
        link_translation(persian, english.pk, by=english_editor)
    assert group_of(english) == set()
    link_translation(english, persian.pk, by=make_member("chief", Role.CHIEF_EDITOR))
    assert group_of(english) == {english.pk, persian.pk}
    with pytest.raises(NotAllowed):
        unlink_translation(english, by=reporter)


def test_a_killed_story_cannot_be_linked_but_can_leave_its_group(en, fa, ar):
    english, persian = make_story(en), make_story(fa)
    link_translation(english, persian.pk)
    kill_story(persian, reason="wrong figures")
    arabic = make_story(ar)
    with pytest.raises(IllegalTransition, match=f"Story {persian.pk} is killed"):
        link_translation(arabic, persian.pk)  # the named partner is checked too
    unlink_translation(persian)
    assert group_of(english) == set()
    kill_story(arabic, reason="withdrawn")
    with pytest.raises(IllegalTransition, match=f"Story {arabic.pk} is killed"):
        link_translation(arabic, english.pk)


def test_the_database_holds_one_story_per_edition_in_a_group(en):
    group = TranslationGroup.objects.create()
    first, second = make_story(en), make_story(en)
    Story.objects.filter(pk=first.pk).update(translation_group=group)
    with pytest.raises(IntegrityError), transaction.atomic():
        Story.objects.filter(pk=second.pk).update(translation_group=group)


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads writing at once need PostgreSQL; on SQLite one writer holds the database",
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_one_pair_linked_from_both_ends_at_once_waits_instead_of_deadlocking():
    en, fa = make_edition("en"), make_edition("fa")
    pairs = [(make_story(en), make_story(fa)) for _ in range(10)]
    failures: list[BaseException] = []

    def link(story, other, start):
        try:
            start.wait()
            link_translation(story.pk, other.pk)
        except ValidationError as refused:  # the second of the two: linked already
            if "linked already" not in str(refused):
                failures.append(refused)
        except BaseException as error:  # a deadlock, above all
            failures.append(error)
        finally:
            connections.close_all()

    for english, persian in pairs:
        start = threading.Barrier(2)
        threads = [
            threading.Thread(target=link, args=(english, persian, start)),
            threading.Thread(target=link, args=(persian, english, start)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert group_of(english) == {english.pk, persian.pk}
    assert failures == []
