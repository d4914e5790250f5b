"""Health checks answer on either scheme and under any Host in the production profile (a load
balancer names the backend's address); everything else redirects, or is refused."""

from tests.processes import dateline_env, run_dateline

PRODUCTION = {
    "DATELINE_PROFILE": "production",
    "SECRET_KEY": "k" * 20 + "Zq8#vR2!mX9@pL4$wT7%nB1^cY6&hJ3*dF5(",
    "DATELINE_ALLOWED_HOSTS": "news.example.org",
}
PROBE = """
from django.test import Client
client = Client(HTTP_HOST="news.example.org")
for path, secure in (("/healthz", False), ("/healthz", True), ("/en/", False)):
    response = client.get(path, secure=secure)
    print(path, secure, response.status_code, response.content.decode()[:20] or "-")
probe = Client(HTTP_HOST="10.0.0.5:8000")
for path in ("/healthz", "/en/"):
    print("probe", path, probe.get(path).status_code)
"""


def test_healthz_answers_ok_over_plain_http_and_https_in_production(tmp_path):
    result = run_dateline("shell", "-v0", "-c", PROBE, env=dateline_env(tmp_path, **PRODUCTION))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "/healthz False 200 ok" in lines
    assert "/healthz True 200 ok" in lines
    # The exemption is for the health check alone: pages still move to HTTPS.
    assert "/en/ False 301 -" in lines
    assert "probe /healthz 200" in lines
    assert "probe /en/ 400" in lines  # the allowed hosts still hold for everything else
