"""The edit screen's Related News box: editors see why each story is listed, pick, exclude and
clear by news code; refusals come back on the form; a reporter sees no form."""

import pytest

from dateline.discovery.related import refresh
from dateline.stories import actions
from dateline.stories.models import Status, StoryChange
from tests.newsroom.conftest import client_for, html, post, story_in

pytestmark = pytest.mark.django_db


def box(response):
    heading = html(response).find(id="related-title")
    return heading.parent if heading else None


@pytest.fixture
def listed(newsroom, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # indexed for search
        other = story_in(newsroom, Status.PUBLISHED, headline="Dam opens on the river <b>")
        story = story_in(newsroom, Status.PUBLISHED)
        # Other news, so that the two stories' shared words are telling, not everyone's.
        for subject in ("saffron harvest", "rail strike", "film festival", "tea", "wheat"):
            for n in range(3):
                story_in(newsroom, Status.PUBLISHED, headline=f"{subject} {n}", lead=subject)
    refresh(story.pk)
    return story, other


def test_an_editor_sees_why_and_picks_by_news_code(newsroom, listed):
    story, other = listed
    assert other.pk in [e.related_id for e in story.related_entries.all()]
    editor = client_for(newsroom["editor"])
    shown = box(editor.get(f"/newsroom/stories/{story.pk}/"))
    line = shown.select("ol.related-lines li")[0]
    assert line.a.get_text() == "Dam opens on the river <b>"  # escaped, shown as typed
    assert line.select_one(".why").get_text().startswith("words: ")
    assert "text 0." in line.select_one(".why").get_text()
    pick = story_in(newsroom, Status.DRAFT, headline="Background: the river's dams")
    response = post(
        editor,
        f"/newsroom/stories/{story.pk}/related/",
        {"related-other": pick.pk, "related-choice": "pick"},
    )
    assert response.status_code == 302
    lines = box(editor.get(f"/newsroom/stories/{story.pk}/")).select("ol.related-lines li")
    assert lines[0].get_text(" ", strip=True).startswith("Picked Background: the river's dams")
    assert "not on the site" in lines[0].get_text()
    last = StoryChange.objects.filter(story=story).order_by("-id").first()
    assert (last.action, last.actor) == ("related", newsroom["editor"])


@pytest.mark.parametrize(
    ("other", "choice", "reason"),
    [
        ("self", "pick", "cannot be related to itself"),
        ("killed", "pick", "is killed: it is never shown, so it cannot be picked."),
        ("424242", "exclude", "No story 424242 in the Dateline English edition."),
        ("<script>alert(1)</script>", "pick", "Enter a whole number."),
        ("9" * 40, "pick", "less than or equal to"),
        ("5", "<script>", "Select a valid choice."),
    ],
)
def test_a_refused_choice_is_shown_on_the_form(newsroom, listed, other, choice, reason):
    story, _ = listed
    editor = client_for(newsroom["editor"])
    if other == "killed":
        other = str(actions.kill_story(story_in(newsroom, Status.PUBLISHED), reason="Legal").pk)
    other = str(story.pk) if other == "self" else other
    response = post(
        editor,
        f"/newsroom/stories/{story.pk}/related/",
        {"related-other": other, "related-choice": choice},
    )
    assert response.status_code == 200
    assert reason in box(response).get_text()
    assert not StoryChange.objects.filter(story=story, action="related").exists()


def test_a_reporter_sees_the_list_but_no_form(newsroom, listed):
    story, _ = listed
    shown = box(client_for(newsroom["reporter"]).get(f"/newsroom/stories/{story.pk}/"))
    assert shown.select("ol.related-lines li")
    assert not shown.select("form.related-move")
