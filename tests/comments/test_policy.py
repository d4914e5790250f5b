"""Who decides whether a comment waits: edition, then section, then story; and the clock."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from dateline.comments.models import Comment, Status
from dateline.editions.models import CommentPolicy
from dateline.stories.actions import kill_story, set_comment_policy, unpublish_story
from dateline.stories.models import StoryChange
from dateline.stories.workflow import NotAllowed
from tests.comments.conftest import page, post
from tests.factories import make_member, make_section, make_story

pytestmark = pytest.mark.django_db
PRE, POST, CLOSED = CommentPolicy.PRE, CommentPolicy.POST, CommentPolicy.CLOSED


@pytest.mark.parametrize(
    ("edition", "section", "story", "expected"),
    [
        (PRE, "", "", Status.PENDING),
        (POST, "", "", Status.APPROVED),
        (PRE, POST, "", Status.APPROVED),
        (POST, PRE, "", Status.PENDING),
        (POST, PRE, POST, Status.APPROVED),
        (PRE, POST, PRE, Status.PENDING),
        (CLOSED, POST, "", Status.APPROVED),
        (POST, CLOSED, "", None),
        (POST, POST, CLOSED, None),
        (CLOSED, "", "", None),
        (CLOSED, "", PRE, Status.PENDING),
    ],
)
def test_the_story_overrides_the_section_which_overrides_the_edition(
    client, editions, edition, section, story, expected
):
    en = editions[0]
    en.comment_policy = edition
    en.save()
    desk = make_section(en, "world")
    desk.comment_policy = section
    desk.save()
    target = make_story(en, section=desk)
    if story:
        set_comment_policy(target, story)
    response = post(client, target)
    if expected is None:
        assert response.status_code == 403
        assert b"Comments on this story are closed." in response.content
        assert not Comment.objects.exists()
        assert page(client.get(target.get_absolute_url())).select_one("#comment-form") is None
    else:
        assert response.status_code == 303
        assert Comment.objects.get().status == expected


def test_comments_close_by_themselves_days_after_publication(client, editions):
    en = editions[0]
    en.comments_close_after_days = 3
    en.save()
    old = make_story(en, published_at=timezone.now() - datetime.timedelta(days=3, minutes=1))
    recent = make_story(en, published_at=timezone.now() - datetime.timedelta(days=2))
    assert post(client, old).status_code == 403
    assert post(client, recent).status_code == 303
    closed = page(client.get(old.get_absolute_url()))
    assert closed.select_one(".comments-closed").text == "Comments on this story are closed."
    assert closed.select_one("form.comment-form") is None


def test_a_post_after_comments_closed_says_so_in_the_error_box_and_gives_the_text_back(
    client, story
):
    """A reader had the form open when the story's comments were closed: as other refusals,
    the answer opens on the error box and gives back what they typed (to keep it), though
    there is no form left to send it with."""
    set_comment_policy(story, CLOSED)
    typed = "A long answer, typed with care,\nover two lines."
    refused = post(client, story, text=typed)
    assert refused.status_code == 403
    assert refused["Cache-Control"] == "private, no-store"
    shown = BeautifulSoup(refused.content, "html.parser")
    box = shown.select_one("#comment-form #comment-form-errors")
    assert box.get_text(" ", strip=True) == (
        "Your comment was not sent: Comments on this story are closed."
    )
    assert (box["role"], box["tabindex"]) == ("alert", "-1")
    assert len(shown.select("[role=alert]")) == 1
    text = shown.select_one("#comment-form textarea#comment-text")
    assert text.get_text() == typed and text.has_attr("readonly") and not text.has_attr("name")
    assert shown.select_one("label[for=comment-text]").get_text() == "Comment"
    assert shown.select_one("#comment-form form, #comment-form button") is None
    assert shown.select_one(f"a[href='{story.get_absolute_url()}#comments']")
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("withdraw", "status", "why"),
    [
        (lambda s: kill_story(s, reason="Legal"), 410, "This story has been withdrawn"),
        (unpublish_story, 404, "This story is not available"),
        (None, 404, "This story is not available"),  # no such story: said alike
    ],
)
def test_a_post_to_a_story_gone_while_the_reader_wrote_gives_the_text_back(
    client, editions, story, withdraw, status, why
):
    """Killed or unpublished while the form was open: why, and the text to keep; nothing of
    the story, not even the name of the comment replied to; the same page for a code that
    never was a story, so that nothing tells the two apart."""
    first = Comment.objects.create(
        story=story, story_version=1, name="Parviz Ahmadi", text="The first word.",
        text_html="<p>The first word.</p>", status=Status.APPROVED,
    )  # fmt: skip
    if withdraw is None:
        story.code = 999_999  # the form posted to a code no story has
    else:
        withdraw(story)
    typed = "A long answer, typed with care,\nover two lines."
    refused = post(client, story, text=typed, parent=str(first.pk))
    assert refused.status_code == status
    assert refused["Cache-Control"] == "private, no-store"
    shown = BeautifulSoup(refused.content, "html.parser")
    box = shown.select_one("#comment-form #comment-form-errors")
    assert box.get_text(" ", strip=True) == (
        f"Your comment was not sent: {why}; nothing can be posted to it."
    )
    text = shown.select_one("#comment-form textarea#comment-text")
    assert text.get_text() == typed and text.has_attr("readonly") and not text.has_attr("name")
    assert shown.select_one("#comment-form form, #comment-form button") is None
    assert "Talks resume" not in refused.text and "Parviz" not in refused.text
    assert shown.select_one("main a[href='/en/']").get_text() == "Home"
    assert Comment.objects.count() == 1


def test_the_story_gone_refusal_is_in_the_editions_language(client, editions):
    persian = make_story(editions[1], headline="مذاکرات از سر گرفته شد")
    kill_story(persian, reason="Legal")
    refused = post(client, persian, text="سلام")
    box = BeautifulSoup(refused.content, "html.parser").select_one("#comment-form-errors")
    assert "این خبر پس گرفته شده است" in box.get_text()


def test_zero_days_keeps_comments_open(client, editions):
    en = editions[0]
    en.comments_close_after_days = 0
    en.save()
    ancient = make_story(en, published_at=timezone.now() - datetime.timedelta(days=4000))
    assert post(client, ancient).status_code == 303


def test_a_policy_change_is_a_logged_story_change_by_an_allowed_role(editions):
    story = make_story(editions[0])
    reporter = make_member("rita", "reporter", editions=[editions[0]])
    with pytest.raises(NotAllowed):
        set_comment_policy(story, CLOSED, by=reporter)
    moderator = make_member("moe", "comment_moderator", editions=[editions[0]])
    set_comment_policy(story, CLOSED, by=moderator, note="Legal asked")
    change = StoryChange.objects.filter(story=story).last()
    assert (change.action, change.actor, change.note) == ("comments", moderator, "Legal asked")
    with pytest.raises(ValueError, match="Unknown comment policy"):
        set_comment_policy(story, "sometimes")
