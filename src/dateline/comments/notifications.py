"""The mail a commenter gets: a receipt with the link that deletes the comment, and, if they
asked, word that it was published or answered. Plain text, in the story's edition language
where the words exist; sent with the configured backend (a file per message, embedded)."""

import logging

from django.core import signing
from django.core.mail import send_mail
from django.urls import reverse

from dateline.comments.models import Comment, Status
from dateline.comments.threads import shown_at

logger = logging.getLogger(__name__)
DELETE_SALT = "dateline.comments.delete"


def delete_token(comment: Comment) -> str:
    return signing.dumps(comment.pk, salt=DELETE_SALT)


def read_delete_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=DELETE_SALT))
    except (signing.BadSignature, ValueError, TypeError):
        return None


def _story_url(comment: Comment, site: str) -> str:
    return site.rstrip("/") + comment.story.get_absolute_url()


def _send(to: str, subject: str, body: str) -> None:
    # A mail server that is down must not lose the comment or fail the reader's request.
    try:
        send_mail(subject, body, None, [to])
    except Exception:
        logger.exception("could not send %r to a commenter", subject)


def comment_received(comment: Comment, site: str) -> None:
    delete = site.rstrip("/") + reverse("site:comment-delete", args=[delete_token(comment)])
    # Post-moderation publishes it at once (and a moderator may have been quicker than the
    # worker): the receipt says where it stands when it is sent.
    if comment.status == Status.APPROVED:
        standing = "Your comment is published."
    else:
        standing = "Comments appear once a moderator approves them."
    _send(
        comment.email,
        f"Your comment on “{comment.story.headline}”",
        f"Thank you, {comment.name}. We received your comment on\n"
        f"{_story_url(comment, site)}\n\n"
        f"{comment.text}\n\n"
        f"{standing}\n"
        f"To delete your comment at any time, open:\n{delete}\n",
    )


def comment_published(comment: Comment, site: str) -> None:
    """After approval: tell the writer (if they asked) and the writer of the comment answered
    (if they asked, and it is someone else)."""
    # The page that draws it, as the post's redirect: a later page of threads, or its thread's.
    url = f"{_story_url(comment, site)}{shown_at(comment)}#c{comment.pk}"
    if comment.notify:
        _send(
            comment.email,
            f"Your comment on “{comment.story.headline}” is published",
            f"Your comment is published:\n{url}\n",
        )
    parent = comment.parent
    if (
        parent is not None
        and parent.notify
        and parent.status == Status.APPROVED
        and parent.email_hash != comment.email_hash
    ):
        _send(
            parent.email,
            f"{comment.name} replied to your comment",
            f"{comment.name} replied to your comment on “{comment.story.headline}”:\n{url}\n",
        )
