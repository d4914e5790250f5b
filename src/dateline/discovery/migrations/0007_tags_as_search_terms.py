"""PostgreSQL's search documents gain their stories' tags as terms (`backends.tag_term`,
decision 0040), and the kept frequencies count each tag's stories, as `PostgresIndex.store`
now writes them. SQLite's index is unchanged: it looks a filter's tag up per match."""

from django.db import migrations

TAGGED = """(SELECT search.story_id, array_agg('#' || link.tag_id ORDER BY link.tag_id) AS terms
    FROM discovery_search AS search
    JOIN stories_story_tags AS link ON link.story_id = search.story_id
    GROUP BY search.story_id) AS tagged"""
ADD = [
    f"""UPDATE discovery_search SET document = document || array_to_tsvector(tagged.terms)
    FROM {TAGGED} WHERE discovery_search.story_id = tagged.story_id""",  # noqa: S608
    """INSERT INTO discovery_search_frequency (word, stories)
    SELECT '#' || link.tag_id, count(*) FROM discovery_search AS search
    JOIN stories_story_tags AS link ON link.story_id = search.story_id
    GROUP BY link.tag_id ORDER BY 1
    ON CONFLICT (word) DO UPDATE SET stories = EXCLUDED.stories""",
]
REMOVE = [
    f"""UPDATE discovery_search SET document = ts_delete(document, tagged.terms)
    FROM {TAGGED} WHERE discovery_search.story_id = tagged.story_id""",  # noqa: S608
    "DELETE FROM discovery_search_frequency WHERE left(word, 1) = '#'",
]


def run(statements):
    def step(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return step


class Migration(migrations.Migration):
    dependencies = [("discovery", "0006_related_entries_without_duplicate_indexes")]

    operations = [migrations.RunPython(run(ADD), run(REMOVE))]
