"""A reader's request is answered without the members' middleware (site.readers, decision
0061): exactly as Django's whole chain answers it, and only a request that cannot be a
member's takes that way."""

import re
from urllib.parse import unquote_to_bytes

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import include, path

from dateline.site.readers import MEMBER_MIDDLEWARE, ReaderHandler, by_who_asks, members_addresses
from tests.factories import make_story
from tests.site.test_fast_path import _test_transaction_kept, call, header  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_members_addresses_are_those_the_site_does_not_have():
    assert members_addresses() == ("/newsroom/admin/", "/newsroom/", "/api/v1/")


def test_the_readers_handler_has_every_middleware_but_the_members(settings):
    before = list(settings.MIDDLEWARE)
    reader, everyone = ReaderHandler(), WSGIHandler()
    assert before == settings.MIDDLEWARE  # the setting as it was
    checks = [type(m.__self__) for m in everyone._view_middleware]
    assert CsrfViewMiddleware in checks
    assert CsrfViewMiddleware not in [type(m.__self__) for m in reader._view_middleware]
    assert len(MEMBER_MIDDLEWARE & set(before)) == len(MEMBER_MIDDLEWARE)  # each one named


def without_tokens(content: bytes) -> bytes:
    return re.sub(rb'name="token" value="[^"]+"', b"", content)


@pytest.mark.parametrize(
    "address",
    [
        "/en/",
        "/en/section/world/",
        "/en/tag/water/",
        "/ARTICLE",
        "/en/search?q=dam",
        "/en/feed.rss",
        "/sitemap.xml",
        "/en/news/999999/nothing-here",
        "/en/news/KILLED",
        # Hostile and malformed addresses answer as the whole chain answers them.
        "/en/news/ARTICLE_CODE/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/en/tag/%FF%FE/",
        "/en/section/world/?page=%00",
        "/en/search?q=" + "%22" * 300,
        "/en/search?q=NEAR(a%20b)%20OR%20*",
        "/" + "a" * 3000 + "/",
        "/en",
    ],
)
def test_a_reader_is_answered_as_the_whole_chain_answers(editions, settings, address):
    settings.PAGE_CACHE_SECONDS = 0  # each answer rendered
    en, _ = editions
    story = make_story(en, section=en.sections.get(), tags=("Water",), headline="Dam opens")
    killed = make_story(en, headline="Taken back")
    from dateline.stories.actions import kill_story

    kill_story(killed, reason="Wrong")
    address = (
        address.replace("ARTICLE_CODE", str(story.code))
        .replace("ARTICLE", story.get_absolute_url()[1:])
        .replace("KILLED", str(killed.code))
    )
    # As a WSGI server hands the path over: its escapes decoded, its bytes as Latin-1.
    path, mark, query = address.partition("?")
    address = unquote_to_bytes(path).decode("latin-1") + mark + query
    reader, everyone = ReaderHandler(), WSGIHandler()
    status, headers, content = call(reader, address)
    whole_status, whole_headers, whole_content = call(everyone, address)
    assert status == whole_status
    assert status[:3] in {"200", "301", "404", "410"}
    dated = {"date", "last-modified", "etag", "expires"}
    assert [(k, v) for k, v in headers if k.lower() not in dated] == [
        (k, v) for k, v in whole_headers if k.lower() not in dated
    ]
    assert header(headers, "Set-Cookie") is None
    assert without_tokens(content) == without_tokens(whole_content)


class Recorded:
    def __init__(self, name):
        self.name, self.asked = name, []

    def __call__(self, environ, start_response):
        self.asked.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [self.name.encode()]


@pytest.mark.parametrize(
    ("method", "address", "headers", "answered_by"),
    [
        ("GET", "/en/", {}, "reader"),
        ("HEAD", "/en/news/1/a-story", {}, "reader"),
        ("GET", "/en/feed.rss", {}, "reader"),
        ("GET", "/en/", {"HTTP_COOKIE": "sessionid=abc"}, "member"),
        ("GET", "/en/", {"HTTP_COOKIE": ""}, "member"),
        ("GET", "/en/", {"HTTP_AUTHORIZATION": "Bearer key"}, "member"),
        ("POST", "/en/news/1/comment", {}, "member"),
        ("OPTIONS", "/en/", {}, "member"),
        ("GET", "/newsroom/", {}, "member"),
        ("GET", "/newsroom/login/", {}, "member"),
        ("GET", "/newsroom/admin/", {}, "member"),
        ("GET", "/api/v1/items", {}, "member"),
    ],
)
def test_only_a_request_that_cannot_be_a_members_is_a_readers(
    method, address, headers, answered_by
):
    reader, member = Recorded("reader"), Recorded("member")
    _status, _headers, content = call(by_who_asks(reader, member), address, method, headers)
    assert content.decode() == answered_by


def test_the_newsroom_sign_in_page_gets_its_csrf_cookie_from_the_whole_chain():
    from dateline.config.wsgi import application

    status, headers, _content = call(application, "/newsroom/login/")
    assert status.startswith("200")
    assert "csrftoken=" in (header(headers, "Set-Cookie") or "")


def members_page(request):
    return HttpResponse("members")


urlpatterns = [
    path("<slug:desk>/members/", members_page),
    path("", include("dateline.site.urls")),
]


def test_an_address_outside_the_site_that_is_not_written_out_is_refused(settings):
    settings.ROOT_URLCONF = __name__
    with pytest.raises(ImproperlyConfigured, match="<slug:desk>/members/"):
        members_addresses()
