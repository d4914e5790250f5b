"""WSGI entry point for gunicorn (or any WSGI server): `dateline.config.wsgi:application`.

Django's handler behind the kept pages' fast path (dateline.site.fast_path, decision 0035).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.config.settings")
django_application = get_wsgi_application()

from dateline.site.fast_path import FastPageApplication  # noqa: E402  (needs Django set up)

application = FastPageApplication(django_application)
