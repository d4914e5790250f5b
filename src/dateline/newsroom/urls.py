from django.urls import path

from dateline.newsroom.views import comments, lists, partner, session, stories, subscribers

app_name = "newsroom"

urlpatterns = [
    path("", lists.story_list, name="stories"),
    path("login/", session.SignInView.as_view(), name="login"),
    path("logout/", session.SignOutView.as_view(), name="logout"),
    path("password/", session.PasswordChangeView.as_view(), name="password"),
    path("incoming/", lists.incoming, name="incoming"),
    path("scheduled/", lists.scheduled, name="scheduled"),
    path("audit/", lists.audit_log, name="audit"),
    path("preview/", stories.render_preview, name="render-preview"),
    path("stories/new/", stories.new, name="new"),
    path("stories/upload/", partner.upload, name="upload"),
    path("stories/<int:code>/", stories.edit, name="edit"),
    path("stories/<int:code>/history/", lists.history, name="history"),
    path("stories/<int:code>/preview/", stories.private_preview, name="preview"),
    path("stories/<int:code>/presence/", stories.heartbeat, name="presence"),
    path("stories/<int:code>/restore/", stories.restore, name="restore"),
    path("stories/<int:code>/<slug:slug>/", stories.move, name="move"),
    path("comments/", comments.queue, name="comments"),
    path("comments/words/", comments.words, name="comment-words"),
    path("comments/words/<int:rule_id>/remove/", comments.remove_word, name="comment-word-remove"),
    path("comments/bans/", comments.bans, name="comment-bans"),
    path("comments/bans/address/", comments.ban_address, name="comment-ban-address"),
    path("comments/bans/<int:ban_id>/lift/", comments.lift_ban, name="comment-ban-lift"),
    path("comments/people/", comments.people, name="comment-people"),
    path("comments/log/", comments.log, name="comment-log"),
    path("subscribers/", subscribers.subscriber_list, name="subscribers"),
    path("subscribers/<int:pk>/", subscribers.access_log, name="subscriber-log"),
    path("subscribers/<int:pk>/revoke/", subscribers.revoke, name="subscriber-revoke"),
    path("subscribers/<int:pk>/rotate/", subscribers.rotate, name="subscriber-rotate"),
    path(
        "subscribers/deliveries/<int:pk>/redeliver/",
        subscribers.redeliver,
        name="delivery-redeliver",
    ),
]
