"""The public side of comments: posting, reporting, the writer's delete link, and the form
each article page gets for its reader.

Article pages are cached whole for every reader, so nothing of one reader may be in them: the
cached page holds a slot where the form goes. Behind a cache that assembles pages with ESI
(Varnish, `Surrogate-Capability: ...ESI/1.0`), the slot becomes an `<esi:include>` of
`comment_form_fragment` and the page is shared; otherwise `with_comment_form` renders the form
into it on every request, with that reader's signed form token, errors and reply target.

The public forms carry no CSRF token (decision 0034): their posts are checked by the
browser's Fetch Metadata and Origin instead (`cross_site_refusal`).
"""

import hashlib
import re
from dataclasses import dataclass
from functools import wraps
from types import SimpleNamespace
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.template.loader import render_to_string
from django.urls import get_urlconf
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from markupsafe import Markup

from dateline.comments import moderation
from dateline.comments.defences import address_hash, issue_token
from dateline.comments.models import Comment, Status
from dateline.comments.notifications import read_delete_token
from dateline.comments.submitting import (
    CommentRefused,
    CommentsClosed,
    FormInvalid,
    RateLimited,
    StoryGone,
    submit_comment,
)
from dateline.comments.threads import article_thread, shown_at, single_thread, where_shown
from dateline.editions.labels import speaking
from dateline.site.chrome import EditionChrome
from dateline.site.page_cache import PER_READER_PARAMETERS, comment_generation
from dateline.site.remembered import Remembered
from dateline.site.templating import page_url, story_url
from dateline.stories.models import Story

FORM_SLOT = re.compile(rb"<!--comment-form (\d+) (\d+)-->")
_FORM_SLOT_START = b"<!--comment-form "
# Set on a request's WSGI environ (to the edition) when its article's form slot was filled for
# this reader (site.fast_path reads it).
FORM_FILLED = "dateline.form_filled"
SENT_STATES = ("received", "published")
PRIVATE = "private, no-store"
FIELD_LABELS = {"name": "name", "email": "email", "text": "comment"}
# What the form template reads of a form no reader has sent yet: nothing typed, no errors.
# Building a Django form for it (its fields deep-copied, ten messages translated) cost more
# than the rest of a kept article page's answer (decision 0035).
UNTOUCHED_FORM = SimpleNamespace(is_bound=False, errors={}, data={}, fields={})
# Put where the form token goes, to cut a rendered form there (`form_around_token`): letters
# and digits only, so escaping leaves it as it is.
FORM_TOKEN_PLACE = "dateline0form0token0place"  # noqa: S105  (not a secret)


def with_comment_form(article_view):
    """Fill the form slot of an article page, cached or fresh, for this request's reader; or,
    for a cache that assembles ESI, with an include of the form, keeping the page shared."""

    @wraps(article_view)
    def view(request: HttpRequest, edition: str, code: int, slug: str = "") -> HttpResponse:
        response = article_view(request, edition=edition, code=code, slug=slug)
        if response.status_code >= 300 and not hasattr(request, "comment_refusal"):
            return response
        if hasattr(response, "render"):
            response.render()
        match = form_slot(response.content)
        if match is None:
            return response
        code, version = int(match[1]), int(match[2])
        if _assembled_by_cache(request, response):
            form = page_url("site:comment-form", edition=edition, code=code)
            include = f'<esi:include src="{form}?v={version}"/>'
            _fill_slot(response, match, include)
            # The page stays as kept (shared, its validators describe it: the include is a
            # function of the kept bytes); the cache fetches the form per reader.
            response.headers["Surrogate-Control"] = 'content="ESI/1.0"'
            patch_vary_headers(response, ["Surrogate-Capability"])
            return response
        response.content = fill_form_slot(request, edition, response.content, match)
        request.environ[FORM_FILLED] = edition  # for site.fast_path: filled per reader
        # This copy of the page is one reader's (the form token's time, which no cache
        # without ESI could keep fresh): no cache may keep it, and the kept page's validators
        # do not describe it.
        response.headers["Cache-Control"] = PRIVATE
        for validator in ("ETag", "Last-Modified"):
            if validator in response:
                del response[validator]
        return response

    return view


def _assembled_by_cache(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether the cache in front puts the form in: it says it speaks ESI, and the page is
    the one every reader gets (not a refused post, a reply link or a 'sent' notice)."""
    return (
        "ESI/1.0" in request.headers.get("Surrogate-Capability", "")
        and request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not hasattr(request, "comment_refusal")
        and not PER_READER_PARAMETERS & request.GET.keys()
    )


def form_slot(content: bytes) -> re.Match | None:
    """Where a page's comment form goes. Looked for from the end, where the comment section
    is: a regular expression's search from the start scanned the whole article for it."""
    start = content.rfind(_FORM_SLOT_START)
    return FORM_SLOT.match(content, start) if start >= 0 else None


def fill_form_slot(request: HttpRequest, edition: str, content: bytes, match: re.Match) -> bytes:
    """`content` with its form slot (`match`) holding this reader's comment form."""
    html = comment_form_html(request, edition, int(match[1]), int(match[2]))
    return b"".join([content[: match.start()], html.encode(), content[match.end() :]])


@dataclass(frozen=True)
class FormAround:
    """A page with its comment form, cut where the form token goes."""

    before: bytes
    after: bytes
    code: int
    version: int

    def with_token(self) -> bytes:
        return b"".join([self.before, issue_token(self.code, self.version).encode(), self.after])


def form_around_token(request: HttpRequest, edition: str, content: bytes) -> FormAround | None:
    """`content` with the form an untouched request gets (no reply, no notice, nothing sent)
    in its slot, cut where the form token goes: a reader's page is then `before`, a new
    token, `after`. None: the page has no slot."""
    match = form_slot(content)
    if match is None:
        return None
    code, version = int(match[1]), int(match[2])
    html = comment_form_html(request, edition, code, version, token=FORM_TOKEN_PLACE)
    before, after = html.encode().split(FORM_TOKEN_PLACE.encode())
    return FormAround(
        before=b"".join([content[: match.start()], before]),
        after=b"".join([after, content[match.end() :]]),
        code=code,
        version=version,
    )


def _fill_slot(response: HttpResponse, match: re.Match, html: str) -> None:
    content = response.content
    response.content = b"".join([content[: match.start()], html.encode(), content[match.end() :]])


@require_http_methods(["GET", "HEAD"])
def comment_form_fragment(request: HttpRequest, edition: str, code: int) -> HttpResponse:
    """The form alone, for the ESI include of a shared article page: a fresh form token for
    each reader, and no query (the edition's chrome is kept in the cache).

    Like the slot it stands for, it trusts the page for the story and its version (`?v=`):
    the page drew the slot because the story was public and open when it was rendered. A
    form for any other code says nothing of a story, and its post meets every check (public,
    policy, the version capped at the story's own) as any post does."""
    from dateline.site.views import edition_chrome

    raw = request.GET.get("v", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        raise Http404("No such form")
    chrome = edition_chrome(edition)
    with speaking(chrome.edition.language):
        # The article's address by its code: it redirects to the slugged one.
        html = _render_comment_form(
            request,
            chrome,
            edition,
            code,
            int(raw),
            story_path=page_url("site:article-code", edition=edition, code=code),
        )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = PRIVATE
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# The comment sections of stories without a comment (most stories), written once per process
# for what they show (decision 0044's way): nothing in them changes but with the values in their
# key, so no moderation generation is read for them. About 1 KB each.
MOST_EMPTY_THREADS = 5_000
_empty_threads = Remembered(MOST_EMPTY_THREADS)


def thread_html(request: HttpRequest, chrome: EditionChrome, story: Story, is_open: bool) -> Markup:
    """The comment section of an article (count, threads, the form's slot), rendered, and kept
    as long as pages are (PAGE_CACHE_SECONDS) under the moderation generation, the story's
    version and the page of comments asked for.

    Whole pages are retired by every story change anywhere; a thread only by a moderation
    event, a new version of its story (it says which comments answered an earlier one), or a
    change of the edition's furniture or the code. So the page of a story with thousands of
    comments is re-rendered after another story's edit without drawing its thread again.
    """
    asked = [request.GET.get(name) for name in ("thread", "cpage", "order")]
    # The thread's links (reply, order, pages) name the article's address: the same thread is
    # shown at the comment form's address when a post is refused.
    article_path = story_url(chrome.edition.code, story)
    if story.comment_count == 0 and asked == [None, None, None]:
        # Every value it shows: the furniture's reading (the edition's language and digits),
        # the address, the story and version its form slot names, whether it is open.
        key = (chrome.version, article_path, story.code, story.version, is_open)
        empty = article_thread(story, None, None, approved=0)
        return _empty_threads.get(
            key, lambda: _rendered_thread(chrome, story, article_path, empty, is_open)
        )
    seconds = settings.PAGE_CACHE_SECONDS
    key = None
    if seconds > 0:
        parts = [comment_generation(), article_path, story.code, story.version, is_open]
        digest = hashlib.sha256(repr([*parts, *asked]).encode()).hexdigest()[:32]
        key = f"site:thread:{digest}"
        cached = cache.get(key)
        if cached is not None:
            return Markup(cached)  # noqa: S704  (our own template's output, escaped there)
    root, raw_page, order = asked
    if root is not None:
        thread = single_thread(story, root, raw_page)
    else:
        thread = article_thread(story, raw_page, order, approved=story.comment_count)
    html = _rendered_thread(chrome, story, article_path, thread, is_open)
    if key is not None:
        cache.set(key, str(html), seconds)
    return html


def _rendered_thread(chrome, story: Story, article_path: str, thread, is_open: bool) -> Markup:
    edition = chrome.edition
    context = {
        "chrome": chrome,
        "edition": edition,
        "labels": edition.labels,
        "story": story,
        "page": article_path,
        "thread": thread,
        "comment_count": story.comment_count,
        "comments_open": is_open,
    }
    # No request in the context: what is kept must hold nothing of the reader who asked.
    html = render_to_string("site/_comments.html", context)
    return Markup(html)  # noqa: S704  (our own template's output, escaped there)


def comment_form_html(
    request: HttpRequest, edition: str, code: int, version: int, token: str | None = None
) -> str:
    """The comment form for this request's reader, with a new form token (or `token`)."""
    from dateline.site.views import edition_chrome  # the views import this module

    chrome = edition_chrome(edition)
    if token is None and _is_untouched(request):
        before, after = _untouched_form(request, chrome.edition.language, edition, code, version)
        return f"{before}{issue_token(code, version)}{after}"
    with speaking(chrome.edition.language):  # the form's errors, in the edition's language
        return _render_comment_form(request, chrome, edition, code, version, token=token)


def _is_untouched(request: HttpRequest) -> bool:
    """Whether the reader's form is the one every reader gets: no reply named, no notice, no
    post refused and given back."""
    return (
        request.method in ("GET", "HEAD")
        and getattr(request, "comment_form", None) is None
        and getattr(request, "comment_refusal", None) is None
        and not PER_READER_PARAMETERS & request.GET.keys()
    )


# Untouched forms, cut where the token goes: written once per process for each set of values
# they show (decision 0044's way) and given a new token per reader. A story's form at each of
# its addresses; about 3 KB each.
MOST_UNTOUCHED_FORMS = 2_000
_untouched_forms = Remembered(MOST_UNTOUCHED_FORMS)


def _untouched_form(
    request: HttpRequest, language: str, edition: str, code: int, version: int
) -> tuple[str, str]:
    def write() -> tuple[str, str]:
        html = comment_form_html(request, edition, code, version, token=FORM_TOKEN_PLACE)
        before, after = html.split(FORM_TOKEN_PLACE)
        return before, after

    # Every value the form shows but its token: the labels (the edition's language), the
    # address the story is read at (Cancel goes back to it; with the URL configuration it
    # names the prefix, edition and story the form posts to) and the comment's length limit.
    key = (language, request.path, get_urlconf(), settings.COMMENT_MAX_LENGTH)
    return _untouched_forms.get(key, write)


def _render_comment_form(
    request,
    chrome: EditionChrome,
    edition: str,
    code: int,
    version: int,
    story_path: str = "",
    token: str | None = None,
):
    form = getattr(request, "comment_form", None) or UNTOUCHED_FORM
    refusal = getattr(request, "comment_refusal", None)
    sent = request.GET.get("comment")
    context = {
        "labels": chrome.edition.labels,
        "form": form,
        "refusal": refusal.message if refusal and not isinstance(refusal, FormInvalid) else None,
        # Closed while the reader wrote, or the story gone: their text is given back, with
        # nothing to send it by.
        "closed": isinstance(refusal, CommentsClosed | StoryGone),
        "sent": sent if sent in SENT_STATES and refusal is None else None,
        "token": token or issue_token(code, version),
        # A story gone shows nothing of itself, not the name of the comment replied to.
        "reply": None if isinstance(refusal, StoryGone) else _reply_target(request, code),
        "action": page_url("site:comment-post", edition=edition, code=code),
        # A refused post's page is answered at the form's address: "cancel" goes back to the
        # article's (its code's, which redirects to the slugged one).
        "story_path": story_path
        or (
            page_url("site:article-code", edition=edition, code=code)
            if request.method == "POST"
            else escape_uri_path(request.path)  # as reversed addresses are: percent-encoded
        ),
        "max_length": settings.COMMENT_MAX_LENGTH,
        "field_labels": FIELD_LABELS,
    }
    # No request in the context: the form holds nothing of the reader but what is put here.
    return render_to_string("site/_comment_form.html", context)


def _reply_target(request: HttpRequest, code: int) -> Comment | None:
    """The comment named by ?reply= (or the form's parent, after a refused reply)."""
    raw = request.POST.get("parent") if request.method == "POST" else request.GET.get("reply")
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        return None
    return (
        Comment.objects.filter(pk=int(raw), story_id=code, status=Status.APPROVED)
        .only("pk", "name")
        .first()
    )


def cross_site_refusal(request: HttpRequest, chrome: EditionChrome) -> HttpResponse | None:
    """A 403 page for a POST a browser sent from another site, else None (decision 0034).

    Browsers say where a request comes from: `Sec-Fetch-Site` (cross-site, same-site,
    same-origin, none) and, on every cross-origin POST, `Origin`. A request with neither is
    not a browser's, so not a forgery riding on a reader's browser: it is let through, to meet
    the form token, the rate limits and moderation like any other post."""
    if request.method != "POST":
        return None
    fetched_from = request.headers.get("Sec-Fetch-Site", "").strip().lower()
    foreign = fetched_from in ("cross-site", "same-site") or (
        "Origin" in request.headers and not _our_origin(request)
    )
    if not foreign:
        return None
    from dateline.site.views import render_page

    with speaking(chrome.edition.language):
        message = _(
            "This form was sent from another site, so it was not accepted."
            " Open the page on this site and send it from there."
        )
        response = render_page(request, chrome, "comment_refused.html", story=None, message=message)
    response.status_code = 403
    response.headers["Cache-Control"] = PRIVATE
    return response


def _our_origin(request: HttpRequest) -> bool:
    """Django's own check of `Origin`: this request's scheme and (allowed) host, or one of
    CSRF_TRUSTED_ORIGINS. A new instance each time: it caches the settings it reads."""
    return CsrfViewMiddleware(lambda request: None)._origin_verified(request)


# What posting reads of the story: its policy, version and address, and the headline the 429
# page links. Loading every column (the body among them) cost more than the checks.
POSTING_FIELDS = (
    "code",
    "edition_id",
    "slug",
    "headline",
    "version",
    "comment_policy",
    "published_at",
    "section__comment_policy",
)


def _public_story(chrome: EditionChrome, code: int) -> Story:
    try:
        story = (
            Story.objects.public()
            .select_related("section")
            .only(*POSTING_FIELDS)
            .get(code=code, edition=chrome.edition)
        )
    except Story.DoesNotExist:
        raise Http404("No such story") from None
    story.edition = chrome.edition
    return story


def _read_form_as_utf8(request: HttpRequest) -> None:
    """A form-urlencoded body has no charset of its own: browsers send the page's (UTF-8).
    Django answers one that names another (`; charset=windows-1256`) with its bare "Bad
    Request" at the first read of `request.POST`, before the reader's form could say why; read
    it as UTF-8 instead, so that what is not UTF-8 is refused below like any other post."""
    if request.content_type == "application/x-www-form-urlencoded" and request.encoding:
        request.encoding = "utf-8"


def _body_is_utf8(request: HttpRequest) -> bool:
    """Django decodes a form post that is not UTF-8 as Latin-1, silently: "Café" typed in
    another encoding, or a stray byte, would be stored as mojibake. Refuse it instead."""
    if request.content_type != "application/x-www-form-urlencoded":
        return True  # multipart fields are decoded one by one; a bad one shows as U+FFFD
    try:
        request.body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@csrf_exempt  # checked by cross_site_refusal (decision 0034)
@require_http_methods(["GET", "HEAD", "POST"])
def post_comment(request: HttpRequest, edition: str, code: int) -> HttpResponse:
    from dateline.site.views import edition_chrome

    if request.method != "POST":
        # A refused post's page stays at this address: opened again (the address bar, a
        # restored tab) it leads to the article's form, which answers for the story.
        article = page_url("site:article-code", edition=edition, code=code)
        return _see_other(f"{article}#comment-form")
    chrome = edition_chrome(edition)
    refused = cross_site_refusal(request, chrome)
    if refused is not None:
        return refused
    _read_form_as_utf8(request)
    with speaking(chrome.edition.language):  # what a refusal tells the reader
        try:
            story = _public_story(chrome, code)
        except Http404:
            return _to_a_story_gone(request, chrome, code)
        return _post_comment(request, chrome, story)


def _as_sent(request: HttpRequest) -> SimpleNamespace:
    """The reader's form as they sent it, unchecked, for a refusal that is not about its
    fields (too quick, over the rate, a stale token, a ban, a reply to a comment gone): what
    they typed comes back to them, not an empty form."""
    return SimpleNamespace(is_bound=True, errors={}, data=request.POST, fields={})


def _post_comment(request: HttpRequest, chrome: EditionChrome, story: Story) -> HttpResponse:
    from dateline.site.views import article

    edition, code = chrome.edition.code, story.code
    try:
        if not _body_is_utf8(request):
            raise CommentRefused(_("The comment is not valid UTF-8 text: please send it again."))
        accepted = submit_comment(request, story, request.POST)
    except CommentRefused as refused:
        request.comment_refusal = refused
        if isinstance(refused, RateLimited | CommentsClosed):
            return _refused_alone(request, chrome, refused, code, story)
        request.comment_form = (
            refused.form if isinstance(refused, FormInvalid) else _as_sent(request)
        )
        response = article(request, edition=edition, code=code, slug=story.slug)
        response.status_code = refused.status
        return response
    if accepted.published:
        # The page that draws the comment, which is not the first when the story has more
        # threads than a page shows or the thread more replies than are shown under it.
        query = {**where_shown(accepted.comment), "comment": "published"}
        anchor = f"c{accepted.comment.pk}"
    else:
        query, anchor = {"comment": "received"}, "comment-form"
    return _see_other(f"{story_url(edition, story)}?{urlencode(query)}#{anchor}")


def _see_other(address: str) -> HttpResponseRedirect:
    """303: the page to GET after a POST (or instead of the form's own address)."""
    response = HttpResponseRedirect(address)
    response.status_code = 303
    return response


def _refused_alone(
    request: HttpRequest,
    chrome: EditionChrome,
    refused: CommentRefused,
    code: int,
    story: Story | None,
) -> HttpResponse:
    """A refusal on a small page, without the article: over the rate (a flood is answered
    cheaply, no article rendering per refused post), closed (the article has no form left) or
    the story gone (`story` None: nothing of it shown). The form comes back as the reader sent
    it, its error box saying why."""
    from dateline.site.views import render_page

    request.comment_refusal = refused
    request.comment_form = _as_sent(request)
    form = _render_comment_form(
        request,
        chrome,
        chrome.edition.code,
        code,
        story.version if story is not None else 0,
        token=request.POST.get("token"),
    )
    response = render_page(
        request,
        chrome,
        "comment_refused.html",
        story=story,
        comment_form=Markup(form),  # noqa: S704  (our own template's output, escaped there)
    )
    response.status_code = refused.status
    if isinstance(refused, RateLimited):
        response["Retry-After"] = str(refused.seconds)
    response["Cache-Control"] = PRIVATE
    return response


def _to_a_story_gone(request: HttpRequest, chrome: EditionChrome, code: int) -> HttpResponse:
    """A comment sent to a story that is not public (killed or unpublished while the reader
    wrote, or no story at all): why, and what they typed given back to keep, with nothing to
    send it by; nothing of the story shown (the same page whether it exists or not)."""
    from dateline.site.views import withdrawn_at

    refused = StoryGone(withdrawn=withdrawn_at(chrome.edition, code) is not None)
    return _refused_alone(request, chrome, refused, code, story=None)


@csrf_exempt  # checked by cross_site_refusal (decision 0034)
@require_http_methods(["GET", "HEAD", "POST"])
def report_comment(request: HttpRequest, edition: str, comment: int) -> HttpResponse:
    """A page to confirm the report (GET), and the report itself (POST): never cached."""
    from dateline.site.views import edition_chrome, render_page

    chrome = edition_chrome(edition)
    refused = cross_site_refusal(request, chrome)
    if refused is not None:
        return refused
    target = (
        Comment.objects.filter(pk=comment, status=Status.APPROVED, story__in=Story.objects.public())
        .filter(story__edition=chrome.edition)
        .select_related("story")
        .first()
    )
    if target is None:
        raise Http404("No such comment")
    done = False
    if request.method == "POST":
        moderation.report(target.pk, address_hash(request))
        done = True
    # The link back leads to its page: a later page of threads, or its thread's.
    response = render_page(
        request, chrome, "comment_report.html", comment=target, done=done, shown_at=shown_at(target)
    )
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response


@csrf_exempt  # checked by cross_site_refusal (decision 0034)
@require_http_methods(["GET", "HEAD", "POST"])
def delete_own_comment(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the receipt: confirm (GET), then delete (POST)."""
    from dateline.site.views import edition_chrome, render_page

    comment_id = read_delete_token(token)
    target = (
        Comment.objects.filter(pk=comment_id).select_related("story__edition").first()
        if comment_id
        else None
    )
    if target is None:
        raise Http404("This link is not valid.")
    chrome = edition_chrome(target.story.edition.code)
    refused = cross_site_refusal(request, chrome)
    if refused is not None:
        return refused
    done = target.status == Status.DELETED
    if request.method == "POST" and not done:
        moderation.delete_own(target.pk)
        done = True
    story_is_public = Story.objects.public().filter(pk=target.story_id).exists()
    response = render_page(
        request,
        chrome,
        "comment_delete.html",
        comment=target,
        done=done,
        story_is_public=story_is_public,
    )
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response
