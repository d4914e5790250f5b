import re

from django.core.management import call_command
from django.test import override_settings

from dateline.site.templating import static_url


def test_collectstatic_writes_hashed_and_compressed_files(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
    names = {path.name for path in (tmp_path / "site").iterdir()}
    hashed_css = [n for n in names if n.startswith("site.") and n.endswith(".css")]
    assert any(n.count(".") == 2 for n in hashed_css)  # site.<hash>.css
    assert any(n.endswith(".css.gz") for n in names)
    assert (tmp_path / "staticfiles.json").is_file()


def test_pages_name_the_static_files_as_the_storage_in_use_does(tmp_path):
    """`static_url` remembers each answer, and forgets them all when the settings change."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    assert static_url("site/site.css") == "/static/site/site.css"
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
        hashed = static_url("site/site.css")
    assert re.fullmatch(r"/static/site/site\.[0-9a-f]{12}\.css", hashed)
    assert static_url("site/site.css") == "/static/site/site.css"
