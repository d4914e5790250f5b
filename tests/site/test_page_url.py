"""Page links are reversed once per process (site.templating.page_url): the remembered answer
must be the one Django's reverse() gives for the same arguments, prefix and URL configuration."""

import pytest
from django.urls import reverse, set_script_prefix

from dateline.site.templating import page_url


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("site:front", {"edition": "en"}),
        ("site:article", {"edition": "fa", "code": 7, "slug": "سفر-لاوروف-به-تهران"}),
        ("site:article", {"edition": "en", "code": 7, "slug": "a-b_c"}),
        ("site:tag", {"edition": "en", "slug": "place-usa"}),
        ("site:section-feed", {"edition": "en", "slug": "world", "format": "atom"}),
    ],
)
def test_the_same_as_reverse(name, kwargs):
    assert page_url(name, **kwargs) == page_url(name, **kwargs) == reverse(name, kwargs=kwargs)


def test_each_script_prefix_has_its_own_answer():
    assert page_url("site:front", edition="en") == "/en/"
    set_script_prefix("/agency/")
    try:
        assert page_url("site:front", edition="en") == "/agency/en/"
    finally:
        set_script_prefix("/")
    assert page_url("site:front", edition="en") == "/en/"


def test_the_arguments_are_the_key():
    assert page_url("site:tag", edition="en", slug="oil") != page_url(
        "site:tag", edition="fa", slug="oil"
    )
    assert page_url("site:tag", edition="en", slug="oil") == "/en/tag/oil/"
