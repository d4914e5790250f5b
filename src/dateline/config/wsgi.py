"""WSGI entry point for gunicorn (or any WSGI server): `dateline.config.wsgi:application`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.config.settings")
application = get_wsgi_application()
