"""A comment flood against two real `dateline serve` processes sharing one database and one
cache: the rate limit counts a reader's posts in the shared cache, so the fourth post within a
minute is refused (429, saying to wait) by whichever process it reaches, while another reader
posting at the same time is not held back.

The limit is per address and per email. The flooding reader is 127.0.0.x and the other reader
another loopback address (Linux accepts any 127.x source on the loopback interface), so the
two differ in both. Embedded, the two processes share the SQLite file and the file cache under
one var directory; when the suite runs with REDIS_URL (CI's second run), they share Redis, and
with a PostgreSQL DATABASE_URL a throw-away database of this test's own on that server.

django-ratelimit counts in fixed windows whose ends differ from key to key (a hash of the key
picks the second). Four posts that straddle the end of a window would rightly not all count
together, so the test picks, under a secret key of its own, a flooding address and email whose
current windows have time enough left for the whole flood.
"""

import html
import http.client
import os
import re
import secrets
import signal
import time
import urllib.parse
import uuid
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from django.test import RequestFactory
from django_ratelimit.core import _get_window

from dateline.comments import defences
from tests.ops.test_release_worker import (
    create_database,
    database_url,
    drop_database,
    postgresql_server_url,
    postgresql_url,
)
from tests.ops.test_serve import free_port, wait_for
from tests.processes import dateline_env, run_dateline, start_dateline

RATE = (3, 60)  # DATELINE_COMMENT_RATE="3/min"
TOO_FAST = re.compile(
    r"You are commenting too fast\. Please wait (\d+) seconds before sending another comment\."
)
# The whole flood (a dozen page loads and posts) takes a few seconds; the flooder's windows
# must not end sooner than this.
FLOOD_SECONDS = 40


@pytest.fixture
def shared_services(tmp_path) -> Iterator[dict[str, str]]:
    """The settings the suite runs with, passed on: REDIS_URL (with a prefix of this test's
    own), and a PostgreSQL DATABASE_URL as a fresh database on that server."""
    overrides = {}
    if os.environ.get("REDIS_URL"):
        overrides["REDIS_URL"] = os.environ["REDIS_URL"]
        overrides["DATELINE_CACHE_PREFIX"] = f"comment-flood-{uuid.uuid4().hex[:12]}"
    if not postgresql_url(os.environ.get("DATABASE_URL", "")):
        yield overrides
        return
    import psycopg

    server = postgresql_server_url()
    name = f"dateline_flood_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as admin:
        create_database(admin, name)
        try:
            yield {**overrides, "DATABASE_URL": database_url(server, name)}
        finally:
            drop_database(admin, name)


@pytest.fixture
def secret_key() -> str:
    return secrets.token_urlsafe(64)


@pytest.fixture
def flood_env(tmp_path, shared_services, secret_key) -> dict[str, str]:
    env = dateline_env(
        tmp_path / "var",
        DATELINE_COMMENT_RATE="3/min",
        DATELINE_COMMENT_MIN_SECONDS="0",
        SECRET_KEY=secret_key,
        **shared_services,
    )
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"], ["loaddemo"]):
        run_dateline(*command, env=env, check=True)
    return env


@pytest.fixture
def two_servers(flood_env) -> Iterator[list[int]]:
    """Two `dateline serve` processes (web only) on one database and cache; their ports."""
    ports = [free_port(), free_port()]
    while ports[1] == ports[0]:
        ports[1] = free_port()
    servers = [
        start_dateline("serve", "--port", str(port), "--workers", "1", "--no-worker", env=flood_env)
        for port in ports
    ]
    try:
        for port in ports:
            assert wait_for(lambda port=port: Reader(port).status("/healthz") == 200, 60), (
                f"the server on port {port} did not start"
            )
        yield ports
    finally:
        outputs = []
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            outputs.append(server.communicate(timeout=30)[0].decode(errors="replace"))
        for server, output in zip(servers, outputs, strict=True):
            assert server.returncode == 0, output


class Reader:
    """A browser-like client of one server from one loopback address, keeping its cookies."""

    def __init__(self, port: int, address: str = "127.0.0.1"):
        self.port, self.address, self.cookies = port, address, {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(self.address, 0)
        )
        try:
            headers = dict(headers or {})
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response, content

    def status(self, path: str) -> int:
        return self.request("GET", path)[0].status

    def comment(self, article_path: str, email: str, text: str):
        """Load the article (a fresh form: its signed form token), then send the form as a
        browser would, with the page's origin (decision 0034)."""
        response, content = self.request("GET", article_path)
        assert response.status == 200, content[:500]
        form = BeautifulSoup(content, "html.parser").select_one("#comment-form form")
        fields = {
            "token": form.select_one("input[name=token]")["value"],
            "parent": "",
            "name": "Reader",
            "email": email,
            "text": text,
            "website": "",
        }
        return self.request(
            "POST",
            form["action"],
            body=urllib.parse.urlencode(fields).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://127.0.0.1:{self.port}",
                "Sec-Fetch-Site": "same-origin",
            },
        )


def seconds_left(value: str) -> float:
    """Seconds until the current rate window of key `value` ends (as django-ratelimit counts)."""
    return _get_window(value, RATE[1]) - time.time()


def unhurried(candidates, key) -> str:
    """The first candidate whose rate window has FLOOD_SECONDS left (most do: half of them)."""
    for candidate in candidates:
        if seconds_left(key(candidate)) >= FLOOD_SECONDS:
            return candidate
    raise AssertionError("no candidate with time left in its rate window")


def an_article(port: int) -> str:
    """The path of a demo story that takes comments (its page has the form)."""
    reader = Reader(port)
    response, content = reader.request("GET", "/en/")
    assert response.status == 200
    links = BeautifulSoup(content, "html.parser").select("a[href*='/news/']")
    for href in dict.fromkeys(link["href"] for link in links):
        response, content = reader.request("GET", urllib.parse.urlsplit(href).path)
        if response.status == 200 and b'id="comment-form"' in content:
            return urllib.parse.urlsplit(href).path
    raise AssertionError("no demo story takes comments")


def test_a_flood_is_refused_by_every_web_process_while_another_reader_posts(
    two_servers, flood_env, secret_key, settings
):
    # The hashes the servers key their counts on, under the servers' secret key.
    settings.SECRET_KEY = secret_key
    factory = RequestFactory()
    flooder_address = unhurried(
        (f"127.0.0.{n}" for n in range(1, 60)),
        lambda ip: defences.address_hash(factory.post("/", REMOTE_ADDR=ip)),
    )
    flooder_email = unhurried((f"flood{n}@example.org" for n in range(100)), defences.email_hash)
    other_address = "127.0.0.200"
    other_email = "other.reader@example.org"

    first, second = two_servers
    path = an_article(first)
    flooders = [Reader(first, flooder_address), Reader(second, flooder_address)]
    others = [Reader(first, other_address), Reader(second, other_address)]

    for n in range(3):  # the first three, alternating between the two processes
        response, content = flooders[n % 2].comment(path, flooder_email, f"Flood number {n}")
        assert response.status == 303, (flooders[n % 2].port, content[:2000])

    for n, flooder in enumerate(reversed(flooders), start=3):  # the second, then the first
        response, content = flooder.comment(path, flooder_email, f"Flood number {n}")
        assert response.status == 429, (flooder.port, content[:2000])
        # The time left in the minute window: the flood picked one with at least 40 s left.
        retry_after = int(response.headers["Retry-After"])
        assert 30 <= retry_after <= 60
        page = BeautifulSoup(content, "html.parser")
        # In the form's error box, as every refused post's page says it.
        refusal = page.select_one("#comment-form-errors[role=alert] li").get_text(strip=True)
        assert int(TOO_FAST.fullmatch(html.unescape(refusal))[1]) == retry_after

    # Another reader, meanwhile, on either process: accepted.
    for n, other in enumerate(others):
        response, content = other.comment(path, other_email, f"A calm reply {n}")
        assert response.status == 303, (other.port, content[:2000])
        assert "?comment=" in response.headers["Location"]

    # Per address: a new email from the flooding address is refused too ...
    response, _ = flooders[0].comment(path, "new.name@example.org", "Same reader, new email")
    assert response.status == 429
    # ... and per email: the flooding email from yet another address.
    elsewhere = Reader(second, "127.0.0.201")
    response, _ = elsewhere.comment(path, flooder_email, "Same email, new address")
    assert response.status == 429

    # What was stored: the flooder's first three and the other reader's two, nothing else
    # (beside the demo's own comments, written by loaddemo without these emails).
    emails = [flooder_email, other_email, "new.name@example.org"]
    stored = run_dateline(
        "shell",
        "-v0",
        "-c",
        "from dateline.comments.models import Comment; "
        f"mine = Comment.objects.filter(email__in={emails!r}); "
        "print(sorted(mine.values_list('text', flat=True)))",
        env=flood_env,
        check=True,
    )
    assert stored.stdout.strip() == str(
        sorted(
            [
                "Flood number 0",
                "Flood number 1",
                "Flood number 2",
                "A calm reply 0",
                "A calm reply 1",
            ]
        )
    )
