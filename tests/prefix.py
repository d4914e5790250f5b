"""Asking for a page as it is asked for when the site is served under a proxy's path: Django's
WSGI handler makes the request's SCRIPT_NAME the script prefix; the test client passes
SCRIPT_NAME on but does not set the prefix."""

from django.urls import set_script_prefix


def asked_under(prefix: str, request, path: str, *args, **kwargs):
    """`request(path, …)` (a test client's `get` or `post`) served under `prefix` ("/agency/",
    or "/" for none)."""
    set_script_prefix(prefix)
    try:
        return request(path, *args, SCRIPT_NAME=prefix.rstrip("/"), **kwargs)
    finally:
        set_script_prefix("/")
