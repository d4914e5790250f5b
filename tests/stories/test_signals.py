"""`story_changed`: exactly one signal per logged change, sent only once the write commits."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dateline.copy import ParsedStory
from dateline.stories.actions import create_story, publish_story
from dateline.stories.importing import ImportTarget, StorySkipped, import_story
from dateline.stories.models import Status, Story, StoryChange
from dateline.stories.signals import story_changed
from tests.factories import make_edition

# Real transactions, as in production: on_commit callbacks run on a real commit and are
# dropped on a real rollback (a test wrapped in one big transaction never commits).
pytestmark = pytest.mark.django_db(transaction=True)

AT = datetime.datetime(2025, 3, 20, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def received():
    """What story_changed delivered: (story code, change id, action, version), in order."""
    signals: list[tuple[int, int, str, int]] = []

    def receiver(sender, story, change, **kwargs):
        assert sender is Story
        assert change.story_id == story.pk
        signals.append((story.pk, change.pk, change.action, change.version))

    story_changed.connect(receiver)
    yield signals
    story_changed.disconnect(receiver)


@pytest.fixture
def edition():
    return make_edition("en")


def logged(story: Story) -> list[tuple[int, int, str, int]]:
    return [
        (story.pk, change.pk, change.action, change.version)
        for change in StoryChange.objects.filter(story=story).order_by("id")
    ]


def test_a_story_created_published_logs_created_then_published_and_signals_each(edition, received):
    story = create_story(
        edition=edition, headline="Rail link opens", lead="Trains ran.", publish_at=AT
    )
    assert [(action, version) for _, _, action, version in logged(story)] == [
        ("created", 1),
        ("published", 1),
    ]
    assert received == logged(story)  # one signal per change, in sequence order
    assert received[0][1] < received[1][1]
    stored = Story.objects.get(pk=story.pk)
    assert (stored.status, stored.published_at) == (Status.PUBLISHED, AT)


def test_a_draft_logs_and_signals_its_creation_only(edition, received):
    story = create_story(edition=edition, headline="Rail link opens", lead="Trains ran.")
    assert [action for _, _, action, _ in logged(story)] == ["created"]
    assert received == logged(story)
    assert Story.objects.get(pk=story.pk).status == Status.DRAFT


def test_publishing_a_draft_signals_the_publication_only(edition, received):
    story = create_story(edition=edition, headline="Rail link opens", lead="Trains ran.")
    received.clear()
    publish_story(story, at=AT)
    assert [action for _, _, action, _ in received] == ["published"]
    assert received == logged(story)[1:]


def test_nothing_is_sent_before_the_surrounding_transaction_commits(edition, received):
    with transaction.atomic():
        story = create_story(
            edition=edition, headline="Rail link opens", lead="Trains ran.", publish_at=AT
        )
        assert received == []
        assert len(logged(story)) == 2
    assert [action for _, _, action, _ in received] == ["created", "published"]
    assert received == logged(story)


def test_a_rolled_back_creation_sends_nothing_and_leaves_nothing(edition, received):
    with pytest.raises(RuntimeError), transaction.atomic():
        create_story(edition=edition, headline="Rail link opens", lead="Trains ran.", publish_at=AT)
        raise RuntimeError("the caller's next step failed")
    assert received == []
    assert not Story.objects.exists()
    assert not StoryChange.objects.exists()


def test_a_refused_creation_sends_nothing(edition, received):
    with pytest.raises(ValidationError):
        create_story(edition=edition, headline="", lead="Trains ran.", publish_at=AT)
    with pytest.raises(ValidationError):
        naive = AT.replace(tzinfo=None)
        create_story(edition=edition, headline="Rail", lead="Trains ran.", publish_at=naive)
    assert received == []
    assert not StoryChange.objects.exists()


def test_an_import_signals_its_stories_and_a_skipped_one_sends_nothing(edition, received):
    target = ImportTarget(edition=edition, section=None, publish=True)

    def parsed(headline: str, source_id: str) -> ParsedStory:
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
            published_at=AT,
            tags={"places": ["Oman"]},
        )

    story = import_story(parsed("Port reopens", "wire:1"), target)
    with pytest.raises(StorySkipped):
        import_story(parsed("Port reopens again", "wire:1"), target)
    with pytest.raises(StorySkipped):
        import_story(parsed("x" * 301, "wire:2"), target)
    assert [action for _, _, action, _ in received] == ["created", "published"]
    assert received == logged(story)
    assert Story.objects.get().published_at == AT


def test_a_receiver_that_fails_does_not_undo_the_write_or_silence_the_others(edition, received):
    def broken(sender, **kwargs):
        raise RuntimeError("search index down")

    story_changed.connect(broken)
    try:
        story = create_story(
            edition=edition, headline="Rail link opens", lead="Trains ran.", publish_at=AT
        )
    finally:
        story_changed.disconnect(broken)
    assert Story.objects.filter(pk=story.pk, status=Status.PUBLISHED).exists()
    assert [action for _, _, action, _ in received] == ["created", "published"]


def test_publication_time_defaults_to_now_and_keeps_a_given_one(edition, received):
    before = timezone.now()
    story = create_story(edition=edition, headline="Now", lead="Trains ran.")
    publish_story(story)
    assert before <= Story.objects.get(pk=story.pk).published_at <= timezone.now()
    assert [action for _, _, action, _ in received] == ["created", "published"]
