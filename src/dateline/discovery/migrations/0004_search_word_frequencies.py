"""How many stories of the search index hold each word, kept by `discovery.backends` as
entries are stored and removed (decision 0030): Related News weighs a story's words by it, and
counting them in the index reads a common word's whole list of stories, which at a million
stories takes seconds. The row of the empty word counts the stories. Filled here from the
index as it stands."""

from django.db import migrations

CREATE = """CREATE TABLE discovery_search_frequency (
    word text NOT NULL PRIMARY KEY,
    stories integer NOT NULL)"""
FILL = {
    "sqlite": [
        "INSERT INTO discovery_search_frequency (word, stories)"
        " SELECT term, doc FROM discovery_search_words",
    ],
    "postgresql": [
        "INSERT INTO discovery_search_frequency (word, stories)"
        " SELECT word, ndoc FROM ts_stat('SELECT document FROM discovery_search')",
    ],
}
COUNT = (
    "INSERT INTO discovery_search_frequency (word, stories)"
    " SELECT '', count(*) FROM discovery_search"
)


def create(apps, schema_editor):
    schema_editor.execute(CREATE)
    for statement in FILL[schema_editor.connection.vendor]:
        schema_editor.execute(statement)
    schema_editor.execute(COUNT)


def drop(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS discovery_search_frequency")


class Migration(migrations.Migration):
    dependencies = [("discovery", "0003_related_model")]

    operations = [migrations.RunPython(create, drop)]
