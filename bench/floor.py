"""Python's floor for the page-cost benchmark (bench/pagecost.py): a raw WSGI application that
answers every request with the bytes of one file, read once at import. Whatever a Python page
costs beyond this is the framework's and Dateline's."""

import os
from pathlib import Path

BODY = Path(os.environ["DATELINE_BENCH_FLOOR_FILE"]).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
