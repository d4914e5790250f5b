"""An article with a 2,000-comment thread costs the queries one with 20 comments costs, and
shows the first page of threads, with links to the rest that work: the next pages of top-level
comments (?cpage=) and the whole of a long thread (?thread=ID, 200 replies a page).

The comments are bulk-written as a moderator would have left them, all approved: 60 top-level
comments (three pages of 20), the first with 450 replies, one on the second page with 60, the
others with about 25 each, and replies at depths 1 to 4 (deeper than COMMENT_MAX_DEPTH, 3, so
the deepest are drawn flat and say whom they answer).
"""

import datetime
from urllib.parse import urljoin

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dateline.comments.models import Comment, Status
from dateline.comments.text import comment_html
from dateline.comments.threads import REPLIES_SHOWN, ROOTS_PER_PAGE, THREAD_PAGE
from tests.comments.conftest import page
from tests.factories import make_story

pytestmark = pytest.mark.django_db

ROOTS = 60
LONG_THREAD = 450  # replies of the first top-level comment: three pages of its own
LONGER_ON_PAGE_TWO = 60  # replies of the 26th top-level comment
TOTAL = 2_000
DEEPEST = 4


def write_thread(story, roots: int, replies_of) -> list[Comment]:
    """`roots` approved top-level comments on `story` and `replies_of(i)` approved replies
    under the i-th. Replies are written in rounds, one reply to each thread a round (one
    insert), so that threads interleave in id order as they do in use and every parent is
    older than its replies: reply k of a thread answers its top-level comment when k is a
    multiple of DEEPEST, else reply k - 1, so depths 1 to DEEPEST alternate. Returns the
    top-level comments."""
    at = timezone.now() - datetime.timedelta(hours=1)
    serial = iter(range(1_000_000))

    def comment(depth: int, parent=None, thread=None) -> Comment:
        n = next(serial)
        text = f"Comment number {n} at depth {depth}."
        return Comment(
            story=story,
            story_version=story.version,
            parent=parent,
            thread=thread,
            depth=depth,
            name=f"Reader {n}",
            email=f"reader{n}@example.org",
            email_hash=f"{n:064x}",
            text=text,
            text_html=comment_html(text),  # what save() writes; bulk_create does not call it
            text_hash=f"{n:064x}",
            status=Status.APPROVED,
            created_at=at,
            moderated_at=at,
        )

    top = Comment.objects.bulk_create([comment(0) for _ in range(roots)])
    Comment.objects.filter(pk__in=[c.pk for c in top]).update(thread_id=F("pk"))
    for root in top:
        root.thread_id = root.pk
    counts = [replies_of(i) for i in range(roots)]
    latest = list(top)  # each thread's latest comment
    for k in range(max(counts, default=0)):
        depth = k % DEEPEST + 1
        threads = [i for i in range(roots) if counts[i] > k]
        batch = [
            comment(depth, parent=top[i] if depth == 1 else latest[i], thread=top[i])
            for i in threads
        ]
        for i, made in zip(threads, Comment.objects.bulk_create(batch), strict=True):
            latest[i] = made
    return top


def spread(total_replies: int, roots: int, fixed: dict[int, int]):
    """Replies per top-level comment: `fixed` ones as given, the rest shared out evenly."""
    rest = total_replies - sum(fixed.values())
    others = roots - len(fixed)
    shares = [rest // others + (1 if n < rest % others else 0) for n in range(others)]
    queue = iter(shares)
    counts = [fixed[i] if i in fixed else next(queue) for i in range(roots)]
    return lambda i: counts[i]


@pytest.fixture
def big_story(editions):
    story = make_story(editions[0], headline="Thousands weigh in")
    fixed = {0: LONG_THREAD, ROOTS_PER_PAGE + 5: LONGER_ON_PAGE_TWO}
    top = write_thread(story, ROOTS, spread(TOTAL - ROOTS, ROOTS, fixed))
    assert Comment.objects.filter(story=story, status=Status.APPROVED).count() == TOTAL
    return story, top


@pytest.fixture
def small_story(editions):
    """20 comments: 5 top-level with 3 replies each, depths 1 to 3."""
    story = make_story(editions[0], headline="A few words")
    write_thread(story, 5, lambda i: 3)
    assert Comment.objects.filter(story=story).count() == 20
    return story


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


def queries_of(client, url: str) -> int:
    client.get(url)  # the site furniture is cached as in use; count what every page pays
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries)


def comments_in(soup, selector: str = "#comments > ol.comment-list > li.comment") -> list[int]:
    return [int(item["id"][1:]) for item in soup.select(selector)]


def test_a_2000_comment_thread_costs_the_queries_of_a_20_comment_one(
    client, big_story, small_story, django_assert_max_num_queries
):
    story, _top = big_story
    small = queries_of(client, small_story.get_absolute_url())
    large = queries_of(client, story.get_absolute_url())
    assert large == small
    with django_assert_max_num_queries(6):  # as the article benchmark's target
        client.get(story.get_absolute_url())
    assert queries_of(client, story.get_absolute_url() + "?cpage=3") == small
    assert queries_of(client, story.get_absolute_url() + "?order=newest") == small


def test_a_long_thread_costs_the_queries_of_a_short_one(client, big_story, small_story):
    story, top = big_story
    short_root = Comment.objects.filter(story=small_story, depth=0).first()
    short = queries_of(client, small_story.get_absolute_url() + f"?thread={short_root.pk}")
    for cpage in (1, 2, 3):
        url = story.get_absolute_url() + f"?thread={top[0].pk}&cpage={cpage}"
        assert queries_of(client, url) == short


def test_the_first_page_shows_twenty_threads_and_thirty_replies_each(client, big_story):
    story, top = big_story
    soup = page(client.get(story.get_absolute_url()))
    assert soup.select_one("#comments-title .comment-count").text == "(2000)"
    assert comments_in(soup) == [c.pk for c in top[:ROOTS_PER_PAGE]]

    first = soup.select_one(f"#c{top[0].pk}")
    assert len(first.select("li.comment")) == REPLIES_SHOWN  # nested at every depth
    more = first.select_one(":scope > p.more-replies a")
    assert more.get_text(strip=True) == "Show all replies"
    assert more["href"] == f"{story.get_absolute_url()}?thread={top[0].pk}#c{top[0].pk}"
    # Replies deeper than COMMENT_MAX_DEPTH are drawn flat and say whom they answer.
    flat = first.select("li.comment.flat")
    assert flat and all(item.select_one(".replying-to a") for item in flat)

    second = soup.select_one(f"#c{top[1].pk}")
    replies = Comment.objects.filter(thread=top[1], depth__gt=0).count()
    assert len(second.select("li.comment")) == replies < REPLIES_SHOWN
    assert second.select_one("p.more-replies") is None
    assert len(soup.select("#comments li.comment")) == ROOTS_PER_PAGE + sum(
        min(REPLIES_SHOWN, Comment.objects.filter(thread=c, depth__gt=0).count())
        for c in top[:ROOTS_PER_PAGE]
    )


def test_the_pages_of_threads_link_to_each_other(client, big_story):
    story, top = big_story
    url = story.get_absolute_url()
    soup = page(client.get(url))
    assert soup.select_one("#comments nav.pagination a[rel=prev]") is None
    seen = []
    for number in (1, 2, 3):
        seen += comments_in(soup)
        nav = soup.select_one("#comments nav.pagination")
        following = nav.select_one("a[rel=next]")
        if number == 3:
            assert following is None
            break
        assert following["href"] == f"{url}?cpage={number + 1}#comments"
        soup = page(client.get(urljoin(url, following["href"])))
        back = soup.select_one("#comments nav.pagination a[rel=prev]")
        assert back["href"] == f"{url}?cpage={number}#comments"
    assert seen == [c.pk for c in top]

    on_page_two = page(client.get(url + "?cpage=2"))
    longer = on_page_two.select_one(f"#c{top[ROOTS_PER_PAGE + 5].pk}")
    assert longer.select_one(":scope > p.more-replies a") is not None
    assert client.get(url + "?cpage=4").status_code == 404
    moved = client.get(url + "?cpage=۲&order=newest")  # typed in Persian digits
    assert (moved.status_code, moved["Location"]) == (301, f"{url}?cpage=2&order=newest")


@pytest.mark.parametrize(
    ("order", "before", "after"),
    [
        ("", "Earlier comments", "Later comments"),
        ("order=newest&", "Later comments", "Earlier comments"),
    ],
)
def test_the_page_links_say_which_way_the_comments_go(client, big_story, order, before, after):
    story, _ = big_story
    nav = page(client.get(f"{story.get_absolute_url()}?{order}cpage=2")).select_one(
        "#comments nav.pagination"
    )
    assert nav.select_one("a[rel=prev]").get_text() == before
    assert nav.select_one("a[rel=next]").get_text() == after


def test_show_all_replies_pages_through_the_whole_thread(client, big_story):
    story, top = big_story
    url = story.get_absolute_url()
    root = top[0]
    first = page(client.get(url))
    href = first.select_one(f"#c{root.pk} > p.more-replies a")["href"]
    soup = page(client.get(urljoin(url, href)))
    assert soup.select_one("#comments .thread-nav a").get_text(strip=True) == "All comments"

    expected = list(
        Comment.objects.filter(thread=root, depth__gt=0).order_by("id").values_list("pk", flat=True)
    )
    assert len(expected) == LONG_THREAD
    shown = []
    for number in (1, 2, 3):
        ids = comments_in(soup, "#comments li.comment")
        if number == 1:
            assert ids[0] == root.pk
            ids = ids[1:]
        assert len(ids) == min(THREAD_PAGE, LONG_THREAD - len(shown))
        shown += ids
        following = soup.select_one("#comments nav.pagination a[rel=next]")
        if number == 3:
            assert following is None
            break
        assert following["href"] == f"{url}?thread={root.pk}&cpage={number + 1}#comments"
        soup = page(client.get(urljoin(url, following["href"])))
    assert sorted(shown) == expected
    assert client.get(url + f"?thread={root.pk}&cpage=4").status_code == 404
