"""The role × action matrix through the screens: each workflow change as a member makes it, by
posting the screen's own form; only the allowed ones happen, and a refused one changes nothing."""

import datetime
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from dateline.stories import actions
from dateline.stories.models import Status, StoryChange, Tag
from dateline.stories.tagging import tags_for
from tests.newsroom.conftest import client_for, form_data, html, post, story_in

pytestmark = pytest.mark.django_db
Action = StoryChange.Action
TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")


def local_in_an_hour() -> str:
    """A datetime-local value an hour ahead, on the English edition's (Tehran's) clock."""
    moment = timezone.now().astimezone(TEHRAN) + datetime.timedelta(hours=1)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def wire_story(newsroom):
    """Wire copy in the Incoming queue: made by the system, no owner."""
    return actions.create_story(
        edition=newsroom["en"],
        headline="Wire: port traffic rises",
        lead="Port traffic rose.",
        source_id="reuters21578:7",
        source_name="reut2-000.sgm",
    )


def restorable(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    actions.edit_story(story, base_version=1, lead="The second version's lead.")
    story.refresh_from_db()
    return story


# Each change: how to bring a story to where it can start, and the form that asks for it.
CHANGES = {
    Action.EDITED: (
        lambda n: story_in(n, Status.DRAFT),
        lambda s: (f"/newsroom/stories/{s.pk}/", form_data(s, lead="A new lead.")),
    ),
    Action.TAKEN: (wire_story, lambda s: (f"/newsroom/stories/{s.pk}/take/", {})),
    Action.SUBMITTED: (
        lambda n: story_in(n, Status.DRAFT),
        lambda s: (f"/newsroom/stories/{s.pk}/submit/", {"submit-note": "Ready."}),
    ),
    Action.APPROVED: (
        lambda n: story_in(n, Status.SUBMITTED),
        lambda s: (f"/newsroom/stories/{s.pk}/approve/", {}),
    ),
    Action.PUBLISHED: (
        lambda n: story_in(n, Status.APPROVED),
        lambda s: (f"/newsroom/stories/{s.pk}/publish/", {}),
    ),
    Action.SCHEDULED: (
        lambda n: story_in(n, Status.APPROVED),
        lambda s: (f"/newsroom/stories/{s.pk}/schedule/", {"schedule-at": local_in_an_hour()}),
    ),
    Action.EMBARGOED: (
        lambda n: story_in(n, Status.APPROVED),
        lambda s: (f"/newsroom/stories/{s.pk}/embargo/", {"embargo-until": local_in_an_hour()}),
    ),
    Action.UNPUBLISHED: (
        lambda n: story_in(n, Status.PUBLISHED),
        lambda s: (f"/newsroom/stories/{s.pk}/unpublish/", {}),
    ),
    Action.CORRECTED: (
        lambda n: story_in(n, Status.PUBLISHED),
        lambda s: (
            f"/newsroom/stories/{s.pk}/",
            form_data(
                s, action="correct", lead="The corrected lead.", correction_note="Dam's name."
            ),
        ),
    ),
    Action.KILLED: (
        lambda n: story_in(n, Status.PUBLISHED),
        lambda s: (f"/newsroom/stories/{s.pk}/kill/", {"kill-reason": "Legal advice."}),
    ),
    Action.RESTORED: (
        restorable,
        lambda s: (f"/newsroom/stories/{s.pk}/restore/", {"version": "1"}),
    ),
}
WRITERS = {"reporter", "other_reporter", "editor", "chief"}
ALLOWED = {
    Action.EDITED: {"reporter", "editor", "chief"},
    Action.TAKEN: WRITERS,  # wire copy is nobody's yet
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


def refusal_status(person: str, action: str = "") -> int:
    if person == "anonymous" and action in (Action.EDITED, Action.CORRECTED):
        return 403  # the edit form: "This form had expired", its text shown back (test_refused)
    if person == "anonymous":
        return 302  # to the sign-in page
    if person == "fa_editor":
        return 404  # another edition's story: not even its existence
    return 403


def snapshot(story):
    story.refresh_from_db()
    return (story.status, story.version, story.owner_id, story.lead, story.changes.count())


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("action", list(CHANGES))
def test_role_by_action_matrix_through_the_screens(newsroom, action, person):
    prepare, ask = CHANGES[action]
    story = prepare(newsroom)
    before = snapshot(story)
    member = newsroom[person]
    path, data = ask(story)
    response = post(client_for(member), path, data)
    if person in ALLOWED[action]:
        assert response.status_code == 302, html(response).find(role="alert")
        last = story.changes.order_by("-id").first()
        assert (last.action, last.actor) == (action, member)
        assert snapshot(story) != before
    else:
        assert response.status_code == refusal_status(person, action)
        if response.status_code == 302:
            assert response["Location"].startswith("/newsroom/login/")
        assert snapshot(story) == before


def test_the_edit_screen_offers_only_the_moves_the_member_may_make(newsroom):
    story = story_in(newsroom, Status.SUBMITTED)

    def buttons(person) -> set[str]:
        page = html(client_for(newsroom[person]).get(f"/newsroom/stories/{story.pk}/"))
        moves = {form["action"].rstrip("/").rsplit("/", 1)[1] for form in page.select("form.move")}
        if page.find("button", {"value": "save"}):
            moves.add("save")
        return moves

    assert buttons("reporter") == {"save"}
    editor_moves = {"save", "approve", "publish", "schedule", "embargo", "comments"}
    assert buttons("editor") == editor_moves
    assert buttons("chief") == editor_moves | {"kill"}
    # Another reporter sees the story, read-only, with no button at all.
    page = html(client_for(newsroom["other_reporter"]).get(f"/newsroom/stories/{story.pk}/"))
    assert page.select("form.move") == []
    assert page.find("textarea", {"name": "lead"}).has_attr("disabled")


def test_each_buttons_note_is_labelled_with_its_button(newsroom):
    """A screen reader listing the form's fields hears which note goes with which button."""
    story = story_in(newsroom, Status.SUBMITTED)
    page = html(client_for(newsroom["chief"]).get(f"/newsroom/stories/{story.pk}/"))
    labels = {}
    for form in page.select("form.move"):
        note = form.find("textarea", {"name": lambda name: name and name.endswith("-note")})
        note = note or form.find("input", {"name": lambda name: name and name.endswith("-note")})
        if note is not None:
            labels[form.find("button", type="submit").get_text(strip=True)] = page.find(
                "label", {"for": note["id"]}
            ).get_text(strip=True)
    assert labels["Approve"] == "Approve: note (optional)"
    assert labels["Publish now"] == "Publish now: note (optional)"
    assert len(set(labels.values())) == len(labels) >= 4


def test_a_schedule_is_read_on_the_editions_clock(newsroom):
    story = story_in(newsroom, Status.APPROVED)
    year = timezone.now().year + 2
    post(
        client_for(newsroom["editor"]),
        f"/newsroom/stories/{story.pk}/schedule/",
        {"schedule-at": f"{year}-03-01T09:30"},
    )
    story.refresh_from_db()
    assert story.status == Status.SCHEDULED
    # 09:30 in Tehran (UTC+03:30) is 06:00 UTC.
    assert story.published_at == datetime.datetime(year, 3, 1, 6, 0, tzinfo=datetime.UTC)


def test_an_embargo_refusing_publication_is_named_on_the_editions_clock(newsroom):
    until = (timezone.now() + datetime.timedelta(hours=10)).replace(microsecond=0)
    story = story_in(newsroom, Status.APPROVED, hold_until=until)  # a partner's embargo
    response = post(client_for(newsroom["editor"]), f"/newsroom/stories/{story.pk}/publish/")
    refusal = html(response).select_one("form.move-publish .errorlist").get_text()
    tehran = until.astimezone(TEHRAN).strftime("%Y-%m-%d %H:%M")
    assert f"under embargo until {tehran} (UTC+03:30):" in refusal
    story.refresh_from_db()
    assert story.status == Status.APPROVED


def test_a_refused_button_is_named_at_the_top_of_the_page(newsroom):
    """Beside the button is far below the form on a phone: the page opens on a summary that
    names the button and links each problem to its field."""
    approved = story_in(newsroom, Status.APPROVED)
    response = post(
        client_for(newsroom["editor"]),
        f"/newsroom/stories/{approved.pk}/schedule/",
        {"schedule-at": "2001-01-01T09:00"},
    )
    summary = html(response).select_one("#move-problems")
    assert summary["role"] == "alert" and summary.has_attr("autofocus")
    assert "Not done: “Schedule”." in summary.get_text()
    (link,) = summary.select("li a")
    assert (link["href"], link.get_text()) == ("#id_schedule-at", "Publish at")
    assert "has passed: choose a later time" in link.parent.get_text()
    page = html(client_for(newsroom["editor"]).get(f"/newsroom/stories/{approved.pk}/"))
    assert not page.select("#move-problems")


def test_a_buttons_address_opened_again_leads_to_the_story(newsroom):
    """A refused button leaves its POST address in the address bar; opened again (Enter in
    the address bar, a bookmark) it is the story's page, not a blank 405."""
    story = story_in(newsroom, Status.SUBMITTED)
    chief = client_for(newsroom["chief"])
    response = post(chief, f"/newsroom/stories/{story.pk}/schedule/", {"schedule-at": ""})
    assert response.status_code == 200  # refused, shown on the edit page at that address
    for method in ("get", "head"):
        again = getattr(chief, method)(f"/newsroom/stories/{story.pk}/schedule/")
        assert (again.status_code, again["Location"]) == (302, f"/newsroom/stories/{story.pk}/")
    assert chief.get(f"/newsroom/stories/{story.pk}/no-such-move/").status_code == 403
    signed_out = Client().get(f"/newsroom/stories/{story.pk}/schedule/")
    assert signed_out.status_code == 302 and "/login/" in signed_out["Location"]


def test_a_correction_note_saved_with_save_is_not_dropped(newsroom):
    """Save makes no correction: a note typed in its box would be lost, and readers would see
    the changed story with no word of it. Nothing is saved; the note and the text stay."""
    published = story_in(newsroom, Status.PUBLISHED)
    response = post(
        client_for(newsroom["editor"]),
        f"/newsroom/stories/{published.pk}/",
        form_data(published, lead="The toll is 12.", correction_note="It said 21."),
    )
    page = html(response)
    assert response.status_code == 200
    assert "Press “Save as correction”" in page.find(id="id_correction_note_error").get_text()
    assert page.select_one("#form-problems a[href='#id_correction_note']")
    assert page.find("textarea", {"name": "correction_note"}).get_text().strip() == "It said 21."
    assert page.find("textarea", {"name": "lead"}).get_text().strip() == "The toll is 12."
    published.refresh_from_db()
    assert (published.version, published.corrections.count()) == (1, 0)


def test_enter_in_a_published_storys_form_saves_rather_than_corrects(newsroom):
    """Enter in a one-line field (the byline) sends the form with its first submit button in
    the page's order (HTML's implicit submission): that must be Save, not Save as correction,
    which refuses a form with no note. The conflict screen's form too."""
    published = story_in(newsroom, Status.PUBLISHED)
    editor = client_for(newsroom["editor"])
    edit = f"/newsroom/stories/{published.pk}/"
    stale = {**form_data(published, lead="Theirs."), "base_version": published.version}
    assert post(editor, edit, form_data(published, lead="Mine.")).status_code == 302
    for page in (html(editor.get(edit)), html(post(editor, edit, stale))):
        buttons = page.find("form", id="story-form").select("button[type=submit]")
        assert buttons[0]["value"] == "save"
        assert "correct" in [button["value"] for button in buttons]


def test_errors_are_shown_on_the_form_and_nothing_changes(newsroom):
    editor = client_for(newsroom["editor"])
    approved = story_in(newsroom, Status.APPROVED)
    # A time that has passed: the action's own message, on the field.
    response = post(
        editor, f"/newsroom/stories/{approved.pk}/schedule/", {"schedule-at": "2001-01-01T09:00"}
    )
    assert response.status_code == 200
    errors = html(response).select("form.move-schedule .errorlist")
    # Named on the edition's clock, as a person reads a time, not in ISO 8601.
    assert "2001-01-01 09:00 (UTC+03:30) has passed: choose a later time" in errors[0].get_text()
    # Not a time at all.
    response = post(editor, f"/newsroom/stories/{approved.pk}/embargo/", {"embargo-until": "soon"})
    assert html(response).select("form.move-embargo .errorlist")
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED
    # A kill without a reason (the chief's form).
    published = story_in(newsroom, Status.PUBLISHED)
    response = post(
        client_for(newsroom["chief"]),
        f"/newsroom/stories/{published.pk}/kill/",
        {"kill-reason": " "},
    )
    assert html(response).select("form.move-kill .errorlist")
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED
    # A correction without a note.
    response = post(
        editor,
        f"/newsroom/stories/{published.pk}/",
        form_data(published, action="correct", lead="Changed.", correction_note=""),
    )
    assert response.status_code == 200
    note_errors = html(response).find(id="id_correction_note_error")
    assert "needs a note" in note_errors.get_text()
    assert html(response).find("textarea", {"name": "lead"}).get_text().strip() == "Changed."
    # An empty headline, from the action's check.
    draft = story_in(newsroom, Status.DRAFT)
    response = post(editor, f"/newsroom/stories/{draft.pk}/", form_data(draft, headline=""))
    assert html(response).find(id="id_headline_error")
    assert snapshot(published)[1] == 1 and snapshot(draft)[1] == 1


def test_an_illegal_move_is_a_plain_message(newsroom):
    story = story_in(newsroom, Status.PUBLISHED)
    response = post(client_for(newsroom["editor"]), f"/newsroom/stories/{story.pk}/approve/")
    assert response.status_code == 409
    refusal = html(response).find(role="alert")
    assert refusal.get_text(strip=True) == f"Story {story.pk} is published: it cannot be approved."
    assert refusal.has_attr("autofocus") and refusal["tabindex"] == "-1"


def test_a_stale_button_with_a_form_at_fault_is_refused_for_the_state_not_shown_nothing(newsroom):
    """Schedule pressed, with a time that has passed, on a page opened before another editor
    published the story: the state is what refuses it. The form's own error concerned a
    button the page no longer has, so the screen said nothing at all."""
    story = story_in(newsroom, Status.PUBLISHED)
    response = post(
        client_for(newsroom["editor"]),
        f"/newsroom/stories/{story.pk}/schedule/",
        {"schedule-at": "2001-01-01T09:00"},
    )
    assert response.status_code == 409
    assert html(response).find(role="alert").get_text(strip=True) == (
        f"Story {story.pk} is published: it cannot be scheduled."
    )
    # A button the member never has, sent without its reason: the role refuses it.
    response = post(
        client_for(newsroom["reporter"]), f"/newsroom/stories/{story.pk}/kill/", {"kill-reason": ""}
    )
    assert response.status_code == 403
    assert html(response).find(role="alert").get_text() == (
        "rita (reporter) may not make the change 'Killed'."
    )


def test_publishing_an_embargoed_story_names_the_embargo_and_how_to_bring_it_forward(newsroom):
    """Published for the wire, not on the site: "is published: it cannot be published" was
    the refusal, from a page opened before the embargo or a second tab."""
    until = (timezone.now() + datetime.timedelta(hours=10)).replace(microsecond=0)
    story = actions.embargo_story(story_in(newsroom, Status.APPROVED), until=until)
    response = post(client_for(newsroom["editor"]), f"/newsroom/stories/{story.pk}/publish/")
    assert response.status_code == 409
    tehran = until.astimezone(TEHRAN).isoformat(timespec="seconds")  # the edition's clock
    assert html(response).find(role="alert").get_text(strip=True) == (
        f"Story {story.pk} is embargoed until {tehran}: it goes on the site then by itself"
        " (subscribers have it already). To put it there sooner, embargo it again with an"
        " earlier time."
    )
    story.refresh_from_db()
    assert (story.status, story.embargo_until) == (Status.PUBLISHED, until)
    # Other refusals name it embargoed too, not "published".
    response = post(client_for(newsroom["editor"]), f"/newsroom/stories/{story.pk}/approve/")
    refusal = html(response).find(role="alert").get_text(strip=True)
    assert refusal == f"Story {story.pk} is embargoed until {tehran}: it cannot be approved."


def test_a_refusal_is_a_403_page_with_the_reason(newsroom):
    story = story_in(newsroom, Status.SUBMITTED)
    response = post(client_for(newsroom["reporter"]), f"/newsroom/stories/{story.pk}/approve/")
    assert response.status_code == 403
    reason = html(response).find(role="alert").get_text()
    assert reason == "rita (reporter) may not make the change 'Approved'."


def test_an_unknown_move_is_refused(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    response = post(client_for(newsroom["chief"]), f"/newsroom/stories/{story.pk}/release/")
    assert response.status_code == 403
    assert story.changes.count() == 1


def test_a_post_without_the_csrf_token_is_refused(newsroom):
    story = story_in(newsroom, Status.SUBMITTED)
    response = client_for(newsroom["editor"]).post(f"/newsroom/stories/{story.pk}/approve/")
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.status == Status.SUBMITTED


def test_saving_unchanged_text_makes_no_version(newsroom):
    story = story_in(newsroom, Status.DRAFT, tags=[])
    response = post(
        client_for(newsroom["editor"]), f"/newsroom/stories/{story.pk}/", form_data(story)
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.version == 1


def test_line_breaks_as_browsers_send_them_are_stored_as_plain_newlines(newsroom):
    story = story_in(newsroom, Status.DRAFT, body="One.\n\nTwo.", tags=[])
    editor = client_for(newsroom["editor"])
    crlf = form_data(story, body="One.\r\n\r\nTwo.", lead=story.lead + "\r\n")
    assert post(editor, f"/newsroom/stories/{story.pk}/", crlf).status_code == 302
    story.refresh_from_db()
    assert story.version == 1  # the same text: no new version
    split = form_data(story, body="One.\r\n\r\nTwo,\r\n\r\nthree.")
    assert post(editor, f"/newsroom/stories/{story.pk}/", split).status_code == 302
    story.refresh_from_db()
    assert (story.version, story.body) == (2, "One.\n\nTwo,\n\nthree.")
    # A new paragraph break alone is a change too.
    broken = form_data(story, body="One.\n\nTwo,\n\n\n\nthree.")
    post(editor, f"/newsroom/stories/{story.pk}/", broken)
    story.refresh_from_db()
    assert story.version == 3


def test_an_edit_saves_every_field_through_the_action(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    data = form_data(
        story,
        headline="Dam opens  early",
        dateline_place="Isfahan",
        dateline_date="2026-11-20",
        dateline_source="IRNA",
        byline="Rita R.",
        body="New body.\n\n## Sub\n\nMore.",
        tags="Water, Dams، آب",
        section=newsroom["economy"].pk,
    )
    response = post(client_for(newsroom["reporter"]), f"/newsroom/stories/{story.pk}/", data)
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.version == 2
    assert (story.headline, story.dateline_place, story.dateline_source, story.byline) == (
        "Dam opens early",
        "Isfahan",
        "IRNA",
        "Rita R.",
    )
    assert story.dateline_date == datetime.date(2026, 11, 20)
    assert "<h2>Sub</h2>" in story.body_html
    assert [t.name for t in story.tags.order_by("pk")] == ["Water", "Dams", "آب"]
    assert story.section == newsroom["economy"]
    assert story.changes.order_by("-id").first().actor == newsroom["reporter"]


def test_a_section_of_another_edition_is_refused(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    response = post(
        client_for(newsroom["chief"]),
        f"/newsroom/stories/{story.pk}/",
        form_data(story, section=newsroom["fa_world"].pk, lead="Changed."),
    )
    assert response.status_code == 200
    assert html(response).find(id="id_section_error")
    assert snapshot(story)[1] == 1


def test_taking_over_a_members_draft_names_them_and_ones_own_is_not_offered(newsroom):
    """An editor may take a reporter's draft (the roles table), but the button says whose it
    is: the reporter's work does not change hands unseen."""
    story = story_in(newsroom, Status.DRAFT)  # the reporter's

    def take_button(person):
        page = html(client_for(newsroom[person]).get(f"/newsroom/stories/{story.pk}/"))
        form = page.select_one("form.move-take")
        return form.find("button").get_text(strip=True) if form else None

    reporter = newsroom["reporter"]
    owner_name = reporter.byline or reporter.get_full_name() or reporter.get_username()
    assert take_button("editor") == f"Take over from {owner_name}"
    assert take_button("reporter") is None  # theirs already
    actions.take_story(story, by=newsroom["editor"])
    assert take_button("editor") is None


def test_taking_from_a_screen_opened_before_someone_else_took_it_is_refused(newsroom):
    """Two editors press Take on the same wire copy in Incoming: the second does not take it
    from the first unawares, and an editor's Take over is from the member it named."""
    story = wire_story(newsroom)
    incoming = html(client_for(newsroom["editor"]).get("/newsroom/incoming/"))
    form = incoming.select_one(f"form[action='/newsroom/stories/{story.pk}/take/']")
    sent = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}
    assert sent["take-owner"] == "none"
    chief = client_for(newsroom["chief"])
    assert post(chief, f"/newsroom/stories/{story.pk}/take/", sent).status_code == 302
    response = post(client_for(newsroom["editor"]), f"/newsroom/stories/{story.pk}/take/", sent)
    assert response.status_code == 409
    assert f"Story {story.pk} was taken up by Chloe Chief meanwhile" in html(response).get_text()
    story.refresh_from_db()
    assert story.owner == newsroom["chief"]
    # Taken over from the member the screen named: done.
    page = html(client_for(newsroom["editor"]).get(f"/newsroom/stories/{story.pk}/"))
    over = page.select_one("form.move-take input[name=take-owner]")["value"]
    assert over == str(newsroom["chief"].pk)
    editor = client_for(newsroom["editor"])
    response = post(editor, f"/newsroom/stories/{story.pk}/take/", {"take-owner": over})
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.owner == newsroom["editor"]


def test_a_keyword_over_the_tag_limit_is_named_not_cut_short(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    long_keyword = "Sanctions " * 13  # 130 characters, over the 120 a tag holds
    response = post(
        client_for(newsroom["chief"]),
        f"/newsroom/stories/{story.pk}/",
        form_data(story, tags=f"Water, {long_keyword}", lead="Changed."),
    )
    assert response.status_code == 200
    error = html(response).find(id="id_tags_error").get_text(" ", strip=True)
    assert error.startswith("A keyword is at most 120 characters;")
    assert "has 129." in error  # as the form reads it: spaces at its ends trimmed
    assert snapshot(story)[1] == 1


def test_more_keywords_than_a_story_carries_are_refused_and_no_tag_made(newsroom):
    from dateline.stories.models import Tag

    story = story_in(newsroom, Status.DRAFT)
    tags_before = Tag.objects.count()
    response = post(
        client_for(newsroom["chief"]),
        f"/newsroom/stories/{story.pk}/",
        form_data(story, tags=",".join(f"k{n}" for n in range(101)), lead="Changed."),
    )
    assert response.status_code == 200
    error = html(response).find(id="id_tags_error").get_text(" ", strip=True)
    assert error.startswith("101 keywords: a story carries at most 100.")
    assert snapshot(story)[1] == 1
    assert Tag.objects.count() == tags_before
    hundred = ",".join(f"k{n}" for n in range(100))
    response = post(
        client_for(newsroom["chief"]),
        f"/newsroom/stories/{story.pk}/",
        form_data(story, tags=hundred, lead="Changed."),
    )
    assert response.status_code == 302
    assert story.tags.count() == 100


@pytest.mark.parametrize(
    ("keyword", "said"),
    [
        ("😀", "The keyword “😀” has no letter or digit"),
        ("---", "The keyword “---” has no letter or digit"),
        ("!!!", "The keyword “!!!” has no letter or digit"),
        ("\u200b", "made only of invisible characters"),  # not "“​”", which reads as empty
        ("\u200f\u2060", "made only of invisible characters"),
        # Each named, not the first alone.
        ("!!!, 🙂", "The keywords “!!!”, “🙂” have no letter or digit"),
        ("---, \u200b", "“---” has no letter or digit a tag could be named by. A keyword between"),
        (", ".join("!" * n for n in range(1, 8)), "“!!!!!” and 2 more have no letter"),
    ],
)
def test_a_keyword_no_tag_can_be_made_of_is_named_and_nothing_saved(newsroom, keyword, said):
    story = story_in(newsroom, Status.DRAFT)
    response = post(
        client_for(newsroom["chief"]),
        f"/newsroom/stories/{story.pk}/",
        form_data(story, tags=f"Water, {keyword}"),
    )
    assert response.status_code == 200
    error = html(response).find(id="id_tags_error").get_text(" ", strip=True)
    assert said in error
    assert snapshot(story)[1] == 1


def test_a_keyword_typed_in_another_spelling_of_its_tag_is_no_change(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    actions.edit_story(story, base_version=1, tags=tags_for([("keyword", "Caspian Sea")]))
    before = snapshot(story)
    response = post(
        client_for(newsroom["chief"]),
        f"/newsroom/stories/{story.pk}/",
        form_data(story, tags="caspian  sea"),
    )
    assert response.status_code == 302
    assert snapshot(story) == before


def test_a_partners_subject_with_commas_in_its_name_stays_one_tag(newsroom):
    """The form shows a story's tags separated by commas: saved again, a subject such as IPTC's
    "arts, culture, entertainment and media" must not come back as three new keywords."""
    story = story_in(newsroom, Status.DRAFT)
    subjects = [("topic", "arts, culture, entertainment and media"), ("topic", "museum")]
    actions.edit_story(story, base_version=1, tags=tags_for(subjects))
    before = snapshot(story)
    editor = client_for(newsroom["editor"])
    response = post(editor, f"/newsroom/stories/{story.pk}/", form_data(story))
    assert response.status_code == 302
    assert snapshot(story) == before  # nothing changed, nothing saved
    typed = "museum, Arts,culture,  entertainment and media, Vienna"
    post(editor, f"/newsroom/stories/{story.pk}/", form_data(story, body="More.", tags=typed))
    names = sorted(story.tags.values_list("name", flat=True))
    assert names == ["Vienna", "arts, culture, entertainment and media", "museum"]
    # Typed apart, they are keywords of their own.
    story.refresh_from_db()
    post(editor, f"/newsroom/stories/{story.pk}/", form_data(story, tags="arts, culture"))
    assert sorted(story.tags.values_list("name", flat=True)) == ["arts", "culture"]


def test_a_tag_renamed_in_the_admin_stays_the_keyword_its_name_is_typed_as(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    actions.edit_story(story, base_version=1, tags=tags_for([("keyword", "Budget")]))
    chief = client_for(newsroom["chief"])
    budget = Tag.objects.get()
    renamed = {"name": "State Budget", "slug": "budget", "vocabulary": "keyword"}
    admin_form = f"/newsroom/admin/stories/tag/{budget.pk}/change/"
    assert post(chief, admin_form, renamed).status_code == 302
    before = snapshot(story)
    for typed in ("State Budget", "state budget"):
        response = post(chief, f"/newsroom/stories/{story.pk}/", form_data(story, tags=typed))
        assert response.status_code == 302
        assert snapshot(story) == before, typed  # nothing changed, nothing saved
    post(chief, f"/newsroom/stories/{story.pk}/", form_data(story, tags="state budget, Water"))
    assert sorted(story.tags.values_list("slug", flat=True)) == ["budget", "water"]
    assert not Tag.objects.filter(slug="state-budget").exists()
    assert tags_for([("keyword", "state  budget")]) == [budget]  # on any story, by its name


def test_a_keyword_told_apart_from_a_tag_by_punctuation_only_is_a_tag_of_its_own(newsroom):
    """A story tagged "C++" given the keyword "C#" (both slugs are "c") has a new keyword: a
    new version, a new tag at an address of its own, not the tag "C++" again."""
    story = story_in(newsroom, Status.DRAFT)
    actions.edit_story(story, base_version=1, tags=tags_for([("keyword", "C++")]))
    chief = client_for(newsroom["chief"])
    response = post(chief, f"/newsroom/stories/{story.pk}/", form_data(story, tags="C#"))
    assert response.status_code == 302
    assert list(story.tags.values_list("slug", "name")) == [("c-2", "C#")]
    assert sorted(Tag.objects.values_list("slug", "name")) == [("c", "C++"), ("c-2", "C#")]
    story.refresh_from_db()
    post(chief, f"/newsroom/stories/{story.pk}/", form_data(story, tags="c#, c++"))
    assert sorted(story.tags.values_list("slug", flat=True)) == ["c", "c-2"]
    assert Tag.objects.count() == 2


def test_a_headline_is_measured_once_its_spaces_are_collapsed(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    typed = "Word  " * 52  # 312 characters typed, 259 stored
    response = post(
        client_for(newsroom["chief"]),
        f"/newsroom/stories/{story.pk}/",
        form_data(story, headline=typed),
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == " ".join(["Word"] * 52)
    too_long = post(
        client_for(newsroom["chief"]),
        f"/newsroom/stories/{story.pk}/",
        form_data(story, headline="Word " * 61),
    )
    error = html(too_long).find(id="id_headline_error").get_text(" ", strip=True)
    assert error == "The headline is 304 characters long; 300 is the limit."


def test_a_new_story_is_created_as_the_members_draft(newsroom):
    browser = client_for(newsroom["reporter"])
    page = html(browser.get("/newsroom/stories/new/"))
    # A reporter of the English edition is offered that edition only.
    assert [o.get_text() for o in page.find("select", {"name": "edition"}).find_all("option")] == [
        "Dateline English"
    ]
    data = {
        "edition": newsroom["en"].pk,
        "headline": "Rain returns",
        "lead": "Rain fell on Tehran.",
        "body": "More rain is due.",
        "tags": "Weather",
        "section": newsroom["world"].pk,
        "action": "create",
    }
    response = post(browser, "/newsroom/stories/new/", data)
    assert response.status_code == 302
    story = newsroom["en"].stories.get(headline="Rain returns")
    assert response["Location"] == f"/newsroom/stories/{story.pk}/"
    assert (story.status, story.owner, story.section) == (
        Status.DRAFT,
        newsroom["reporter"],
        newsroom["world"],
    )
    # Another edition than one's own is not a choice.
    response = post(browser, "/newsroom/stories/new/", {**data, "edition": newsroom["fa"].pk})
    assert html(response).find(id="id_edition_error")
    assert newsroom["fa"].stories.count() == 0


def test_an_editor_closes_a_storys_comments_from_its_edit_screen(newsroom):
    story = story_in(newsroom, Status.PUBLISHED)
    editor = client_for(newsroom["editor"])
    page = html(editor.get(f"/newsroom/stories/{story.pk}/"))
    select = page.select_one("form.move[action$='/comments/'] select[name='comments-policy']")
    assert [o["value"] for o in select.find_all("option")] == ["", "pre", "post", "closed"]
    response = post(
        editor,
        f"/newsroom/stories/{story.pk}/comments/",
        {"comments-policy": "closed", "comments-note": "Legal asked"},
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.comment_policy == "closed"
    last = story.changes.order_by("-id").first()
    assert (last.action, last.actor, last.note) == ("comments", newsroom["editor"], "Legal asked")
    public = client_for(None).get(story.get_absolute_url()).content.decode()
    assert "Comments on this story are closed." in public


def test_keywords_typed_with_arabic_or_persian_letters_are_one_tag(newsroom):
    """An Arabic keyboard types ك and ي where Persian has ک and ی: the same keyword either way
    is one tag, named as it was first written."""
    browser = client_for(newsroom["fa_editor"])
    for headline, tags in (("اوپک تولید را کم کرد", "اوپک, ایران"), ("نشست اوپک", "اوپك, ايران")):
        data = {
            "edition": newsroom["fa"].pk,
            "headline": headline,
            "lead": "خبر کوتاه.",
            "body": "",
            "tags": tags,
            "section": newsroom["fa_world"].pk,
            "action": "create",
        }
        assert post(browser, "/newsroom/stories/new/", data).status_code == 302
    first, second = newsroom["fa"].stories.order_by("pk")
    assert list(first.tags.order_by("pk")) == list(second.tags.order_by("pk"))
    assert sorted(Tag.objects.values_list("slug", "name")) == [("اوپک", "اوپک"), ("ایران", "ایران")]
