"""An edition's masthead (its name, the other editions, its sections, the search box) and its
follow links, written once per process for each version of the furniture (and each current
section), then remembered (decision 0044): every page shows them, and they change only when
the furniture does, which gives the furniture a new version (`EditionChrome.version`)."""

from django.urls import get_script_prefix, get_urlconf
from markupsafe import Markup

from dateline.site.remembered import Remembered

# Editions × (sections + 1) for each version of the furniture still read.
MOST_MASTHEADS = 1_000


class Mastheads:
    """The template globals `masthead(edition, chrome, current)` and
    `follow_links(edition, chrome)`."""

    def __init__(self, environment) -> None:
        self._environment = environment
        self.remembered = Remembered(MOST_MASTHEADS)

    def __call__(self, edition, chrome, current=None) -> Markup:
        def write() -> Markup:
            template = self._environment.get_template("site/_masthead.html")
            return template.module.masthead(edition, chrome, current)

        if chrome is None or chrome.edition.pk != edition.pk:  # not this edition's furniture
            return write()
        key = (
            chrome.version,
            edition.code,
            current.pk if current is not None else None,
            get_urlconf(),
            get_script_prefix(),
        )
        return self.remembered.get(key, write)

    def follow_links(self, edition, chrome) -> Markup:
        def write() -> Markup:
            template = self._environment.get_template("site/_follow.html")
            return template.module.follow_links(chrome, edition.labels)

        if chrome.edition.pk != edition.pk:  # not this edition's furniture
            return write()
        return self.remembered.get(("follow", chrome.version, edition.code), write)
