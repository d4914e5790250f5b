import functools
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.signals import setting_changed
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware import csp
from django.utils.csp import CSP, build_policy

from dateline.site.page_cache import serve_stale

logger = logging.getLogger(__name__)

# A news page needs none of these; denying them limits what injected or third-party code can do.
# (No `interest-cohort`: FLoC, the feature it denied, left every browser in 2022.)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


class HealthCheckMiddleware:
    """`/healthz`, for load balancers: "ok" while the process answers (no database round
    trip), whatever Host the probe names (Varnish's names the backend's address, which
    ALLOWED_HOSTS need not hold) and over plain HTTP (no redirect to HTTPS)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/healthz":
            response = HttpResponse("ok", content_type="text/plain")
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(csp.ContentSecurityPolicyMiddleware):
    """Django's, with the site's policies (`SECURE_CSP`, `SECURE_CSP_REPORT_ONLY`) written once
    per process rather than for each response (2 % of a rendered page): a response whose page
    used no nonce and whose view set no policy of its own gets them as Django would write
    them. Any other is Django's to write."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # Django's decorators `csp_override` and `csp_report_only_override` set these.
        own = hasattr(response, "_csp_config") or hasattr(response, "_csp_ro_config")
        if own or csp.get_nonce(request):  # a nonce is true once a page used it
            return super().process_response(request, response)
        for header, policy in _site_policies():
            if header not in response:
                response.headers[header] = policy
        return response


@functools.cache
def _site_policies() -> tuple[tuple[str, str], ...]:
    configs = (
        (CSP.HEADER_ENFORCE, settings.SECURE_CSP),
        (CSP.HEADER_REPORT_ONLY, settings.SECURE_CSP_REPORT_ONLY),
    )
    return tuple((str(header), build_policy(config)) for header, config in configs if config)


@receiver(setting_changed)
def _forget_site_policies(*, setting: str, **_kwargs) -> None:
    if setting in ("SECURE_CSP", "SECURE_CSP_REPORT_ONLY"):
        _site_policies.cache_clear()


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class CacheHeadersMiddleware:
    """What shared caches may keep (decision 0032). A page that says nothing is one reader's:
    `private, no-store` (the newsroom, previews, forms, errors). A page the view marked public
    stays public only for an anonymous GET or HEAD that sets no cookie and varies on no
    cookie: a staff member's copy, or one carrying a cookie, is downgraded, never shared."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not _is_shared(request, response):
            response.headers["Cache-Control"] = PRIVATE
        return response


PRIVATE = "private, no-store"


def _is_shared(request: HttpRequest, response: HttpResponse) -> bool:
    control = response.headers.get("Cache-Control", "")
    if "public" not in {part.strip() for part in control.split(",")}:
        return False
    vary = {part.strip().lower() for part in response.headers.get("Vary", "").split(",")}
    signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and not response.cookies
        and "cookie" not in vary
        and not signed_in
    )


class DatabaseDownMiddleware:
    """With the database unreachable, a page still in the page cache is served stale; any
    other answers 503 with Retry-After (not the 500 page): the fault is the service's, and
    passes. Django reconnects on the next request once the database is back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("database unavailable on %s: %s", request.path, exception)
        stale = serve_stale(request)
        if stale is not None:
            return stale
        response = HttpResponse(UNAVAILABLE, status=503, content_type="text/html; charset=utf-8")
        response.headers["Retry-After"] = str(settings.DATABASE_RETRY_AFTER_SECONDS)
        response.headers["Cache-Control"] = PRIVATE
        return response


# Nothing that needs the database, the cache or the templates: any of them may be what failed.
UNAVAILABLE = (
    "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Back in a moment</title>"
    "<h1>Back in a moment</h1><p>The site is briefly unavailable. Please try again in a few"
    " seconds.</p></html>"
)
