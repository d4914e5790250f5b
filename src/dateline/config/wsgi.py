"""WSGI entry point for gunicorn (or any WSGI server): `dateline.config.wsgi:application`.

Django's handler behind the kept pages' fast path (dateline.site.fast_path, decision 0035),
without the members' middleware for a reader's request (dateline.site.readers, decision 0061),
and an answer to HEAD without its body. What the import made is frozen out of the garbage
collector (decision 0058).
"""

import gc
import os
from collections.abc import Callable, Iterable

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.config.settings")
django_application = get_wsgi_application()

from dateline.site.fast_path import FastPageApplication  # noqa: E402  (needs Django set up)
from dateline.site.readers import ReaderHandler, by_who_asks  # noqa: E402


def without_body_for_head(application: Callable) -> Callable:
    """`application`, answering HEAD with the headers a GET gets and no body (RFC 9110, 9.3.2).
    Django writes the body for HEAD too; gunicorn drops it and logs a warning each time, which
    a monitor's HEAD every few seconds turns into most of the log."""

    def answer(environ: dict, start_response: Callable) -> Iterable[bytes]:
        body = application(environ, start_response)
        if environ.get("REQUEST_METHOD") != "HEAD":
            return body
        if hasattr(body, "close"):
            body.close()  # the response is done with: request_finished and the rest
        return []

    return answer


# A reader's request without the members' middleware (decision 0061), any other through all.
by_who = by_who_asks(ReaderHandler(), django_application)
application = without_body_for_head(FastPageApplication(by_who))

# Everything made so far (Django, the settings, every model and module: some 180,000 objects)
# lives as long as the process. Frozen, the collector's full passes no longer walk it: each
# such pass took about 0.1 s, once every few thousand requests (decision 0058).
gc.freeze()
