"""Secure by default: CSP without inline code, security headers, unknown hosts refused."""

import pytest
from bs4 import BeautifulSoup

from tests.factories import make_story
from tests.processes import dateline_env, run_dateline

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(client, editions):
    en, _ = editions
    story = make_story(en, section=en.sections.get(), tags=("Water",))
    paths = [
        "/en/",
        "/fa/",
        "/en/section/world/",
        "/en/tag/water/",
        story.get_absolute_url(),
        "/en/no-such-page/",
    ]
    return {path: client.get(path) for path in paths}


# The whole policy, every directive: a dropped one (say frame-ancestors, or object-src, which
# default-src does not cover for plugins in every browser) is a silent loss, so it fails here.
EXPECTED_CSP = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:", "https:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


def parse_policy(header: str) -> dict[str, set[str]]:
    """'a x y; b z' -> {'a': {'x', 'y'}, 'b': {'z'}}; a repeated directive is an error."""
    policy: dict[str, set[str]] = {}
    for part in header.split(";"):
        if not part.strip():
            continue
        name, *values = part.split()
        assert name.lower() not in policy, f"{name} twice in {header!r}"
        policy[name.lower()] = set(values)
    return policy


def configured_policy(settings) -> dict[str, set[str]]:
    return {
        name: set() if values is True else {str(v) for v in values}
        for name, values in settings.SECURE_CSP.items()
        if values is not False
    }


def test_the_configured_policy_is_the_expected_one(settings):
    expected = dict(EXPECTED_CSP)
    if settings.SECURE_SSL_REDIRECT:  # the production profile only
        expected["upgrade-insecure-requests"] = set()
    assert configured_policy(settings) == expected


def test_every_page_has_the_whole_content_security_policy(client, pages, settings):
    story_path = next(path for path in pages if "/news/" in path)
    code = story_path.split("/")[3]
    responses = {
        **pages,
        "cached front": client.get("/en/"),
        "old slug (301)": client.get(f"/en/news/{code}/old-slug"),
        "unknown host (400)": client.get("/en/", HTTP_HOST="evil.example"),
    }
    for path, response in responses.items():
        header = response["Content-Security-Policy"]
        assert parse_policy(header) == EXPECTED_CSP, path
        assert "unsafe-" not in header, path
    assert "Content-Security-Policy-Report-Only" not in responses["/en/"]


def test_pages_carry_no_inline_scripts_styles_or_handlers(pages):
    for path, response in pages.items():
        soup = BeautifulSoup(response.content, "html.parser")
        # JSON-LD (site/seo.py) is a data block: browsers never run it, CSP does not apply.
        scripts = soup.find_all("script")
        assert all(s.get("src") or s.get("type") == "application/ld+json" for s in scripts), path
        assert soup.find("style") is None, path
        for tag in soup.find_all(True):
            assert "style" not in tag.attrs, (path, tag.name)
            assert not [a for a in tag.attrs if a.startswith("on")], (path, tag.name)


def test_security_headers(pages):
    response = pages["/en/"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_unknown_host_is_refused(client, editions):
    assert client.get("/en/", HTTP_HOST="evil.example").status_code == 400
    assert client.get("/en/", HTTP_HOST="127.0.0.1:8000").status_code == 200


def test_production_profile_passes_the_deploy_check_without_warnings(tmp_path):
    env = dateline_env(
        tmp_path,
        DATELINE_PROFILE="production",
        SECRET_KEY="k" * 20 + "Zq8#vR2!mX9@pL4$wT7%nB1^cY6&hJ3*dF5(",
        DATELINE_ALLOWED_HOSTS="news.example.org",
    )
    result = run_dateline("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_profile_refuses_to_start_without_a_secret_key(tmp_path):
    env = dateline_env(
        tmp_path, DATELINE_PROFILE="production", DATELINE_ALLOWED_HOSTS="news.example.org"
    )
    result = run_dateline("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_profile_refuses_to_start_without_hosts(tmp_path):
    env = dateline_env(tmp_path, DATELINE_PROFILE="production", SECRET_KEY="x" * 60)
    result = run_dateline("check", env=env)
    assert result.returncode != 0
    assert "DATELINE_ALLOWED_HOSTS" in result.stderr


def test_a_mistyped_switch_is_named(tmp_path):
    result = run_dateline("check", env=dateline_env(tmp_path, DATELINE_DEBUG="maybe"))
    assert result.returncode != 0
    assert "DATELINE_DEBUG='maybe'" in result.stderr


def csp_answer(rf, view, nonce_used=False):
    """`view`'s answer through the site's CSP middleware, its page using a nonce or not."""
    from django.middleware.csp import get_nonce

    from dateline.site.middleware import ContentSecurityPolicyMiddleware

    def page(request):
        if nonce_used:
            str(get_nonce(request))  # as a template's `csp_nonce` does
        return view(request)

    return ContentSecurityPolicyMiddleware(page)(rf.get("/"))


def test_a_changed_policy_setting_is_the_one_written(rf, settings):
    from django.http import HttpResponse
    from django.utils.csp import CSP

    first = csp_answer(rf, lambda request: HttpResponse("x"))["Content-Security-Policy"]
    assert parse_policy(first)["default-src"] == {"'self'"}
    settings.SECURE_CSP = {"default-src": [CSP.NONE]}
    settings.SECURE_CSP_REPORT_ONLY = {"img-src": [CSP.SELF]}
    answer = csp_answer(rf, lambda request: HttpResponse("x"))
    assert answer["Content-Security-Policy"] == "default-src 'none'"
    assert answer["Content-Security-Policy-Report-Only"] == "img-src 'self'"


def test_a_page_that_used_a_nonce_gets_it_in_its_policy(rf, settings):
    from django.http import HttpResponse
    from django.utils.csp import CSP

    settings.SECURE_CSP = {"script-src": [CSP.SELF, CSP.NONCE]}
    without = csp_answer(rf, lambda request: HttpResponse("x"))
    assert without["Content-Security-Policy"] == "script-src 'self'"
    with_nonce = csp_answer(rf, lambda request: HttpResponse("x"), nonce_used=True)
    assert with_nonce["Content-Security-Policy"].startswith("script-src 'self' 'nonce-")


def test_a_view_s_own_policy_is_kept(rf):
    from django.http import HttpResponse
    from django.utils.csp import CSP
    from django.views.decorators.csp import csp_override, csp_report_only_override

    own = csp_override({"default-src": [CSP.SELF, "https://maps.example"]})
    answer = csp_answer(rf, own(lambda request: HttpResponse("x")))
    assert answer["Content-Security-Policy"] == "default-src 'self' https://maps.example"
    reported = csp_report_only_override({"img-src": [CSP.NONE]})
    answer = csp_answer(rf, reported(lambda request: HttpResponse("x")))
    assert answer["Content-Security-Policy-Report-Only"] == "img-src 'none'"
    assert parse_policy(answer["Content-Security-Policy"]) == parse_policy(
        csp_answer(rf, lambda request: HttpResponse("x"))["Content-Security-Policy"]
    )
