"""How deep a list pages: whole pages only, for any page size."""

import pytest
from django.http import Http404

from dateline.site.pagination import MAX_OFFSET, max_page, page_number


@pytest.mark.parametrize("per_page", [1, 10, 20, 30, 7])
def test_the_deepest_page_is_a_whole_page_number_within_the_offset_cap(per_page):
    deepest = max_page(per_page)
    assert isinstance(deepest, int)
    assert (deepest - 1) * per_page <= MAX_OFFSET < deepest * per_page
    assert page_number(str(deepest), per_page) == deepest
    with pytest.raises(Http404):
        page_number(str(deepest + 1), per_page)
