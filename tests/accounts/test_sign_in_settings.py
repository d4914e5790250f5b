"""Sign-in settings as an operator gets them: fresh processes, environment variables only."""

import json

from tests.processes import dateline_env, run_dateline

PRODUCTION = {
    "DATELINE_PROFILE": "production",
    "SECRET_KEY": "k" * 20 + "Zq8#vR2!mX9@pL4$wT7%nB1^cY6&hJ3*dF5(",
    "DATELINE_ALLOWED_HOSTS": "news.example.org",
}
SHOW = """
import json
from django.conf import settings as s
print(json.dumps({
    "limit": s.AXES_FAILURE_LIMIT,
    "cool_off_minutes": s.AXES_COOLOFF_TIME.total_seconds() / 60,
    "proxies": s.TRUSTED_PROXIES,
    "session_hours": s.SESSION_COOKIE_AGE / 3600,
    "secure": s.SESSION_COOKIE_SECURE,
    "http_only": s.SESSION_COOKIE_HTTPONLY,
    "same_site": s.SESSION_COOKIE_SAMESITE,
}))
"""


def settings_of(tmp_path, **variables) -> dict:
    result = run_dateline("shell", "-v0", "-c", SHOW, env=dateline_env(tmp_path, **variables))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_defaults(tmp_path):
    assert settings_of(tmp_path) == {
        "limit": 5,
        "cool_off_minutes": 15,
        "proxies": 0,
        "session_hours": 12,
        "secure": False,
        "http_only": True,
        "same_site": "Lax",
    }


def test_production_trusts_one_proxy_and_sends_the_session_cookie_over_tls_only(tmp_path):
    shown = settings_of(tmp_path, **PRODUCTION)
    assert (shown["proxies"], shown["secure"], shown["http_only"]) == (1, True, True)
    assert settings_of(tmp_path, **PRODUCTION, DATELINE_TRUSTED_PROXIES="2")["proxies"] == 2


def test_limits_come_from_the_environment(tmp_path):
    shown = settings_of(
        tmp_path,
        DATELINE_LOGIN_FAILURE_LIMIT="3",
        DATELINE_LOGIN_COOLOFF_MINUTES="30",
        DATELINE_SESSION_HOURS="8",
    )
    assert (shown["limit"], shown["cool_off_minutes"], shown["session_hours"]) == (3, 30, 8)


def test_unusable_values_stop_start_up_naming_the_variable(tmp_path):
    for name, value in [
        ("DATELINE_LOGIN_FAILURE_LIMIT", "0"),
        ("DATELINE_LOGIN_COOLOFF_MINUTES", "soon"),
        ("DATELINE_SESSION_HOURS", "-1"),
        # Embedded, Dateline is reached directly: X-Forwarded-For is anyone's to write.
        ("DATELINE_TRUSTED_PROXIES", "1"),
    ]:
        result = run_dateline("check", env=dateline_env(tmp_path, **{name: value}))
        assert result.returncode != 0, name
        assert name in result.stderr


def test_failed_sign_ins_and_the_lockout_reach_the_console(tmp_path):
    env = dateline_env(tmp_path, DATABASE_URL="sqlite://:memory:")
    guess = "Tr0ub4dor&3-guess"
    script = f"""
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory, override_settings
call_command("migrate", "accounts", verbosity=0)
call_command("migrate", "axes", verbosity=0)
with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
    get_user_model().objects.create_user("editor", password="a-long-passphrase")
    for _ in range(5):
        request = RequestFactory().post("/newsroom/login/")
        authenticate(request, username="editor", password={guess!r})
print(request.axes_locked_out)
"""
    result = run_dateline("shell", "-v0", "-c", script, env=env)
    assert result.stdout.strip() == "True", result.stderr
    lines = result.stderr.splitlines()
    failures = [line for line in lines if "login failure by username='editor'" in line]
    assert len(failures) == 5
    assert any(
        "WARNING axes" in line and "Locking out username='editor' address=127.0.0.1" in line
        for line in lines
    ), result.stderr
    assert guess not in result.stderr
