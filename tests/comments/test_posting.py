"""A reader's comment from the form to the page: held, approved, answered, nested."""

import pytest
from bs4 import BeautifulSoup

from dateline.comments import moderation
from dateline.comments.models import Comment, ModerationEvent, Status
from tests.comments.conftest import form_data, page, post

pytestmark = pytest.mark.django_db


def test_the_article_page_has_the_form_under_your_comment(client, story):
    soup = page(client.get(story.get_absolute_url()))
    section = soup.select_one("section#comments")
    assert section.find("h2", string="Your Comment") is not None
    form = section.select_one("#comment-form form")
    labels = [label.get_text(strip=True) for label in form.find_all("label")]
    assert labels[:3] == ["Name", "Email", "Comment"]
    assert form.select_one("input[name=csrfmiddlewaretoken]") is None  # decision 0034
    assert form.select_one("input[name=token]")["value"]
    assert len(form.find_all("button")) == 1


def test_a_comment_waits_for_a_moderator_then_shows(client, story):
    response = post(client, story, text="First <b>thoughts</b>")
    assert response.status_code == 303
    assert response["Location"].endswith("?comment=received#comment-form")
    comment = Comment.objects.get()
    assert comment.status == Status.PENDING
    thanks = page(client.get(response["Location"]))
    assert "will appear once a moderator approves it" in thanks.select_one("#comment-form").text
    assert "First" not in thanks.select_one("#comments .comment-list, #comments .empty").text

    moderation.approve([comment.pk])
    shown = page(client.get(story.get_absolute_url()))
    text = shown.select_one(f"#c{comment.pk} .comment-text")
    assert text.get_text() == "First <b>thoughts</b>"  # escaped, as typed
    assert shown.select_one("#comments-title .comment-count").text == "(1)"
    assert ModerationEvent.objects.filter(action="approved", comment=comment).exists()
    report = shown.select_one(f"#c{comment.pk} a.report-link")["href"]
    assert report == f"/en/comments/{comment.pk}/report"
    assert "First <b>thoughts</b>" in page(client.get(report)).text


def test_a_reply_is_nested_inside_its_parent(client, story):
    post(client, story, text="Parent here")
    parent = Comment.objects.get()
    moderation.approve([parent.pk])
    replying = page(client.get(story.get_absolute_url() + f"?reply={parent.pk}"))
    line = replying.select_one("#comment-form .replying")
    assert line.get("hidden") is None
    assert line.get_text(" ", strip=True).startswith("You are replying to: Maryam")
    post(client, story, text="Child here", parent=str(parent.pk), name="Ali")
    child = Comment.objects.get(text="Child here")
    moderation.approve([child.pk])
    soup = page(client.get(story.get_absolute_url()))
    assert soup.select_one(f"#c{parent.pk} > ol.replies > #c{child.pk}") is not None


def test_deeper_replies_are_shown_flat_and_say_whom_they_answer(client, story, settings):
    settings.COMMENT_MAX_DEPTH = 2
    parent_id = None
    for n in range(4):
        extra = {"parent": str(parent_id)} if parent_id else {}
        post(client, story, text=f"Level {n}", name=f"Writer {n}", **extra)
        parent_id = Comment.objects.get(text=f"Level {n}").pk
        moderation.approve([parent_id])
    ids = {c.text: c.pk for c in Comment.objects.all()}
    soup = page(client.get(story.get_absolute_url()))
    root = soup.select_one(f"#c{ids['Level 0']}")
    assert root.select_one(f":scope > ol.replies > #c{ids['Level 1']}") is not None
    flat = root.select_one(f":scope > ol.replies > #c{ids['Level 2']}")
    assert flat is not None and "flat" in flat["class"]
    link = flat.select_one(".replying-to a")
    assert link["href"] == f"#c{ids['Level 1']}" and link.text == "Writer 1"


def test_the_cached_page_never_carries_one_readers_form_to_another(client, story):
    from django.test import Client

    post(client, story, text="", name="")  # refused: the form shows errors to this reader
    other = Client()
    soup = page(other.get(story.get_absolute_url()))
    assert soup.select_one("#comment-form .form-errors") is None
    token_a = page(client.get(story.get_absolute_url())).select_one("input[name=token]")["value"]
    token_b = soup.select_one("input[name=token]")["value"]
    assert token_a != token_b


def test_a_comment_posted_through_another_editions_address_is_refused(client, story):
    """The story is English: /fa/news/CODE/comment must not take a comment for it."""
    url = f"/fa/news/{story.code}/comment"
    response = client.post(url, form_data(story), REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_a_refused_posts_page_links_back_to_the_article_not_to_the_form(client, story):
    """The refused post's page is answered at the form's address, which takes only POST: its
    thread's reply and order links and the form's "cancel" must lead to the article."""
    for name in ("Maryam", "Ali"):
        post(client, story, text=f"Comment by {name}", name=name)
    moderation.approve(list(Comment.objects.values_list("pk", flat=True)))
    first = Comment.objects.order_by("pk").first()
    refused = post(client, story, text="", parent=str(first.pk))
    assert refused.status_code == 400
    soup = BeautifulSoup(refused.content, "html.parser")
    article = story.get_absolute_url()
    links = [
        soup.select_one(f"#c{first.pk} a.reply-link")["href"],
        soup.select_one(".comment-order a")["href"],
        soup.select_one("#comment-form a.cancel-reply")["href"],
    ]
    assert links[:2] == [
        f"{article}?reply={first.pk}#comment-form",
        f"{article}?order=newest#comments",
    ]
    assert links[2] == f"/en/news/{story.code}#comment-form"
    for link in links:
        assert client.get(link, follow=True).status_code == 200, link


@pytest.mark.parametrize("method", ["get", "head"])
def test_the_forms_address_opened_again_leads_to_the_article_not_to_a_blank_page(
    client, story, method
):
    """A refused post's page stays at the form's address (…/comment#comment-form-errors):
    opened again from the address bar or a restored tab it is a GET, which must lead to the
    article's form, not to an empty 405."""
    url = f"/{story.edition.code}/news/{story.code}/comment"
    response = getattr(client, method)(url)
    assert response.status_code == 303
    assert response["Location"] == f"/en/news/{story.code}#comment-form"
    article = client.get(response["Location"], follow=True)
    assert article.status_code == 200
    assert page(article).select_one("#comment-form form") is not None
