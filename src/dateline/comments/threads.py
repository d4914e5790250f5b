"""Comment threads as a page shows them: a page of top-level comments with their replies,
nested as deep as COMMENT_MAX_DEPTH allows, in a bounded number of queries however long the
thread (three for an article: the count, the top-level page, the replies)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from dateline.comments.models import Comment, Status
from dateline.site.pagination import page_number
from dateline.stories.models import Story

ROOTS_PER_PAGE = 20
# Replies shown under each top-level comment on the article page; the rest are a link away.
REPLIES_SHOWN = 30
# Replies a page of one whole thread shows (`?thread=ID`).
THREAD_PAGE = 200
SHOWN = (Status.APPROVED, Status.DELETED)  # a deleted comment shows as a note if answered
# What a thread shows of a comment: loading the hashes, email and moderation fields of every
# drawn comment would cost more than drawing it.
SHOWN_FIELDS = (
    "id",
    "story_id",
    "story_version",
    "parent_id",
    "thread_id",
    "depth",
    "name",
    "text",
    "status",
    "created_at",
)


@dataclass
class Node:
    comment: Comment
    children: list["Node"] = field(default_factory=list)
    # Set when the reply is not drawn inside the comment it answers (too deep, or that comment
    # is not on this page): whom it answers, and where that comment is.
    replying_to: str | None = None
    replying_to_id: int | None = None
    shown_flat: bool = False
    more_replies: bool = False


@dataclass
class ThreadPage:
    nodes: list[Node]
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
    rows = (
        Comment.objects.filter(story_id__in=story_ids, status=Status.APPROVED)
        .values("story_id")
        .annotate(n=Count("id"))
        .values_list("story_id", "n")
    )
    return dict(rows)


def _with_parent(queryset):
    return queryset.only(*SHOWN_FIELDS).annotate(
        parent_name=F("parent__name"), parent_status=F("parent__status")
    )


def _first_replies(roots: list[Comment]) -> list[Comment]:
    """The first REPLIES_SHOWN + 1 replies of each thread (one more tells that more follow),
    with the name and status of the comment each answers, in id order.

    Written as SQL (standard: a window function, which SQLite and PostgreSQL both run) rather
    than with the ORM: building this query with the ORM cost more than running it, about a
    millisecond on every article page with comments.
    """
    table = Comment._meta.db_table
    columns = ", ".join(f"c.{Comment._meta.get_field(name).column}" for name in SHOWN_FIELDS)
    threads = ", ".join(["%s"] * len(roots))
    sql = (
        f"SELECT * FROM (SELECT {columns}, p.name AS parent_name, p.status AS parent_status,"  # noqa: S608
        f" ROW_NUMBER() OVER (PARTITION BY c.thread_id ORDER BY c.id) AS reply_rank"
        f" FROM {table} c LEFT OUTER JOIN {table} p ON p.id = c.parent_id"
        f" WHERE c.thread_id IN ({threads}) AND c.depth > 0 AND c.status IN (%s, %s)) ranked"
        f" WHERE reply_rank <= %s ORDER BY id"
    )
    params = [root.pk for root in roots] + list(SHOWN) + [REPLIES_SHOWN + 1]
    return list(Comment.objects.raw(sql, params))


def article_thread(story: Story, raw_page: str | None, order: str | None) -> ThreadPage:
    order = "newest" if order == "newest" else "oldest"
    number = page_number(raw_page, ROOTS_PER_PAGE)
    answered = Exists(Comment.objects.filter(thread=OuterRef("pk"), status=Status.APPROVED))
    roots = (
        Comment.objects.only(*SHOWN_FIELDS)
        .filter(story=story, depth=0)
        .filter(Q(status=Status.APPROVED) | Q(status=Status.DELETED) & answered)
        .order_by("-id" if order == "newest" else "id")
    )
    start = (number - 1) * ROOTS_PER_PAGE
    root_rows = list(roots[start : start + ROOTS_PER_PAGE + 1])
    if not root_rows and number > 1:
        raise Http404("No such page of comments")
    has_next = len(root_rows) > ROOTS_PER_PAGE
    root_rows = root_rows[:ROOTS_PER_PAGE]
    replies = _first_replies(root_rows) if root_rows else []
    shown = [r for r in replies if r.reply_rank <= REPLIES_SHOWN]
    cut = {r.thread_id for r in replies if r.reply_rank > REPLIES_SHOWN}
    nodes = build(root_rows, shown)
    for node in nodes:
        node.more_replies = node.comment.pk in cut
    return ThreadPage(nodes, number, has_next, order)


def single_thread(story: Story, root_id: str, raw_page: str | None) -> ThreadPage:
    """One top-level comment and its replies, `THREAD_PAGE` replies a page."""
    if not root_id.isascii() or not root_id.isdigit() or len(root_id) > 18:
        raise Http404("No such thread")
    root = Comment.objects.filter(pk=int(root_id), story=story, depth=0, status__in=SHOWN).first()
    if root is None:
        raise Http404("No such thread")
    number = page_number(raw_page, THREAD_PAGE)
    start = (number - 1) * THREAD_PAGE
    replies = list(
        _with_parent(Comment.objects.filter(thread=root, depth__gt=0, status__in=SHOWN)).order_by(
            "id"
        )[start : start + THREAD_PAGE + 1]
    )
    if not replies and number > 1:
        raise Http404("No such page of comments")
    has_next = len(replies) > THREAD_PAGE
    nodes = build([root] if number == 1 else [], replies[:THREAD_PAGE])
    return ThreadPage(nodes, number, has_next, "oldest", thread=root.pk)


def build(roots: list[Comment], replies: list[Comment]) -> list[Node]:
    """Nest `replies` (in id order, so every parent comes before its replies) under `roots`.

    A reply is drawn inside the comment it answers while the depth allows; deeper, it is drawn
    inside the nearest comment above it that may still hold replies, and says whom it answers.
    A reply whose comment is not on the page (removed, or on another page) goes under its
    top-level comment, or at the top of the page, saying the same.
    A deleted comment with nothing drawn inside it is left out.
    """
    max_depth = settings.COMMENT_MAX_DEPTH
    by_id: dict[int, Node] = {}
    holder_of: dict[int, Node | None] = {}  # the node a comment is drawn inside
    top: list[Node] = []
    for root in roots:
        node = by_id[root.pk] = Node(root)
        holder_of[root.pk] = None
        top.append(node)
    for reply in replies:
        node = by_id[reply.pk] = Node(reply)
        parent = by_id.get(reply.parent_id)
        if parent is None:
            node.shown_flat = True
            if reply.parent_status == Status.APPROVED:
                node.replying_to, node.replying_to_id = reply.parent_name, reply.parent_id
            holder = by_id.get(reply.thread_id)
        else:
            holder = parent
            while holder is not None and holder.comment.depth >= max_depth - 1:
                holder = holder_of[holder.comment.pk]
            if holder is not parent:
                node.shown_flat = True
                if parent.comment.status == Status.APPROVED:
                    node.replying_to, node.replying_to_id = parent.comment.name, parent.comment.pk
        holder_of[reply.pk] = holder
        (holder.children if holder is not None else top).append(node)
    return _drop_empty_deleted(top)


def _drop_empty_deleted(nodes: list[Node]) -> list[Node]:
    kept = []
    for node in nodes:
        node.children = _drop_empty_deleted(node.children)
        if node.comment.status != Status.DELETED or node.children:
            kept.append(node)
    return kept
