from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

admin.site.site_header = "Dateline newsroom"
admin.site.site_title = "Dateline newsroom"


def healthz(request):
    """For load balancers: the process is up and answering (no database round trip)."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("newsroom/", admin.site.urls),
    path("healthz", healthz),
    path("", include("dateline.site.urls")),
]

handler404 = "dateline.site.views.page_not_found"
handler500 = "dateline.site.views.server_error"
