"""Web fonts installed by `make setup` (not kept in the repository): which page links which."""

from django.contrib.staticfiles import finders
from django.templatetags.static import static

# Vazirmatn's Arabic-script cut serves the languages written in it that site.css gives it to.
VAZIRMATN = "site/fonts/vazirmatn.css"
FONT_STYLESHEETS = {"fa": VAZIRMATN, "ar": VAZIRMATN}


def webfont_stylesheet(language: str) -> str | None:
    """The URL of the stylesheet declaring `language`'s web font, or None: a language that needs
    none (English pages never download Vazirmatn), or a set-up without npm (system fonts)."""
    path = FONT_STYLESHEETS.get(language)
    if path is None or finders.find(path) is None:
        return None
    try:
        return static(path)
    except ValueError:  # installed after the last collectstatic: not in the manifest yet
        return None
