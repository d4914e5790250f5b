"""Two people save the same version: one wins, the other gets the conflict screen with the
first one's changes and their own text kept. Never last-write-wins; nothing is lost."""

import pytest

from dateline.stories import actions
from dateline.stories.models import Status
from tests.newsroom.conftest import client_for, form_data, html, post, story_in

pytestmark = pytest.mark.django_db


def field(page, name) -> str:
    element = page.find(attrs={"name": name})
    if element.name == "textarea":
        return element.get_text().removeprefix("\n")  # HTML drops the first line break
    return element.get("value", "")


@pytest.fixture
def two_editors(newsroom):
    story = story_in(
        newsroom,
        Status.DRAFT,
        headline="Dam opens on the river",
        lead="Water flows through the new dam.",
        body="First paragraph.\n\nSecond paragraph.",
    )
    return story, client_for(newsroom["editor"]), client_for(newsroom["chief"])


def test_the_second_save_of_one_version_gets_the_conflict_screen(newsroom, two_editors):
    story, eddie, chloe = two_editors
    # Both open version 1.
    opened = form_data(story)
    first = post(
        eddie,
        f"/newsroom/stories/{story.pk}/",
        {**opened, "headline": "Dam opens on the Karun"},
    )
    assert first.status_code == 302
    second = post(
        chloe,
        f"/newsroom/stories/{story.pk}/",
        {
            **opened,
            "lead": "Water flows through the new dam at last.",
            "tags": "Water",
            "dateline_place": "AHVAZ",
            "dateline_date": "2026-11-30",
        },
    )
    assert second.status_code == 409
    story.refresh_from_db()
    # Eddie's save stands; Chloe's was not written over it.
    assert (story.version, story.headline, story.lead) == (
        2,
        "Dam opens on the Karun",
        "Water flows through the new dam.",
    )
    page = html(second)
    assert "Your save was not made" in page.find(role="alert").get_text()
    # A keyboard or screen reader starts at it, not at the top of a long page.
    assert page.find(autofocus=True) is page.find(role="alert")
    # What Eddie changed, word by word, with who and when.
    between = page.select_one(".changes-between").get_text(" ", strip=True)
    assert "Eddie Editor : edited, version 2" in between
    [headline_change] = page.select(".differences dd")
    assert headline_change.find("del").get_text() == "river"
    assert headline_change.find("ins").get_text() == "Karun"
    # Chloe's edit re-applied on version 2: her lead and tag, and Eddie's headline.
    form = page.find("form", id="story-form")
    assert field(form, "base_version") == "2"
    assert field(form, "headline") == "Dam opens on the Karun"
    assert field(form, "lead").strip() == "Water flows through the new dam at last."
    assert field(form, "tags") == "Water"
    assert page.select_one(".notice") is None  # no field changed by both
    # ...and exactly what she typed, beside it.
    assert "Water flows through the new dam at last." in page.select_one(".typed").get_text()
    # The date as the form holds it, in no language's words (it was "Nov. 30, 2026").
    assert "AHVAZ 2026-11-30" in page.select_one(".typed").get_text(" ", strip=True)
    # Saving the re-applied form keeps both people's work.
    again = {
        name: field(form, name)
        for name in [
            "headline",
            "dateline_place",
            "dateline_date",
            "dateline_source",
            "byline",
            "lead",
            "body",
            "tags",
            "base_version",
            "base_section",
        ]
    }
    again["section"] = form.find("select", {"name": "section"}).find("option", selected=True)[
        "value"
    ]
    response = post(chloe, f"/newsroom/stories/{story.pk}/", {**again, "action": "save"})
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.version, story.headline, story.lead) == (
        3,
        "Dam opens on the Karun",
        "Water flows through the new dam at last.",
    )
    assert [t.name for t in story.tags.all()] == ["Water"]


def test_a_field_both_changed_keeps_the_second_persons_text_and_says_so(newsroom, two_editors):
    story, eddie, chloe = two_editors
    opened = form_data(story)
    post(eddie, f"/newsroom/stories/{story.pk}/", {**opened, "lead": "Eddie's lead."})
    response = post(chloe, f"/newsroom/stories/{story.pk}/", {**opened, "lead": "Chloe's lead."})
    assert response.status_code == 409
    page = html(response)
    assert "You both changed: Lead" in page.select_one(".notice").get_text(" ", strip=True)
    assert field(page.find("form", id="story-form"), "lead").strip() == "Chloe's lead."
    assert "You both changed this" in page.find(id="id_lead_helptext").get_text()
    assert page.find(id="id_headline_helptext") is None
    diff = page.select_one(".differences dd")
    assert "Eddie's" in diff.find("ins").get_text()
    story.refresh_from_db()
    assert story.lead == "Eddie's lead."


def test_a_section_only_the_other_moved_stays_moved(newsroom, two_editors):
    story, eddie, chloe = two_editors
    opened = form_data(story)
    post(eddie, f"/newsroom/stories/{story.pk}/", {**opened, "section": newsroom["economy"].pk})
    page = html(post(chloe, f"/newsroom/stories/{story.pk}/", {**opened, "byline": "By Chloe"}))
    chosen = page.find("select", {"name": "section"}).find("option", selected=True)
    assert chosen["value"] == str(newsroom["economy"].pk)
    assert field(page.find("form", id="story-form"), "byline") == "By Chloe"


def test_a_section_both_moved_shows_theirs_in_the_changes_and_mine_as_typed(newsroom, two_editors):
    """The notice says theirs is in the changes above: it is, and what was typed is beside."""
    story, eddie, chloe = two_editors
    opened = form_data(story)
    post(eddie, f"/newsroom/stories/{story.pk}/", {**opened, "section": newsroom["economy"].pk})
    response = post(chloe, f"/newsroom/stories/{story.pk}/", {**opened, "section": ""})
    page = html(response)
    assert "You both changed: Section" in page.select_one(".notice").get_text(" ", strip=True)
    changes = {
        dt.get_text(): dd
        for dt, dd in zip(
            page.select(".differences dt"), page.select(".differences dd"), strict=True
        )
    }
    assert changes["Section"].find("ins").get_text() == "Economy"
    typed = page.select_one(".typed")
    assert [dt.get_text() for dt in typed.find_all("dt")][-1] == "Section"
    assert typed.find_all("dd")[-1].get_text() == "none"


def test_a_save_from_a_page_opened_before_publication_stops_once_to_say_so(newsroom):
    story = story_in(newsroom, Status.APPROVED, body="The first text.")
    opened = form_data(story, body="A second text, typed while it went out.")
    eddie, chloe = client_for(newsroom["editor"]), client_for(newsroom["chief"])
    assert post(eddie, f"/newsroom/stories/{story.pk}/publish/").status_code == 302
    response = post(chloe, f"/newsroom/stories/{story.pk}/", opened)
    assert response.status_code == 409
    page = html(response)
    said = page.select_one(".error-box").get_text()
    assert "published by Eddie Editor after you opened it" in said
    story.refresh_from_db()
    assert (story.version, story.body) == (1, "The first text.")
    form = page.find("form", id="story-form")
    assert field(form, "body") == "A second text, typed while it went out."
    assert field(form, "opened_public") == "True"
    again = post(chloe, f"/newsroom/stories/{story.pk}/", {**opened, "opened_public": "True"})
    assert again.status_code == 302
    story.refresh_from_db()
    assert (story.version, story.body) == (2, "A second text, typed while it went out.")


def test_published_and_saved_again_since_it_was_opened_is_one_stop(newsroom):
    """The conflict screen, whose form then saves: no second stop to say it is published."""
    story = story_in(newsroom, Status.APPROVED)
    opened = form_data(story, byline="By Chloe")
    eddie, chloe = client_for(newsroom["editor"]), client_for(newsroom["chief"])
    post(eddie, f"/newsroom/stories/{story.pk}/publish/")
    story.refresh_from_db()
    post(eddie, f"/newsroom/stories/{story.pk}/", form_data(story, headline="Dam opens at last"))
    conflict = post(chloe, f"/newsroom/stories/{story.pk}/", opened)
    assert conflict.status_code == 409
    form = html(conflict).find("form", id="story-form")
    assert field(form, "opened_public") == "True"
    again = {name: field(form, name) for name in opened if name not in ("section", "action")}
    again |= {"section": opened["section"], "action": "save"}
    assert post(chloe, f"/newsroom/stories/{story.pk}/", again).status_code == 302
    story.refresh_from_db()
    assert (story.version, story.headline, story.byline) == (3, "Dam opens at last", "By Chloe")


def test_a_correction_conflict_keeps_the_note(newsroom):
    story = story_in(newsroom, Status.PUBLISHED)
    opened = form_data(story, action="correct")
    eddie, chloe = client_for(newsroom["editor"]), client_for(newsroom["chief"])
    first = post(
        eddie,
        f"/newsroom/stories/{story.pk}/",
        {**opened, "headline": "Dam opens, officials say", "correction_note": "Attribution."},
    )
    assert first.status_code == 302
    second = post(
        chloe,
        f"/newsroom/stories/{story.pk}/",
        {**opened, "lead": "Water now flows.", "correction_note": "The lead was wrong."},
    )
    assert second.status_code == 409
    page = html(second)
    assert field(page.find("form", id="story-form"), "correction_note").strip() == (
        "The lead was wrong."
    )
    assert story.corrections.count() == 1


def test_a_save_that_does_not_name_its_base_version_is_refused(newsroom, two_editors):
    story, eddie, _ = two_editors
    data = form_data(story, lead="Whose version was this?")
    del data["base_version"]
    response = post(eddie, f"/newsroom/stories/{story.pk}/", data)
    assert response.status_code == 200
    assert "which version it was opened at" in html(response).find(role="alert").get_text()
    story.refresh_from_db()
    assert story.version == 1


def test_keywords_in_another_order_are_no_change_and_the_others_new_one_stays(
    newsroom, two_editors
):
    """Keywords are a set: typed in one order and shown in another, they were not changed, so
    the other editor's added keyword survives the re-applied save."""
    story, eddie, chloe = two_editors
    typed = post(
        eddie, f"/newsroom/stories/{story.pk}/", {**form_data(story), "tags": "Zeta, alpha, Mid"}
    )
    assert typed.status_code == 302
    story.refresh_from_db()
    opened = form_data(story)  # both open the version with the keywords, as the screen shows them
    added = post(
        eddie, f"/newsroom/stories/{story.pk}/", {**opened, "tags": f"{opened['tags']}, Dams"}
    )
    assert added.status_code == 302
    response = post(chloe, f"/newsroom/stories/{story.pk}/", {**opened, "headline": "Dam opens"})
    assert response.status_code == 409
    page = html(response)
    assert "You both changed" not in page.get_text(" ", strip=True)
    kept = {name.strip() for name in field(page.find("form", id="story-form"), "tags").split(",")}
    assert kept == {"alpha", "Mid", "Zeta", "Dams"}
    story.refresh_from_db()
    reordered = {**form_data(story), "headline": "Dam opens", "tags": "Dams, Zeta, Mid, alpha"}
    assert post(chloe, f"/newsroom/stories/{story.pk}/", reordered).status_code == 302
    history = html(eddie.get(f"/newsroom/stories/{story.pk}/history/?from=3&to=4"))
    assert [dt.get_text(strip=True) for dt in history.select(".differences dt")] == ["Headline"]


def test_a_reporters_save_after_an_editor_took_the_story_keeps_the_text(newsroom):
    story = story_in(newsroom, Status.SUBMITTED)
    opened = form_data(story, body="Twenty minutes of the reporter's new paragraphs.")
    actions.approve_story(story, by=newsroom["editor"])
    response = post(client_for(newsroom["reporter"]), f"/newsroom/stories/{story.pk}/", opened)
    assert response.status_code == 403
    page = html(response)
    assert "Not saved: Story" in page.select_one(".error-box").get_text()
    body = page.select_one("textarea[name=body]")
    assert body.get_text().strip() == "Twenty minutes of the reporter's new paragraphs."
    assert body.has_attr("readonly") and not body.has_attr("disabled")
    assert not page.select("button[value=save]")
    story.refresh_from_db()
    assert story.version == 1


def test_a_save_after_the_story_was_killed_keeps_the_text(newsroom):
    story = story_in(newsroom, Status.PUBLISHED)
    opened = form_data(story, lead="A lead typed while the chief withdrew the story.")
    actions.kill_story(story, by=newsroom["chief"], reason="Legal")
    response = post(client_for(newsroom["editor"]), f"/newsroom/stories/{story.pk}/", opened)
    assert response.status_code == 409
    lead = html(response).select_one("textarea[name=lead]")
    assert lead.get_text().strip() == "A lead typed while the chief withdrew the story."


def test_a_story_one_cannot_change_offers_no_preview_of_typing(newsroom):
    """Its fields are disabled, so the browser would send none of them: a Preview of them
    showed an empty form, each field "required". The private preview shows the story."""
    story = story_in(newsroom, Status.APPROVED)
    page = html(client_for(newsroom["reporter"]).get(f"/newsroom/stories/{story.pk}/"))
    assert page.select_one("textarea[name=lead]").has_attr("disabled")
    assert not page.select("#story-form button[value=preview]")
    link = page.select_one("#preview-pane a")
    assert link["href"] == f"/newsroom/stories/{story.pk}/preview/"


def test_a_reporters_save_after_the_story_was_published_is_not_offered_again(newsroom):
    """Saving again to change the published story is for editors: a reporter may not, and
    their text stays, read-only, with the reason."""
    story = story_in(newsroom, Status.SUBMITTED)
    opened = form_data(story, lead="The reporter's better lead.")
    actions.approve_story(story, by=newsroom["editor"])
    actions.publish_story(story, by=newsroom["editor"])
    response = post(client_for(newsroom["reporter"]), f"/newsroom/stories/{story.pk}/", opened)
    assert response.status_code == 403
    page = html(response)
    assert "an editor has it now" in page.select_one(".error-box").get_text()
    assert "Save again" not in page.get_text()
    lead = page.select_one("textarea[name=lead]")
    assert lead.get_text().strip() == "The reporter's better lead."


def test_a_base_version_beyond_any_stored_number_is_refused_not_an_error(newsroom, two_editors):
    # A crafted form: a number SQLite cannot hold must not reach the conflict screen's query.
    story, eddie, _ = two_editors
    data = {**form_data(story, headline="Dam opens on the Karun"), "base_version": str(10**20)}
    response = post(eddie, f"/newsroom/stories/{story.pk}/", data)
    assert response.status_code == 200
    story.refresh_from_db()
    assert (story.version, story.headline) == (1, "Dam opens on the river")
