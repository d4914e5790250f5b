from django.urls import path, register_converter

from dateline.site import comments, search, sitemaps, views
from dateline.site.feeds import FeedFormatConverter, edition_feed, section_feed, tag_feed
from dateline.site.methods import reads_only
from dateline.site.page_cache import shared_page


class StoryCodeConverter:
    """A story's code as its addresses write it: no leading zero ("01" would be story 1 at a
    second address), at most 18 digits (every code fits a 64-bit key)."""

    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


app_name = "site"
register_converter(FeedFormatConverter, "feed")
register_converter(StoryCodeConverter, "code")

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap-index"),
    path("sitemaps/<str:section>.xml", sitemaps.sitemap, name="sitemap"),
    path("<slug:edition>/", views.front, name="front"),
    path("<slug:edition>/section/<str:slug>/", views.section, name="section"),
    path("<slug:edition>/tag/<str:slug>/", views.tag, name="tag"),
    # Feeds (docs/feeds.md): feed.rss, feed.atom, feed.json.
    path("<slug:edition>/feed.<feed:format>", edition_feed, name="edition-feed"),
    path(
        "<slug:edition>/section/<str:slug>/feed.<feed:format>",
        section_feed,
        name="section-feed",
    ),
    path("<slug:edition>/tag/<str:slug>/feed.<feed:format>", tag_feed, name="tag-feed"),
    path("<slug:edition>/search", reads_only(shared_page(search.search_page)), name="search"),
    # Read only at its addresses: a refused comment's POST (site/comments.py) renders it too.
    path("<slug:edition>/news/<code:code>", reads_only(views.article), name="article-code"),
    path("<slug:edition>/news/<code:code>/", reads_only(views.article), name="article-code-slash"),
    path("<slug:edition>/news/<code:code>/comment", comments.post_comment, name="comment-post"),
    # The form alone, for the ESI include of a shared article page (site/comments.py).
    path(
        "<slug:edition>/news/<code:code>/comment-form",
        comments.comment_form_fragment,
        name="comment-form",
    ),
    path("<slug:edition>/news/<code:code>/<str:slug>", reads_only(views.article), name="article"),
    path("<slug:edition>/news/<code:code>/<str:slug>/", views.article_with_slash),
    path(
        "<slug:edition>/comments/<int:comment>/report",
        comments.report_comment,
        name="comment-report",
    ),
    path("comments/delete/<str:token>", comments.delete_own_comment, name="comment-delete"),
]
