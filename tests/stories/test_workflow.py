"""The workflow's rules, at the actions every screen and command calls: who may make which
change, from which state, and what each change writes (versions, revisions, the audit log)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from dateline.stories import actions
from dateline.stories.actions.schedule import require_future
from dateline.stories.models import Correction, Status, Story, StoryChange
from dateline.stories.revisions import difference
from dateline.stories.tagging import tags_for
from dateline.stories.workflow import (
    EditConflict,
    IllegalTransition,
    NotAllowed,
    offered_actions,
)
from tests.factories import make_edition, make_member

pytestmark = pytest.mark.django_db
Action = StoryChange.Action
SOON = datetime.timedelta(hours=1)


@pytest.fixture
def newsroom():
    en = make_edition("en")
    fa = make_edition("fa")
    return {
        "en": en,
        "reporter": make_member("rita", "reporter", (en,)),
        "other_reporter": make_member("omid", "reporter", (en,)),
        "editor": make_member("eddie", "editor", (en,)),
        "fa_editor": make_member("farah", "editor", (fa,)),
        "chief": make_member("chloe", "chief_editor"),
        "moderator": make_member("mo", "comment_moderator", (en,)),
        "nobody": make_member("nora", "", (en,)),
        "anonymous": AnonymousUser(),
    }


def story_in(newsroom, status: str) -> Story:
    """A story of the reporter's, brought to `status` by the system (which may do anything)."""
    story = actions.create_story(
        edition=newsroom["en"], headline="Dam opens", lead="Water flows.", by=newsroom["reporter"]
    )
    if status in (Status.SUBMITTED, Status.APPROVED):
        actions.submit_story(story)
    if status == Status.APPROVED:
        actions.approve_story(story)
    if status == Status.PUBLISHED:
        actions.publish_story(story)
    if status == Status.SCHEDULED:
        actions.schedule_story(story, at=timezone.now() + SOON)
    return story


# Each action: the state it starts from, and how to make it.
CHANGES = {
    Action.EDITED: (
        Status.DRAFT,
        lambda s, by: actions.edit_story(s, base_version=s.version, by=by, lead="New lead."),
    ),
    Action.SUBMITTED: (Status.DRAFT, lambda s, by: actions.submit_story(s, by=by)),
    Action.APPROVED: (Status.SUBMITTED, lambda s, by: actions.approve_story(s, by=by)),
    Action.PUBLISHED: (Status.APPROVED, lambda s, by: actions.publish_story(s, by=by)),
    Action.SCHEDULED: (
        Status.APPROVED,
        lambda s, by: actions.schedule_story(s, at=timezone.now() + SOON, by=by),
    ),
    Action.EMBARGOED: (
        Status.APPROVED,
        lambda s, by: actions.embargo_story(s, until=timezone.now() + SOON, by=by),
    ),
    Action.UNPUBLISHED: (Status.PUBLISHED, lambda s, by: actions.unpublish_story(s, by=by)),
    Action.CORRECTED: (
        Status.PUBLISHED,
        lambda s, by: actions.correct_story(s, note="Fixed the dam's name.", by=by),
    ),
    Action.KILLED: (Status.PUBLISHED, lambda s, by: actions.kill_story(s, reason="Legal", by=by)),
    Action.RESTORED: (
        Status.DRAFT,
        lambda s, by: actions.restore_revision(s, version=1, by=by),
    ),
}
# Who may make each change to a draft-stage story of the reporter's, in the English edition.
ALLOWED = {
    Action.EDITED: {"reporter", "editor", "chief"},
    Action.SUBMITTED: {"reporter", "editor", "chief"},
    Action.APPROVED: {"editor", "chief"},
    Action.PUBLISHED: {"editor", "chief"},
    Action.SCHEDULED: {"editor", "chief"},
    Action.EMBARGOED: {"editor", "chief"},
    Action.UNPUBLISHED: {"editor", "chief"},
    Action.CORRECTED: {"editor", "chief"},
    Action.KILLED: {"chief"},
    Action.RESTORED: {"editor", "chief"},
}
PEOPLE = (
    "reporter",
    "other_reporter",
    "editor",
    "fa_editor",
    "chief",
    "moderator",
    "nobody",
    "anonymous",
)


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("action", list(CHANGES))
def test_role_by_action_matrix(newsroom, action, person):
    start, make = CHANGES[action]
    story = story_in(newsroom, start)
    if action == Action.RESTORED:
        actions.edit_story(story, base_version=1, lead="Second version.")
    changes_before = story.changes.count()
    if person in ALLOWED[action]:
        make(story, newsroom[person])
        last = story.changes.order_by("-id").first()
        assert last.action == action
        assert last.actor == newsroom[person]
    else:
        with pytest.raises(NotAllowed):
            make(story, newsroom[person])
        assert story.changes.count() == changes_before
        story.refresh_from_db()
        assert story.status == start


def test_only_the_reporters_own_story_and_only_before_an_editor_has_it(newsroom):
    reporter = newsroom["reporter"]
    story = story_in(newsroom, Status.APPROVED)
    with pytest.raises(NotAllowed, match="an editor has it"):
        actions.edit_story(story, base_version=1, by=reporter, lead="Sneaky change.")
    theirs = actions.create_story(
        edition=newsroom["en"], headline="Other", lead="Lead.", by=newsroom["other_reporter"]
    )
    with pytest.raises(NotAllowed, match="only their own"):
        actions.submit_story(theirs, by=reporter)


def test_a_reporter_cannot_create_a_story_published(newsroom):
    with pytest.raises(NotAllowed):
        actions.create_story(
            edition=newsroom["en"],
            headline="H",
            lead="L",
            by=newsroom["reporter"],
            publish_at=timezone.now(),
        )
    assert not Story.objects.exists()


def test_an_editor_works_only_on_their_editions(newsroom):
    with pytest.raises(NotAllowed, match="does not work on"):
        actions.create_story(
            edition=newsroom["en"], headline="H", lead="L", by=newsroom["fa_editor"]
        )


@pytest.mark.parametrize(
    ("status", "change"),
    [
        (Status.DRAFT, lambda s: actions.approve_story(s)),
        (Status.DRAFT, lambda s: actions.unpublish_story(s)),
        (Status.DRAFT, lambda s: actions.correct_story(s, note="n")),
        (Status.PUBLISHED, lambda s: actions.submit_story(s)),
        (Status.PUBLISHED, lambda s: actions.publish_story(s)),
        (Status.PUBLISHED, lambda s: actions.schedule_story(s, at=timezone.now() + SOON)),
        (Status.PUBLISHED, lambda s: actions.embargo_story(s, until=timezone.now() + SOON)),
        (Status.SUBMITTED, lambda s: actions.submit_story(s)),
    ],
)
def test_an_illegal_transition_names_the_state_and_changes_nothing(newsroom, status, change):
    story = story_in(newsroom, status)
    before = list(story.changes.values_list("id", flat=True))
    with pytest.raises(IllegalTransition, match=f"is {status}"):
        change(story)
    story.refresh_from_db()
    assert story.status == status
    assert list(story.changes.values_list("id", flat=True)) == before


def test_killed_is_final(newsroom):
    story = story_in(newsroom, Status.PUBLISHED)
    actions.kill_story(story, reason="Court order")
    for change in (
        lambda: actions.publish_story(story),
        lambda: actions.edit_story(story, base_version=story.version, lead="x"),
        lambda: actions.restore_revision(story, version=1),
        lambda: actions.kill_story(story, reason="again"),
    ):
        with pytest.raises(IllegalTransition, match="is killed"):
            change()
    with pytest.raises(IllegalTransition) as refused:
        actions.restore_revision(story, version=1)
    assert (
        str(refused.value)
        == f"Story {story.code} is killed: no earlier version of it can be restored."
    )
    with pytest.raises(IllegalTransition) as refused:
        actions.kill_story(story, reason="again")
    assert str(refused.value) == f"Story {story.code} is killed: it cannot be killed."
    assert story.changes.last().note == "Court order"


def test_a_kill_needs_a_reason_and_a_correction_a_note(newsroom):
    story = story_in(newsroom, Status.PUBLISHED)
    with pytest.raises(ValidationError, match="reason"):
        actions.kill_story(story, reason="  ")
    with pytest.raises(ValidationError, match="note"):
        actions.correct_story(story, note="")
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED and story.version == 1


def test_a_correction_note_or_kill_reason_is_a_sentence_or_two_not_a_story(newsroom):
    """A story pasted into the note box would be shown to readers under the story."""
    story = story_in(newsroom, Status.PUBLISHED)
    pasted = "The whole story again. " * 100
    with pytest.raises(ValidationError) as refused:
        actions.correct_story(story, note=pasted, lead="Changed.")
    assert refused.value.message_dict == {
        "note": ["A correction note is at most 1,000 characters; this one has 2,299."]
    }
    with pytest.raises(ValidationError, match="A kill's reason is at most 1,000 characters"):
        actions.kill_story(story, reason=pasted)
    story.refresh_from_db()
    assert (story.status, story.version, story.corrections.count()) == (Status.PUBLISHED, 1, 0)
    actions.correct_story(story, note="x" * 1000, lead="Changed.")


def test_notes_hold_no_controls_that_reorder_or_colour_what_readers_see(newsroom):
    story = story_in(newsroom, Status.PUBLISHED)
    actions.correct_story(story, note="Figure was \u202e000,01\u202c wrong\x1b[31m\n today")
    assert Correction.objects.get(story=story).note == "Figure was 000,01 wrong[31m today"
    assert story.changes.last().note == "Figure was 000,01 wrong[31m today"
    with pytest.raises(ValidationError, match="note"):
        actions.correct_story(story, note="\u202e\u200b\x07")
    actions.kill_story(story, reason="Court\u2067 order\x00")
    assert story.changes.last().note == "Court order"


@pytest.mark.parametrize(
    ("now", "latest"),
    [
        ("2026-11-30T12:00:00+00:00", "2036-11-30T12:00:00+00:00"),
        ("2026-01-31T00:00:00+00:00", "2036-01-31T00:00:00+00:00"),
        ("2028-02-29T08:00:00+00:00", "2038-02-28T08:00:00+00:00"),  # no 29 February then
    ],
)
def test_a_release_may_be_set_ten_years_ahead_to_the_day(monkeypatch, now, latest):
    now, latest = datetime.datetime.fromisoformat(now), datetime.datetime.fromisoformat(latest)
    monkeypatch.setattr(timezone, "now", lambda: now)
    assert require_future(latest, "at") == latest
    with pytest.raises(ValidationError, match="more than 10 years ahead"):
        require_future(latest + datetime.timedelta(seconds=1), "at")


def test_times_must_be_in_the_future_and_aware(newsroom):
    story = story_in(newsroom, Status.APPROVED)
    with pytest.raises(ValidationError, match="has passed"):
        actions.schedule_story(story, at=timezone.now() - SOON)
    with pytest.raises(ValidationError, match="time zone"):
        actions.embargo_story(story, until=datetime.datetime(2030, 1, 1, 9))
    with pytest.raises(ValidationError, match="schedule"):
        actions.publish_story(story, at=timezone.now() + SOON)


def test_an_embargoed_story_is_published_for_the_wire_and_public_nowhere(newsroom):
    story = story_in(newsroom, Status.APPROVED)
    actions.embargo_story(story, until=timezone.now() + SOON)
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED and story.is_embargoed
    assert not Story.objects.public().filter(pk=story.pk).exists()
    # An embargo can be moved while it holds, not put on a story already public.
    actions.embargo_story(story, until=timezone.now() + 2 * SOON)
    public = story_in(newsroom, Status.PUBLISHED)
    with pytest.raises(IllegalTransition, match="public already"):
        actions.embargo_story(public, until=timezone.now() + SOON)


def test_every_content_save_is_a_version_with_its_full_revision(newsroom):
    editor = newsroom["editor"]
    story = story_in(newsroom, Status.DRAFT)
    actions.edit_story(
        story,
        base_version=1,
        by=editor,
        headline="Dam opens early",
        tags=tags_for([("keyword", "Water")]),
    )
    assert story.version == 2
    assert story.slug == "dam-opens-early"
    second = story.revisions.get(version=2)
    assert (second.headline, second.lead, second.tags) == (
        "Dam opens early",
        "Water flows.",
        [["keyword", "Water"]],
    )
    assert second.saved_by == editor
    assert list(story.revisions.values_list("version", flat=True)) == [1, 2]


def test_a_save_based_on_an_old_version_is_refused_and_nothing_is_lost(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    actions.edit_story(story.pk, base_version=1, by=newsroom["editor"], lead="First editor's.")
    with pytest.raises(EditConflict) as conflict:
        actions.edit_story(story.pk, base_version=1, by=newsroom["chief"], lead="Second's.")
    assert conflict.value.story.version == 2
    story.refresh_from_db()
    assert story.lead == "First editor's."
    assert story.version == 2
    assert story.changes.filter(action=Action.EDITED).count() == 1


def test_difference_between_versions_reads_word_by_word(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    actions.edit_story(story, base_version=1, headline="Dam opens at dawn")
    old, new = story.revisions.order_by("version")
    (headline,) = difference(old, new)
    assert headline.label == "Headline"
    assert [(s.op, s.text) for s in headline.segments] == [
        (" ", "Dam opens"),
        ("+", " at dawn"),
    ]


def test_restoring_a_version_adds_a_new_one(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    actions.edit_story(story, base_version=1, headline="Wrong headline")
    actions.restore_revision(story, version=1, by=newsroom["editor"])
    assert (story.version, story.headline) == (3, "Dam opens")
    assert story.changes.last().note == "restored version 1"
    with pytest.raises(IllegalTransition, match="no version 9"):
        actions.restore_revision(story, version=9)


def test_a_correction_is_a_dated_note_and_a_new_version(newsroom):
    story = story_in(newsroom, Status.PUBLISHED)
    actions.correct_story(
        story, note="An earlier version named the wrong dam.", lead="The Karun dam opened."
    )
    correction = Correction.objects.get(story=story)
    assert (correction.version, correction.note) == (2, "An earlier version named the wrong dam.")
    assert story.lead == "The Karun dam opened."
    assert Story.objects.public().filter(pk=story.pk).exists()


def test_a_version_from_before_a_correction_is_not_restored(newsroom):
    story = story_in(newsroom, Status.PUBLISHED)
    chief = newsroom["chief"]
    actions.edit_story(story, base_version=1, lead="Edited lead.", by=chief)  # version 2
    actions.correct_story(story, note="The month was wrong.", lead="In May.", by=chief)  # 3
    actions.edit_story(story, base_version=3, lead="In May, they said.", by=chief)  # 4
    for version in (1, 2):
        with pytest.raises(IllegalTransition, match="from before its correction in version 3"):
            actions.restore_revision(story, version=version, by=chief)
    assert Story.objects.get(pk=story.pk).lead == "In May, they said."
    actions.restore_revision(story, version=3, by=chief)  # the corrected text itself: fine
    assert Story.objects.get(pk=story.pk).lead == "In May."


def test_an_embargoed_story_is_edited_not_corrected(newsroom):
    """Readers have not seen it: a correction would be dated before the story came out."""
    story = story_in(newsroom, Status.APPROVED)
    actions.embargo_story(story, until=timezone.now() + SOON, by=newsroom["chief"])
    assert story.status == Status.PUBLISHED  # out on the wire, not yet to readers
    with pytest.raises(IllegalTransition, match=r"under embargo until .*Edit it instead"):
        actions.correct_story(story, note="Wrong dam.", lead="The Karun dam.", by=newsroom["chief"])
    assert not Correction.objects.filter(story=story).exists()
    actions.edit_story(
        story, base_version=story.version, lead="The Karun dam.", by=newsroom["chief"]
    )
    assert Story.objects.get(pk=story.pk).lead == "The Karun dam."


def test_taking_up_incoming_copy_makes_it_yours(newsroom):
    wire = actions.create_story(edition=newsroom["en"], headline="Wire", lead="Copy.")
    assert wire.owner is None
    actions.take_story(wire, by=newsroom["reporter"])
    assert wire.owner == newsroom["reporter"]
    with pytest.raises(NotAllowed, match="already taken by another member"):
        actions.take_story(wire, by=newsroom["other_reporter"])
    with pytest.raises(NotAllowed, match=f"Story {wire.code} is yours already."):
        actions.take_story(wire, by=newsroom["reporter"])


def test_taking_from_the_owner_one_saw_is_refused_once_someone_else_has_it(newsroom):
    wire = actions.create_story(edition=newsroom["en"], headline="Wire", lead="Copy.")
    actions.take_story(wire, by=newsroom["reporter"], owner=None)
    with pytest.raises(IllegalTransition, match=f"Story {wire.code} was taken up by rita"):
        actions.take_story(wire, by=newsroom["editor"], owner=None)
    assert Story.objects.get(pk=wire.pk).owner == newsroom["reporter"]
    actions.take_story(wire, by=newsroom["editor"], owner=newsroom["reporter"].pk)
    assert wire.owner == newsroom["editor"]
    actions.take_story(wire, by=newsroom["chief"])  # not said whose: whoever has it


def test_screens_offer_only_what_the_person_may_do(newsroom):
    story = story_in(newsroom, Status.SUBMITTED)
    reporter_offers = {offer.action for offer in offered_actions(newsroom["reporter"], story)}
    editor_offers = {offer.action for offer in offered_actions(newsroom["editor"], story)}
    assert reporter_offers == {Action.EDITED}
    assert {Action.APPROVED, Action.PUBLISHED, Action.SCHEDULED} <= editor_offers
    assert Action.KILLED not in editor_offers
    assert offered_actions(newsroom["anonymous"], story) == []


def test_the_audit_log_says_who_and_why(newsroom):
    story = story_in(newsroom, Status.PUBLISHED)
    actions.unpublish_story(story, by=newsroom["editor"], note="Waiting for confirmation")
    last = story.changes.last()
    assert (last.action, last.actor, last.note) == (
        Action.UNPUBLISHED,
        newsroom["editor"],
        "Waiting for confirmation",
    )
    assert not Story.objects.public().filter(pk=story.pk).exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda s: actions.edit_story(s, base_version=s.version, headline="\u200b\u2060"),
        lambda s: actions.correct_story(s, note="n", lead="\u200b"),
    ],
)
def test_every_content_save_refuses_invisible_text(newsroom, change):
    story = story_in(newsroom, Status.PUBLISHED)
    with pytest.raises(ValidationError, match="no visible characters"):
        change(story)
    story.refresh_from_db()
    assert (story.version, story.headline) == (1, "Dam opens")


def test_every_content_save_strips_bidi_controls(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    actions.edit_story(
        story, base_version=1, headline="Dam \u202eopens", dateline_place="\u2066Tehran\u2069"
    )
    assert (story.headline, story.dateline_place) == ("Dam opens", "Tehran")
    assert story.revisions.get(version=2).headline == "Dam opens"


def test_tag_names_lose_bidi_controls_whoever_writes_them(newsroom):
    (tag,) = tags_for([("keyword", "\u202eretaW")])
    assert tag.name == "retaW"


def test_a_story_created_for_a_later_time_is_scheduled_and_released_by_the_worker(newsroom):
    at = timezone.now() + SOON
    story = actions.create_story(edition=newsroom["en"], headline="H", lead="L", publish_at=at)
    assert story.status == Status.SCHEDULED
    assert [c.action for c in story.changes.all()] == [Action.CREATED, Action.SCHEDULED]
    assert not Story.objects.public().filter(pk=story.pk).exists()
    assert actions.release_due(now=at - datetime.timedelta(seconds=1)) == []
    (release,) = actions.release_due(now=at)
    assert (release.story_id, release.action) == (story.pk, Action.PUBLISHED)


def test_an_embargo_is_offered_only_while_it_can_hold(newsroom):
    public = story_in(newsroom, Status.PUBLISHED)
    editor = newsroom["editor"]
    assert Action.EMBARGOED not in {o.action for o in offered_actions(editor, public)}
    held = story_in(newsroom, Status.APPROVED)
    actions.embargo_story(held, until=timezone.now() + SOON)
    assert Action.EMBARGOED in {o.action for o in offered_actions(editor, held)}


def test_a_story_published_again_keeps_the_time_readers_first_saw_it(newsroom):
    story = story_in(newsroom, Status.PUBLISHED)
    first = Story.objects.get(pk=story.pk).published_at
    actions.unpublish_story(story)
    again = actions.publish_story(story)
    assert again.published_at == first
    # Unless the editor gives a time.
    actions.unpublish_story(story)
    earlier = first - datetime.timedelta(days=1)
    assert actions.publish_story(story, at=earlier).published_at == earlier


def test_a_story_unpublished_before_readers_saw_it_is_published_now(newsroom):
    story = story_in(newsroom, Status.APPROVED)
    actions.schedule_story(story, at=timezone.now() + SOON)
    actions.unpublish_story(story)  # before its time: never public
    before = timezone.now()
    assert actions.publish_story(story).published_at >= before


def test_an_embargoed_story_unpublished_keeps_its_embargo(newsroom):
    story = story_in(newsroom, Status.APPROVED)
    until = timezone.now() + SOON
    actions.embargo_story(story, until=until)
    actions.unpublish_story(story)
    assert Story.objects.get(pk=story.pk).embargo_until == until
    with pytest.raises(ValidationError, match="under embargo until"):
        actions.publish_story(story)
    with pytest.raises(ValidationError, match="under embargo until"):
        actions.schedule_story(story, at=until - datetime.timedelta(minutes=1))
    # Sending it out again under the same embargo is the way, and readers still wait.
    actions.embargo_story(story, until=until)
    assert not Story.objects.public().filter(pk=story.pk).exists()


def test_an_unpublished_story_whose_embargo_has_passed_is_published_now(newsroom):
    story = story_in(newsroom, Status.APPROVED)
    actions.embargo_story(story, until=timezone.now() + SOON)
    Story.objects.filter(pk=story.pk).update(embargo_until=timezone.now())  # the time passes
    actions.unpublish_story(story)
    assert Story.objects.get(pk=story.pk).embargo_until is None
    assert actions.publish_story(story).status == Status.PUBLISHED
