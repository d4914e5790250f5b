"""The comment moderators' screens under /newsroom/comments/: who may open them, the queue and
its bulk decisions, word lists, bans, a person's comments, the moderation log."""

import json
import subprocess

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dateline.comments.defences import email_hash, keyed_hash, text_hash
from dateline.comments.models import Ban, Comment, ModerationEvent, Report, Status, WordRule
from dateline.comments.words import normalise
from dateline.stories import actions
from dateline.stories.models import Status as StoryStatus
from tests.comments.conftest import post as post_comment
from tests.factories import make_story
from tests.newsroom.conftest import client_for, html, post, story_in
from tests.newsroom.test_browser import DESKTOP, PHONE, WCAG_AA, Watched, orm
from tests.newsroom.test_pages import vnu_command
from tests.site.conftest import browser  # noqa: F401  (Debian's Chromium, shared)

pytestmark = pytest.mark.django_db

QUEUE = "/newsroom/comments/"
SCREENS = [
    QUEUE,
    QUEUE + "?status=reported",
    "/newsroom/comments/words/",
    "/newsroom/comments/bans/",
    "/newsroom/comments/people/",
    "/newsroom/comments/log/",
]
HOSTILE_TEXT = '<script>alert(1)</script> and "><img src=x onerror=alert(1)>'


def make_comment(story, text="A thoughtful comment.", **fields) -> Comment:
    """A comment as `comments.submitting` stores one (a top-level one: its own thread)."""
    email = fields.pop("email", "reader@example.org")
    comment = Comment.objects.create(
        story=story,
        story_version=fields.pop("story_version", story.version),
        name=fields.pop("name", "Maryam"),
        email=email,
        email_hash=email_hash(email),
        address_hash=fields.pop("address_hash", keyed_hash("address", "10.0.0.1")),
        text=text,
        text_hash=text_hash(normalise(text)),
        status=fields.pop("status", Status.PENDING),
        **fields,
    )
    comment.thread = comment
    comment.save(update_fields=["thread"])
    return comment


@pytest.fixture
def story(newsroom):
    return story_in(newsroom, StoryStatus.PUBLISHED, headline="Dam opens on the river")


@pytest.fixture
def fa_story(newsroom):
    return make_story(newsroom["fa"], headline="سد روی رودخانه باز شد")


def rows(response) -> dict[int, object]:
    """The queue's rows by comment id."""
    soup = html(response)
    return {int(row["id"].removeprefix("comment-")): row for row in soup.select("li.comment-row")}


def decide(desk, action: str, comments, query: str = "", **data):
    return post(
        desk,
        QUEUE + query,
        {"action": action, "ids": [c.pk for c in comments], **data},
    )


# --- who may open the screens --------------------------------------------------------------------


def test_the_anonymous_are_sent_to_the_sign_in_page(newsroom):
    desk = client_for(None)
    for path in SCREENS:
        response = desk.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/newsroom/login/?next="), path


@pytest.mark.parametrize("person", ["reporter", "nobody"])
def test_members_who_do_not_moderate_are_refused_every_screen_and_change(newsroom, story, person):
    comment = make_comment(story)
    WordRule.objects.create(phrase="spam", kind="banned")
    desk = client_for(newsroom[person])
    for path in SCREENS:
        response = desk.get(path)
        assert response.status_code == 403, path
        assert "no role for comments" in html(response).find(role="alert").get_text(), path
    writes = [
        (QUEUE, {"action": "approve", "ids": [comment.pk]}),
        ("/newsroom/comments/words/", {"phrase": "eggs", "kind": "banned"}),
        (f"/newsroom/comments/words/{WordRule.objects.get().pk}/remove/", {}),
        ("/newsroom/comments/bans/", {"email-email": "a@example.org"}),
        ("/newsroom/comments/bans/address/", {"comment": comment.pk}),
        ("/newsroom/comments/people/", {"email": comment.email, "action": "export"}),
        (
            "/newsroom/comments/people/",
            {"email": comment.email, "action": "erase", "confirm": "yes"},
        ),
    ]
    for path, data in writes:
        assert post(desk, path, data).status_code == 403, path
    comment.refresh_from_db()
    assert comment.status == Status.PENDING and comment.text
    assert WordRule.objects.count() == 1 and not Ban.objects.exists()
    assert not ModerationEvent.objects.exists()


@pytest.mark.parametrize("person", ["moderator", "editor", "chief"])
def test_moderators_editors_and_chief_editors_open_every_screen(newsroom, story, person):
    make_comment(story)
    desk = client_for(newsroom[person])
    for path in SCREENS:
        response = desk.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "private, no-store", path
        assert html(response).select_one("header a[href='/newsroom/comments/']"), path


def test_a_comment_moderator_has_the_comments_and_no_story_screen(newsroom, story):
    desk = client_for(newsroom["moderator"])
    for path in ["/newsroom/", f"/newsroom/stories/{story.pk}/", "/newsroom/audit/"]:
        assert desk.get(path).status_code == 403, path
    soup = html(desk.get(QUEUE))
    assert [a["href"] for a in soup.select("header nav a")] == ["/newsroom/comments/"]
    assert soup.select_one("a.brand")["href"] == "/newsroom/comments/"


def test_the_newsroom_bar_links_comments_for_editors_only(newsroom):
    editor = html(client_for(newsroom["editor"]).get("/newsroom/"))
    assert editor.select_one("nav.nav a[href='/newsroom/comments/']") is not None
    reporter = html(client_for(newsroom["reporter"]).get("/newsroom/"))
    assert reporter.select_one("a[href='/newsroom/comments/']") is None


def test_a_moderator_signing_in_lands_on_the_queue(newsroom):
    desk = Client()
    response = desk.post(
        "/newsroom/login/", {"username": "mo", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    response = Client().post(
        "/newsroom/login/", {"username": "eddie", "password": "correct horse battery"}
    )
    assert response["Location"] == "/newsroom/"


def test_members_below_chief_see_and_decide_only_their_editions_comments(newsroom, story, fa_story):
    english = make_comment(story, text="On the English story.")
    persian = make_comment(fa_story, text="دربارهٔ خبر فارسی")
    moderator = client_for(newsroom["moderator"])  # English edition only
    assert set(rows(moderator.get(QUEUE))) == {english.pk}
    response = decide(moderator, "approve", [persian])
    assert response.status_code == 409
    assert f"No such comment: {persian.pk}." in html(response).find(role="alert").get_text()
    persian.refresh_from_db()
    assert persian.status == Status.PENDING
    assert set(rows(client_for(newsroom["chief"]).get(QUEUE))) == {english.pk, persian.pk}
    assert set(rows(client_for(newsroom["fa_editor"]).get(QUEUE))) == {persian.pk}


# --- the queue -----------------------------------------------------------------------------------


def test_the_queue_shows_pending_comments_newest_first_with_what_a_moderator_needs(newsroom, story):
    older = make_comment(story, text="First one.", name="Ali", email="ali@example.org")
    actions.edit_story(story.pk, base_version=story.version, lead="A newer lead.")
    story.refresh_from_db()
    newer = make_comment(story, text="Second one.", held_because="suspect words: dam")
    Report.objects.create(comment=newer, address_hash="x")
    approved = make_comment(story, text="Already up.", status=Status.APPROVED)
    response = client_for(newsroom["moderator"]).get(QUEUE)
    listed = rows(response)
    assert list(listed) == [newer.pk, older.pk]  # pending only, newest first
    assert approved.pk not in listed
    row = listed[older.pk]
    assert row.select_one(".comment-text").get_text() == "First one."
    assert "Ali" in row.get_text() and "ali@example.org" in row.get_text()
    assert "Dam opens on the river" in row.select_one(".comment-story").get_text()
    assert f"story {story.pk}" in row.select_one(".comment-story").get_text()
    version = row.select_one(".comment-version").get_text()
    assert version == f"on v{story.version - 1}, story now v{story.version}"
    assert "the current version" in listed[newer.pk].select_one(".comment-version").get_text()
    assert "suspect words: dam" in listed[newer.pk].select_one(".held").get_text()
    assert listed[newer.pk].select_one(".reports").get_text() == "1 open report"
    assert listed[older.pk].select_one("time") is not None
    tabs = {a.get_text(" ", strip=True) for a in html(response).select("nav.states a")}
    assert tabs == {"Pending 2", "Reported 1", "Approved 1", "Rejected 0", "Spam 0"}


def test_a_buttons_spoken_name_starts_with_the_words_on_it(newsroom, story):
    """WCAG 2.5.3: a reader who says what they see ("Ban address") must reach the button."""
    make_comment(story)
    WordRule.objects.create(phrase="spam", kind="banned")
    Ban.objects.create(kind="email", value_hash=email_hash("x@example.org"), reason="Abuse")
    desk = client_for(newsroom["moderator"])
    named = []
    for screen in SCREENS:
        for control in html(desk.get(screen)).select("button[aria-label], a[aria-label]"):
            named.append((control.get_text(" ", strip=True), control["aria-label"]))
    assert ("Ban address", f"Ban address of comment {Comment.objects.get().pk}") in named
    assert [(shown, name) for shown, name in named if not name.startswith(shown)] == []


def test_the_queue_pages_fifty_at_a_time(newsroom, story):
    made = [make_comment(story, text=f"Comment {n}.") for n in range(51)]
    desk = client_for(newsroom["moderator"])
    first = desk.get(QUEUE)
    assert len(rows(first)) == 50
    assert html(first).select_one(".pagination a[rel=next]")["href"] == "?page=2"
    second = desk.get(QUEUE + "?page=2")
    assert list(rows(second)) == [made[0].pk]
    assert desk.get(QUEUE + "?page=3").status_code == 404


def test_bulk_approve_then_the_page_shows_the_change(newsroom, story):
    one, two, other = (make_comment(story, text=f"Comment {n}.") for n in range(3))
    desk = client_for(newsroom["editor"])
    response = decide(desk, "approve", [one, two])
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    after = desk.get(response["Location"])
    assert "2 comments approved." in html(after).select_one(".messages").get_text()
    assert set(rows(after)) == {other.pk}
    assert set(rows(desk.get(QUEUE + "?status=approved"))) == {one.pk, two.pk}
    one.refresh_from_db()
    assert one.status == Status.APPROVED and one.moderated_by == newsroom["editor"]
    events = ModerationEvent.objects.filter(action="approved")
    assert {(e.comment_id, e.actor_id) for e in events} == {
        (one.pk, newsroom["editor"].pk),
        (two.pk, newsroom["editor"].pk),
    }


def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(newsroom, story):
    one, two = make_comment(story, text="One."), make_comment(story, text="Two.")
    desk = client_for(newsroom["moderator"])
    for reason in ["", "   "]:
        response = decide(desk, "reject", [one, two], reason=reason)
        assert response.status_code == 400
        soup = html(response)
        error = soup.select_one("#id_reason_error").get_text()
        assert "A rejection needs a reason" in error
        assert soup.select_one("#id_reason")["aria-invalid"] == "true"
        ticked = {int(box["value"]) for box in soup.select("input[name=ids][checked]")}
        assert ticked == {one.pk, two.pk}  # the ticks are kept to try again
        # The summary is read out and takes the keyboard when the page opens (the buttons are
        # under a list of 50), its link leading to the reason's box.
        summary = soup.select_one("form.bulk .error-box")
        assert summary["role"] == "alert" and summary.has_attr("autofocus")
        assert summary["tabindex"] == "-1"
        assert summary.find("a")["href"] == "#id_reason"
    assert set(Comment.objects.values_list("status", flat=True)) == {Status.PENDING}
    assert not ModerationEvent.objects.exists()

    response = decide(desk, "reject", [one], reason="Personal attack.")
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.status == Status.REJECTED and one.reason == "Personal attack."
    rejected = rows(desk.get(QUEUE + "?status=rejected"))
    assert "Reason: Personal attack." in rejected[one.pk].select_one(".reason").get_text()
    event = ModerationEvent.objects.get()
    assert (event.action, event.note, event.actor) == (
        "rejected",
        "Personal attack.",
        newsroom["moderator"],
    )


def test_nothing_ticked_is_a_form_error(newsroom, story):
    comment = make_comment(story)
    response = post(client_for(newsroom["moderator"]), QUEUE, {"action": "approve"})
    assert response.status_code == 400
    assert "Tick the comments first." in html(response).find(role="alert").get_text()
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_marking_as_spam_moves_comments_to_the_spam_tab(newsroom, story):
    comment = make_comment(story, status=Status.APPROVED)
    desk = client_for(newsroom["chief"])
    response = decide(desk, "spam", [comment], query="?status=approved")
    assert response["Location"] == QUEUE + "?status=approved"
    assert comment.pk not in rows(desk.get(QUEUE + "?status=approved"))
    assert set(rows(desk.get(QUEUE + "?status=spam"))) == {comment.pk}
    assert ModerationEvent.objects.get().action == "spam"


def test_a_refusal_of_the_moderation_functions_is_shown_and_changes_nothing(newsroom, story):
    fine = make_comment(story)
    gone = make_comment(story, status=Status.DELETED)
    response = decide(client_for(newsroom["moderator"]), "approve", [fine, gone])
    assert response.status_code == 409
    alert = html(response).find(role="alert").get_text()
    assert f"Comment {gone.pk} is deleted: it cannot be approved." in alert
    fine.refresh_from_db()
    assert fine.status == Status.PENDING
    assert not ModerationEvent.objects.exists()


def test_reported_comments_and_dismissing_their_reports(newsroom, story):
    reported = make_comment(story, status=Status.APPROVED, text="Reported one.")
    quiet = make_comment(story, status=Status.APPROVED, text="Nobody minds.")
    Report.objects.create(comment=reported, address_hash="a")
    Report.objects.create(comment=reported, address_hash="b")
    desk = client_for(newsroom["moderator"])
    listed = rows(desk.get(QUEUE + "?status=reported"))
    assert list(listed) == [reported.pk]
    assert listed[reported.pk].select_one(".reports").get_text() == "2 open reports"
    buttons = {
        b["value"] for b in html(desk.get(QUEUE + "?status=reported")).select("button[name=action]")
    }
    assert buttons == {"dismiss", "reject", "spam"}

    # All or none, as every decision: a comment without an open report refuses the lot.
    refused = decide(desk, "dismiss", [reported, quiet], query="?status=reported")
    assert refused.status_code == 409
    assert f"no open report on comment {quiet.pk}" in refused.content.decode()
    assert Report.objects.filter(resolved=False).count() == 2

    response = decide(desk, "dismiss", [reported], query="?status=reported")
    assert response.status_code == 302
    assert rows(desk.get(QUEUE + "?status=reported")) == {}
    reported.refresh_from_db()
    assert reported.status == Status.APPROVED  # kept up
    assert not Report.objects.filter(resolved=False).exists()
    event = ModerationEvent.objects.get()
    assert (event.action, event.comment, event.actor) == (
        "dismissed",
        reported,
        newsroom["moderator"],
    )


def test_the_queue_filters_by_story_and_by_edition(newsroom, story, fa_story):
    second = story_in(newsroom, StoryStatus.PUBLISHED, headline="Bridge closes")
    on_first = make_comment(story, text="On the dam.")
    on_second = make_comment(second, text="On the bridge.")
    on_persian = make_comment(fa_story, text="دربارهٔ سد")
    desk = client_for(newsroom["chief"])
    assert set(rows(desk.get(QUEUE))) == {on_first.pk, on_second.pk, on_persian.pk}
    assert set(rows(desk.get(QUEUE + f"?story={second.pk}"))) == {on_second.pk}
    assert set(rows(desk.get(QUEUE + "?edition=fa"))) == {on_persian.pk}
    assert set(rows(desk.get(QUEUE + f"?edition=fa&story={story.pk}"))) == set()
    # The counts follow the filters too.
    soup = html(desk.get(QUEUE + "?edition=en"))
    assert soup.select_one("nav.states a[aria-current=page] .count").get_text() == "2"
    # A bad filter is shown on the filter, not a 500.
    response = desk.get(QUEUE + "?story=abc")
    assert response.status_code == 200
    assert html(response).select_one("#id_story_error") is not None


def test_hostile_text_is_shown_escaped_as_typed(newsroom, story):
    comment = make_comment(story, text=HOSTILE_TEXT, name='"><img src=x onerror=alert(1)>')
    comment.held_because = "<script>alert(2)</script>"
    comment.save()
    for status in ("pending", "rejected"):
        if status == "rejected":
            decide(client_for(newsroom["moderator"]), "reject", [comment], reason=HOSTILE_TEXT)
        response = client_for(newsroom["moderator"]).get(QUEUE + f"?status={status}")
        soup = html(response)
        main = soup.select_one("main")
        assert main.find("script") is None and main.find("img") is None, status
        row = rows(response)[comment.pk]
        assert row.select_one(".comment-text").get_text() == HOSTILE_TEXT
        assert row.select_one(".comment-name").get_text() == '"><img src=x onerror=alert(1)>'
        assert b"<script>alert" not in response.content
    log = html(client_for(newsroom["moderator"]).get("/newsroom/comments/log/"))
    assert log.select_one("main").find("script") is None
    assert HOSTILE_TEXT in log.select_one("table.moderation-log").get_text()


# --- word lists ----------------------------------------------------------------------------------


def test_word_lists_add_and_remove_in_english_and_persian(newsroom):
    desk = client_for(newsroom["moderator"])
    words = "/newsroom/comments/words/"
    assert post(desk, words, {"phrase": "Cheap  Pills", "kind": "banned"}).status_code == 302
    assert post(desk, words, {"phrase": "كتاب", "kind": "suspect"}).status_code == 302
    soup = html(desk.get(words))
    banned = [li.select_one(".word").get_text() for li in soup.select("#list-banned + ul li")]
    suspect = [li.select_one(".word").get_text() for li in soup.select("#list-suspect + ul li")]
    assert banned == ["Cheap Pills"] and suspect == ["كتاب"]
    assert WordRule.objects.get(kind="suspect").normalised == "کتاب"  # Persian kaf

    rule = WordRule.objects.get(kind="banned")
    assert post(desk, f"{words}{rule.pk}/remove/").status_code == 302
    after = desk.get(words)
    assert html(after).select("#list-banned + ul li") == []
    assert [li.select_one(".word").get_text() for li in html(after).select(".word-list li")] == [
        "كتاب"
    ]
    assert "removed from the word lists" in html(after).select_one(".messages").get_text()
    notes = list(ModerationEvent.objects.order_by("id").values_list("action", "note", "actor"))
    moderator = newsroom["moderator"].pk
    assert notes == [
        ("words", "banned: Cheap Pills", moderator),
        ("words", "suspect: كتاب", moderator),
        ("words", "removed banned: Cheap Pills", moderator),
    ]


def test_a_word_list_entry_without_a_letter_is_refused_with_the_reason(newsroom):
    response = post(
        client_for(newsroom["moderator"]),
        "/newsroom/comments/words/",
        {"phrase": "!!!", "kind": "banned"},
    )
    assert response.status_code == 400
    error = html(response).select_one("#id_phrase_error").get_text()
    assert "needs at least one letter or digit" in error
    assert not WordRule.objects.exists() and not ModerationEvent.objects.exists()


def test_a_banned_word_added_on_the_screen_refuses_a_readers_comment(newsroom, client, settings):
    settings.COMMENT_RATE = [(1000, 60)]
    story = make_story(newsroom["en"], headline="Talks resume")
    post(
        client_for(newsroom["editor"]),
        "/newsroom/comments/words/",
        {"phrase": "moneyspam", "kind": "banned"},
    )
    post(
        client_for(newsroom["editor"]),
        "/newsroom/comments/words/",
        {"phrase": "rumour", "kind": "suspect"},
    )
    refused = post_comment(client, story, text="Buy MONEYSPAM now")
    assert refused.status_code == 400
    post_comment(client, story, text="Only a rumour", email="b@example.org")
    held = Comment.objects.get()
    assert held.status == Status.PENDING
    row = rows(client_for(newsroom["moderator"]).get(QUEUE))[held.pk]
    assert "rumour" in row.select_one(".held").get_text()


# --- bans ----------------------------------------------------------------------------------------


def test_ban_an_email_then_lift_it(newsroom):
    desk = client_for(newsroom["moderator"])
    bans = "/newsroom/comments/bans/"
    response = post(desk, bans, {"email-email": "Troll@Example.org ", "email-reason": "Abuse"})
    assert response.status_code == 302
    ban = Ban.objects.get()
    assert (ban.kind, ban.value_hash) == ("email", email_hash("troll@example.org"))
    assert ban.created_by == newsroom["moderator"]
    table = html(desk.get(bans)).select_one("table.bans")
    assert "Abuse" in table.get_text() and ban.value_hash[:12] in table.get_text()
    assert "troll" not in table.get_text().lower()  # only the hash is kept

    assert post(desk, f"{bans}{ban.pk}/lift/").status_code == 302
    assert not Ban.objects.exists()
    assert "Nobody is banned." in html(desk.get(bans)).get_text()
    assert list(ModerationEvent.objects.order_by("id").values_list("action", "actor")) == [
        ("banned", newsroom["moderator"].pk),
        ("unbanned", newsroom["moderator"].pk),
    ]


def test_a_bad_email_is_refused_on_the_form(newsroom):
    response = post(
        client_for(newsroom["moderator"]), "/newsroom/comments/bans/", {"email-email": "nope"}
    )
    assert response.status_code == 400
    assert html(response).select_one("#id_email-email_error") is not None
    assert not Ban.objects.exists()


def test_ban_the_address_of_a_comment_from_the_queue_and_from_the_bans_screen(
    newsroom, story, fa_story
):
    comment = make_comment(story, address_hash=keyed_hash("address", "198.51.100.7"))
    desk = client_for(newsroom["moderator"])
    soup = html(desk.get(QUEUE + "?status=pending"))
    button = soup.select_one(f"#comment-{comment.pk} button[name=comment]")
    assert button["value"] == str(comment.pk)
    form = soup.select_one(f"form#{button['form']}")  # its own form, not the bulk one
    assert form["action"] == "/newsroom/comments/bans/address/"
    assert form.select_one("input[name=next]")["value"] == QUEUE + "?status=pending"
    response = post(
        desk,
        "/newsroom/comments/bans/address/",
        {"comment": comment.pk, "next": QUEUE + "?status=pending"},
    )
    assert response["Location"] == QUEUE + "?status=pending"
    message = html(desk.get(response["Location"])).select_one(".messages").get_text()
    assert f"address of comment {comment.pk} are refused" in message
    ban = Ban.objects.get()
    assert (ban.kind, ban.value_hash) == ("address", comment.address_hash)
    assert ban.reason == f"comment {comment.pk}"
    ban.delete()
    response = post(
        desk,
        "/newsroom/comments/bans/address/",
        {"comment": comment.pk, "next": "https://evil.example/newsroom/comments/"},
    )
    assert response["Location"] == "/newsroom/comments/bans/"
    Ban.objects.all().delete()
    # From the bans screen, with a reason.
    response = post(
        desk, "/newsroom/comments/bans/address/", {"comment": comment.pk, "reason": "Flood"}
    )
    assert response["Location"] == "/newsroom/comments/bans/"
    assert Ban.objects.get().reason == f"comment {comment.pk}: Flood"
    # A comment outside one's editions is not found; one erased keeps no address.
    other = make_comment(fa_story)
    response = post(desk, "/newsroom/comments/bans/address/", {"comment": other.pk})
    assert response.status_code == 409
    assert "No comment" in html(response).select_one("#id_comment_error").get_text()
    Comment.objects.filter(pk=comment.pk).update(address_hash="")
    response = post(desk, "/newsroom/comments/bans/address/", {"comment": comment.pk})
    assert "keeps no address" in html(response).select_one("#id_comment_error").get_text()
    assert Ban.objects.count() == 1


# --- a person's comments -------------------------------------------------------------------------


def test_export_every_comment_of_an_email(newsroom, story, fa_story):
    mine = make_comment(story, text="Mine, on the dam.", email="Sara@Example.org", name="Sara")
    make_comment(story, text="Someone else's.", email="other@example.org")
    also_mine = make_comment(fa_story, text="نظر من", email="sara@example.org", name="Sara")
    chief = client_for(newsroom["chief"])
    response = post(
        chief, "/newsroom/comments/people/", {"email": "sara@example.org", "action": "export"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="comments-')
    assert response["Cache-Control"] == "private, no-store"
    document = json.loads(response.content)
    assert document["email"] == "sara@example.org"
    exported = {row["id"]: row for row in document["comments"]}
    assert set(exported) == {mine.pk, also_mine.pk}
    assert exported[mine.pk]["text"] == "Mine, on the dam."
    assert exported[mine.pk]["headline"] == "Dam opens on the river"
    assert exported[also_mine.pk]["text"] == "نظر من"
    event = ModerationEvent.objects.get()
    assert (event.action, event.actor, event.note) == (
        "exported",
        newsroom["chief"],
        "2 comments of one email",
    )
    # Below chief editor: the comments on one's own editions only.
    response = post(
        client_for(newsroom["moderator"]),
        "/newsroom/comments/people/",
        {"email": "sara@example.org", "action": "export"},
    )
    assert [row["id"] for row in json.loads(response.content)["comments"]] == [mine.pk]


def test_erase_asks_first_then_erases_every_comment_of_an_email(newsroom, story):
    one = make_comment(story, text="First of mine.", email="sara@example.org")
    two = make_comment(story, text="Second of mine.", email="sara@example.org")
    other = make_comment(story, text="Not hers.", email="other@example.org")
    desk = client_for(newsroom["moderator"])
    asked = post(
        desk, "/newsroom/comments/people/", {"email": "sara@example.org", "action": "erase"}
    )
    assert asked.status_code == 200
    soup = html(asked)
    assert soup.find("h1").get_text() == "Erase 2 comments?"
    assert "First of mine." in soup.get_text() and "Not hers." not in soup.get_text()
    confirm = soup.select_one("input[name=confirm]").find_parent("form")
    assert confirm.select_one("input[name=csrfmiddlewaretoken]") is not None
    assert Comment.objects.get(pk=one.pk).text == "First of mine."  # nothing erased yet
    assert not ModerationEvent.objects.exists()

    response = post(
        desk,
        "/newsroom/comments/people/",
        {"email": "sara@example.org", "action": "erase", "confirm": "yes"},
    )
    assert response.status_code == 302
    for comment in (one, two):
        comment.refresh_from_db()
        assert (comment.status, comment.text, comment.email, comment.name) == (
            Status.DELETED,
            "",
            "",
            "",
        )
        assert comment.address_hash == "" and comment.email_hash == ""
    other.refresh_from_db()
    assert other.text == "Not hers."
    after = html(desk.get(response["Location"]))
    assert "Erased 2 comments" in after.select_one(".messages").get_text()
    events = ModerationEvent.objects.all()
    assert {(event.action, event.actor) for event in events} == {("erased", newsroom["moderator"])}
    assert len(events) == 2  # one per erased comment


# --- the moderation log --------------------------------------------------------------------------


def test_the_moderation_log_lists_who_did_what_newest_first(newsroom, story, fa_story):
    comment = make_comment(story, text="To approve.")
    persian = make_comment(fa_story, text="نظر")
    decide(client_for(newsroom["editor"]), "approve", [comment])
    decide(client_for(newsroom["chief"]), "reject", [persian], reason="Off topic")
    post(
        client_for(newsroom["moderator"]),
        "/newsroom/comments/words/",
        {"phrase": "eggs", "kind": "suspect"},
    )
    Report.objects.create(comment=comment, address_hash="z")
    ModerationEvent.objects.create(comment=comment, action="reported")

    lines = [
        [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in html(client_for(newsroom["moderator"]).get("/newsroom/comments/log/")).select(
            "table.moderation-log tbody tr"
        )
    ]
    # The English moderator: the English comment's events and those of no comment.
    assert [line[2:4] for line in lines] == [
        ["a reader", "Reported by a reader"],
        ["mo", "Word list changed"],
        ["Eddie Editor", "Approved"],
    ]
    assert lines[2][4] == f"#{comment.pk} on Dam opens on the river"
    assert lines[1][5] == "suspect: eggs"
    chief_log = html(client_for(newsroom["chief"]).get("/newsroom/comments/log/?action=rejected"))
    (line,) = chief_log.select("table.moderation-log tbody tr")
    assert "Chloe Chief" in line.get_text() and "Off topic" in line.get_text()
    audit = html(client_for(newsroom["editor"]).get("/newsroom/audit/"))
    assert audit.select_one("main a[href='/newsroom/comments/log/']") is not None


# --- every screen --------------------------------------------------------------------------------


@pytest.fixture
def comment_screens(newsroom, story):
    comment = make_comment(story, text=HOSTILE_TEXT, held_because="more than 2 links")
    reported = make_comment(story, status=Status.APPROVED, text="Reported.")
    Report.objects.create(comment=reported, address_hash="a")
    WordRule.objects.create(phrase="کتاب", kind="suspect")
    Ban.objects.create(kind="email", value_hash=email_hash("x@example.org"), reason="Abuse")
    ModerationEvent.objects.create(comment=comment, action="approved", actor=newsroom["chief"])
    chief = client_for(newsroom["chief"])
    pages = {f"comments-{n}": chief.get(path) for n, path in enumerate(SCREENS)}
    pages["comments-reject-error"] = decide(chief, "reject", [comment])
    pages["comments-erase"] = post(
        chief, "/newsroom/comments/people/", {"email": comment.email, "action": "erase"}
    )
    pages["comments-forbidden"] = client_for(newsroom["reporter"]).get(QUEUE)
    pages["comments-moderator"] = client_for(newsroom["moderator"]).get(QUEUE)
    return pages


def test_no_comment_screen_has_inline_code_and_none_is_kept(comment_screens):
    for name, response in comment_screens.items():
        soup = html(response)
        assert all(script.get("src") for script in soup.find_all("script")), name
        assert soup.find("style") is None, name
        for tag in soup.find_all(True):
            assert "style" not in tag.attrs, (name, tag.name)
            assert not [a for a in tag.attrs if a.startswith("on")], (name, tag.name)
        assert response["Cache-Control"] == "private, no-store", name
        assert soup.find("meta", {"name": "robots"})["content"].startswith("noindex"), name
        for form in soup.select("form[method=post]"):
            assert form.select_one("input[name=csrfmiddlewaretoken]"), name


def test_every_comment_screen_is_valid_html(comment_screens, tmp_path):
    command = vnu_command()
    for name, response in comment_screens.items():
        (tmp_path / f"{name}.html").write_bytes(response.content)
    files = sorted(str(path) for path in tmp_path.glob("*.html"))
    result = subprocess.run([*command, *files], capture_output=True, text=True, timeout=300)
    report = json.loads(result.stderr or '{"messages": []}')
    problems = [
        f"{m.get('url', '?').rsplit('/', 1)[-1]}:{m.get('lastLine', '?')}: {m.get('message')}"
        for m in report["messages"]
        if m.get("type") in ("error", "non-document-error")
    ]
    assert not problems, "\n".join(problems[:40])


def test_a_post_without_the_csrf_token_is_refused(newsroom, story):
    comment = make_comment(story)
    desk = client_for(newsroom["moderator"])
    response = desk.post(QUEUE, {"action": "approve", "ids": [comment.pk]})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_the_queue_costs_the_same_queries_for_three_comments_or_forty(
    newsroom, story, django_assert_max_num_queries
):
    desk = client_for(newsroom["editor"])
    for n in range(3):
        Report.objects.create(comment=make_comment(story, text=f"Few {n}."), address_hash="a")
    desk.get(QUEUE)  # the session and the like, once
    with CaptureQueriesContext(connection) as few:
        assert desk.get(QUEUE).status_code == 200
    for n in range(37):
        Report.objects.create(comment=make_comment(story, text=f"Many {n}."), address_hash="a")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(rows(desk.get(QUEUE))) == 40


# --- in a browser --------------------------------------------------------------------------------


@pytest.fixture
def moderation_desk(newsroom):
    """Comments enough to lay out: long words, Persian, hostile text, a report, a ban, a rule."""
    story = story_in(newsroom, StoryStatus.PUBLISHED, headline="Dam opens on the river")
    made = [
        make_comment(story, text=HOSTILE_TEXT, held_because="more than 2 links"),
        make_comment(story, text="A" * 300, name="Averyveryverylongnamewithoutspaces"),
        make_comment(story, text="نظر من دربارهٔ این خبر", name="سارا", email="sara@example.org"),
    ]
    reported = make_comment(story, status=Status.APPROVED, text="Reported.")
    Report.objects.create(comment=reported, address_hash="a")
    WordRule.objects.create(phrase="کتاب", kind="suspect")
    Ban.objects.create(kind="email", value_hash=email_hash("x@example.org"), reason="Abuse")
    ModerationEvent.objects.create(comment=made[0], action="reported")
    return made


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_moderator_ticks_every_comment_and_rejects_them_in_a_browser(
    live_server,
    moderation_desk,
    browser,  # noqa: F811
):
    from axe_playwright_python.sync_playwright import Axe

    base = live_server.url
    mo = Watched(browser.new_context(viewport=DESKTOP), base)
    page = mo.page
    page.goto(base + "/newsroom/login/")
    page.fill("#id_username", "mo")
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")
    page.wait_for_url(base + QUEUE)
    assert page.locator("li.comment-row").count() == 3
    page.check("#tick-all")  # newsroom.js shows the box and ticks the page with it
    assert page.locator("input[name=ids]:checked").count() == 3
    page.click("button[value=reject]")
    page.wait_for_selector("#id_reason_error")
    assert orm(lambda: set(Comment.objects.values_list("status", flat=True))) == {
        Status.PENDING,
        Status.APPROVED,
    }
    assert page.locator("input[name=ids]:checked").count() == 3  # kept
    page.fill("#id_reason", "Off topic.")
    page.click("button[value=reject]")
    page.wait_for_selector(".messages >> text=3 comments rejected.")
    assert page.locator("li.comment-row").count() == 0
    assert orm(lambda: Comment.objects.filter(status=Status.REJECTED).count()) == 3
    assert mo.problems == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]  # the refused rejection, and nothing else

    axe, reports, wide = Axe(), {}, []
    paths = [QUEUE + "?status=rejected", QUEUE + "?status=reported", *SCREENS[2:]]
    for viewport in (DESKTOP, PHONE):
        viewer = Watched(browser.new_context(viewport=viewport), base)
        viewer.page.goto(base + "/newsroom/login/")
        viewer.page.fill("#id_username", "mo")
        viewer.page.fill("#id_password", "correct horse battery")
        viewer.page.click("input[type=submit]")
        viewer.page.wait_for_url(base + QUEUE)
        for path in paths:
            viewer.page.goto(base + path)
            results = axe.run(viewer.page, options=WCAG_AA)
            if results.violations_count:
                reports[(path, viewport["width"])] = results.generate_report()
            if viewport is PHONE and not viewer.no_horizontal_scroll():
                wide.append(path)
        assert viewer.problems == []
    assert not reports, "\n".join(f"{key}:\n{report}" for key, report in reports.items())
    assert wide == []


def test_times_of_no_edition_are_on_the_clock_the_members_editions_keep(newsroom):
    """A word list's change or a ban (of no edition) was shown in UTC beside the rest of the
    log on the edition's clock; UTC stays for a newsroom whose editions keep several."""
    desk = client_for(newsroom["moderator"])
    assert (
        post(desk, "/newsroom/comments/words/", {"phrase": "spam", "kind": "banned"}).status_code
        == 302
    )
    assert (
        post(desk, "/newsroom/comments/bans/", {"email-email": "a@example.org"}).status_code == 302
    )

    def shown(client) -> tuple[str, str]:
        log = html(client.get("/newsroom/comments/log/"))
        bans = html(client.get("/newsroom/comments/bans/"))
        return (
            log.select_one("td[data-label=When] time").get_text(),
            bans.select_one("table.bans time").get_text(),
        )

    assert all(time.endswith("+0330") for time in shown(desk))  # both editions: Tehran's
    newsroom["fa"].timezone = "Europe/London"
    newsroom["fa"].save()
    assert all(time.endswith("UTC") for time in shown(client_for(newsroom["chief"])))
