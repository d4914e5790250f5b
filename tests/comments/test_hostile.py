"""Hostile input through the real comment form: the XSS and SQL injection word lists of
Debian's wfuzz package posted as name, email and text, then shown on the article page and the
report page as the very characters typed, never as markup; and input that is not a comment at
all (too long, empty, binary, not UTF-8, huge, forged, a bot's) refused with a clear message
and nothing stored."""

import os
import time
from pathlib import Path
from urllib.parse import unquote, urlencode

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from dateline.comments import moderation
from dateline.comments.defences import issue_token
from dateline.comments.models import Comment, Status
from tests.comments.conftest import form_data, post
from tests.factories import make_story
from tests.site import conftest as site_fixtures

pytestmark = pytest.mark.django_db
browser = site_fixtures.browser  # Debian's Chromium under Playwright

WORDLISTS = Path(os.environ.get("DATELINE_WFUZZ_WORDLISTS", "/usr/share/wfuzz/wordlist"))
XSS_LIST = WORDLISTS / "Injections" / "XSS.txt"
SQL_LIST = WORDLISTS / "Injections" / "SQL.txt"
REL = "nofollow ugc noopener"


def read_wordlist(path: Path) -> list[str]:
    """The payloads of a wfuzz word list, as wfuzz sends them and URL-decoded (the lists are
    written for query strings: `%3Cscript%3E` is `<script>` once a server has decoded it)."""
    if not path.is_file():
        reason = f"no wfuzz word list at {path} (apt-get install wfuzz)"
        if os.environ.get("DATELINE_REQUIRE_TOOLS") or os.environ.get("DATELINE_REQUIRE_BROWSER"):
            pytest.fail(reason)  # in CI (.ci/run installs wfuzz) a missing list fails
        pytest.skip(reason)
    lines = [line.strip("\r\n") for line in path.read_text(encoding="latin-1").splitlines()]
    payloads = []
    for line in filter(str.strip, lines):
        for variant in (line, unquote(line)):
            if variant not in payloads:
                payloads.append(variant)
    return payloads


@pytest.fixture
def xss_payloads() -> list[str]:
    return read_wordlist(XSS_LIST)


@pytest.fixture
def payloads(xss_payloads) -> list[str]:
    return [*xss_payloads, *(p for p in read_wordlist(SQL_LIST) if p not in xss_payloads)]


# --- What "nothing rendered as markup" means ------------------------------------------------------
def _is_site_script(tag) -> bool:
    """The site's script files, or an article's JSON-LD (site/seo.py): data that no browser
    runs, holding no '<' that could end it."""
    if tag.get("type") == "application/ld+json":
        return "<" not in tag.string
    return tag.get("src", "").startswith("/static/site/") and not tag.string


def assert_no_markup_from_readers(html: str, where: str) -> BeautifulSoup:
    """Checks on a whole page: the only scripts are the site's files; no element has an event
    handler attribute; no link or source points at javascript:; no element a reader could
    have smuggled in (img, iframe, svg, object, embed, xss…) exists."""
    soup = BeautifulSoup(html, "html.parser")
    scripts = soup.find_all("script")
    assert all(_is_site_script(s) for s in scripts), (where, scripts)
    assert html.lower().count("<script") == len(scripts), where
    smuggled = soup.find_all(["img", "iframe", "svg", "object", "embed", "xss", "vulnerable"])
    assert smuggled == [], (where, smuggled)
    for tag in soup.find_all(True):
        handlers = [a for a in tag.attrs if a.lower().startswith("on")]
        assert handlers == [], (where, tag.name, tag.attrs)
        for attribute in ("href", "src", "action", "formaction"):
            value = "".join(str(tag.get(attribute, "")).split()).lower()
            assert not value.startswith(("javascript:", "vbscript:", "data:")), (where, tag)
    return soup


def assert_plain_comment_text(element, expected_text: str, where: str) -> None:
    """Inside .comment-text only the site's own elements: paragraphs, line breaks, and links
    to http(s) addresses marked nofollow ugc noopener; the text is what was typed."""
    assert element is not None, where
    for tag in element.find_all(True):
        assert tag.name in {"p", "br", "a"}, (where, tag)
        if tag.name == "a":
            assert set(tag.attrs) == {"href", "rel"}, (where, tag)
            assert " ".join(tag["rel"]) == REL, (where, tag)
            assert tag["href"].lower().startswith(("http://", "https://")), (where, tag)
        else:
            assert tag.attrs == {}, (where, tag)
    assert element.get_text() == expected_text, where


def shown_name(typed: str) -> str:
    return " ".join(typed.split())  # a name is one line: runs of white space become one space


def form_errors(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [li.get_text(" ", strip=True) for li in soup.select("#comment-form .form-errors li")]


def article_pages(client, story) -> BeautifulSoup:
    """Every page of the article's comments, their comment elements gathered in one tree."""
    gathered = BeautifulSoup("<ol></ol>", "html.parser")
    for number in range(1, 200):
        response = client.get(story.get_absolute_url(), {"cpage": number})
        assert response.status_code == 200
        soup = assert_no_markup_from_readers(response.content.decode(), f"page {number}")
        for item in soup.select("#comments ol.comment-list > li.comment"):
            gathered.ol.append(item)
        if soup.select_one("#comments nav.pagination a[rel=next]") is None:
            return gathered
    raise AssertionError("more than 200 pages of comments")


# --- The word lists -------------------------------------------------------------------------------
def test_every_payload_is_stored_as_typed_and_shown_as_text(client, story, payloads, settings):
    settings.COMMENT_RATE = [(100_000, 60)]  # some thousand posts from one address
    accepted: dict[int, tuple[str, str]] = {}  # comment id -> (field, payload)
    before = set()
    for n, payload in enumerate(payloads):
        cases = {
            "name": {"name": payload, "text": f"Name payload {n}", "email": f"n{n}@example.org"},
            "text": {"text": payload, "name": f"Text {n}", "email": f"t{n}@example.org"},
            "email": {"email": payload, "text": f"Email payload {n}", "name": f"Email {n}"},
            "mailbox": {
                "email": f"{payload.strip()}@example.org",
                "text": f"Mailbox payload {n}",
                "name": f"Mailbox {n}",
            },
            # Refused for its email: the name and text come back in the form, as typed.
            "echoed": {"name": payload, "text": payload, "email": "not an address"},
        }
        for field, fields in cases.items():
            where = f"{field} = {payload!r}"
            response = post(client, story, **fields)
            assert response.status_code in (303, 400), (where, response.status_code)
            if response.status_code == 400:
                # Refused: the form comes back filled in as typed, with a reason, not as markup.
                soup = assert_no_markup_from_readers(response.content.decode(), where)
                errors = form_errors(response)
                # Only a name too long or with a tab, or what is not an email address, is refused.
                label = {"name": "Name: ", "email": "Email: ", "mailbox": "Email: "}.get(field)
                if label:
                    assert len(errors) == 1 and errors[0].startswith(label), (where, errors)
                assert soup.select_one("input#comment-name")["value"] == fields["name"], where
                assert soup.select_one("input#comment-email")["value"] == fields["email"], where
                textarea = soup.select_one("textarea#comment-text")
                assert textarea.find(True) is None, where
                assert textarea.get_text() == fields["text"], where
                continue
            assert field != "echoed", where
            new = set(Comment.objects.values_list("pk", flat=True)) - before
            assert len(new) == 1, where
            before |= new
            accepted[new.pop()] = (field, payload)

    by_field = {f: [p for f2, p in accepted.values() if f2 == f] for f in ("name", "text")}
    # Any text is a comment, and any one line of up to 80 characters is a name (a tab is a
    # control character there: a name is refused for it, with that reason).
    assert by_field["text"] == payloads
    assert by_field["name"] == [p for p in payloads if len(p.strip()) <= 80 and "\t" not in p]
    moderation.approve(list(accepted))

    shown = article_pages(client, story)
    for pk, (field, payload) in accepted.items():
        where = f"comment {pk}: {field} = {payload!r}"
        comment = Comment.objects.get(pk=pk)
        assert comment.status == Status.APPROVED
        item = shown.select_one(f"li#c{pk}")
        assert item is not None, where
        if field == "name":
            assert comment.name == shown_name(payload), where
            assert item.select_one(f"#c{pk}-by").get_text() == shown_name(payload), where
            assert item.select_one("a.reply-link")["data-name"] == shown_name(payload), where
        elif field == "text":
            assert comment.text == payload.strip(), where
            assert_plain_comment_text(item.select_one(".comment-text"), payload.strip(), where)
        else:
            assert comment.email in (payload.strip(), f"{payload.strip()}@example.org"), where
            assert comment.email not in str(item), where  # an email is never shown

        if field == "name":
            # Replying without JavaScript: the server writes the name into the form, as text.
            replying = client.get(story.get_absolute_url(), {"reply": pk})
            soup = assert_no_markup_from_readers(replying.content.decode(), "reply " + where)
            assert soup.select_one("#comment-form .reply-name").get_text() == comment.name, where
            assert soup.select_one("#comment-form input[name=parent]")["value"] == str(pk)

        report = client.get(f"/{story.edition.code}/comments/{pk}/report")
        assert report.status_code == 200, where
        soup = assert_no_markup_from_readers(report.content.decode(), "report " + where)
        quote = soup.select_one("blockquote.comment-quote")
        assert quote.select_one("bdi").get_text() == comment.name, where
        assert_plain_comment_text(quote.select_one("div"), comment.text, "report " + where)


LINKISH = [  # what a reader types, and how many links it makes
    ('http://example.com/"onmouseover="alert(1)', 1),
    ("https://example.com/<script>alert(1)</script>", 1),
    ("see https://example.com/a?b=1&c=<b>2</b>, then", 1),
    ("www.example.com/'><img src=x onerror=alert(1)>", 1),
    ("HTTPS://EXAMPLE.COM/SHOUT", 1),
    ("javascript:alert(1)", 0),
    ("JaVaScRiPt:alert(document.cookie)", 0),
    ("java\tscript:alert(1)", 0),
    ("javascript://example.com/%0Aalert(1)", 0),
    ("data:text/html,<script>alert(1)</script>", 0),
    ("vbscript:msgbox(1)", 0),
    ("//evil.example/path", 0),
    ("mailto:someone@example.org", 0),
    ("http://example.com?q=&lt;b&gt;&amp;", 1),
    ("[click](javascript:alert(1)) <a href=javascript:alert(1)>x</a>", 0),
    ("http://例え.jp/パス and http://xn--r8jz45g.jp", 2),
]


@pytest.mark.parametrize(("typed", "links"), LINKISH)
def test_only_http_addresses_become_links(client, story, typed, links):
    assert post(client, story, text=typed).status_code == 303
    comment = Comment.objects.get()
    moderation.approve([comment.pk])
    html = client.get(story.get_absolute_url()).content.decode()
    text = assert_no_markup_from_readers(html, typed).select_one(f"#c{comment.pk} .comment-text")
    assert_plain_comment_text(text, typed, typed)
    assert len(text.find_all("a")) == links


ADDRESS_THEN_PUNCTUATION = [  # what a reader types, and the address its link must go to
    ("see “https://example.com/a” there", "https://example.com/a"),  # a phone's smart quotes
    ("«https://example.com/a» را ببینید", "https://example.com/a"),
    ("https://fa.wikipedia.org/wiki/تهران، پایتخت", "https://fa.wikipedia.org/wiki/تهران"),
    ("آیا https://example.com/a؟", "https://example.com/a"),
    ("https://example.com/a؛ سپس", "https://example.com/a"),
    ("source: https://example.com/a: it says", "https://example.com/a"),
    ("https://example.com/search?q=«x»", "https://example.com/search?q=«x»"),  # a pair: kept
    ("https://en.wikipedia.org/wiki/Rasht_(city)", "https://en.wikipedia.org/wiki/Rasht_(city)"),
]


@pytest.mark.parametrize(("typed", "address"), ADDRESS_THEN_PUNCTUATION)
def test_punctuation_after_an_address_is_not_part_of_its_link(client, story, typed, address):
    """A closing quote or Persian punctuation (، ؛ ؟ ») typed after an address ends the
    sentence, not the address: a link taking it in goes to a page that is not there."""
    assert post(client, story, text=typed).status_code == 303
    comment = Comment.objects.get()
    moderation.approve([comment.pk])
    html = client.get(story.get_absolute_url()).content.decode()
    text = assert_no_markup_from_readers(html, typed).select_one(f"#c{comment.pk} .comment-text")
    assert_plain_comment_text(text, typed, typed)
    [link] = text.find_all("a")
    assert (link["href"], link.get_text()) == (address, address)


@pytest.mark.parametrize("parameter", ["reply", "comment", "cpage", "order", "thread"])
def test_hostile_query_parameters_are_never_markup(client, story, xss_payloads, parameter):
    post(client, story, text="Something to thread")
    moderation.approve(moderation.pending_ids())
    for payload in xss_payloads:
        response = client.get(story.get_absolute_url(), {parameter: payload})
        where = f"?{parameter}={payload!r}"
        assert response.status_code in (200, 404), (where, response.status_code)
        assert_no_markup_from_readers(response.content.decode(), where)
        assert payload not in response.content.decode(), where


# --- Input that is not a comment ------------------------------------------------------------------
def refused(response, status: int = 400) -> str:
    assert response.status_code == status, response.status_code
    errors = form_errors(response)
    assert errors, response.content.decode()[:2000]
    # Each error names the field the reader can see, or none: never a hidden field's "None".
    assert not [e for e in errors if e.startswith("None")], errors
    return " | ".join(errors)


def test_a_comment_over_the_limit_is_refused_naming_the_limit(client, story):
    message = refused(post(client, story, text="x" * 5001))
    assert "limited to 5,000 characters" in message
    assert "(this one has 5,001)" in message
    assert Comment.objects.count() == 0
    assert post(client, story, text="x" * 5000).status_code == 303  # the limit itself is fine


def test_line_breaks_count_once_as_the_browser_counts_them(client, story):
    """A browser counts a line break in a textarea as one character against maxlength, and
    sends it as CR LF: a comment the form let through must not be refused as too long."""
    paragraph = "y" * 499
    typed = "\n".join([paragraph] * 10)  # 4,999 characters in the textarea
    assert len(typed) <= 5000
    response = post(client, story, text=typed.replace("\n", "\r\n"))
    assert response.status_code == 303, form_errors(response)
    assert Comment.objects.get().text.count("y") == 4990


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"name": ""}, ["Name: Please give your name."]),
        ({"email": ""}, ["Email: Please give your email address; it is never shown."]),
        ({"text": ""}, ["Comment: Please write your comment."]),
        (
            {"name": "", "email": "", "text": ""},
            [
                "Name: Please give your name.",
                "Email: Please give your email address; it is never shown.",
                "Comment: Please write your comment.",
            ],
        ),
        ({"text": "  \r\n\t "}, ["Comment: Please write your comment."]),
        ({"name": "\u200b\u200c"}, ["Name: The name has no visible characters."]),
        ({"email": "not an address"}, ["Email: Please give a valid email address."]),
    ],
    ids=["no name", "no email", "no text", "nothing", "blank text", "invisible name", "bad email"],
)
def test_empty_fields_are_refused_field_by_field(client, story, fields, expected):
    assert form_errors(post(client, story, **fields)) == expected
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"text": "Hello\x00world"}, "Comment: The comment contains control characters"),
        ({"name": "Ma\x00ryam"}, "Name: The name contains control characters"),
        ({"email": "a\x00@example.org"}, "Email: The email address contains control characters"),
        ({"text": "Hello\x01\x02world"}, "Comment: The comment contains control characters"),
        ({"name": "Ma\x01ryam"}, "Name: The name contains control characters"),
        ({"text": "\x1b[31mred\x1b[0m"}, "Comment: The comment contains control characters"),
        ({"email": "a\x01@example.org"}, "Email: The email address contains control characters"),
    ],
    ids=[
        "NUL in text",
        "NUL in name",
        "NUL in email",
        "SOH in text",
        "SOH in name",
        "ESC in text",
        "SOH in email",
    ],
)
def test_binary_input_is_refused_with_a_clear_error(client, story, fields, expected):
    message = refused(post(client, story, **fields))
    assert message.startswith(expected), message
    assert Comment.objects.count() == 0


def test_a_nul_gets_the_forms_own_message_once_in_each_field(client, story):
    """Django's own check ("Null characters are not allowed.") would come first, and an email
    with a NUL would get its message and a second one, that it is not valid."""
    response = post(client, story, name="Ma\x00ryam", email="a\x00@example.org", text="Hi\x00")
    assert form_errors(response) == [
        "Name: The name contains control characters, not text.",
        "Email: The email address contains control characters.",
        "Comment: The comment contains control characters, not text.",
    ]
    assert Comment.objects.count() == 0


def _post_raw(client, story, body: bytes, content_type: str):
    url = f"/{story.edition.code}/news/{story.code}/comment"
    return client.generic("POST", url, data=body, content_type=content_type)


@pytest.mark.parametrize("field", ["name", "text"])
def test_latin1_bytes_are_refused_as_not_utf8(client, story, field):
    """Raw Latin-1 bytes in a form-urlencoded body: Django decodes such a body whole as
    ISO-8859-1 (no U+FFFD for the form to find), so the view must check the bytes itself."""
    fields = {k: v for k, v in form_data(story).items() if k != field}
    body = urlencode(fields).encode() + f"&{field}=".encode() + "Caf\xe9 cr\xe8me".encode("latin-1")
    response = _post_raw(client, story, body, "application/x-www-form-urlencoded")
    stored = list(Comment.objects.values_list(field, flat=True))
    assert response.status_code == 400, f"accepted, the {field} stored as {stored}"
    assert "not valid UTF-8" in refused(response)
    assert stored == []


def test_percent_encoded_latin1_is_refused_as_not_utf8(client, story):
    body = urlencode({k: v for k, v in form_data(story).items() if k != "text"}).encode()
    response = _post_raw(client, story, body + b"&text=Caf%E9", "application/x-www-form-urlencoded")
    assert "The comment is not valid UTF-8 text." in refused(response)
    assert Comment.objects.count() == 0


def test_latin1_bytes_in_a_multipart_post_are_refused_as_not_utf8(client, story):
    boundary = "dateline-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value
        + b"\r\n"
        for name, value in [
            *((k, v.encode()) for k, v in form_data(story).items() if k != "text"),
            ("text", "Caf\xe9 cr\xe8me".encode("latin-1")),
        ]
    ]
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    response = _post_raw(client, story, body, f"multipart/form-data; boundary={boundary}")
    assert "The comment is not valid UTF-8 text." in refused(response)
    assert Comment.objects.count() == 0


def test_one_stray_latin1_byte_does_not_garble_the_rest(client, story):
    """A post with one byte that is not UTF-8 is refused; never decoded whole as Latin-1,
    which would store the rest of the post's raw UTF-8 as mojibake ("José" as "JosÃ©")."""
    fields = form_data(story)
    raw_utf8 = b"&name=" + "José Müller".encode()
    body = urlencode({k: v for k, v in fields.items() if k not in ("name", "text")}).encode()
    content_type = "application/x-www-form-urlencoded"
    # Raw UTF-8 (not percent-encoded) is read as UTF-8 when the whole body is UTF-8 …
    ok = _post_raw(client, story, body + raw_utf8 + b"&text=" + "10 °C".encode(), content_type)
    assert ok.status_code == 303
    assert Comment.objects.get().name == "José Müller"
    # … but one Latin-1 byte in another field turns it into mojibake.
    body += raw_utf8 + b"&email=other%40example.org&text=" + "11 \xb0C".encode("latin-1")
    response = _post_raw(client, story, body, content_type)
    stored = list(Comment.objects.exclude(text="10 °C").values_list("name", "text"))
    assert response.status_code == 400, f"accepted, stored as {stored}"
    assert "not valid UTF-8" in refused(response)
    assert stored == []


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
@pytest.mark.parametrize("browser", [False, True], ids=["", "origin checked"])
def test_a_huge_post_is_a_bad_request_not_a_server_error(story, encoding, browser):
    """3 MB, over Django's DATA_UPLOAD_MAX_MEMORY_SIZE: refused before the form reads it
    (with CSRF enforced and the headers a browser sends on a same-origin post, as in
    production)."""
    same_origin = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    client = Client(enforce_csrf_checks=True, headers=same_origin if browser else None)
    fields = {"text": "x" * (3 * 1024 * 1024)}
    if encoding == "multipart":
        response = post(client, story, **fields)
    else:
        body = urlencode(form_data(story, **fields)).encode()
        response = _post_raw(client, story, body, "application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert Comment.objects.count() == 0
    fields["text"] = "A comment of ordinary size."
    assert post(client, story, **fields).status_code == 303  # the same reader, the same form


def _tampered(token: str) -> str:
    return token[:-1] + ("B" if token.endswith("A") else "A")  # one character of the signature


@pytest.fixture
def other_story(story):
    return make_story(story.edition, headline="Another story")


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (lambda s, o: "forged", "This form could not be checked. Reload the page"),
        (lambda s, o: "", "This form could not be checked. Reload the page"),
        (lambda s, o: "x" * 301, "This form could not be checked. Reload the page"),
        (
            lambda s, o: _tampered(issue_token(s.code, s.version, now=time.time() - 60)),
            "This form could not be checked. Reload the page",
        ),
        (
            lambda s, o: issue_token(s.code, s.version, now=time.time() - 2 * 86400),
            "This form has expired. Reload the page",
        ),
        (
            lambda s, o: issue_token(o.code, o.version, now=time.time() - 60),
            "This form belongs to another story.",
        ),
        (lambda s, o: issue_token(s.code, s.version), "That was quicker than anyone can read"),
    ],
    ids=["forged", "missing", "too long", "tampered", "expired", "other story", "too quick"],
)
def test_a_bad_form_token_is_refused_with_a_clear_error(
    client, story, other_story, token, expected, settings
):
    settings.COMMENT_MIN_SECONDS = 3
    message = refused(post(client, story, token=token(story, other_story)))
    assert expected in message, message
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("parent", ["abc", "0", "-1", "99999", "1e3", "1 OR 1=1"])
def test_a_reply_to_no_comment_is_refused_with_a_clear_error(client, story, parent):
    message = refused(post(client, story, parent=parent))
    assert message == "The comment you are replying to is not available any more."
    assert Comment.objects.count() == 0


def test_a_filled_honeypot_is_refused(client, story):
    message = refused(post(client, story, website="https://cheap-pills.example"))
    assert message == "Your comment could not be accepted."
    assert Comment.objects.count() == 0


# --- In a real browser ----------------------------------------------------------------------------
@pytest.fixture
def xss_story(client, story, xss_payloads):
    """The article with every XSS payload as an approved comment, as name and as text; and
    the ids of those comments."""
    for n, payload in enumerate(xss_payloads):
        post(client, story, text=payload, name=f"Text {n}", email=f"t{n}@example.org")
        if len(payload.strip()) <= 80 and "\t" not in payload:
            post(client, story, name=payload, text=f"Name {n}", email=f"n{n}@example.org")
    ids = moderation.pending_ids()
    assert len(ids) > len(xss_payloads)
    moderation.approve(ids)
    return story, ids


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_payload_runs_in_a_real_browser(live_server, xss_story, browser):
    story, ids = xss_story
    page = browser.new_page()
    dialogs, problems = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda r: problems.append(r.url) if "cookie" in r.url.lower() else None)
    seen = []
    url = live_server.url + story.get_absolute_url()
    while url:
        assert page.goto(url).status == 200
        seen += page.locator("li.comment").evaluate_all("items => items.map(i => i.id)")
        # The in-place reply writes each reader's name into the form: as text, still.
        for link in page.locator("a.reply-link").all():
            link.click()
            shown = page.locator("#comment-form .reply-name").inner_text()
            assert shown == link.get_attribute("data-name")
        following = page.locator("nav.pagination a[rel=next]")
        url = following.evaluate("a => a.href") if following.count() else None
    assert sorted(seen) == sorted(f"c{pk}" for pk in ids)
    for pk in ids:
        # Replying without JavaScript (the server writes the name) and the report page.
        assert page.goto(f"{live_server.url}{story.get_absolute_url()}?reply={pk}").status == 200
        assert page.goto(f"{live_server.url}/{story.edition.code}/comments/{pk}/report").ok
    page.wait_for_timeout(300)
    assert dialogs == []
    assert problems == []


def test_a_stack_of_combining_marks_is_cut_to_what_writing_uses(client, story):
    """ "Zalgo": thousands of marks on one letter are drawn as a column over the page; a few
    are writing (Vietnamese, Arabic vowels, Hebrew points) and stay."""
    zalgo = "Z" + "\u0301" * 4000 + " then words"
    written = "Việt مُحَمَّد שָׁלוֹם"
    name = "A" + "\u0301" * 79
    assert post(client, story, text=f"{zalgo} {written}", name=name).status_code == 303
    comment = Comment.objects.get()
    assert comment.text == "Z" + "\u0301" * 4 + f" then words {written}"
    assert comment.name == "A" + "\u0301" * 4


@pytest.mark.parametrize("charset", ["iso-8859-1", "windows-1256", "utf-16"])
def test_a_form_post_naming_another_charset_gets_the_forms_own_answer(client, story, charset):
    """A form-urlencoded body has no charset of its own (browsers send the page's, UTF-8);
    one that names another is read as UTF-8 like any other, not answered with Django's bare
    "Bad Request (400)": what is UTF-8 is taken, what is not gets the form's message."""
    content_type = f"application/x-www-form-urlencoded; charset={charset}"
    body = urlencode({k: v for k, v in form_data(story).items() if k != "text"}).encode()
    response = _post_raw(client, story, body + b"&text=Caf%E9", content_type)
    assert "The comment is not valid UTF-8 text." in refused(response)
    assert Comment.objects.count() == 0
    response = _post_raw(client, story, body + b"&text=Caf%C3%A9", content_type)
    assert response.status_code == 303
    assert Comment.objects.get().text == "Café"
