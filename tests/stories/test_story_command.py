"""`dateline story …` as scripts and operators use it: the same actions and rules as the
screens, stable output, and a non-zero exit with the reason when a change is refused."""

import datetime
import io
import json
import os
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from dateline.stories.content import MAX_BODY_BYTES
from dateline.stories.models import Correction, Status, Story
from tests.factories import make_edition, make_member, make_story
from tests.processes import dateline_env, run_dateline

pytestmark = pytest.mark.django_db


def story_command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("story", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def en():
    return make_edition("en")


def test_list_filters_by_status_and_edition_and_prints_json_lines(en):
    fa = make_edition("fa")
    draft = make_story(en, published=False, headline="Draft in English")
    make_story(en, headline="Out in English")
    make_story(fa, published=False, headline="پیش‌نویس")
    out, _ = story_command("list", "--status", "draft", "--edition", "en", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["code"] for row in rows] == [draft.code]
    assert rows[0] | {"updated_at": None} == {
        "code": draft.code,
        "status": "draft",
        "public": False,
        "edition": "en",
        "section": None,
        "headline": "Draft in English",
        "path": draft.get_absolute_url(),
        "version": 1,
        "published_at": None,
        "embargo_until": None,
        "updated_at": None,
        "owner": None,
    }


def test_show_prints_the_whole_story_as_json(en):
    story = make_story(en, tags=("Water",), byline="Sara Karimi", credit="SANA")
    out, _ = story_command("show", str(story.code), "--json")
    shown = json.loads(out)
    assert shown["public"] is True
    assert shown["tags"] == ["Water"]
    assert shown["byline"] == "Sara Karimi"
    assert shown["credit"] == "SANA"
    assert shown["lead"] == story.lead


def test_history_lists_every_change_with_who_and_why(en):
    editor = make_member("eddie", "editor", (en,))
    story = make_story(en)
    story_command("unpublish", str(story.code), "--as", "eddie", "--note", "Check the figures")
    out, _ = story_command("history", str(story.code), "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["action"] for row in rows] == ["created", "published", "unpublished"]
    assert rows[-1]["who"] == editor.username
    assert rows[-1]["note"] == "Check the figures"
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    text, _ = story_command("history", str(story.code))
    assert text.splitlines()[-1].split()[1:3] == ["unpublished", "v1"]


def test_changes_many_stories_and_reports_each(en):
    first = make_story(en, published=False)
    second = make_story(en, published=False)
    out, _ = story_command("submit", str(first.code), str(second.code))
    assert out.splitlines() == [
        f"submitted {first.code} {first.get_absolute_url()}",
        f"submitted {second.code} {second.get_absolute_url()}",
    ]
    story_command("approve", str(first.code))
    story_command("publish", str(first.code))
    first.refresh_from_db()
    assert first.status == Status.PUBLISHED


def test_an_illegal_change_exits_non_zero_with_the_reason_and_changes_nothing(en):
    published = make_story(en)
    draft = make_story(en, published=False)
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 of 2 stories could not be approved"):
        call_command(
            "story",
            "approve",
            str(published.code),
            str(draft.code),
            stderr=err,
            stdout=io.StringIO(),
        )
    assert f"story {published.code}: Story {published.code} is published" in err.getvalue()
    assert f"story {draft.code}: Story {draft.code} is draft" in err.getvalue()
    assert [s.status for s in Story.objects.order_by("code")] == [Status.PUBLISHED, Status.DRAFT]
    assert [s.status for s in Story.objects.order_by("code")] == [Status.PUBLISHED, Status.DRAFT]


def test_roles_hold_at_the_command_line_too(en):
    make_member("rita", "reporter", (en,))
    story = make_story(en)
    with pytest.raises(CommandError, match=r"rita \(reporter\) may not make the change 'Killed'"):
        story_command("kill", str(story.code), "--reason", "x", "--as", "rita")
    with pytest.raises(CommandError, match="--as ghost: no such newsroom member"):
        story_command("kill", str(story.code), "--reason", "x", "--as", "ghost")
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED


def test_schedule_embargo_correct_and_kill(en, tmp_path):
    story = make_story(en, published=False)
    at = timezone.now() + datetime.timedelta(days=1)
    out, _ = story_command("schedule", str(story.code), "--at", at.isoformat())
    assert out.startswith(f"scheduled {story.code} ")
    story.refresh_from_db()
    assert (story.status, story.published_at) == (Status.SCHEDULED, at)

    until = at + datetime.timedelta(hours=1)
    story_command("embargo", str(story.code), "--until", until.isoformat())
    story.refresh_from_db()
    assert (story.status, story.embargo_until) == (Status.PUBLISHED, until)

    public = make_story(en)
    body = tmp_path / "body.md"
    body.write_text("## Corrected\n\nThe figure was 60, not 16.", encoding="utf-8")
    story_command(
        "correct", str(public.code), "--note", "The figure was 60.", "--body-file", str(body)
    )
    public.refresh_from_db()
    assert "<h2>Corrected</h2>" in public.body_html and public.version == 2
    assert Correction.objects.get(story=public).note == "The figure was 60."

    story_command("kill", str(public.code), "--reason", "Legal advice")
    assert Story.objects.get(pk=public.pk).status == Status.KILLED


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["schedule", "1", "--at", "tomorrow"], "not an ISO-8601 time"),
        (["schedule", "1", "--at", "2030-01-01T09:00"], "has no time zone"),
        (["correct", "1", "--note", "n", "--body-file", "/nonexistent/body.md"], "No such file"),
        (["show", "424242"], "no such story"),
        # Past the calendar's end in a western time zone: the newsroom could not show it.
        (["schedule", "{code}", "--at", "9999-12-31T23:59:59+00:00"], "more than 10 years ahead"),
        (["embargo", "{code}", "--until", "9999-12-31T23:59:59-05:00"], "more than 10 years ahead"),
        (["list", "--limit", "-1"], "-1 is not between 0 \\(all\\) and 1,000,000"),
        (["list", "--limit", "99999999999999999999999"], "is not between 0"),
        (["list", "--edition", "xx"], "--edition xx: no such edition \\(there are en\\)"),
    ],
)
def test_bad_input_gets_a_clear_error(en, args, message):
    story = make_story(en)
    with pytest.raises(CommandError, match=message):
        story_command(*(arg.replace("{code}", str(story.code)) for arg in args))


def test_publishing_an_embargoed_story_names_the_embargo_as_the_screens_do(en):
    story = make_story(en, published=False)
    until = (timezone.now() + datetime.timedelta(days=1)).replace(microsecond=0)
    story_command("embargo", str(story.code), "--until", until.isoformat())
    err = io.StringIO()  # each story's refusal on standard error, then the count
    with pytest.raises(CommandError, match="1 of 1 stories could not be published"):
        call_command("story", "publish", str(story.code), stdout=io.StringIO(), stderr=err)
    utc = until.astimezone(datetime.UTC).isoformat(timespec="seconds")  # the command's clock
    assert err.getvalue() == (
        f"story {story.code}: Story {story.code} is embargoed until {utc}: it goes on the site"
        " then by itself (subscribers have it already). To put it there sooner, embargo it"
        " again with an earlier time.\n"
    )
    story.refresh_from_db()
    assert story.embargo_until == until


def test_a_body_file_that_is_not_utf8_is_named(en, tmp_path):
    story = make_story(en)
    body = tmp_path / "latin1.md"
    body.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8 text"):
        story_command("correct", str(story.code), "--note", "n", "--body-file", str(body))
    story.refresh_from_db()
    assert story.version == 1


def test_a_body_file_over_the_bodys_limit_is_refused_and_one_at_it_is_taken(en, tmp_path):
    """The screens' limit (stories.content.MAX_BODY_BYTES), with the screens' message."""
    story = make_story(en)
    body = tmp_path / "body.md"
    body.write_text("x" * (MAX_BODY_BYTES + 1), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        story_command("correct", str(story.code), "--note", "n", "--body-file", str(body))
    assert str(refused.value) == (
        f"{body}: The body is 1,000,001 bytes; 1,000,000 bytes (1 MB) is the limit."
        " Shorten it or split the story."
    )
    story.refresh_from_db()
    assert story.version == 1
    body.write_text("x" * MAX_BODY_BYTES, encoding="utf-8")
    story_command("correct", str(story.code), "--note", "n", "--body-file", str(body))
    story.refresh_from_db()
    assert (story.version, len(story.body)) == (2, MAX_BODY_BYTES)


def test_exit_status_and_messages_in_a_real_process(tmp_path):
    env = dateline_env(tmp_path)
    run_dateline("migrate", "-v0", env=env, check=True)
    refused = run_dateline("story", "publish", "7", env=env)
    assert refused.returncode == 1
    assert "story 7: no such story" in refused.stderr
    malformed = run_dateline("story", "schedule", "7", "--at", "noon", env=env)
    assert malformed.returncode == 2
    assert "not an ISO-8601 time" in malformed.stderr


def test_comments_opens_closes_and_inherits_as_an_allowed_member(en, client):
    story = make_story(en)
    out, _ = story_command("comments", str(story.code), "closed", "--note", "legal review")
    assert out.startswith(f"comments closed {story.code} ")
    story.refresh_from_db()
    assert story.comment_policy == "closed"
    assert b"Comments on this story are closed." in client.get(story.get_absolute_url()).content
    change = story.changes.order_by("id").last()
    assert (change.action, change.note) == ("comments", "legal review")
    story_command("comments", str(story.code), "inherit")
    story.refresh_from_db()
    assert story.comment_policy == ""
    make_member("rita", "reporter", editions=[en])
    with pytest.raises(CommandError, match="may not make the change"):
        story_command("comments", str(story.code), "post", "--as", "rita")
    with pytest.raises(CommandError):
        story_command("comments", str(story.code), "sometimes")
    story.refresh_from_db()
    assert story.comment_policy == ""


def test_a_body_piped_in_over_the_limit_is_refused_without_reading_it_all(en, tmp_path):
    """`--body-file /dev/stdin` (a pipe has no size): not the whole stream read into memory
    (300 MB took 770 MB) before the body's check, but no more than one byte past the limit."""
    story = make_story(en)
    reading, writing = os.pipe()
    more_than_the_limit = MAX_BODY_BYTES + 1 + 65536

    def write() -> None:
        with os.fdopen(writing, "wb") as pipe:
            pipe.write(b"x" * more_than_the_limit)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        with pytest.raises(CommandError) as refused:
            story_command(
                "correct", str(story.code), "--note", "n", "--body-file", f"/dev/fd/{reading}"
            )
        left = b""
        while chunk := os.read(reading, 65536):  # to the writer's end
            left += chunk
    finally:
        os.close(reading)
        writer.join()
    assert str(refused.value) == (
        f"/dev/fd/{reading}: The body is over 1,000,000 bytes (1 MB). Shorten it or split the"
        " story."
    )
    assert left  # what lay beyond the limit was never read
    story.refresh_from_db()
    assert story.version == 1


def test_a_body_file_with_crlf_line_breaks_is_taken_with_plain_ones(en, tmp_path):
    story = make_story(en)
    body = tmp_path / "body.md"
    body.write_bytes(b"First paragraph.\r\n\r\nSecond paragraph.\r\n")
    story_command("correct", str(story.code), "--note", "n", "--body-file", str(body))
    story.refresh_from_db()
    assert story.body.strip() == "First paragraph.\n\nSecond paragraph."
