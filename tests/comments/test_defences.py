"""What a comment must get past: the token, the honeypot, bans, duplicates, words, links."""

import time
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dateline.comments import moderation
from dateline.comments.defences import issue_token
from dateline.comments.models import Ban, Comment, ModerationEvent, Status
from dateline.comments.words import judge, normalise
from dateline.editions.models import CommentPolicy
from tests.comments.conftest import page, post

pytestmark = pytest.mark.django_db


def errors_of(response) -> str:
    return page_text(response, "#comment-form .form-errors")


def page_text(response, selector: str) -> str:
    found = BeautifulSoup(response.content, "html.parser").select_one(selector)
    return found.get_text(" ", strip=True) if found else ""


@pytest.fixture
def open_story(story):
    story.edition.comment_policy = CommentPolicy.POST
    story.edition.save()
    return story


def test_a_form_sent_sooner_than_the_minimum_time_is_refused(client, story, settings):
    settings.COMMENT_MIN_SECONDS = 3
    response = post(client, story, token=issue_token(story.code, story.version))
    assert response.status_code == 400
    assert "quicker than anyone can read and write" in errors_of(response)
    # What the reader typed comes back to send again, not an empty form.
    form = BeautifulSoup(response.content, "html.parser").select_one("form.comment-form")
    assert form.select_one("textarea[name=text]").get_text() == "A thoughtful comment."
    assert form.select_one("input[name=name]")["value"] == "Maryam"
    old_enough = issue_token(story.code, story.version, now=time.time() - 3.5)
    assert post(client, story, token=old_enough).status_code == 303
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "could not be checked"),
        ("forged:token", "could not be checked"),
        (None, "belongs to another story"),
    ],
)
def test_a_missing_forged_or_borrowed_token_is_refused(client, story, token, message):
    if token is None:
        token = issue_token(story.code + 1, 1, now=time.time() - 60)
    response = post(client, story, token=token)
    assert response.status_code == 400
    assert message in errors_of(response)
    assert not Comment.objects.exists()


def test_an_expired_token_asks_for_a_reload(client, story):
    response = post(client, story, token=issue_token(story.code, 1, now=time.time() - 90_000))
    assert response.status_code == 400
    assert "expired" in errors_of(response)


def test_the_honeypot_catches_form_filling_bots(client, story):
    response = post(client, story, website="http://cheap-pills.example")
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_the_same_text_twice_from_one_email_is_refused(client, story):
    assert post(client, story, text="Same words").status_code == 303
    again = post(client, story, text="  SAME   words ")
    assert again.status_code == 409
    assert "already sent this comment" in errors_of(again)
    assert post(client, story, text="Same words", email="other@example.org").status_code == 303
    assert Comment.objects.count() == 2


def test_banned_email_and_banned_address_are_refused(client, story):
    moderation.ban("email", "Troll@Example.org", reason="abuse")
    refused = post(client, story, email="troll@example.org")
    assert refused.status_code == 403
    assert "not accepted" in errors_of(refused)
    post(client, story, email="nice@example.org", ip="10.9.9.9", text="Fine")
    address = Comment.objects.get().address_hash
    moderation.ban("address", address, hashed=True)
    assert post(client, story, email="new@example.org", ip="10.9.9.9").status_code == 403
    assert post(client, story, email="new@example.org", ip="10.9.9.8").status_code == 303
    assert Ban.objects.count() == 2
    assert "10.9.9.9" not in str(list(Comment.objects.values()))  # addresses never stored


def test_banned_words_refuse_and_suspect_words_hold_in_both_languages(client, open_story):
    moderation.set_word("viagra", "banned")
    moderation.set_word("كلاهبرداری", "suspect")  # typed with an Arabic kaf
    refused = post(client, open_story, text="Buy VIÁGRA now")
    assert refused.status_code == 400
    assert "words this site does not publish" in errors_of(refused)
    held = post(client, open_story, text="این یک کلاهبرداری است")  # Persian kaf
    assert held.status_code == 303
    comment = Comment.objects.get()
    assert comment.status == Status.PENDING
    assert "suspect words" in comment.held_because
    assert post(client, open_story, text="A clean comment").status_code == 303
    assert Comment.objects.get(text="A clean comment").status == Status.APPROVED


def test_words_match_whole_words_only():
    rules = [("banned", normalise("ass"))]
    assert judge("a class act", rules).banned == ()
    assert judge("what an ASS", rules).banned == ("ass",)
    assert judge("a s s", rules).banned == ()  # spaces join Persian words' parts only


@pytest.mark.parametrize(
    "rule",
    ["كثافت‌كاري", "کثافت کاری", "کثافتکاری"],  # a half-space, a space, nothing
)
@pytest.mark.parametrize(
    "comment", ["این کار کثافت‌کاری است", "این کار کثافت کاری است", "این کار کثافتکاری است"]
)
def test_a_persian_word_matches_written_with_a_half_space_a_space_or_nothing(rule, comment):
    """Persian joins a word's parts with a half-space (ZWNJ), which writers type as a space or
    leave out: a banned word must not pass for being typed another of the three ways."""
    assert judge(comment, [("banned", normalise(rule))]).banned == (normalise(rule),)
    assert judge("این کار کثافت است", [("banned", normalise(rule))]).banned == ()


def test_phrases_of_several_words_still_match_as_before():
    rules = [("suspect", normalise("free money")), ("banned", normalise("buy now"))]
    verdict = judge("Get FREE money, buy  now!", rules)
    assert (verdict.suspect, verdict.banned) == (("free money",), ("buy now",))
    assert judge("freemoney", rules).suspect == ()  # Latin words are not joined


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("Crème BRÛLÉE", "creme brulee"),
        ("كتاب", "کتاب"),
        ("مي‌روم", "میروم"),
        ("سـلام", "سلام"),
        ("عَلَم", "علم"),
        ("۱۲۳", "123"),
    ],
)
def test_normalising_folds_case_diacritics_and_letter_variants(typed, normalised):
    assert normalise(typed) == normalised


def test_more_links_than_allowed_wait_for_review(client, open_story, settings):
    settings.COMMENT_MAX_LINKS = 2
    post(client, open_story, text="See https://a.example.com and b.org")
    post(client, open_story, text="See a.com b.org c.net")
    two, three = Comment.objects.order_by("id")
    assert two.status == Status.APPROVED
    assert three.status == Status.PENDING and "links" in three.held_because


def test_links_are_nofollow_ugc_and_nothing_else_is_markup(client, open_story):
    post(client, open_story, text='Read https://example.org/a?b=1 <a href="javascript:x">me</a>')
    soup = page(client.get(open_story.get_absolute_url()))
    text = soup.select_one(".comment-text")
    links = text.find_all("a")
    assert [(a["href"], a["rel"]) for a in links] == [
        ("https://example.org/a?b=1", ["nofollow", "ugc", "noopener"])
    ]
    assert '<a href="javascript:x">me</a>' in text.get_text()


def test_readers_report_once_per_address_and_moderators_see_it(client, open_story):
    post(client, open_story, text="Reportable")
    comment = Comment.objects.get()
    report_url = f"/en/comments/{comment.pk}/report"
    form = page(client.get(report_url))
    assert "Reportable" in form.text and form.select_one("main button").text == "Report"
    # Said what reporting is for, above its button.
    assert form.select_one("form.confirm p").text.startswith("Report this comment if it is abusive")
    for _ in range(2):
        done = client.post(report_url, REMOTE_ADDR="10.1.1.1")
        assert "A moderator will look at this comment" in done.content.decode()
    client.post(report_url, REMOTE_ADDR="10.1.1.2")
    assert comment.reports.count() == 2
    assert list(Comment.objects.reported()) == [comment]
    # A report retires no cached page: readers see nothing change.
    assert not ModerationEvent.objects.filter(action="reported").exists()
    moderation.dismiss_reports([comment.pk])
    assert not Comment.objects.reported().exists()


def test_a_pending_comment_cannot_be_reported_or_replied_to(client, story):
    post(client, story, text="Pending one")
    pending = Comment.objects.get()
    assert client.get(f"/en/comments/{pending.pk}/report").status_code == 404
    reply = post(client, story, text="A reply", parent=str(pending.pk))
    assert reply.status_code == 400
    assert "not available" in errors_of(reply)


def test_an_empty_ban_or_a_dismissal_of_nothing_changes_nothing(story):
    from dateline.stories.workflow import ActionRefused

    for kind in ("email", "address"):
        with pytest.raises(ActionRefused, match="needs the"):
            moderation.ban(kind, "  ", hashed=kind == "address")
    with pytest.raises(ActionRefused, match="no open report on comment 12345"):
        moderation.dismiss_reports([12345])
    assert not Ban.objects.exists() and not ModerationEvent.objects.exists()


def test_a_report_leaves_every_cached_page_cached(client, open_story):
    """A report changes nothing readers see: the article and the front stay kept (a kept page
    costs one query, the newest change ids; the article's form, filled per reader, none)."""
    post(client, open_story, text="Reportable")
    comment = Comment.objects.get()
    pages = [open_story.get_absolute_url(), "/en/"]
    for path in pages:
        client.get(path)
    client.post(f"/en/comments/{comment.pk}/report", REMOTE_ADDR="10.1.1.9")
    for path in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        assert len(queries) == 1, (path, [q["sql"] for q in queries])


def test_a_reader_over_the_rate_gets_back_what_they_typed_to_send_after_the_wait(
    client, story, settings
):
    settings.COMMENT_RATE = [(1, 60)]
    post(client, story, text="Parent", ip="10.5.5.7")
    parent = Comment.objects.get()
    moderation.approve([parent.pk])
    assert post(client, story, name="", ip="10.5.5.7").status_code == 429  # fixing a mistake
    typed = {"name": "Ali", "text": "A long reply, typed with care.", "notify": "on"}
    refused = post(client, story, ip="10.5.5.7", parent=str(parent.pk), **typed)
    assert refused.status_code == 429
    assert refused["Cache-Control"] == "private, no-store"  # it holds what one reader typed
    soup = BeautifulSoup(refused.content, "html.parser")
    # Said once, in the error box the page opens on (the form's action names it), as for
    # every refused post.
    box = soup.select_one("#comment-form #comment-form-errors")
    assert "Please wait" in box.get_text()
    assert (box["role"], box["tabindex"]) == ("alert", "-1")
    assert len(soup.select("[role=alert]")) == 1
    form = soup.select_one("#comment-form form")
    assert form["action"] == f"/en/news/{story.code}/comment#comment-form-errors"
    assert form.select_one("#comment-name")["value"] == "Ali"
    assert form.select_one("#comment-email")["value"] == "maryam@example.org"
    assert form.select_one("#comment-text").get_text() == "A long reply, typed with care."
    assert form.select_one("#comment-notify").has_attr("checked")
    assert form.select_one("input[name=parent]")["value"] == str(parent.pk)
    # Still the small page: no article, no thread.
    assert story.lead not in refused.content.decode()
    assert soup.select_one("#comments, .comment-list") is None

    settings.COMMENT_RATE = [(1000, 60)]  # the wait is over: the same form is accepted
    again = {field["name"]: field.get("value", "") for field in form.select("input")}
    again["text"] = form.select_one("#comment-text").get_text()
    response = client.post(form["action"].split("#")[0], again, REMOTE_ADDR="10.5.5.7")
    assert response.status_code == 303
    reply = Comment.objects.get(text="A long reply, typed with care.")
    assert (reply.name, reply.parent, reply.notify) == ("Ali", parent, True)


def test_over_the_rate_a_reader_is_told_how_long_to_wait_others_are_not(client, story, settings):
    settings.COMMENT_RATE = [(2, 60)]
    for n in range(2):
        assert post(client, story, text=f"Quick {n}", ip="10.5.5.5").status_code == 303
    refused = post(client, story, text="Quick 2", ip="10.5.5.5")
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 60
    assert f"Please wait {wait} second" in refused.content.decode()
    # Another reader (another address and email) is unaffected.
    other = post(client, story, text="Calm", ip="10.5.5.6", email="calm@example.org")
    assert other.status_code == 303
    assert Comment.objects.count() == 3


def test_waiting_the_seconds_retry_after_gives_is_always_enough(client, story, settings):
    """The limits are fixed windows ending on whole seconds; a post half a second into one is
    told to wait past the window's end, not half a second short of it."""
    settings.COMMENT_RATE = [(1, 10)]
    clock = [1_000_000.5]
    with mock.patch("django_ratelimit.core.time.time", lambda: clock[0]):
        assert post(client, story, text="First", ip="10.6.6.6").status_code == 303
        clock[0] += 0.25
        refused = post(client, story, text="Second", ip="10.6.6.6")
        assert refused.status_code == 429
        clock[0] += int(refused["Retry-After"])
        assert post(client, story, text="Second", ip="10.6.6.6").status_code != 429
