from django.urls import path

from dateline.site import comments, search, views

app_name = "site"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("<slug:edition>/", views.front, name="front"),
    path("<slug:edition>/section/<str:slug>/", views.section, name="section"),
    path("<slug:edition>/tag/<str:slug>/", views.tag, name="tag"),
    path("<slug:edition>/search", search.search_page, name="search"),
    path("<slug:edition>/news/<int:code>", views.article, name="article-code"),
    path("<slug:edition>/news/<int:code>/", views.article, name="article-code-slash"),
    path("<slug:edition>/news/<int:code>/comment", comments.post_comment, name="comment-post"),
    path("<slug:edition>/news/<int:code>/<str:slug>", views.article, name="article"),
    path(
        "<slug:edition>/comments/<int:comment>/report",
        comments.report_comment,
        name="comment-report",
    ),
    path("comments/delete/<str:token>", comments.delete_own_comment, name="comment-delete"),
]
