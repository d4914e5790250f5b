from django.contrib import admin
from django.urls import include, path

from dateline.wire.api import api as wire_api

urlpatterns = [
    # Django's admin, for chief editors only (dateline.newsroom.admin_site), inside the newsroom.
    path("newsroom/admin/", admin.site.urls),
    path("newsroom/", include("dateline.newsroom.urls")),
    # The subscribers' pull API (dateline.wire): a key on every request but the OpenAPI document.
    path("api/v1/", wire_api.urls),
    path("", include("dateline.site.urls")),
]

handler400 = "dateline.newsroom.views.refused.bad_request"
handler404 = "dateline.site.views.page_not_found"
handler500 = "dateline.site.views.server_error"
