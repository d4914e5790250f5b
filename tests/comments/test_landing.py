"""Where a reader lands after sending a comment: a published one on the page that draws it
(a later page of threads, or its whole thread's page), with the notice; a held one on the
form, with the thanks."""

import pytest

from dateline.comments.models import Comment
from dateline.comments.threads import REPLIES_SHOWN, ROOTS_PER_PAGE, THREAD_PAGE
from dateline.stories.actions import set_comment_policy
from tests.comments.conftest import page, post
from tests.comments.test_thread_scale import write_thread

pytestmark = pytest.mark.django_db

PUBLISHED = "Thank you. Your comment is published."


@pytest.fixture
def post_moderated(story):
    set_comment_policy(story, "post")  # what `dateline story comments CODE post` does
    return story


@pytest.fixture
def crowded(post_moderated):
    """A story with a page of threads and four more; the first thread has as many replies as
    are shown under it."""
    top = write_thread(post_moderated, ROOTS_PER_PAGE + 4, lambda i: REPLIES_SHOWN if i == 0 else 0)
    return post_moderated, top


def landing(client, response):
    """The page a post's redirect leads to, and the comment the post stored."""
    assert response.status_code == 303
    return page(client.get(response["Location"])), Comment.objects.latest("pk")


def notice(soup) -> str:
    return soup.select_one("#comment-form").get_text(" ", strip=True)


def test_the_first_comment_lands_on_the_article_itself(client, post_moderated):
    response = post(client, post_moderated, text="First to write")
    soup, comment = landing(client, response)
    url = post_moderated.get_absolute_url()
    assert response["Location"] == f"{url}?comment=published#c{comment.pk}"
    assert soup.select_one(f"#c{comment.pk} .comment-text").get_text() == "First to write"
    assert PUBLISHED in notice(soup)


def test_a_new_thread_past_the_first_page_lands_on_its_page(client, crowded):
    story, _top = crowded
    response = post(client, story, text="The twenty-fifth thread")
    soup, comment = landing(client, response)
    assert response["Location"].endswith(f"?cpage=2&comment=published#c{comment.pk}")
    assert soup.select_one(f"#c{comment.pk} .comment-text").get_text() == "The twenty-fifth thread"
    assert PUBLISHED in notice(soup)
    assert page(client.get(story.get_absolute_url())).select_one(f"#c{comment.pk}") is None


def test_a_reply_on_a_later_page_of_threads_lands_on_that_page(client, crowded):
    story, top = crowded
    parent = top[ROOTS_PER_PAGE + 1]
    response = post(client, story, text="Answering page two", parent=str(parent.pk))
    soup, comment = landing(client, response)
    assert response["Location"].endswith(f"?cpage=2&comment=published#c{comment.pk}")
    assert soup.select_one(f"#c{parent.pk} > ol.replies > #c{comment.pk}") is not None
    assert PUBLISHED in notice(soup)


def test_a_reply_past_those_shown_under_its_thread_lands_on_the_whole_thread(client, crowded):
    story, top = crowded
    response = post(client, story, text="One reply too many", parent=str(top[0].pk))
    soup, comment = landing(client, response)
    assert response["Location"].endswith(f"?thread={top[0].pk}&comment=published#c{comment.pk}")
    assert soup.select_one(f"#c{comment.pk} .comment-text").get_text() == "One reply too many"
    assert PUBLISHED in notice(soup)
    article = page(client.get(story.get_absolute_url()))
    assert article.select_one(f"#c{top[0].pk}") is not None
    assert article.select_one(f"#c{comment.pk}") is None


def test_a_reply_past_a_page_of_its_whole_thread_lands_on_the_next(client, post_moderated):
    (root,) = write_thread(post_moderated, 1, lambda i: THREAD_PAGE)
    response = post(client, post_moderated, text="Reply on page two", parent=str(root.pk))
    soup, comment = landing(client, response)
    assert response["Location"].endswith(
        f"?thread={root.pk}&cpage=2&comment=published#c{comment.pk}"
    )
    assert soup.select_one(f"#c{comment.pk} .comment-text").get_text() == "Reply on page two"
    assert PUBLISHED in notice(soup)


def test_a_held_comment_lands_on_the_form_whatever_the_thread(client, crowded):
    story, top = crowded
    set_comment_policy(story, "pre")
    for fields in ({"text": "Held thread"}, {"text": "Held reply", "parent": str(top[0].pk)}):
        response = post(client, story, **fields)
        soup, _comment = landing(client, response)
        assert response["Location"] == f"{story.get_absolute_url()}?comment=received#comment-form"
        assert "will appear once a moderator approves it" in notice(soup)
