"""The edit screen's Translations box: editors see a story's versions, link one by news code
or by searching headlines, and unlink; refusals come back on the form; others see no form."""

import pytest

from dateline.stories import actions
from dateline.stories.models import Status, StoryChange
from tests.newsroom.conftest import client_for, html, post, story_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def persian(newsroom):
    return actions.create_story(
        edition=newsroom["fa"], headline="سد روی رودخانه باز شد", lead="آب از سد جدید گذشت."
    )


def box(response):
    """The Translations box: its heading and everything after it in the side column."""
    page = html(response)
    heading = page.find(id="translations-title")
    return heading.parent if heading else None


def edit_page(member, story, query: str = ""):
    path = f"/newsroom/stories/{story.pk}/"
    return client_for(member).get(path, {"find_translation": query} if query else {})


def test_a_chief_links_by_news_code_and_both_screens_show_it(newsroom, persian):
    english = story_in(newsroom, Status.PUBLISHED)
    chief = client_for(newsroom["chief"])
    response = post(chief, f"/newsroom/stories/{english.pk}/link/", {"link-other": persian.pk})
    assert response.status_code == 302
    shown = box(chief.get(f"/newsroom/stories/{persian.pk}/"))
    (link,) = shown.select("ul.translations a")
    assert link["href"] == f"/newsroom/stories/{english.pk}/"
    assert link.get_text() == "Dam opens on the river"
    assert "(published, on the site)" in shown.select_one("ul.translations li").get_text()
    shown = box(chief.get(f"/newsroom/stories/{english.pk}/"))
    assert shown.select_one("ul.translations a")["lang"] == "fa"
    assert shown.select_one("ul.translations a")["dir"] == "rtl"
    last = StoryChange.objects.filter(story=persian).order_by("-id").first()
    assert (last.action, last.actor) == ("linked", newsroom["chief"])


@pytest.mark.parametrize(
    ("other", "reason"),
    [
        ("self", "cannot be its own translation"),
        ("same edition", "are both in the Dateline English edition"),
        ("424242", "There is no story with news code 424242 in your editions."),
        ("-5", "greater than or equal to 1"),
        ("<script>alert(1)</script>", "Enter a whole number."),
        ("9" * 40, "less than or equal to"),
    ],
)
def test_a_refused_link_is_shown_on_the_form_and_changes_nothing(newsroom, other, reason):
    english = story_in(newsroom, Status.DRAFT)
    sibling = story_in(newsroom, Status.DRAFT, headline="Another English story")
    code = {"self": english.pk, "same edition": sibling.pk}.get(other, other)
    before = StoryChange.objects.count()
    response = post(
        client_for(newsroom["editor"]),
        f"/newsroom/stories/{english.pk}/link/",
        {"link-other": code},
    )
    assert response.status_code == 200
    errors = html(response).select("form.move-link .errorlist")
    assert reason in errors[0].get_text()
    assert html(response).find("script", string="alert(1)") is None
    assert StoryChange.objects.count() == before


def test_an_editor_of_one_edition_cannot_reach_another_editions_story(newsroom, persian):
    english = story_in(newsroom, Status.DRAFT)
    response = post(
        client_for(newsroom["editor"]),
        f"/newsroom/stories/{english.pk}/link/",
        {"link-other": persian.pk},
    )
    errors = html(response).select("form.move-link .errorlist")
    assert f"no story with news code {persian.pk} in your editions" in errors[0].get_text()
    # Linked by the chief, the English editor sees that a Persian version exists, not its words.
    actions.link_translation(english, persian.pk)
    shown = box(edit_page(newsroom["editor"], english))
    assert f"story {persian.pk}, in an edition you do not work on" in shown.get_text(" ")
    assert "سد" not in shown.get_text()


def test_search_finds_stories_of_other_editions_and_links_one(newsroom, persian):
    english = story_in(newsroom, Status.DRAFT)
    chief = newsroom["chief"]
    found = box(edit_page(chief, english, "رودخانه"))
    (candidate,) = found.select("form.translation-candidate")
    assert candidate.find("input", {"name": "link-other"})["value"] == str(persian.pk)
    assert "سد روی رودخانه باز شد" in candidate.get_text()
    # By news code too; a story of the same edition, or one linked already, is never offered.
    assert (
        len(box(edit_page(chief, english, str(persian.pk))).select("form.translation-candidate"))
        == 1
    )
    assert box(edit_page(chief, english, "Dam")).select("form.translation-candidate") == []
    response = post(client_for(chief), candidate["action"], {"link-other": persian.pk})
    assert response.status_code == 302
    assert box(edit_page(chief, english, "رودخانه")).select("form.translation-candidate") == []
    # Nor one whose group has an English version already (the link would be refused).
    actions.unlink_translation(english)
    other_english = story_in(newsroom, Status.DRAFT, headline="Another English story")
    actions.link_translation(other_english, persian.pk)
    assert box(edit_page(chief, english, "رودخانه")).select("form.translation-candidate") == []
    hostile = box(edit_page(chief, english, "<script>" + "x" * 5000))
    assert hostile.find("script") is None
    assert "No story of your other editions" in hostile.get_text()


def test_unlink_takes_the_story_out_and_only_editors_get_the_forms(newsroom, persian):
    english = story_in(newsroom, Status.DRAFT)
    actions.link_translation(english, persian.pk)
    reporter_box = box(edit_page(newsroom["reporter"], english))
    assert reporter_box.select("form") == []  # the reporter sees the link, may not change it
    assert len(reporter_box.select("ul.translations li")) == 1
    chief = client_for(newsroom["chief"])
    assert box(chief.get(f"/newsroom/stories/{english.pk}/")).select("form.move-unlink")
    response = post(chief, f"/newsroom/stories/{english.pk}/unlink/", {"unlink-note": "wrong"})
    assert response.status_code == 302
    shown = box(chief.get(f"/newsroom/stories/{english.pk}/"))
    assert shown.select("ul.translations") == []
    assert shown.select("form.move-unlink") == []  # nothing to unlink any more
    assert "Not linked" in shown.get_text()
    refused = post(client_for(newsroom["reporter"]), f"/newsroom/stories/{persian.pk}/unlink/", {})
    assert refused.status_code == 404  # a Persian story: not the English reporter's to see


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("reporter", 403),
        ("moderator", 403),
        ("nobody", 403),
        ("anonymous", 302),
        ("fa_editor", 404),  # an English story: not theirs to see
        ("editor", 302),
        ("chief", 302),
    ],
)
def test_who_may_link_through_the_screen(newsroom, person, status):
    english = story_in(newsroom, Status.DRAFT)
    other = actions.create_story(edition=newsroom["fa"], headline="خبر", lead="متن.")
    # The English editor must be able to reach the Persian story to link it.
    newsroom["editor"].editions.add(newsroom["fa"])
    member = newsroom[person]
    response = post(
        client_for(member), f"/newsroom/stories/{english.pk}/link/", {"link-other": other.pk}
    )
    assert response.status_code == status
    english.refresh_from_db()
    assert (english.translation_group_id is not None) == (status == 302 and person != "anonymous")
