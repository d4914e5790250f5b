"""Comment threads as a page shows them: a page of top-level comments with their replies,
nested as deep as COMMENT_MAX_DEPTH allows, in a bounded number of queries however long the
thread (three for an article: the count, the top-level page, the replies).

A page can draw hundreds of comments, so what it draws are `Shown` rows read straight from
the cursor (the few columns a page needs, the text as stored HTML), not model instances: in
this module, building instances cost more than drawing them.
"""

import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.db.models import Count, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from dateline.comments.models import Comment, Status
from dateline.site.pagination import page_number
from dateline.stories.compiled import Compiled
from dateline.stories.models import Story

ROOTS_PER_PAGE = 20
# Replies shown under each top-level comment on the article page; the rest are a link away.
REPLIES_SHOWN = 30
# Replies a page of one whole thread shows (`?thread=ID`).
THREAD_PAGE = 200
SHOWN = (Status.APPROVED, Status.DELETED)  # a deleted comment shows as a note if answered
# A top-level comment no longer shown whose approved replies still are: drawn as a note.
TAKEN_DOWN = (Status.DELETED, Status.REJECTED, Status.SPAM)
TABLE = Comment._meta.db_table
# What a page draws of a comment, and of the comment it answers (to say whom a reply answers).
_COLUMNS = (
    "c.id, c.story_version, c.parent_id, c.thread_id, c.depth, c.name, c.text_html, c.status,"
    " c.created_at, p.name AS parent_name, p.status AS parent_status"
)
_FROM = f"{TABLE} c LEFT OUTER JOIN {TABLE} p ON p.id = c.parent_id"


class Shown:
    """A comment as a thread draws it, and where: the comments drawn inside it (`children`);
    when it is not drawn inside the comment it answers (too deep, or that comment is not on
    this page), `shown_flat`, with whom it answers and where that comment is."""

    __slots__ = (
        "children",
        "created_at",
        "depth",
        "id",
        "more_replies",
        "name",
        "parent_id",
        "parent_name",
        "parent_status",
        "replying_to",
        "replying_to_id",
        "shown_flat",
        "status",
        "story_version",
        "text_html",
        "thread_id",
    )

    def __init__(self, row: tuple):
        (
            self.id,
            self.story_version,
            self.parent_id,
            self.thread_id,
            self.depth,
            self.name,
            self.text_html,
            self.status,
            created_at,
            self.parent_name,
            self.parent_status,
        ) = row[:11]
        self.created_at = _aware(created_at)
        self.children: list[Shown] = []
        self.replying_to: str | None = None
        self.replying_to_id: int | None = None
        self.shown_flat = False
        self.more_replies = False


@functools.cache
def _datetime_converters() -> tuple:
    column = Comment._meta.get_field("created_at").cached_col
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    return tuple((converter, column) for converter in converters)


def _aware(value):
    """What the ORM would make of a `created_at` read by hand (on SQLite, an aware datetime
    from naive text)."""
    for converter, column in _datetime_converters():
        value = converter(value, column, connection)
    return value


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass
class ThreadPage:
    nodes: list[Shown]
    number: int
    has_next: bool
    order: str
    thread: int | None = None  # the top-level comment when one thread is shown

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def approved_count_of(story_code) -> Coalesce:
    """An expression: the number of approved comments of story `story_code` (an OuterRef),
    so that the article's own query brings its count."""
    approved = Comment.objects.filter(story=story_code, status=Status.APPROVED)
    return Coalesce(Subquery(approved.values("story").annotate(n=Count("id")).values("n")), 0)


def approved_counts(story_ids: list[int]) -> dict[int, int]:
    """Approved comments per story, for the stories of a list page: one query."""
    if not story_ids:
        return {}
    return dict(_APPROVED_COUNTS.rows(stories=list(story_ids)))


_APPROVED_COUNTS = Compiled(  # built and compiled once (decision 0039)
    lambda stories: (
        Comment.objects.filter(story_id__in=stories, status=Status.APPROVED)
        .values("story_id")
        .annotate(n=Count("id"))
        .values_list("story_id", "n")
    )
)


# The top-level comments of a story that pages show (parameters: `_shown_root_params`): approved
# ones, and those taken down (deleted, rejected, spam) that still have an approved reply
# (rejecting a thread's first comment must not hide the approved replies the count still
# counts). Shared by the pages (`_roots`) and by the question which page shows a comment
# (`where_shown`), so that the two cannot disagree.
_SHOWN_ROOT = (
    "c.story_id = %s AND c.depth = 0 AND (c.status = %s OR c.status IN (%s, %s, %s)"  # noqa: S608  (names are ours; values are parameters)
    f" AND EXISTS (SELECT 1 FROM {TABLE} r WHERE r.thread_id = c.id AND r.status = %s))"
)


def _shown_root_params(story_id: int) -> list:
    return [story_id, Status.APPROVED, *TAKEN_DOWN, Status.APPROVED]


def _roots(story: Story, order: str, start: int, count: int) -> list[Shown]:
    """Top-level comments a page shows (`_SHOWN_ROOT`), `count` from `start` in `order`."""
    sql = (
        f"SELECT {_COLUMNS} FROM {_FROM} WHERE {_SHOWN_ROOT}"  # noqa: S608  (names are ours; values are parameters)
        f" ORDER BY c.id {'DESC' if order == 'newest' else 'ASC'} LIMIT %s OFFSET %s"
    )
    params = [*_shown_root_params(story.pk), count, start]
    return [Shown(row) for row in _rows(sql, params)]


def _first_replies(roots: list[Shown]) -> tuple[list[Shown], set[int]]:
    """The first REPLIES_SHOWN replies of each thread, with the name and status of the comment
    each answers, in id order (a window function, which SQLite and PostgreSQL both run); and
    the threads that have more (one more reply is read to tell)."""
    threads = ", ".join(["%s"] * len(roots))
    sql = (
        f"SELECT * FROM (SELECT {_COLUMNS},"  # noqa: S608  (names are ours; values are parameters)
        " ROW_NUMBER() OVER (PARTITION BY c.thread_id ORDER BY c.id) AS reply_rank"
        f" FROM {_FROM} WHERE c.thread_id IN ({threads}) AND c.depth > 0"
        " AND c.status IN (%s, %s)) ranked WHERE reply_rank <= %s ORDER BY 1"
    )
    params = [*(root.id for root in roots), *SHOWN, REPLIES_SHOWN + 1]
    shown, cut = [], set()
    for row in _rows(sql, params):
        if row[-1] <= REPLIES_SHOWN:
            shown.append(Shown(row))
        else:
            cut.add(row[3])  # its thread
    return shown, cut


def article_thread(
    story: Story, raw_page: str | None, order: str | None, approved: int | None = None
) -> ThreadPage:
    """A page of `story`'s threads. `approved`, the story's count of approved comments when
    the caller read it already: with none, the first page is empty without a query (nothing
    approved to show, and no comment taken down that an approved reply keeps on the page)."""
    order = "newest" if order == "newest" else "oldest"
    number = page_number(raw_page, ROOTS_PER_PAGE)
    if approved == 0 and number == 1:
        return ThreadPage([], number, False, order)
    roots = _roots(story, order, (number - 1) * ROOTS_PER_PAGE, ROOTS_PER_PAGE + 1)
    if not roots and number > 1:
        raise Http404("No such page of comments")
    has_next = len(roots) > ROOTS_PER_PAGE
    roots = roots[:ROOTS_PER_PAGE]
    replies, cut = _first_replies(roots) if roots else ([], set())
    nodes = build(roots, replies)
    for node in nodes:
        node.more_replies = node.id in cut
    return ThreadPage(nodes, number, has_next, order)


def single_thread(story: Story, root_id: str, raw_page: str | None) -> ThreadPage:
    """One top-level comment and its replies, `THREAD_PAGE` replies a page."""
    if not root_id.isascii() or not root_id.isdigit() or len(root_id) > 18:
        raise Http404("No such thread")
    root = _rows(
        f"SELECT {_COLUMNS} FROM {_FROM}"  # noqa: S608  (names are ours; values are parameters)
        " WHERE c.id = %s AND c.story_id = %s AND c.depth = 0 AND c.status IN (%s, %s, %s, %s)",
        [int(root_id), story.pk, Status.APPROVED, *TAKEN_DOWN],
    )
    if not root:
        raise Http404("No such thread")
    number = page_number(raw_page, THREAD_PAGE)
    replies = _rows(
        f"SELECT {_COLUMNS} FROM {_FROM}"  # noqa: S608  (names are ours; values are parameters)
        " WHERE c.thread_id = %s AND c.depth > 0 AND c.status IN (%s, %s)"
        " ORDER BY c.id LIMIT %s OFFSET %s",
        [int(root_id), *SHOWN, THREAD_PAGE + 1, (number - 1) * THREAD_PAGE],
    )
    if not replies and number > 1:
        raise Http404("No such page of comments")
    has_next = len(replies) > THREAD_PAGE
    roots = [Shown(root[0])] if number == 1 else []
    nodes = build(roots, [Shown(row) for row in replies[:THREAD_PAGE]])
    return ThreadPage(nodes, number, has_next, "oldest", thread=int(root_id))


def shown_at(comment: Comment) -> str:
    """`where_shown` as the query part of an address: "?cpage=2", or "" for the first page."""
    query = where_shown(comment)
    return f"?{urlencode(query)}" if query else ""


def where_shown(comment: Comment) -> dict[str, str]:
    """The query (`thread`, `cpage`) of the article page that draws `comment`, approved, in the
    order a page takes when none is asked for (oldest first); empty for the first page.

    A top-level comment is on the page of threads its place among them falls on; a reply
    among the first REPLIES_SHOWN of its thread is on its top-level comment's page, and a
    later one only on the pages of its whole thread (`?thread=`), THREAD_PAGE replies a page.
    """
    if comment.depth > 0:
        earlier_replies = _rows(
            f"SELECT COUNT(*) FROM {TABLE}"  # noqa: S608  (names are ours; values are parameters)
            " WHERE thread_id = %s AND depth > 0 AND status IN (%s, %s) AND id < %s",
            [comment.thread_id, *SHOWN, comment.pk],
        )[0][0]
        if earlier_replies >= REPLIES_SHOWN:
            page = earlier_replies // THREAD_PAGE + 1
            return {"thread": str(comment.thread_id), **({"cpage": str(page)} if page > 1 else {})}
    earlier_roots = _rows(
        f"SELECT COUNT(*) FROM {TABLE} c WHERE {_SHOWN_ROOT} AND c.id < %s",  # noqa: S608  (names are ours; values are parameters)
        [*_shown_root_params(comment.story_id), comment.thread_id],  # a thread's id: its root's
    )[0][0]
    page = earlier_roots // ROOTS_PER_PAGE + 1
    return {"cpage": str(page)} if page > 1 else {}


def build(roots: list[Shown], replies: list[Shown]) -> list[Shown]:
    """Nest `replies` (in id order, so every parent comes before its replies) under `roots`.

    A reply is drawn inside the comment it answers while the depth allows; deeper, it is drawn
    inside the nearest comment above it that may still hold replies, and says whom it answers.
    A reply whose comment is not on the page (removed, or on another page) goes under its
    top-level comment, or at the top of the page, saying the same.
    A comment taken down with nothing drawn inside it is left out.
    """
    max_depth = settings.COMMENT_MAX_DEPTH
    by_id: dict[int, Shown] = {root.id: root for root in roots}
    holder_of: dict[int, Shown | None] = dict.fromkeys(by_id)  # what a comment is drawn inside
    top: list[Shown] = list(roots)
    for reply in replies:
        by_id[reply.id] = reply
        parent = by_id.get(reply.parent_id)
        if parent is None:
            reply.shown_flat = True
            if reply.parent_status == Status.APPROVED:
                reply.replying_to, reply.replying_to_id = reply.parent_name, reply.parent_id
            holder = by_id.get(reply.thread_id)
        else:
            holder = parent
            while holder is not None and holder.depth >= max_depth - 1:
                holder = holder_of[holder.id]
            if holder is not parent:
                reply.shown_flat = True
                if parent.status == Status.APPROVED:
                    reply.replying_to, reply.replying_to_id = parent.name, parent.id
        holder_of[reply.id] = holder
        (holder.children if holder is not None else top).append(reply)
    return _drop_empty_taken_down(top)


def _drop_empty_taken_down(nodes: list[Shown]) -> list[Shown]:
    kept = []
    for node in nodes:
        node.children = _drop_empty_taken_down(node.children)
        if node.status == Status.APPROVED or node.children:
            kept.append(node)
    return kept
