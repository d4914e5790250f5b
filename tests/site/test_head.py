"""HEAD through the WSGI application gunicorn serves: the headers of a GET, no body."""

import io
import sys

import pytest

from dateline.config.wsgi import application
from tests.factories import make_story


def call(method: str, path: str) -> tuple[str, dict, bytes]:
    answered = []
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    body = application(environ, lambda status, headers, *_: answered.append((status, headers)))
    try:
        content = b"".join(body)
    finally:
        if hasattr(body, "close"):
            body.close()
    status, headers = answered[0]
    return status, dict(headers), content


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["front", "article", "feed", "health", "missing"])
def test_head_gets_the_headers_of_get_and_no_body(editions, kind):
    story = make_story(editions[0], headline="Heads up")
    path = {
        "front": "/en/",
        "article": story.get_absolute_url(),
        "feed": "/en/feed.rss",
        "health": "/healthz",
        "missing": "/en/news/999999/none",
    }[kind]
    get_status, get_headers, get_body = call("GET", path)
    for _ in range(2):  # the second time from the kept pages, where a page is kept
        status, headers, body = call("HEAD", path)
        assert body == b""
        assert status == get_status
        assert headers.get("Content-Length") == get_headers.get("Content-Length")
        assert headers["Content-Type"] == get_headers["Content-Type"]
    assert get_body  # the GET still has its body
