"""Migration stories/0018: stored bodies lose the `rel="noopener nofollow ugc"` their links
were written with; nothing else in them changes."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dateline.stories.rendering import render_body
from tests.stories.test_tag_migration import migrate

BODY = (
    "See [the report](https://example.org/r?a=1&b=2) and [the minister](https://gov.example/m).\n\n"
    'A rel="noopener nofollow ugc" typed as text stays.'
)
# What render_body wrote for BODY before the migration.
BODY_HTML_BEFORE = (
    '<p>See <a href="https://example.org/r?a=1&amp;b=2" rel="noopener nofollow ugc">the report'
    '</a> and <a href="https://gov.example/m" rel="noopener nofollow ugc">the minister</a>.</p>\n'
    '<p>A rel="noopener nofollow ugc" typed as text stays.</p>\n'
)


@pytest.mark.django_db(transaction=True)  # the schema editor runs outside a transaction
def test_stored_bodies_become_what_the_renderer_writes_now():
    old = migrate([("stories", "0017_wire_listings")]).get_model
    edition = old("editions", "Edition").objects.create(code="en", name="English", language="en")
    Story = old("stories", "Story")
    linked = Story.objects.create(
        edition=edition, headline="a", lead=".", slug="a", body=BODY, body_html=BODY_HTML_BEFORE
    )
    unlinked = Story.objects.create(
        edition=edition,
        headline="b",
        lead=".",
        slug="b",
        body="Plain.",
        body_html="<p>Plain.</p>\n",
    )
    new = migrate([("stories", "0018_body_links_without_ugc")]).get_model
    stored = dict(new("stories", "Story").objects.values_list("pk", "body_html"))
    assert stored == {linked.pk: render_body(BODY), unlinked.pk: "<p>Plain.</p>\n"}
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
