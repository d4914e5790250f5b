"""Which HTTP methods a public page answers."""

from collections.abc import Callable

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe


def reads_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET and HEAD; any other method is answered 405 with `Allow: GET, HEAD`. Exempt from
    the CSRF check, which runs before the view: it would answer a POST 403 ("CSRF verification
    failed", about a token) where the page takes no writes at all, so nothing is left for it
    to protect."""
    return csrf_exempt(require_safe(view))
