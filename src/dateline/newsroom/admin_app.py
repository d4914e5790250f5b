"""Django's admin app with the newsroom's site as `admin.site` (chief editors only, at
/newsroom/admin/). Its own module, importing nothing of ours: INSTALLED_APPS loads it before
any model exists."""

from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    default_site = "dateline.newsroom.admin_site.NewsroomAdminSite"
