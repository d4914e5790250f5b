"""Commenters' mail, sent by the worker (`dateline worker`): a slow or absent mail server
never slows or fails the reader's post or the moderator's decision."""

from django.tasks import task

from dateline.comments import notifications
from dateline.comments.models import Comment


@task
def send_receipt(comment_id: int, site: str) -> bool:
    """The receipt with the delete link; nothing if the comment was deleted meanwhile."""
    comment = Comment.objects.select_related("story__edition").filter(pk=comment_id).first()
    if comment is None or not comment.email:
        return False
    notifications.comment_received(comment, site)
    return True


@task
def send_published(comment_ids: list[int], site: str) -> int:
    """Word that comments were published or answered, to those who asked."""
    comments = Comment.objects.select_related("story__edition", "parent").filter(
        pk__in=comment_ids, status="approved"
    )
    for comment in comments:
        notifications.comment_published(comment, site)
    return len(comments)
