"""The site's URLs plus `/bench-minimal`: the plain-Django page the article page is compared with.

Both go through the same middleware stack, so their ratio is what Dateline's own code costs.
"""

from django.http import HttpResponse
from django.urls import path

from dateline.config import urls as site_urls


def minimal(request):
    return HttpResponse("<!doctype html><title>x</title><p>hello</p>")


urlpatterns = [path("bench-minimal", minimal), *site_urls.urlpatterns]

handler404 = site_urls.handler404
handler500 = site_urls.handler500
