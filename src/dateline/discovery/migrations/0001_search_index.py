"""The search index's table, in the form the database in use runs best (decision 0023): an FTS5
table on SQLite (the story's code is the rowid; edition, section and publication time in Unix
seconds ride along unindexed), a tsvector per story under a GIN index on PostgreSQL. It is
filled by `dateline reindex` and kept current from the change log (`discovery.indexing`).

No foreign key to the stories on either: Django's `flush` (and the test runner's) truncates the
tables it knows, and PostgreSQL refuses to truncate a table another one references. A deleted
story's entry is removed by a receiver; a stale one is never shown (results pass `public()`)."""

from django.db import migrations

CREATE = {
    "sqlite": [
        """CREATE VIRTUAL TABLE discovery_search USING fts5(
            headline, lead, body, edition_id UNINDEXED, section_id UNINDEXED,
            published UNINDEXED, tokenize = 'unicode61 remove_diacritics 0')""",
    ],
    "postgresql": [
        """CREATE TABLE discovery_search (
            story_id bigint PRIMARY KEY,
            edition_id bigint NOT NULL,
            section_id bigint NULL,
            published_at timestamp with time zone NOT NULL,
            document tsvector NOT NULL)""",
        "CREATE INDEX discovery_search_document ON discovery_search USING GIN (document)",
    ],
}


def create(apps, schema_editor):
    for statement in CREATE[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS discovery_search")


class Migration(migrations.Migration):
    dependencies = [("stories", "0004_section_comment_policy_story_comment_policy_and_more")]

    operations = [migrations.RunPython(create, drop)]
