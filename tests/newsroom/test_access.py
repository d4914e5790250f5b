"""Who may open which screen: the roles are checked on the server, screen by screen."""

import pytest
from django.contrib.auth import get_user_model

from dateline.stories.models import Status, Tag
from dateline.stories.tagging import tags_for
from tests.newsroom.conftest import client_for, html, post, story_in

pytestmark = pytest.mark.django_db


def story_screens(code: int) -> list[str]:
    return [
        "/newsroom/",
        "/newsroom/incoming/",
        "/newsroom/scheduled/",
        "/newsroom/audit/",
        "/newsroom/stories/new/",
        f"/newsroom/stories/{code}/",
        f"/newsroom/stories/{code}/history/",
        f"/newsroom/stories/{code}/preview/",
    ]


def test_the_anonymous_are_sent_to_the_sign_in_page(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    browser = client_for(None)
    for path in [*story_screens(story.pk), "/newsroom/password/"]:
        response = browser.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"/newsroom/login/?next={path}", path


@pytest.mark.parametrize("person", ["moderator", "nobody"])
def test_members_without_a_writing_role_are_refused_every_story_screen(newsroom, person):
    story = story_in(newsroom, Status.DRAFT)
    browser = client_for(newsroom[person])
    for path in story_screens(story.pk):
        response = browser.get(path)
        assert response.status_code == 403, path
        assert "no newsroom role for stories" in html(response).find(role="alert").get_text()
        assert html(response).select("nav.nav") == []  # no links to screens they cannot open
    # ...and every write, with nothing written.
    for path in [
        f"/newsroom/stories/{story.pk}/submit/",
        f"/newsroom/stories/{story.pk}/presence/",
        "/newsroom/preview/",
    ]:
        assert post(browser, path).status_code == 403, path
    assert story.changes.count() == 1


def test_a_deactivated_member_is_refused(newsroom):
    editor = newsroom["editor"]
    browser = client_for(editor)
    editor.is_active = False
    editor.save()
    # An inactive account's session no longer authenticates: back to the sign-in page.
    assert browser.get("/newsroom/")["Location"].startswith("/newsroom/login/")


@pytest.mark.parametrize("person", ["reporter", "editor", "chief"])
def test_writers_open_every_screen(newsroom, person):
    story = story_in(newsroom, Status.DRAFT)
    browser = client_for(newsroom[person])
    for path in story_screens(story.pk):
        response = browser.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "private, no-store", path
        if not path.endswith("/preview/"):  # the preview has the public page's look
            assert html(response).select_one("nav.nav a[href='/newsroom/incoming/']"), path


def test_a_story_of_another_edition_is_not_found(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    browser = client_for(newsroom["fa_editor"])
    for path in story_screens(story.pk)[5:]:
        assert browser.get(path).status_code == 404, path
    assert post(browser, f"/newsroom/stories/{story.pk}/approve/").status_code == 404
    # Nor is it listed anywhere.
    assert story.headline not in browser.get("/newsroom/").content.decode()


def test_comment_moderators_and_members_without_a_role_may_change_their_password(newsroom):
    browser = client_for(newsroom["moderator"])
    assert browser.get("/newsroom/password/").status_code == 200


def test_signing_out_is_a_post(newsroom):
    browser = client_for(newsroom["editor"])
    assert browser.get("/newsroom/logout/").status_code == 405
    assert browser.get("/newsroom/").status_code == 200
    response = post(browser, "/newsroom/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/newsroom/login/"
    assert browser.get("/newsroom/").status_code == 302


# --- the admin ----------------------------------------------------------------------------------


def test_the_admin_lives_under_the_newsroom_and_sends_strangers_to_the_newsroom_sign_in(db):
    response = client_for(None).get("/newsroom/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/newsroom/admin/login/?next=/newsroom/admin/"
    response = client_for(None).get("/newsroom/admin/login/?next=/newsroom/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/newsroom/login/?next=/newsroom/admin/"


@pytest.mark.parametrize("person", ["reporter", "editor", "moderator", "nobody"])
def test_the_admin_is_refused_to_all_but_chief_editors(newsroom, person):
    member = newsroom[person]
    member.is_staff = True  # Django's staff flag alone opens nothing
    member.save()
    browser = client_for(member)
    for path in ["/newsroom/admin/", "/newsroom/admin/stories/section/"]:
        response = browser.get(path, follow=True)
        assert response.status_code == 403, path
        assert "for chief editors" in response.content.decode()


def test_a_chief_editor_manages_sections_editions_mappings_and_staff(newsroom):
    chief = newsroom["chief"]
    assert not chief.is_superuser and not chief.is_staff
    browser = client_for(chief)
    index = browser.get("/newsroom/admin/")
    assert index.status_code == 200
    for path in [
        "/newsroom/admin/stories/section/",
        "/newsroom/admin/stories/sectionmapping/",
        "/newsroom/admin/editions/edition/",
        "/newsroom/admin/accounts/user/",
        f"/newsroom/admin/editions/edition/{newsroom['en'].pk}/change/",
    ]:
        assert browser.get(path).status_code == 200, path
    response = post(
        browser,
        "/newsroom/admin/stories/section/add/",
        {"edition": newsroom["en"].pk, "name": "Sport", "slug": "sport", "position": 3},
    )
    assert response.status_code == 302
    assert newsroom["en"].sections.filter(slug="sport").exists()


def test_a_tags_slug_typed_in_the_admin_is_folded_as_tags_are_looked_up(newsroom):
    """A slug typed with the Arabic kaf would be a tag whose page no address reaches (every
    spelling is moved to "اوپک"); it is stored folded, and a folded twin is refused."""
    browser = client_for(newsroom["chief"])
    add = "/newsroom/admin/stories/tag/add/"
    typed = {"name": "اوپك", "slug": "اوپـك", "vocabulary": "org"}
    assert post(browser, add, typed).status_code == 302
    assert list(Tag.objects.values_list("slug", "name")) == [("اوپک", "اوپك")]
    refused = post(browser, add, {**typed, "slug": "اوپک"})
    assert "already exists" in html(refused).find(class_="errorlist").get_text()
    assert Tag.objects.count() == 1


def test_a_tag_named_in_the_admin_is_the_keyword_of_its_name_and_no_other_tags(newsroom):
    """A tag is its name's keyword (case, spaces and letter forms aside), whatever its slug:
    "C#" made in the admin is what the newsroom's "c#" finds (not "C++", of the slug "c"), and
    a name another tag has already is refused, whatever slug it is given."""
    (cpp,) = tags_for([("keyword", "C++")])
    browser = client_for(newsroom["chief"])
    add = "/newsroom/admin/stories/tag/add/"
    made = post(browser, add, {"name": "C#", "slug": "csharp", "vocabulary": "keyword"})
    assert made.status_code == 302
    (csharp,) = tags_for([("keyword", "c#")])
    assert (csharp.slug, csharp.name) == ("csharp", "C#")
    refused = post(browser, add, {"name": " c++", "slug": "cpp", "vocabulary": "keyword"})
    assert "C++" in html(refused).find(class_="errorlist").get_text()
    renamed = {"name": "C++", "slug": "csharp", "vocabulary": "keyword"}
    refused = post(browser, f"/newsroom/admin/stories/tag/{csharp.pk}/change/", renamed)
    assert "C++" in html(refused).find(class_="errorlist").get_text()
    assert sorted(Tag.objects.values_list("slug", "name")) == [("c", "C++"), ("csharp", "C#")]
    assert tags_for([("keyword", "C++")]) == [cpp]


def test_a_chief_editor_gives_a_member_a_role_and_editions_but_no_django_powers(newsroom):
    chief, member = newsroom["chief"], newsroom["nobody"]
    browser = client_for(chief)
    page = browser.get(f"/newsroom/admin/accounts/user/{member.pk}/change/")
    assert page.status_code == 200
    form = html(page)
    assert form.find("select", {"name": "role"}) is not None
    assert form.find("select", {"name": "editions"}) is not None
    assert form.find("input", {"name": "is_superuser"}) is None  # shown, not editable
    data = {
        "username": member.username,
        "role": "editor",
        "editions": [newsroom["en"].pk, newsroom["fa"].pk],
        "byline": "Nora N.",
        "is_active": "on",
        "is_superuser": "on",  # ignored: read-only for a chief editor
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
    }
    response = post(browser, f"/newsroom/admin/accounts/user/{member.pk}/change/", data)
    assert response.status_code == 302, html(response).find(class_="errorlist")
    member.refresh_from_db()
    assert member.role == "editor"
    assert set(member.editions.values_list("code", flat=True)) == {"en", "fa"}
    assert not member.is_superuser


def test_a_chief_editor_does_not_see_superusers(newsroom):
    root = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 20)
    browser = client_for(newsroom["chief"])
    listing = browser.get("/newsroom/admin/accounts/user/").content.decode()
    assert "root" not in listing
    assert browser.get(f"/newsroom/admin/accounts/user/{root.pk}/change/").status_code == 302
    assert browser.get(f"/newsroom/admin/accounts/user/{root.pk}/password/").status_code == 404
