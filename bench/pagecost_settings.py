"""Dateline's settings with bench/urls.py, which adds `/bench-minimal` (a plain Django view)
in front of the site's URLs: the page-cost benchmark's gunicorn serves both."""

from dateline.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
