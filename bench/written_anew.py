"""Dateline for the page-cost benchmark with nothing of an article remembered from one request
to the next: each request writes the article's head and story anew, as the first request in a
web process does after the story itself changed (decision 0059)."""

from dateline.config.wsgi import application as dateline_application
from dateline.site import article_parts


def application(environ, start_response):
    article_parts.forget()
    return dateline_application(environ, start_response)
