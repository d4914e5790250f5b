"""The public comment forms carry no CSRF token (decision 0034): a post a browser sends from
another site is refused by its Sec-Fetch-Site and Origin; a post with neither header (not a
browser's) meets the other defences. CSRF stays on everywhere else."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from dateline.comments import moderation
from dateline.comments.models import Comment, Status
from dateline.comments.notifications import delete_token
from tests.comments.conftest import form_data, post

pytestmark = pytest.mark.django_db

REFUSED = "This form was sent from another site, so it was not accepted."
SAME_ORIGIN = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}


def browser(**headers) -> Client:
    """A client that, like the production middleware, enforces CSRF: no test shortcut."""
    return Client(enforce_csrf_checks=True, headers=headers)


def alert(response) -> str:
    return BeautifulSoup(response.content, "html.parser").select_one("[role=alert]").text


def comment_url(story) -> str:
    return f"/{story.edition.code}/news/{story.code}/comment"


@pytest.mark.parametrize(
    "headers",
    [
        SAME_ORIGIN,
        {"Sec-Fetch-Site": "same-origin"},
        {"Origin": "http://testserver"},
        {},  # not a browser: no forgery rides on a reader's session, the form token still holds
    ],
    ids=["origin and fetch metadata", "fetch metadata", "origin", "neither"],
)
def test_a_post_from_the_site_itself_is_accepted(story, headers):
    assert post(browser(**headers), story).status_code == 303
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://ads.testserver"},
        {"Origin": "https://evil.example"},  # a browser without Fetch Metadata
        {"Origin": "https://testserver"},  # the right host, the wrong scheme
        {"Origin": "null"},  # a sandboxed frame or a data: page
        # A forged Origin beside an honest Sec-Fetch-Site is still refused.
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "same-origin"},
    ],
    ids=[
        "cross-site",
        "fetch metadata only",
        "same-site",
        "origin only",
        "scheme",
        "null",
        "mixed",
    ],
)
def test_a_post_from_another_site_is_refused(story, headers):
    response = post(browser(**headers), story)
    assert response.status_code == 403
    assert REFUSED in alert(response)
    assert "private" in response["Cache-Control"]
    assert not Comment.objects.exists()


def test_a_trusted_origin_is_accepted_with_its_scheme(story, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://news.example.org"]
    ok = post(
        browser(Origin="https://news.example.org", **{"Sec-Fetch-Site": "same-origin"}), story
    )
    assert ok.status_code == 303
    assert post(browser(Origin="http://news.example.org"), story).status_code == 403


def test_the_refusal_is_in_the_editions_language(editions):
    from tests.factories import make_story

    story = make_story(editions[1], headline="مذاکرات", language="fa")
    response = post(browser(**{"Sec-Fetch-Site": "cross-site"}), story)
    assert response.status_code == 403
    assert "از سایت دیگری فرستاده شده" in alert(response)


def test_report_and_delete_posts_are_checked_the_same_way(client, story):
    post(client, story, text="Reportable")
    comment = Comment.objects.get()
    moderation.approve([comment.pk])
    report = f"/en/comments/{comment.pk}/report"
    delete = f"/comments/delete/{delete_token(comment)}"
    cross = browser(Origin="https://evil.example", **{"Sec-Fetch-Site": "cross-site"})
    assert cross.post(report).status_code == 403
    assert cross.post(delete).status_code == 403
    assert comment.reports.count() == 0
    assert Comment.objects.get().status == Status.APPROVED
    assert browser(**SAME_ORIGIN).post(report).status_code == 200
    assert comment.reports.count() == 1
    assert browser(**SAME_ORIGIN).post(delete).status_code == 200
    assert Comment.objects.get().status == Status.DELETED


def test_the_forms_hold_no_csrf_token_and_set_no_cookie(story):
    reader = browser()
    post(reader, story, text="Reportable")
    comment = Comment.objects.get()
    moderation.approve([comment.pk])
    paths = [
        story.get_absolute_url(),
        story.get_absolute_url() + f"?reply={comment.pk}",
        f"/en/comments/{comment.pk}/report",
        f"/comments/delete/{delete_token(comment)}",
        f"/en/news/{story.code}/comment-form?v={story.version}",
    ]
    for path in paths:
        response = reader.get(path)
        assert response.status_code == 200, path
        assert b"csrfmiddlewaretoken" not in response.content, path
        assert not response.cookies, path
        assert "Set-Cookie" not in response, path


def test_the_newsroom_keeps_its_csrf_token(story):
    from tests.factories import make_member

    make_member("eddie", "editor")
    login = browser(**SAME_ORIGIN).post("/newsroom/login/", {"username": "eddie", "password": "x"})
    assert login.status_code == 403  # no token: refused by CsrfViewMiddleware


def test_a_cross_site_post_counts_against_no_rate_limit(story, settings):
    """Refused before the post is read: a flood from another site stores and counts nothing."""
    settings.COMMENT_RATE = [(1, 60)]
    cross = browser(**{"Sec-Fetch-Site": "cross-site"})
    for _ in range(3):
        assert cross.post(comment_url(story), form_data(story)).status_code == 403
    assert post(browser(**SAME_ORIGIN), story).status_code == 303
