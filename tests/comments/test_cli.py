"""`dateline comments …`: the moderation queue at the command line, through the same
moderation code as the screens, all or nothing, and safe to print whatever readers typed."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dateline.comments import moderation
from dateline.comments.models import Ban, Comment, ModerationEvent, Status
from dateline.stories.actions import correct_story
from tests.comments.conftest import post
from tests.factories import make_member, make_story
from tests.processes import dateline_env, run_dateline

pytestmark = pytest.mark.django_db

HOSTILE_TEXT = "<script>x</script>\nline \x1b[31mred\x1b[0m\r\u202eevil\u2028\x9b2J\\n"


def comments(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("comments", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> str:
    """The message of a command that must fail; the test checks nothing changed."""
    with pytest.raises(CommandError) as failure:
        comments(*args)
    return str(failure.value)


def posted(client, story, text: str, **fields) -> Comment:
    response = post(client, story, text=text, **fields)
    assert response.status_code == 303, response.content[:500]
    return Comment.objects.get(text=text)


def statuses() -> dict[int, str]:
    return dict(Comment.objects.values_list("pk", "status"))


@pytest.fixture
def moderator(editions):
    return make_member("mo", "comment_moderator", (editions[0],))


# --- list --------------------------------------------------------------------------------------


def test_list_shows_pending_comments_newest_first_one_line_each(client, story):
    first = posted(client, story, "The first comment on the talks.", name="Maryam Ahmadi")
    second = posted(client, story, "x" * 59 + "yz and more words after the sixtieth character")
    approved = posted(client, story, "Already approved.")
    moderation.approve([approved.pk])

    out, _ = comments("list")
    lines = out.splitlines()
    assert [int(line.split()[0]) for line in lines] == [second.pk, first.pk]
    assert lines[1].split()[:4] == [str(first.pk), "pending", str(story.code), "v1"]
    assert lines[1].endswith("  Maryam Ahmadi  The first comment on the talks.")
    assert lines[0].endswith("  " + "x" * 59 + "y…")  # the first 60 characters


def test_list_filters_by_status_story_edition_and_limit(client, story, editions):
    other_story = make_story(editions[0])
    persian = make_story(editions[1])
    pending = posted(client, story, "Pending here.")
    approved = posted(client, story, "Approved here.")
    rejected = posted(client, story, "Rejected here.")
    spam = posted(client, story, "Spam here.")
    elsewhere = posted(client, other_story, "Pending on another story.")
    in_farsi = posted(client, persian, "نظر خواننده")
    moderation.approve([approved.pk])
    moderation.reject([rejected.pk], reason="Off topic")
    moderation.mark_spam([spam.pk])

    def ids(*args: str) -> list[int]:
        out, _ = comments("list", *args, "--json")
        return [row["id"] for row in json.loads(out)]

    assert ids() == [in_farsi.pk, elsewhere.pk, pending.pk]
    assert ids("--status", "approved") == [approved.pk]
    assert ids("--status", "rejected") == [rejected.pk]
    assert ids("--status", "spam") == [spam.pk]
    assert ids("--story", str(story.code)) == [pending.pk]
    assert ids("--edition", "fa") == [in_farsi.pk]
    assert ids("--edition", "en", "--story", str(other_story.code)) == [elsewhere.pk]
    assert ids("--limit", "2") == [in_farsi.pk, elsewhere.pk]
    assert ids("--limit", "0") == [in_farsi.pk, elsewhere.pk, pending.pk]

    assert ids("--status", "reported") == []
    moderation.report(approved.pk, "address-one")
    moderation.report(approved.pk, "address-two")
    out, _ = comments("list", "--status", "reported", "--json")
    assert [(row["id"], row["reports"]) for row in json.loads(out)] == [(approved.pk, 2)]
    moderation.dismiss_reports([approved.pk])
    assert ids("--status", "reported") == []


def test_list_json_has_a_stable_shape(client, story):
    parent = posted(client, story, "The parent, approved.")
    moderation.approve([parent.pk])
    reply = posted(
        client,
        story,
        "See https://a.example https://b.example https://c.example",
        name="Ali",
        email="ali@example.org",
        parent=str(parent.pk),
    )
    correct_story(story, note="The figure was 60.", lead="A corrected lead paragraph.")

    out, _ = comments("list", "--json")
    rows = json.loads(out)
    assert len(rows) == 1
    assert rows[0] == {
        "id": reply.pk,
        "story": story.code,
        "story_version": 1,
        "story_current_version": 2,
        "parent": parent.pk,
        "name": "Ali",
        "email": "ali@example.org",
        "text": "See https://a.example https://b.example https://c.example",
        "status": "pending",
        "held_because": "more than 2 links",
        "reports": 0,
        "created_at": reply.created_at.isoformat(),
    }
    assert list(rows[0]) == [
        "id",
        "story",
        "story_version",
        "story_current_version",
        "parent",
        "name",
        "email",
        "text",
        "status",
        "held_because",
        "reports",
        "created_at",
    ]
    empty, _ = comments("list", "--status", "spam", "--json")
    assert json.loads(empty) == []


def test_hostile_text_is_printed_on_one_line_and_escaped(client, story):
    from_form = posted(client, story, "<script>alert('x')</script>\n\nA second paragraph")
    hostile = Comment.objects.create(
        story=story, story_version=1, name="Mal\x1b[2Jlory\nroot", text=HOSTILE_TEXT
    )

    out, _ = comments("list")
    lines = out.splitlines()
    assert len(lines) == 2 and out.endswith("\n")
    assert lines[1].endswith("<script>alert('x')</script>\\n\\nA second paragraph")
    assert lines[0].split()[0] == str(hostile.pk)
    assert "Mal\\x1b[2Jlory\\nroot" in lines[0]
    assert lines[0].endswith(
        "<script>x</script>\\nline \\x1b[31mred\\x1b[0m\\r\\u202eevil\\u2028\\x9b2J\\\\n"
    )
    for unsafe in ("\x1b", "\r", "\u202e", "\u2028", "\x9b"):
        assert unsafe not in out

    out, _ = comments("list", "--json")
    for unsafe in ("\x1b", "\r", "\u202e", "\u2028", "\x9b"):
        assert unsafe not in out
    rows = {row["id"]: row for row in json.loads(out)}
    assert rows[hostile.pk]["text"] == HOSTILE_TEXT  # the same text, only escaped
    assert rows[hostile.pk]["name"] == "Mal\x1b[2Jlory\nroot"
    assert rows[from_form.pk]["text"] == "<script>alert('x')</script>\n\nA second paragraph"


# --- approve, reject, spam ---------------------------------------------------------------------


def test_approve_reject_and_spam_change_the_comments_and_log_the_moderator(
    client, story, moderator
):
    one = posted(client, story, "One.")
    two = posted(client, story, "Two.")
    three = posted(client, story, "Three.")
    four = posted(client, story, "Four.")

    out, _ = comments("approve", str(two.pk), str(one.pk), "--as", "mo")
    assert out.splitlines() == [f"approved {one.pk}", f"approved {two.pk}"]
    out, _ = comments("reject", str(three.pk), "--reason", "Personal attack", "--as", "mo")
    assert out == f"rejected {three.pk}\n"
    out, _ = comments("spam", str(four.pk), "--json")
    assert json.loads(out) == [{"id": four.pk, "status": "spam"}]

    assert statuses() == {
        one.pk: Status.APPROVED,
        two.pk: Status.APPROVED,
        three.pk: Status.REJECTED,
        four.pk: Status.SPAM,
    }
    three.refresh_from_db()
    assert (three.reason, three.moderated_by) == ("Personal attack", moderator)
    events = ModerationEvent.objects.filter(action__in=["approved", "rejected", "spam"])
    assert [(e.comment_id, e.action, e.actor, e.note) for e in events.order_by("id")] == [
        (one.pk, "approved", moderator, ""),
        (two.pk, "approved", moderator, ""),
        (three.pk, "rejected", moderator, "Personal attack"),
        (four.pk, "spam", None, ""),  # without --as: the system
    ]

    out, _ = comments("approve", str(three.pk), "--json", "--as", "mo")
    assert json.loads(out) == [{"id": three.pk, "status": "approved"}]
    assert Comment.objects.get(pk=three.pk).status == Status.APPROVED


def test_approve_and_spam_take_a_reason_as_reject_does_and_dismiss_takes_none(client, story):
    """The README's `[--reason T]`: a spam or approval decision may give one (kept with the
    comment and in the log, as a rejection's); closing reports keeps no reason."""
    one, two, three = (posted(client, story, text) for text in ("One.", "Two.", "Three."))
    out, _ = comments("spam", str(one.pk), str(two.pk), "--reason", "qa", "--json")
    assert json.loads(out) == [{"id": one.pk, "status": "spam"}, {"id": two.pk, "status": "spam"}]
    out, _ = comments("approve", str(three.pk), "--reason", " On topic after all ")
    assert out == f"approved {three.pk}\n"
    assert dict(Comment.objects.values_list("pk", "reason")) == {
        one.pk: "qa",
        two.pk: "qa",
        three.pk: "On topic after all",
    }
    events = ModerationEvent.objects.filter(action__in=["spam", "approved"]).order_by("id")
    assert [(e.comment_id, e.action, e.note) for e in events] == [
        (one.pk, "spam", "qa"),
        (two.pk, "spam", "qa"),
        (three.pk, "approved", "On topic after all"),
    ]
    assert "unrecognized arguments: --reason" in refused("dismiss", str(one.pk), "--reason", "x")


def test_approve_all_pending_takes_the_moderators_whole_queue(client, story, editions, moderator):
    persian = make_story(editions[1])
    one = posted(client, story, "One.")
    two = posted(client, story, "Two.")
    rejected = posted(client, story, "Rejected.")
    moderation.reject([rejected.pk], reason="No")
    in_farsi = posted(client, persian, "نظر")

    out, _ = comments("approve", "--all-pending", "--as", "mo", "--json")
    assert json.loads(out) == [
        {"id": one.pk, "status": "approved"},
        {"id": two.pk, "status": "approved"},
    ]
    # The moderator works on the English edition only; the rejection stands.
    assert statuses() == {
        one.pk: Status.APPROVED,
        two.pk: Status.APPROVED,
        rejected.pk: Status.REJECTED,
        in_farsi.pk: Status.PENDING,
    }

    out, _ = comments("approve", str(rejected.pk), "--all-pending")  # the system: all editions
    assert out.splitlines() == [f"approved {rejected.pk}", f"approved {in_farsi.pk}"]

    out, err = comments("approve", "--all-pending", "--json")
    assert json.loads(out) == []
    assert "No comments are pending." in err


def test_approve_needs_ids_or_all_pending(client, story):
    posted(client, story, "Waiting.")
    assert "--all-pending" in refused("approve")
    assert set(statuses().values()) == {Status.PENDING}


def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(client, story):
    comment = posted(client, story, "Borderline.")
    assert "--reason" in refused("reject", str(comment.pk))
    assert "A rejection needs a reason." in refused("reject", str(comment.pk), "--reason", "  ")
    assert statuses() == {comment.pk: Status.PENDING}
    assert not ModerationEvent.objects.filter(action="rejected").exists()


def test_one_refused_comment_refuses_the_whole_lot(client, story):
    approved = posted(client, story, "Approved already.")
    waiting = posted(client, story, "Waiting.")
    moderation.approve([approved.pk])
    events = ModerationEvent.objects.count()

    message = refused("approve", str(waiting.pk), str(approved.pk))
    assert message == f"Comment {approved.pk} is approved: it cannot be approved."
    assert statuses() == {approved.pk: Status.APPROVED, waiting.pk: Status.PENDING}
    assert ModerationEvent.objects.count() == events


def test_an_unknown_id_refuses_the_whole_lot(client, story):
    waiting = posted(client, story, "Waiting.")
    assert refused("spam", str(waiting.pk), "424242") == "No such comment: 424242."
    assert statuses() == {waiting.pk: Status.PENDING}


@pytest.mark.parametrize(
    "bad", ["abc", "1.5", "0", "-3", "²", "9223372036854775808", "99999999999999999999"]
)
def test_an_id_that_is_not_a_whole_number_is_named(client, story, bad):
    waiting = posted(client, story, "Waiting.")
    message = refused("approve", str(waiting.pk), bad)
    assert f"{bad!r} is not a comment id" in message
    assert statuses() == {waiting.pk: Status.PENDING}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "deleted"], "invalid choice: 'deleted'"),
        (
            ["--limit", "-1"],
            "'-1' is not a number of rows (a whole number from 0 to 9223372036854775807)",
        ),
        (["--story", "9" * 20], f"'{'9' * 20}' is not a story code"),
        (["--story", "moscow"], "'moscow' is not a story code"),
    ],
)
def test_a_malformed_list_gets_a_clear_error(args, message):
    assert message in refused("list", *args)


def test_an_unknown_user_is_named(client, story):
    waiting = posted(client, story, "Waiting.")
    assert "--as ghost: no such newsroom member" in refused(
        "approve", str(waiting.pk), "--as", "ghost"
    )
    assert statuses() == {waiting.pk: Status.PENDING}


def test_only_moderators_of_the_edition_may_moderate(client, story, editions):
    make_member("rita", "reporter", (editions[0],))
    make_member("farid", "comment_moderator", (editions[1],))
    make_member("gone", "comment_moderator", (editions[0],), is_active=False)
    waiting = posted(client, story, "Waiting.")

    assert refused("approve", str(waiting.pk), "--as", "rita") == "rita may not moderate comments."
    assert refused("approve", "--all-pending", "--as", "rita") == "rita may not moderate comments."
    make_member("nobody", "", ())  # no role and no editions: still refused, not "nothing to do"
    assert (
        refused("approve", "--all-pending", "--as", "nobody") == "nobody may not moderate comments."
    )
    assert refused("approve", str(waiting.pk), "--as", "gone") == "gone may not moderate comments."
    # A moderator of another edition does not see the comment at all.
    assert refused("approve", str(waiting.pk), "--as", "farid") == f"No such comment: {waiting.pk}."
    assert statuses() == {waiting.pk: Status.PENDING}
    assert not ModerationEvent.objects.filter(action="approved").exists()

    make_member("eddie", "editor", (editions[0],))
    comments("approve", str(waiting.pk), "--as", "eddie")
    assert statuses() == {waiting.pk: Status.APPROVED}


# --- a reader's data ---------------------------------------------------------------------------


def test_export_prints_a_readers_comments_as_json(client, story, moderator):
    first = posted(client, story, "Mine, first.", email="reader@example.org")
    second = posted(client, story, "Mine, second.", email="reader@example.org")
    posted(client, story, "Someone else's.", email="other@example.org")

    out, _ = comments("export", "--email", " Reader@Example.ORG ", "--as", "mo")
    rows = json.loads(out)
    assert [row["id"] for row in rows] == [first.pk, second.pk]
    assert rows[0] == {
        "id": first.pk,
        "story": story.code,
        "headline": story.headline,
        "story_version": 1,
        "parent": None,
        "name": "Maryam",
        "email": "reader@example.org",
        "text": "Mine, first.",
        "status": "pending",
        "created_at": first.created_at.isoformat(),
    }
    event = ModerationEvent.objects.get(action="exported")
    assert (event.actor, event.note) == (moderator, "2 comments of one email")

    make_member("rita", "reporter", (story.edition,))
    assert "rita may not moderate" in refused(
        "export", "--email", "reader@example.org", "--as", "rita"
    )
    assert "not an email address" in refused("export", "--email", "reader")


def test_erase_asks_for_yes_then_blanks_a_readers_comments(client, story, moderator):
    first = posted(client, story, "Mine, first.", email="reader@example.org")
    second = posted(client, story, "Mine, second.", email="reader@example.org")
    other = posted(client, story, "Someone else's.", email="other@example.org")

    message = refused("erase", "--email", "reader@example.org", "--as", "mo")
    assert "2 comments" in message and "--yes" in message
    assert Comment.objects.filter(email="reader@example.org").count() == 2
    assert not ModerationEvent.objects.filter(action="erased").exists()

    make_member("rita", "reporter", ())
    for yes in ((), ("--yes",)):  # not even told how many there are
        message = refused("erase", "--email", "reader@example.org", *yes, "--as", "rita")
        assert message == "rita may not moderate comments."
    assert Comment.objects.filter(email="reader@example.org").count() == 2

    out, _ = comments("erase", "--email", "reader@example.org", "--yes", "--as", "mo")
    assert out == "erased 2 comments\n"
    for comment in (first, second):
        comment.refresh_from_db()
        assert (comment.status, comment.name, comment.email, comment.text) == (
            Status.DELETED,
            "",
            "",
            "",
        )
    other.refresh_from_db()
    assert (other.status, other.text) == (Status.PENDING, "Someone else's.")
    erased = ModerationEvent.objects.filter(action="erased")
    assert {(event.comment_id, event.actor) for event in erased} == {
        (first.pk, moderator),
        (second.pk, moderator),
    }
    assert "0 comments" in refused("erase", "--email", "reader@example.org")


# --- a real process ----------------------------------------------------------------------------

SETUP = """
from dateline.comments.models import Comment
from tests.factories import make_edition, make_story
story = make_story(make_edition("en"), headline="Talks resume")
Comment.objects.create(story=story, story_version=1, name="Mal", text={text!r})
print(story.code)
"""


def test_list_json_and_a_refusal_in_a_real_process(tmp_path):
    env = dateline_env(tmp_path)
    run_dateline("migrate", "-v0", env=env, check=True)
    setup = run_dateline("shell", "-c", SETUP.format(text=HOSTILE_TEXT), env=env, check=True)
    code = int(setup.stdout.split()[-1])

    listed = run_dateline("comments", "list", "--json", env=env)
    assert (listed.returncode, listed.stderr) == (0, "")
    assert "\x1b" not in listed.stdout and "\u202e" not in listed.stdout
    rows = json.loads(listed.stdout)
    assert [(row["story"], row["status"], row["text"]) for row in rows] == [
        (code, "pending", HOSTILE_TEXT)
    ]

    text = run_dateline("comments", "list", env=env)
    assert text.returncode == 0 and len(text.stdout.splitlines()) == 1
    assert "\x1b" not in text.stdout

    unknown = run_dateline("comments", "approve", "424242", env=env)
    assert unknown.returncode == 1
    assert "No such comment: 424242." in unknown.stderr
    malformed = run_dateline("comments", "reject", "abc", "--reason", "x", env=env)
    assert malformed.returncode == 2
    assert "'abc' is not a comment id" in malformed.stderr


def test_unknown_story_or_edition_filters_are_named_not_an_empty_list(client, story):
    posted(client, story, "Waiting.")
    assert refused("list", "--story", "999999") == "--story 999999: no such story"
    assert refused("list", "--edition", "xx") == "--edition xx: no such edition (there are en, fa)"


def test_dismiss_closes_the_reports_and_keeps_the_comment_up_all_or_none(client, story):
    reported, fine = posted(client, story, "Reported one."), posted(client, story, "Fine one.")
    moderation.approve([reported.pk, fine.pk])
    assert moderation.report(reported.pk, "address-1")
    listed = json.loads(comments("list", "--status", "reported", "--json")[0])
    assert [c["id"] for c in listed] == [reported.pk]
    message = refused("dismiss", str(reported.pk), str(fine.pk))
    assert (
        message
        == f"Nothing dismissed: no open report on comment {fine.pk} (or not one you moderate)."
    )
    assert json.loads(comments("list", "--status", "reported", "--json")[0]) != []
    out, _ = comments("dismiss", str(reported.pk), "--json")
    assert json.loads(out) == [{"id": reported.pk, "reports": "dismissed"}]
    assert json.loads(comments("list", "--status", "reported", "--json")[0]) == []
    assert statuses() == {reported.pk: Status.APPROVED, fine.pk: Status.APPROVED}
    event = ModerationEvent.objects.filter(comment=reported).order_by("pk").last()
    assert event.action == ModerationEvent.Action.DISMISSED


# --- bans --------------------------------------------------------------------------------------


def test_ban_an_email_or_the_address_of_a_comment_and_lift_it(client, story, moderator):
    """What the newsroom's Bans screen does, from the command line: the reader's next comment
    is refused (403), and comes through again once the ban is lifted."""
    spam = posted(client, story, "Buy now, first.", email="flood@example.org", ip="10.0.0.9")
    out, _ = comments("ban", "--email", " FLOOD@example.org", "--reason", "spam run", "--as", "mo")
    [email_ban] = Ban.objects.filter(kind="email")
    assert out == f"banned email {email_ban.pk}\n"
    assert post(client, story, text="Again.", email="flood@example.org").status_code == 403

    # Banned again without a reason (a second moderator, a script run twice): the first
    # reason, moderator and time stay; a new reason replaces the old.
    comments("ban", "--email", "flood@example.org")
    assert Ban.objects.get(pk=email_ban.pk).reason == "spam run"
    comments("ban", "--email", "flood@example.org", "--reason", "spam, twice")
    again = Ban.objects.get(pk=email_ban.pk)
    assert (again.reason, again.created_by, again.created_at) == (
        "spam, twice",
        email_ban.created_by,
        email_ban.created_at,
    )
    comments("ban", "--email", "flood@example.org", "--reason", "spam run")
    out, _ = comments("ban", "--address-of", str(spam.pk), "--json")
    [address_ban] = Ban.objects.filter(kind="address")
    assert json.loads(out) == {
        "id": address_ban.pk,
        "kind": "address",
        "hash": spam.address_hash,
        "reason": f"comment {spam.pk}",
        "by": None,
        "created_at": address_ban.created_at.isoformat(),
    }
    assert (
        post(client, story, text="From there.", email="x@example.org", ip="10.0.0.9").status_code
        == 403
    )

    out, _ = comments("bans", "--json")
    assert [(b["id"], b["kind"], b["reason"], b["by"]) for b in json.loads(out)] == [
        (address_ban.pk, "address", f"comment {spam.pk}", None),
        (email_ban.pk, "email", "spam run", "mo"),
    ]
    out, _ = comments("bans")
    assert [line.split()[:2] for line in out.splitlines()] == [
        [str(address_ban.pk), "address"],
        [str(email_ban.pk), "email"],
    ]
    assert comments("unban", str(email_ban.pk))[0] == f"lifted {email_ban.pk}\n"
    assert post(client, story, text="Sorry.", email="flood@example.org").status_code == 303
    actions = list(ModerationEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["banned", "banned", "unbanned"]


def test_a_ban_is_refused_with_the_reason_and_nothing_changes(client, story, moderator, editions):
    make_member("rita", "reporter", (editions[0],))
    erased = posted(client, story, "Erased later.", email="gone@example.org")
    moderation.erase("gone@example.org")
    assert refused("ban", "--email", "a@b.org", "--as", "rita") == "rita may not moderate comments."
    assert refused("ban", "--email", "nobody") == "--email nobody: not an email address"
    assert refused("ban", "--address-of", "999999") == "No such comment: 999999."
    assert refused("ban", "--address-of", str(erased.pk)) == (
        f"Comment {erased.pk} keeps no address any more (deleted or erased)."
    )
    assert refused("unban", "999999") == "No such ban: 999999."
    assert not Ban.objects.exists()


def test_a_refusal_names_the_first_ten_ids_of_a_long_list_and_counts_the_rest():
    """A script passing thousands of ids got a message of all of them (100,000 ids: 600 KB on
    one line of standard error)."""
    ids = [str(n) for n in range(1001, 1026)]
    first_ten = ", ".join(ids[:10])
    assert refused("approve", *ids) == f"No such comment: {first_ten} and 15 more."
    assert refused("dismiss", *ids) == (
        f"Nothing dismissed: no open report on comment {first_ten} and 15 more "
        "(or not one you moderate)."
    )
    assert refused("approve", *ids[:10]) == f"No such comment: {first_ten}."
