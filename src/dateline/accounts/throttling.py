"""Sign-in throttling around django-axes: the client's address, the lock-out page, log lines,
and forgetting a person's own typos once they sign in (decision 0011)."""

import ipaddress
import math

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _valid_address(text: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((text or "").strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The address failures are counted against (axes' AXES_CLIENT_IP_CALLABLE).

    Embedded, Dateline is reached directly: the peer address, whatever X-Forwarded-For claims.
    In production behind TRUSTED_PROXIES proxies, each appends the address it was reached from,
    so the one the outermost trusted proxy saw is that many entries from the right; entries
    further left are written by the client and never trusted.
    """
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(hops) >= proxies:
            address = _valid_address(hops[-proxies])
            if address:
                return address
    return _valid_address(request.META.get("REMOTE_ADDR"))


def describe_client(username, ip_address, user_agent, path_info, request) -> str:
    """How a sign-in attempt appears in the log (axes' AXES_CLIENT_STR_CALLABLE): never the
    password; the values quoted so that a username cannot forge a log line."""
    if isinstance(path_info, (tuple, list)):
        path_info = path_info[0]
    return (
        f"username={username!r} address={ip_address or '-'}"
        f" user_agent={user_agent!r} path={path_info!r}"
    )


def cool_off_minutes(request: HttpRequest | None = None) -> int:
    return max(1, math.ceil(get_cool_off(request).total_seconds() / 60))


def locked_out(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """The page a locked-out sign-in gets (axes' AXES_LOCKOUT_CALLABLE): 429, in the newsroom's
    look, saying how long to wait and whom to ask."""
    minutes = cool_off_minutes(request)
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed sign-ins",
        "minutes": minutes,
    }
    response = render(
        request,
        "accounts/locked_out.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
        using="django",
    )
    response["Retry-After"] = str(minutes * 60)
    return response


def forget_own_failures(sender, request, user, **kwargs) -> None:
    """On a successful sign-in, forget this account's failures from this address: they were the
    person's own typos. Failures from other addresses, or against other accounts from this
    one, still count (axes' AXES_RESET_ON_SUCCESS would wipe every failure of the address, so
    one valid account would let its owner guess other accounts' passwords without end)."""
    if request is None:
        return
    AccessAttempt.objects.filter(
        username=user.get_username(), ip_address=client_address(request)
    ).delete()
