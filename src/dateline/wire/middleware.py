"""The wire API's refusals that Django and django-ninja make before its own code runs."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"


class ApiRefusalsInJson:
    """Under /api/, an address that is none of the API's (404) and a method an address does not
    take (405, its `Allow` kept) answer `{"detail": …}` in JSON like the API's other errors,
    not the public site's HTML page or django-ninja's plain "Method not allowed"."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code in (404, 405)
            and request.path_info.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return _in_json(request, response)
        return response


def _in_json(request: HttpRequest, refused: HttpResponse) -> JsonResponse:
    if refused.status_code == 404:
        detail = f"No such address in the API: {request.path_info} (see docs/wire.md)"
    else:
        detail = f"{request.method} is not allowed here (allowed: {refused.get('Allow', '')})"
    answer = JsonResponse({"detail": detail}, status=refused.status_code)
    if refused.has_header("Allow"):
        answer["Allow"] = refused["Allow"]
    return answer
