"""Forms turned away before any view can use them: a CSRF token that no longer counts (the
member signed in again in another tab), a form too large to read. The newsroom says what
happened in its own look and gives a story form's typed text back when it could be read; the
public site answers in the edition's language."""

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client

from dateline.stories import actions
from dateline.stories.models import Status
from tests.accounts.signing_in import newsroom_client, sign_in, signed_in
from tests.factories import make_story
from tests.newsroom.conftest import client_for, form_data, html, save_as_a_browser, story_in

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.make_member's
TYPED_BODY = "Rescuers reached the village at dawn.\n\n<script>alert(1)</script> & more"


def page_token(response) -> str:
    return html(response).find("input", {"name": "csrfmiddlewaretoken"})["value"]


@pytest.fixture
def desk():
    """A browser signed in to the newsroom as the editor, through the real form."""
    browser = newsroom_client()
    assert signed_in(sign_in(browser, "eddie", PASSWORD))
    return browser


def test_a_form_from_before_signing_in_again_says_so_and_gives_the_typed_text_back(newsroom, desk):
    story = story_in(newsroom, Status.DRAFT)
    edit = f"/newsroom/stories/{story.pk}/"
    token = page_token(desk.get(edit))
    assert signed_in(sign_in(desk, "eddie", PASSWORD))  # in another tab: a new token
    typed = form_data(story, headline="Rescuers reach the village", body=TYPED_BODY)
    typed["language"] = story.language  # the edit form's hidden field
    response = desk.post(edit, {**typed, "csrfmiddlewaretoken": token})

    assert response.status_code == 403
    assert response["Cache-Control"] == "private, no-store"
    page = html(response)
    assert page.find("h1").get_text() == "This form had expired"
    assert page.find(role="alert").get_text().startswith("Nothing was saved. The page was opened")
    assert page.find("a", class_="brand").get_text() == "Dateline newsroom"  # its own look
    body = page.find("textarea", id="typed-body")
    assert body.has_attr("readonly") and (body["lang"], body["dir"]) == ("en", "ltr")
    assert body.get_text().removeprefix("\n") == TYPED_BODY
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in response.content
    assert b"<script>alert" not in response.content
    headline = page.find("textarea", id="typed-headline").get_text().strip()
    assert headline == "Rescuers reach the village"
    assert page.find("label", attrs={"for": "typed-body"}).get_text() == "Body (Markdown)"
    story.refresh_from_db()
    assert (story.version, story.headline) == (1, "Dam opens on the river")

    # The link opens the story again with a form that counts: the text saves from there.
    reopen = page.find("a", string="Open the story again")["href"]
    assert reopen == edit
    saved = desk.post(edit, {**typed, "csrfmiddlewaretoken": page_token(desk.get(reopen))})
    assert saved.status_code == 302
    story.refresh_from_db()
    assert (story.version, story.body) == (2, TYPED_BODY)


def test_a_form_from_before_signing_out_says_so_and_gives_the_typed_text_back(newsroom, desk):
    # Signing out (in another tab) keeps the CSRF cookie: the form passes the token check and
    # must not be answered with the sign-in page, which would lose what was typed.
    story = story_in(newsroom, Status.DRAFT)
    edit = f"/newsroom/stories/{story.pk}/"
    token = page_token(desk.get(edit))
    assert desk.post("/newsroom/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    typed = {**form_data(story, body=TYPED_BODY), "language": story.language}
    response = desk.post(edit, {**typed, "csrfmiddlewaretoken": token})

    assert response.status_code == 403
    page = html(response)
    assert page.find("h1").get_text() == "This form had expired"
    assert page.find("textarea", id="typed-body").get_text().removeprefix("\n") == TYPED_BODY
    assert page.find("a", string="Open the story again")["href"] == edit
    story.refresh_from_db()
    assert story.version == 1


def test_a_new_story_sent_after_the_session_ended_gives_the_typed_text_back(newsroom, desk):
    token = page_token(desk.get("/newsroom/stories/new/"))
    desk.session.flush()  # the session outlived: twelve hours, or ended by a password change
    response = desk.post(
        "/newsroom/stories/new/",
        {
            "headline": "Rescuers reach the village",
            "lead": "At dawn.",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 403
    page = html(response)
    assert page.find("h1").get_text() == "This form had expired"
    assert page.find("textarea", id="typed-headline").get_text().strip() == (
        "Rescuers reach the village"
    )


def test_a_signed_out_visit_still_goes_to_the_sign_in_page(newsroom):
    assert Client().get("/newsroom/stories/new/")["Location"].startswith("/newsroom/login/")


def test_a_persian_storys_text_comes_back_right_to_left(newsroom):
    story = actions.create_story(
        edition=newsroom["fa"], headline="سد کرج", lead="متن.", by=newsroom["fa_editor"]
    )
    browser = client_for(newsroom["fa_editor"])
    typed = {**form_data(story, body="بارش باران در تهران"), "language": "fa"}
    response = browser.post(
        f"/newsroom/stories/{story.pk}/", {**typed, "csrfmiddlewaretoken": "not-the-token"}
    )
    assert response.status_code == 403
    body = html(response).find("textarea", id="typed-body")
    assert (body["lang"], body["dir"]) == ("fa", "rtl")
    assert body.get_text().strip() == "بارش باران در تهران"


def test_a_form_the_browser_says_came_from_elsewhere_is_named_so(newsroom, desk):
    story = story_in(newsroom, Status.DRAFT)
    edit = f"/newsroom/stories/{story.pk}/"
    token = page_token(desk.get(edit))
    response = desk.post(
        edit,
        {**form_data(story, body=TYPED_BODY), "csrfmiddlewaretoken": token},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert response.status_code == 403
    page = html(response)
    assert page.find("h1").get_text() == "This form was not accepted"
    assert "sent from another address than this site's" in page.find(role="alert").get_text()
    assert page.find("textarea", id="typed-body").get_text().removeprefix("\n") == TYPED_BODY
    story.refresh_from_db()
    assert story.version == 1


def test_a_sign_in_form_never_shows_the_password_back(newsroom):
    browser = newsroom_client()
    response = browser.post(
        "/newsroom/login/", {"username": "eddie", "password": PASSWORD, "csrfmiddlewaretoken": "x"}
    )
    assert response.status_code == 403
    page = html(response)
    assert page.find("h1").get_text() == "This form had expired"
    assert page.find("textarea") is None and PASSWORD.encode() not in response.content
    assert page.find("a", string="To the newsroom")["href"] == "/newsroom/"
    # With the page it came from named by the browser, the way back is to that page.
    again = browser.post(
        "/newsroom/login/",
        {"username": "eddie", "csrfmiddlewaretoken": "x"},
        headers={"Referer": "http://testserver/newsroom/login/?next=/newsroom/audit/"},
    )
    link = html(again).find("a", string="Open the page again")["href"]
    assert link == "http://testserver/newsroom/login/?next=/newsroom/audit/"


def test_a_public_address_gets_the_sites_page_in_the_editions_language(newsroom):
    response = Client(enforce_csrf_checks=True).post("/fa/news/1/comment-form", {"text": "سلام"})
    assert response.status_code == 403
    page = html(response)
    assert page.find("html")["lang"] == "fa"
    assert page.find("h1").get_text() == "پذیرفته نشد"
    assert "این فرم منقضی شده بود" in page.find(role="alert").get_text()


def test_a_form_too_large_to_read_is_a_413_naming_the_limits(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    browser = client_for(newsroom["reporter"])
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 200_000)
    response = save_as_a_browser(browser, story, body=body)
    assert response.status_code == 413
    assert response["Cache-Control"] == "private, no-store"
    page = html(response)
    assert page.find("h1").get_text() == "This form was too large to read"
    assert page.find(role="alert").get_text() == (
        "Nothing was saved: the form came to 4.2 MB, and the site reads at most 4 MB of one"
        " form. A story's body may be at most 1 MB (1,000,000 bytes): go back, shorten it or"
        " split the story, and save again."
    )
    story.refresh_from_db()
    assert story.version == 1


def test_a_comment_too_large_to_read_is_the_sites_page(newsroom):
    story = make_story(newsroom["fa"], headline="سد کرج", lead="سد پر شد.")
    too_large = urlencode({"text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = Client().post(
        f"/fa/news/{story.pk}/comment", too_large, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    page = html(response)
    assert page.find("h1").get_text() == "پذیرفته نشد"
    assert "بزرگ‌تر از اندازه‌ای است که این سایت می‌پذیرد" in page.find(role="alert").get_text()
