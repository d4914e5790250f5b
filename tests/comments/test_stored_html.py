"""A comment's text as pages show it is stored with it (`Comment.text_html`, written whenever
the text is): what the thread draws is that, so it must always be the escaped text, never stale
after the text is blanked, and filled in for comments written before it existed."""

import datetime
import importlib

import pytest
from django.apps import apps

from dateline.comments import moderation
from dateline.comments.models import Comment, Status
from dateline.comments.text import comment_html
from dateline.site.formatting import format_published
from tests.comments.conftest import page, post

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<script>alert("x")</script> <img src=x onerror=alert(1)>\n'
    "see https://example.org/a?b=1&c=<i>2</i> and javascript:alert(1)\n\n"
    "\"quoted\" & 'single' </div></li></ol>"
)


def thread_text(client, story, comment_id: int):
    soup = page(client.get(story.get_absolute_url()))
    return soup.select_one(f"#c{comment_id} .comment-text")


def test_posted_text_is_stored_escaped_and_drawn_as_typed(client, story):
    post(client, story, text=HOSTILE)
    comment = Comment.objects.get()
    moderation.approve([comment.pk])
    comment.refresh_from_db()
    assert comment.text_html == comment_html(HOSTILE)
    assert "<script" not in comment.text_html
    assert "<img" not in comment.text_html

    shown = thread_text(client, story, comment.pk)
    assert shown.select("script, img, i, div, li") == []
    paragraphs = [p.get_text() for p in shown.select("p")]  # <br> holds no text
    assert paragraphs == [block.replace("\n", "") for block in HOSTILE.split("\n\n")]
    assert len(shown.select("br")) == 1
    links = shown.select("a")
    assert [a["href"] for a in links] == ["https://example.org/a?b=1&c="]
    assert links[0]["rel"] == ["nofollow", "ugc", "noopener"]


def test_changing_the_text_writes_its_html_again(client, story):
    post(client, story, text="First words")
    comment = Comment.objects.get()
    moderation.approve([comment.pk])
    comment.text = "Second <b>words</b>"
    comment.save(update_fields=["text"])
    comment.refresh_from_db()
    assert comment.text_html == "<p>Second &lt;b&gt;words&lt;/b&gt;</p>"
    assert thread_text(client, story, comment.pk).get_text() == "Second <b>words</b>"


@pytest.mark.parametrize("how", ["deleted by its writer", "erased by staff"])
def test_a_blanked_comment_keeps_no_html(client, story, how):
    post(client, story, text="Words to forget", email="who@example.org")
    comment = Comment.objects.get()
    moderation.approve([comment.pk])
    post(client, story, text="An answer", parent=comment.pk, email="other@example.org")
    moderation.approve(moderation.pending_ids())
    if how == "deleted by its writer":
        moderation.delete_own(comment.pk)
    else:
        moderation.erase("who@example.org")
    comment.refresh_from_db()
    assert comment.status == Status.DELETED
    assert (comment.text, comment.text_html) == ("", "")
    response = client.get(story.get_absolute_url())
    assert "Words to forget" not in response.content.decode()
    assert page(response).select_one(f"#c{comment.pk} .comment-deleted") is not None


def test_the_migration_fills_comments_written_before_it(client, story):
    post(client, story, text="Older <em>comment</em>\nwith www.example.org")
    post(client, story, text="Another", email="another@example.org")
    Comment.objects.update(text_html="")  # as the rows were before the column existed
    migration = importlib.import_module("dateline.comments.migrations.0002_comment_text_html")
    migration.render_stored_texts(apps, None)
    for comment in Comment.objects.all():
        assert comment.text_html == comment_html(comment.text)
    older = Comment.objects.get(text__startswith="Older")
    assert older.text_html.startswith("<p>Older &lt;em&gt;comment&lt;/em&gt;<br>with <a href=")


def test_the_migration_writes_again_the_links_that_took_in_punctuation(client, story):
    post(client, story, text="«https://example.com/a» و https://fa.wikipedia.org/wiki/تهران،")
    post(client, story, text="No link here", email="another@example.org")
    linked = Comment.objects.get(text__startswith="«")
    before = '<p>«<a href="https://example.com/a»" rel="nofollow ugc noopener">…</a></p>'
    Comment.objects.filter(pk=linked.pk).update(text_html=before)  # as the older code wrote it
    migration = importlib.import_module("dateline.comments.migrations.0003_comment_text_html_links")
    migration.render_stored_texts(apps, None)
    for comment in Comment.objects.all():
        assert comment.text_html == comment_html(comment.text)
    assert 'href="https://example.com/a"' in Comment.objects.get(pk=linked.pk).text_html


def test_the_time_shown_is_the_time_stored(client, story, settings):
    """Thread rows are read from the cursor, not through the ORM: the time must still come out
    as the aware moment stored, in UTC in `datetime` and in the edition's zone in words, on a
    server whose own zone is not UTC (a naive time would be taken for local time there)."""
    settings.TIME_ZONE = "Asia/Tehran"
    post(client, story, text="On time")
    comment = Comment.objects.get()
    moderation.approve([comment.pk])
    at = datetime.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=datetime.UTC)
    Comment.objects.filter(pk=comment.pk).update(created_at=at)
    time = page(client.get(story.get_absolute_url())).select_one(f"#c{comment.pk} time")
    assert time["datetime"] == "2026-03-01T08:30:15Z"
    assert time.get_text() == format_published(
        at, language=story.edition.language, timezone_name=story.edition.timezone
    )


@pytest.mark.parametrize("take_down", [moderation.reject, moderation.mark_spam])
def test_a_first_comment_taken_down_leaves_its_approved_replies_shown(client, story, take_down):
    post(client, story, text="Words a moderator removes", email="who@example.org")
    first = Comment.objects.get()
    moderation.approve([first.pk])
    post(client, story, text="An answer that stays", parent=first.pk, email="other@example.org")
    moderation.approve(moderation.pending_ids())
    answer = Comment.objects.get(parent=first)
    take_down([first.pk], **({"reason": "Off topic."} if take_down is moderation.reject else {}))
    for path in (story.get_absolute_url(), f"{story.get_absolute_url()}?thread={first.pk}"):
        response = client.get(path)
        assert response.status_code == 200, path
        shown = page(response)
        assert "Words a moderator removes" not in response.content.decode()
        assert shown.select_one(f"#c{first.pk} .comment-deleted").get_text() == (
            "This comment was removed by a moderator."
        )
        assert shown.select_one(f"#c{answer.pk} .comment-text").get_text() == "An answer that stays"


def test_a_comment_taken_down_or_deleted_is_named_by_what_stands_in_its_place(client, story):
    """Each comment is an `<article>` named by its author (`aria-labelledby`); one whose
    author is no longer shown is named by the line that stands in its place, not by an id
    that is nowhere on the page (no name at all)."""
    firsts = []
    for text in ("Deleted by its writer", "Rejected by a moderator", "Marked as spam"):
        post(client, story, text=text, email="who@example.org")
        firsts.append(first := Comment.objects.get(text=text))
        moderation.approve([first.pk])
        post(client, story, text=f"Answering: {text}", parent=first.pk, email="other@example.org")
    moderation.approve(moderation.pending_ids())
    deleted, rejected, spam = firsts
    moderation.delete_own(deleted.pk)
    moderation.reject([rejected.pk], reason="Off topic.")
    moderation.mark_spam([spam.pk])

    shown = page(client.get(story.get_absolute_url()))
    names = {}
    for article in shown.select("li.comment > article"):
        named_by = [shown.find(id=ref) for ref in article["aria-labelledby"].split()]
        assert None not in named_by, article
        names[article.parent["id"]] = " ".join(e.get_text() for e in named_by)
    assert names == {
        f"c{deleted.pk}": "This comment was deleted.",
        f"c{rejected.pk}": "This comment was removed by a moderator.",
        f"c{spam.pk}": "This comment was removed by a moderator.",
        **{f"c{c.pk}": "Maryam" for c in Comment.objects.filter(parent__in=firsts)},
    }
