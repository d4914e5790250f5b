"""The mail a commenter gets, deleting one's own comment, export and erasure, and which story
version a comment answered."""

import re

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from dateline.comments import moderation
from dateline.comments.models import Comment, ModerationEvent, Status
from dateline.editions.models import CommentPolicy
from dateline.stories.actions import correct_story
from tests.comments.conftest import form_data, page, post
from tests.factories import make_section, make_story
from tests.prefix import asked_under

pytestmark = pytest.mark.django_db


def deliver_mail() -> None:
    """What `dateline worker` does with the queued mail tasks: run each, in order. (Not the
    worker itself: it closes the database connection, and with it the test's transaction.)"""
    for queued in DBTaskResult.objects.ready().order_by("enqueued_at", "id"):
        queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
        queued.delete()


def delete_link(message) -> str:
    return re.search(r"http://testserver(/comments/delete/\S+)", message.body)[1]


def test_the_receipt_carries_a_link_that_deletes_the_comment(client, story):
    post(client, story, text="Regrettable words")
    assert mail.outbox == []  # the worker sends it, not the reader's request
    comment = Comment.objects.get()
    moderation.approve([comment.pk])
    deliver_mail()
    (receipt,) = mail.outbox
    assert receipt.to == ["maryam@example.org"]
    assert "Regrettable words" in receipt.body
    link = delete_link(receipt)
    confirm = page(client.get(link))
    assert "Regrettable words" not in confirm.text  # a forwarded link shows nothing of it
    assert confirm.select_one("main button").text == "Delete my comment"
    assert client.post(link).status_code == 200
    comment.refresh_from_db()
    assert (comment.status, comment.text, comment.name, comment.email) == ("deleted", "", "", "")
    assert "Regrettable" not in client.get(story.get_absolute_url()).content.decode()
    assert ModerationEvent.objects.filter(action="deleted", comment=comment).exists()
    assert client.get(link[:-3] + "xyz").status_code == 404  # a tampered link


def test_notification_on_approval_and_on_an_answer_when_asked(client, story):
    post(client, story, text="Tell me", notify="on")
    parent = Comment.objects.get()
    moderation.approve([parent.pk])
    post(
        client,
        story,
        text="An answer",
        email="b@example.org",
        name="Bahar",
        parent=str(parent.pk),
    )
    moderation.approve([Comment.objects.get(text="An answer").pk])
    deliver_mail()
    subjects = [(m.to[0], m.subject) for m in mail.outbox]
    assert (
        "maryam@example.org",
        "Your comment on “Talks resume in Moscow” is published",
    ) in subjects
    assert ("maryam@example.org", "Bahar replied to your comment") in subjects
    # Bahar did not ask: a receipt only.
    assert [s for to, s in subjects if to == "b@example.org"] == [
        "Your comment on “Talks resume in Moscow”"
    ]


def test_the_receipt_says_the_comment_is_published_when_it_already_is(client, story):
    """Post-moderation publishes a comment at once: its receipt must not tell the reader that
    it waits for a moderator."""
    story.comment_policy = CommentPolicy.POST
    story.save(update_fields=["comment_policy"])
    post(client, story, text="Straight on the page")
    story.comment_policy = CommentPolicy.PRE
    story.save(update_fields=["comment_policy"])
    post(client, story, text="Waits its turn", email="c@example.org")
    deliver_mail()
    bodies = {m.to[0]: m.body for m in mail.outbox if "is published" not in m.subject}
    assert "Your comment is published." in bodies["maryam@example.org"]
    assert "moderator" not in bodies["maryam@example.org"]
    assert "Comments appear once a moderator approves them." in bodies["c@example.org"]


def test_staff_export_and_erase_every_comment_of_an_email(client, story, editions):
    post(client, story, text="One", email="Who@Example.org")
    post(client, story, text="Two", email="who@example.org")
    post(client, story, text="Other", email="else@example.org")
    moderation.approve(moderation.pending_ids())
    exported = moderation.export("WHO@example.org")
    assert sorted(row["text"] for row in exported) == ["One", "Two"]
    assert moderation.erase("who@example.org") == 2
    assert list(Comment.objects.exclude(status=Status.DELETED).values_list("text", flat=True)) == [
        "Other"
    ]
    assert moderation.export("who@example.org") == []
    assert [e.action for e in ModerationEvent.objects.filter(comment=None)] == [
        "exported",
        "exported",
    ]
    # One event per erased comment, as for every decision on a comment: their pages retire.
    erased = ModerationEvent.objects.filter(action="erased")
    assert sorted(e.comment.status for e in erased) == [Status.DELETED, Status.DELETED]


def test_a_comment_says_which_version_of_the_story_it_answered(client, story):
    post(client, story, text="On the first version")
    moderation.approve(moderation.pending_ids())
    correct_story(story, note="The talks resume on Monday.", lead="Talks resume on Monday.")
    soup = page(client.get(story.get_absolute_url()))
    assert "Written on an earlier version of this story (v1)" in soup.select_one(".comment").text
    post(client, story, text="On the corrected version")
    moderation.approve(moderation.pending_ids())
    assert Comment.objects.get(text="On the corrected version").story_version == 2
    assert len(page(client.get(story.get_absolute_url())).select(".earlier-version")) == 1


def test_approving_retires_the_cached_page_at_once(client, story):
    post(client, story, text="Soon visible")
    assert "Soon visible" not in client.get(story.get_absolute_url()).content.decode()
    moderation.approve(moderation.pending_ids())
    assert "Soon visible" in client.get(story.get_absolute_url()).content.decode()
    assert "1 comment" in client.get("/en/").content.decode()
    moderation.reject(Comment.objects.values_list("pk", flat=True), reason="Off topic")
    assert "Soon visible" not in client.get(story.get_absolute_url()).content.decode()
    front = client.get("/en/").content.decode()
    assert "1 comment" not in front


def test_lists_count_a_story_s_comments_in_words(client, story):
    post(client, story, text="A first reader's view")
    moderation.approve(moderation.pending_ids())
    count = page(client.get("/en/")).select_one("a.comment-count")
    assert (count.text, count["href"]) == ("1 comment", f"{story.get_absolute_url()}#comments")
    post(client, story, text="A second reader's view")
    moderation.approve(moderation.pending_ids())
    post(client, story, text="A view still waiting for a moderator")  # pending: not counted
    listed = make_story(story.edition, section=make_section(story.edition), tags=("Talks",))
    post(client, listed, text="A view of the other story")
    moderation.approve(moderation.pending_ids()[-1:])
    for path in ("/en/", "/en/section/politics/", "/en/tag/talks/"):
        counts = [a.text for a in page(client.get(path)).select("a.comment-count")]
        assert counts == (["1 comment", "2 comments"] if path == "/en/" else ["1 comment"]), path


def test_a_deleted_or_erased_comment_keeps_no_trace_and_leaves_the_report_queue(client, story):
    post(client, story, text="Short", email="gone@example.org")
    post(client, story, text="Also short", email="gone@example.org")
    moderation.approve(moderation.pending_ids())
    first, second = Comment.objects.order_by("id")
    for comment in (first, second):
        moderation.report(comment.pk, "some-address")
    moderation.delete_own(first.pk)
    moderation.erase("gone@example.org")
    for comment in Comment.objects.all():
        assert (comment.email_hash, comment.text_hash, comment.address_hash) == ("", "", "")
    assert not Comment.objects.reported().exists()
    assert moderation.export("gone@example.org") == []


def test_the_mail_links_lead_under_the_prefix_the_comment_was_posted_under(client, story):
    """Behind a proxy's path (WSGI SCRIPT_NAME, made the script prefix by Django's handler; not
    by the test client), the receipt's links to the story and to the deletion lead under it;
    the worker writing the mail knows no prefix of its own."""
    url = f"/{story.edition.code}/news/{story.code}/comment"
    asked_under("/agency/", client.post, url, form_data(story, text="Under a path"))
    deliver_mail()
    (receipt,) = mail.outbox
    assert f"http://testserver/agency{story.get_absolute_url()}\n" in receipt.body
    assert "http://testserver/agency/comments/delete/" in receipt.body
