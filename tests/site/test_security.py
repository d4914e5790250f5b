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


def test_every_page_has_a_strict_content_security_policy(pages):
    for path, response in pages.items():
        policy = dict(
            part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
        )
        assert policy["default-src"] == "'self'", path
        assert policy["script-src"] == "'self'", path
        assert policy["style-src"] == "'self'", path
        assert policy["object-src"] == "'none'", path
        assert policy["frame-ancestors"] == "'none'", path
        assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_pages_carry_no_inline_scripts_styles_or_handlers(pages):
    for path, response in pages.items():
        soup = BeautifulSoup(response.content, "html.parser")
        assert all(script.get("src") for script in soup.find_all("script")), path
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
