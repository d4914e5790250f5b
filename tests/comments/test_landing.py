"""Where a reader lands after sending a comment: a published one on the page that draws it
(a later page of threads, or its whole thread's page), with the notice; a held one on the
form, with the thanks."""

import pytest
from django.core import mail

from dateline.comments.models import Comment
from dateline.comments.threads import REPLIES_SHOWN, ROOTS_PER_PAGE, THREAD_PAGE
from dateline.stories.actions import set_comment_policy
from tests.comments.conftest import page, post
from tests.comments.test_privacy import deliver_mail
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


def test_a_reply_link_keeps_the_page_of_comments_it_is_on(client, crowded):
    """Followed without scripts, a reply link on a later page of threads, or on the newest
    first, opens that page with the form replying."""
    story, top = crowded
    url = story.get_absolute_url()
    parent = top[ROOTS_PER_PAGE + 1]
    for shown in ("cpage=2", "order=newest"):
        link = page(client.get(f"{url}?{shown}")).select_one(f"#c{top[-1].pk} a.reply-link")
        assert link["href"] == f"{url}?{shown}&reply={top[-1].pk}#comment-form"
    on_page_two = page(client.get(f"{url}?cpage=2"))
    link = on_page_two.select_one(f"#c{parent.pk} a.reply-link")["href"]
    replying = page(client.get(link))
    assert replying.select_one(f"#c{parent.pk}") is not None
    assert "You are replying to" in replying.select_one("#comment-form").get_text()
    first = page(client.get(url)).select_one(f"#c{top[0].pk} a.reply-link")["href"]
    assert first == f"{url}?reply={top[0].pk}#comment-form"


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


def test_the_mail_about_a_published_comment_links_to_the_page_that_draws_it(client, crowded):
    """ "Your comment is published" and "… replied to your comment" lead to the comment on
    the page that draws it, as the post's own redirect does: not to the first page, where a
    twenty-fifth thread or a reply past those shown is not."""
    story, top = crowded
    top[0].notify = True
    top[0].save(update_fields=["notify"])
    post(client, story, text="The twenty-fifth thread", notify="on", email="late@example.org")
    thread = Comment.objects.latest("pk")
    post(client, story, text="One reply too many", parent=str(top[0].pk), email="r@example.org")
    reply = Comment.objects.latest("pk")
    mail.outbox.clear()
    deliver_mail()
    links = {m.subject: m.body.split()[-1] for m in mail.outbox}
    published = links[f"Your comment on “{story.headline}” is published"]
    answered = links[f"{reply.name} replied to your comment"]
    url = f"http://testserver{story.get_absolute_url()}"
    assert published == f"{url}?cpage=2#c{thread.pk}"
    assert answered == f"{url}?thread={top[0].pk}#c{reply.pk}"
    for link, comment in ((published, thread), (answered, reply)):
        shown = page(client.get(link.removeprefix("http://testserver")))
        assert shown.select_one(f"#c{comment.pk} .comment-text") is not None, link


def test_the_report_page_leads_back_to_the_page_that_draws_the_comment(client, crowded):
    story, top = crowded
    later = top[ROOTS_PER_PAGE + 2]
    report = page(client.get(f"/{story.edition.code}/comments/{later.pk}/report"))
    back = report.select_one("main p a")["href"]
    assert back == f"{story.get_absolute_url()}?cpage=2#c{later.pk}"
    assert page(client.get(back)).select_one(f"#c{later.pk} .comment-text") is not None
