"""The subscribers' pull API at /api/v1/ (django-ninja): the change feed and single items.

Every route but the OpenAPI document needs a subscriber's key in `Authorization: Bearer`;
without a valid one the answer is 401 and nothing else. Each key has its own rate limit (429
with Retry-After) and each answered request goes into the subscriber's access log.
"""

import datetime
from typing import Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import MediaType
from django_ratelimit.core import get_usage
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer

from dateline.discovery.query import MAX_QUERY_CHARS, MAX_TERMS, QueryProblem, parse_query
from dateline.wire import feed, incoming, search
from dateline.wire.items import (
    NotSent,
    item_of,
    items_of,
    newsml_item,
    ninjs2_item,
    ninjs_item,
)
from dateline.wire.models import AccessLogEntry, Subscriber
from dateline.wire.subscribers import authenticate, parse_rate

NEWSML_TYPE = "application/vnd.iptc.g2.newsitem+xml"
# A subscriber's items (embargoed ones among them) are for it alone: no shared cache keeps them.
PRIVATE = "private, no-store"
MAX_PAGE = 500
MAX_SEARCH_PAGE = 50
SLUG = r"^[-\w]+$"


class RateLimited(Exception):
    def __init__(self, wait: int):
        self.wait = wait


class NotInbound(Exception):
    pass


class SubscriberKey(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Subscriber | None:
        # HTTP puts one space or more after the scheme (RFC 9110, 11.4); django-ninja keeps
        # all but the first in the token.
        subscriber = authenticate(token.lstrip(" "))
        if subscriber is None:
            return None
        usage = get_usage(
            request,
            group="wire-api",
            key=lambda _group, _request: str(subscriber.pk),
            rate=parse_rate(subscriber.rate_limit),
            increment=True,
        )
        if usage and usage["should_limit"]:
            _log(subscriber, request, 429)
            raise RateLimited(max(1, usage["time_left"]))
        return subscriber


class InboundKey(SubscriberKey):
    """A subscriber's key that may also send copy in (`inbound`)."""

    def authenticate(self, request: HttpRequest, token: str) -> Subscriber | None:
        subscriber = super().authenticate(request, token)
        if subscriber is not None and not subscriber.inbound:
            _log(subscriber, request, 403)
            raise NotInbound
        return subscriber


api = NinjaAPI(
    title="Dateline wire",
    version="1",
    description=(
        "News items for subscribers in IPTC ninjs 3.3 (default), ninjs 2.4 and NewsML-G2 "
        "2.35. Authenticate with `Authorization: Bearer <API key>`. See docs/wire.md."
    ),
    auth=SubscriberKey(),
    docs_url=None,
    urls_namespace="wire-api",
)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request, {"detail": "A valid API key is needed: Authorization: Bearer <key>"}, status=401
    )
    response["WWW-Authenticate"] = 'Bearer realm="dateline-wire"'
    return response


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = api.create_response(
        request, {"detail": f"Too many requests; try again in {exc.wait} s"}, status=429
    )
    response["Retry-After"] = str(exc.wait)
    return response


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A parameter out of its range or of the wrong type: 422 naming it, and, the key having
    passed, an entry in the subscriber's access log, as every request it makes has."""
    if isinstance(getattr(request, "auth", None), Subscriber):
        _log(request.auth, request, 422)
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(NotInbound)
def not_inbound(request: HttpRequest, exc: NotInbound) -> HttpResponse:
    return api.create_response(
        request, {"detail": "This key may not send copy in (ask for inbound access)"}, status=403
    )


def _log(
    subscriber: Subscriber,
    request: HttpRequest,
    status: int,
    items: int = 0,
    cursor: int | None = None,
) -> None:
    AccessLogEntry.objects.create(
        subscriber=subscriber,
        path=request.get_full_path()[:300],
        status=status,
        items=items,
        cursor=cursor,
    )


class Page(Schema):
    cursor: int = Field(description="Ask with ?after= this next; opaque, never goes back.")
    items: list[dict] = Field(description="ninjs items, oldest change first.")


class Problem(Schema):
    detail: str


class ListQuery(Schema):
    after: int = Field(0, ge=0, le=feed.MAX_CURSOR, description="The cursor of the last page")
    limit: int = Field(100, ge=1, le=MAX_PAGE)
    format: Literal["ninjs", "ninjs2"] = "ninjs"


class ItemQuery(Schema):
    format: Literal["ninjs", "ninjs2", "newsml"] | None = None
    version: int | None = Field(None, ge=1, le=2**31 - 1, description="An earlier version")


class Invalid(Schema):
    detail: list[dict] = Field(description="What is wrong with the request, one entry a problem.")


ERRORS = {401: Problem, 422: Invalid, 429: Problem}


# HEAD as well as GET, as HTTP asks of every resource (monitors use it; the server sends no
# body), left out of the OpenAPI document, where an operation has one method.
@api.api_operation(["HEAD"], "/items", response={200: Page, **ERRORS}, include_in_schema=False)
@api.get("/items", response={200: Page, **ERRORS}, summary="New and changed items")
def items(request: HttpRequest, response: HttpResponse, query: Query[ListQuery]):
    """Items changed after the cursor, in the order of the change log, each once at its newest
    change. Poll with the cursor of the last answer: no item is ever missed or repeated."""
    subscriber = request.auth
    try:
        page = feed.page_after(subscriber, query.after, query.limit)
    except feed.CursorAhead as ahead:
        _log(subscriber, request, 422, 0, query.after)
        problem = {"type": "cursor_ahead", "loc": ["query", "after"], "msg": str(ahead)}
        return Status(422, {"detail": [problem]})
    write = ninjs2_item if query.format == "ninjs2" else ninjs_item
    documents = [write(each) for each in items_of([(e.story, e.public) for e in page.entries])]
    _log(subscriber, request, 200, len(documents), page.cursor)
    response["Cache-Control"] = PRIVATE
    return {"cursor": page.cursor, "items": documents}


@api.api_operation(
    ["HEAD"],
    "/items/{code}",
    response={200: dict, 404: Problem, 406: Problem, **ERRORS},
    include_in_schema=False,
)
@api.get(
    "/items/{code}",
    response={200: dict, 404: Problem, 406: Problem, **ERRORS},
    summary="One item",
    openapi_extra={
        "responses": {
            200: {
                "description": "ninjs 3.3 (default), ninjs 2.4 (?format=ninjs2) or NewsML-G2 "
                "2.35 (?format=newsml, or Accept: " + NEWSML_TYPE + ")",
                "content": {
                    "application/json": {"schema": {"type": "object"}},
                    NEWSML_TYPE: {"schema": {"type": "string"}},
                },
            }
        }
    },
)
def item(request: HttpRequest, response: HttpResponse, code: int, query: Query[ItemQuery]):
    """One item as it is now, or an earlier version of it (?version=N)."""
    subscriber = request.auth
    # As written in the address: "1.0", "+1" or "01" would be read as 1, one item at many
    # addresses.
    written = request.path.rsplit("/", 1)[-1]
    story = (
        feed.wire_stories(subscriber).filter(pk=code).first()
        if written == str(code) and 0 < code < feed.MAX_CURSOR
        else None
    )
    try:
        if story is None:
            raise NotSent(code)
        # An earlier version is there only if it went out on the wire (not a draft's).
        current = item_of(story, query.version)
    except NotSent:
        _log(subscriber, request, 404)
        raise Http404("No such item") from None
    response["Vary"] = "Accept"
    preferred = _preferred(request, list(OFFERED))
    if preferred is None and not query.format:
        _log(subscriber, request, 406)
        return Status(
            406, {"detail": f"Accept refuses both types offered: {' and '.join(OFFERED)}"}
        )
    wanted = query.format or ("newsml" if preferred == NEWSML_TYPE else "ninjs")
    _log(subscriber, request, 200, 1)
    response["Cache-Control"] = PRIVATE
    if wanted == "newsml":
        xml = HttpResponse(newsml_item(current), content_type=f"{NEWSML_TYPE}; charset=utf-8")
        xml["Cache-Control"] = PRIVATE
        xml["Vary"] = "Accept"
        return xml
    return ninjs2_item(current) if wanted == "ninjs2" else ninjs_item(current)


class SearchParameters(Schema):
    q: str = Field(description='Words, "phrases" and prefixes (word*); every term must match.')
    edition: str | None = Field(
        None, pattern=SLUG, max_length=16, description="Needed when the key takes several."
    )
    section: str | None = Field(None, pattern=SLUG, max_length=60, description="A section slug.")
    tag: str | None = Field(None, max_length=120, description="A tag slug.")
    from_: datetime.date | None = Field(
        None, alias="from", description="The first day (YYYY-MM-DD, the edition's time zone)."
    )
    to: datetime.date | None = Field(None, description="The last day, included.")
    offset: int = Field(0, ge=0, le=search.MAX_OFFSET, description="An answer's next_offset.")
    limit: int = Field(10, ge=1, le=MAX_SEARCH_PAGE)
    format: Literal["ninjs", "ninjs2"] = "ninjs"


class SearchResult(Schema):
    headline_html: str = Field(description="The headline, escaped, matching words in <mark>.")
    snippet_html: str = Field(description="Text around the first match, escaped, marked.")
    item: dict = Field(description="The ninjs item.")


class SearchPage(Schema):
    edition: str
    next_offset: int | None = Field(description="Ask with ?offset= this next; null: no more.")
    terms_cut: bool = Field(description=f"Only the first {MAX_TERMS} terms were searched for.")
    results: list[SearchResult] = Field(description="Best match first.")


@api.api_operation(
    ["HEAD"], "/search", response={200: SearchPage, **ERRORS}, include_in_schema=False
)
@api.get("/search", response={200: SearchPage, **ERRORS}, summary="Search published items")
def search_items(request: HttpRequest, response: HttpResponse, query: Query[SearchParameters]):
    """The public items the key takes that match `q` (as the site's search finds them: any
    spelling of Persian and Arabic letters, digits, diacritics), best first, newer ahead of
    equal matches. Page with `offset`: the answer's `next_offset`."""
    subscriber = request.auth
    try:
        parsed = parse_query(query.q)
    except QueryProblem as problem:
        why = (
            f"at most {MAX_QUERY_CHARS} characters"
            if problem.reason == "long"
            else "no word to search for (letters or digits)"
        )
        return _refused(subscriber, request, "q", f"search_{problem.reason}", why)
    try:
        asked = search.asked_of(
            subscriber,
            edition=query.edition,
            section=query.section,
            tag=query.tag,
            since=query.from_,
            until=query.to,
        )
    except search.Refused as refused:
        return _refused(subscriber, request, refused.parameter, refused.kind, str(refused))
    found = search.search(subscriber, parsed, asked, offset=query.offset, limit=query.limit)
    write = ninjs2_item if query.format == "ninjs2" else ninjs_item
    items = items_of([(result.story, True) for result in found.results])
    _log(subscriber, request, 200, len(items))
    response["Cache-Control"] = PRIVATE
    return {
        "edition": asked.edition.code,
        "next_offset": found.next_offset,
        "terms_cut": parsed.cut,
        "results": [
            {"headline_html": r.headline_html, "snippet_html": r.snippet_html, "item": write(i)}
            for r, i in zip(found.results, items, strict=True)
        ],
    }


def _refused(subscriber, request, parameter: str, kind: str, message: str) -> Status:
    """A 422 naming the parameter, as django-ninja names a malformed one."""
    _log(subscriber, request, 422)
    return Status(422, {"detail": [{"type": kind, "loc": ["query", parameter], "msg": message}]})


OFFERED = ("application/json", NEWSML_TYPE)


def _preferred(request: HttpRequest, offered: list[str]) -> str | None:
    """The offered type the Accept header prefers, the first offered on a tie; None when it
    refuses them all. A type counts at the quality of the most specific range that matches it
    (RFC 9110, 12.5.1): in "application/json;q=0, */*" JSON is refused and NewsML-G2 is not
    (Django's `get_preferred_type` leaves q=0 ranges out, so */* took JSON back in)."""
    ranges = [
        MediaType(token) for token in request.headers.get("Accept", "").split(",") if token.strip()
    ]
    if not ranges:  # none, or only commas and spaces: no preference (RFC 9110, 12.5.1)
        return offered[0]
    best, best_quality = None, 0.0
    for media_type in offered:
        matching = [r for r in ranges if r.match(media_type)]
        if matching:
            quality = max(matching, key=lambda r: r.specificity).quality
            if quality > best_quality:
                best, best_quality = media_type, quality
    return best


@api.post(
    "/incoming",
    auth=InboundKey(),
    response={200: incoming.Received, 201: incoming.Received, **incoming.REFUSALS, **ERRORS},
    summary="Send a partner item in",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "One ninjs item (1.x to 3.x) or one NewsML-G2 newsItem, at most "
            f"{incoming.MAX_BYTES // (1024 * 1024)} MB.",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                NEWSML_TYPE: {"schema": {"type": "string"}},
                "application/xml": {"schema": {"type": "string"}},
            },
        }
    },
)
def incoming_item(request: HttpRequest):
    """A partner's item becomes an Incoming draft, its source attributed, as `dateline import`
    makes it: 201 with the draft's id; the same item again is 200 and the same draft (a newer
    version updates it while no editor has taken it up). Needs a key with inbound access."""
    status, answer = incoming.receive(request, request.auth)
    _log(request.auth, request, status, 1 if status in (200, 201) else 0)
    return Status(status, answer)
