"""The search index on each database: SQLite FTS5 (embedded) and PostgreSQL full-text search
(at scale), one class each with the same methods, chosen by the connection's vendor
(decision 0023). Both hold, per public story, its normalised headline, lead and body (weighted
in that order), edition, section and publication time; the tables are made by
`discovery/migrations/0001_search_index.py`, which describes them.

Queries are written here from parsed terms (`discovery.query`), whose words are tokens of
letters and digits only: quoting them is enough to keep them words in either syntax.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

from dateline.discovery.query import SearchQuery, Term

TABLE = "discovery_search"
# How much a match in each field counts, headline first.
HEADLINE_WEIGHT, LEAD_WEIGHT, BODY_WEIGHT = 10.0, 4.0, 1.0
# Recency: a story published now counts (1 + RECENCY_BOOST) times its text relevance, one
# RECENCY_DAYS old (1 + RECENCY_BOOST / 2) times, and an old one about once. Equal matches
# come newest first; a much better match still wins over a newer, weaker one.
RECENCY_BOOST = 1.0
RECENCY_DAYS = 30.0


@dataclass(frozen=True)
class Document:
    """One story as the index holds it: normalised text (`text.index_text`) and what results
    are filtered by."""

    code: int
    edition_id: int
    section_id: int | None
    published_at: datetime.datetime
    headline: str
    lead: str
    body: str


@dataclass(frozen=True)
class Filters:
    edition_id: int
    section_id: int | None = None
    tag_id: int | None = None
    since: datetime.datetime | None = None  # inclusive
    until: datetime.datetime | None = None  # exclusive
    exclude: tuple[int, ...] = ()


def _delete_codes(code_column: str, after: int, upto: int | None, edition_id: int | None) -> None:
    """Remove every entry with a code in (after, upto] (of one edition, if given; no upper
    bound for None). `code_column` is how each backend's table names the news code."""
    where, params = [f"{code_column} > %s"], [after]
    if upto is not None:
        where.append(f"{code_column} <= %s")
        params.append(upto)
    if edition_id is not None:
        where.append("edition_id = %s")
        params.append(edition_id)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE {' AND '.join(where)}", params)  # noqa: S608


class SQLiteIndex:
    """An FTS5 table: the story's code is the rowid; edition, section and publication time
    (Unix seconds) ride along unindexed, to filter the matches by."""

    def store(self, documents: Sequence[Document]) -> None:
        with connection.cursor() as cursor:
            self._delete(cursor, [d.code for d in documents])
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, headline, lead, body, edition_id, section_id,"  # noqa: S608
                " published) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        d.code,
                        d.headline,
                        d.lead,
                        d.body,
                        d.edition_id,
                        d.section_id,
                        int(d.published_at.timestamp()),
                    )
                    for d in documents
                ],
            )

    def remove(self, codes: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            self._delete(cursor, codes)

    def _delete(self, cursor, codes: Sequence[int]) -> None:
        cursor.executemany(f"DELETE FROM {TABLE} WHERE rowid = %s", [(c,) for c in codes])  # noqa: S608

    def replace_range(
        self, documents: Sequence[Document], after: int, upto: int | None, edition_id: int | None
    ) -> None:
        """Remove every entry with a code in (after, upto] (of one edition, if given; no upper
        bound for None), then store `documents`."""
        _delete_codes("rowid", after, upto, edition_id)
        if documents:
            self.store(documents)

    def ranked(
        self, query: SearchQuery, filters: Filters, *, limit: int, offset: int, any_term=False
    ) -> list[int]:
        where, params = ["edition_id = %s"], [filters.edition_id]
        if filters.section_id is not None:
            where.append("section_id = %s")
            params.append(filters.section_id)
        if filters.since is not None:
            where.append("published >= %s")
            params.append(int(filters.since.timestamp()))
        if filters.until is not None:
            where.append("published < %s")
            params.append(int(filters.until.timestamp()))
        if filters.tag_id is not None:
            where.append("rowid IN (SELECT story_id FROM stories_story_tags WHERE tag_id = %s)")
            params.append(filters.tag_id)
        if filters.exclude:
            where.append(f"rowid NOT IN ({', '.join(['%s'] * len(filters.exclude))})")
            params.extend(filters.exclude)
        now = datetime.datetime.now(datetime.UTC).timestamp()
        # bm25() is negative, lower is better: the boost (above 1) makes a newer match lower.
        sql = (
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s AND {' AND '.join(where)}"  # noqa: S608
            f" ORDER BY bm25({TABLE}, {HEADLINE_WEIGHT}, {LEAD_WEIGHT}, {BODY_WEIGHT})"
            f" * (1 + {RECENCY_BOOST} / (1 + (%s - published) / 86400.0 / {RECENCY_DAYS})),"
            " rowid DESC LIMIT %s OFFSET %s"
        )
        match = (" OR " if any_term else " ").join(_fts5_term(t) for t in query.terms)
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, *params, now, limit, offset])
            return [row[0] for row in cursor.fetchall()]

    def word_counts(self, words: Sequence[str] | None) -> tuple[int, dict[str, int]]:
        """How many stories the index holds, and how many hold each of `words` (every word
        of the index for None), from FTS5's vocabulary table (migration 0002)."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
            total = cursor.fetchone()[0]
            if words is None:
                cursor.execute("SELECT term, doc FROM discovery_search_words")
            else:
                cursor.execute(
                    "SELECT term, doc FROM discovery_search_words WHERE term IN"  # noqa: S608
                    f" ({', '.join(['%s'] * len(words))})",
                    list(words),
                )
            return total, dict(cursor.fetchall())


def _fts5_term(term: Term) -> str:
    """`"word"`, `"two words"` (a phrase), `"wor"*` (a prefix). Words are letters and digits
    only (`text.tokens`), so the double quotes cannot be closed from inside."""
    return '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")


class PostgresIndex:
    """A table with one `tsvector` per story (headline weight A, lead B, body C) under a GIN
    index, made with the `simple` configuration: no stemming, no stop words, which suits
    text normalised for any language, Persian included."""

    def store(self, documents: Sequence[Document]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"""INSERT INTO {TABLE} (story_id, edition_id, section_id, published_at, document)
                VALUES (%s, %s, %s, %s, setweight(to_tsvector('simple', %s), 'A')
                    || setweight(to_tsvector('simple', %s), 'B')
                    || setweight(to_tsvector('simple', %s), 'C'))
                ON CONFLICT (story_id) DO UPDATE SET edition_id = EXCLUDED.edition_id,
                    section_id = EXCLUDED.section_id, published_at = EXCLUDED.published_at,
                    document = EXCLUDED.document""",  # noqa: S608
                [
                    (d.code, d.edition_id, d.section_id, d.published_at, d.headline, d.lead, d.body)
                    for d in documents
                ],
            )

    def remove(self, codes: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE story_id = ANY(%s)", [list(codes)])  # noqa: S608

    def replace_range(
        self, documents: Sequence[Document], after: int, upto: int | None, edition_id: int | None
    ) -> None:
        """As `SQLiteIndex.replace_range`."""
        _delete_codes("story_id", after, upto, edition_id)
        if documents:
            self.store(documents)

    def ranked(
        self, query: SearchQuery, filters: Filters, *, limit: int, offset: int, any_term=False
    ) -> list[int]:
        where, params = ["document @@ q", "edition_id = %s"], [filters.edition_id]
        if filters.section_id is not None:
            where.append("section_id = %s")
            params.append(filters.section_id)
        if filters.since is not None:
            where.append("published_at >= %s")
            params.append(filters.since)
        if filters.until is not None:
            where.append("published_at < %s")
            params.append(filters.until)
        if filters.tag_id is not None:
            where.append("story_id IN (SELECT story_id FROM stories_story_tags WHERE tag_id = %s)")
            params.append(filters.tag_id)
        if filters.exclude:
            where.append("story_id <> ALL(%s)")
            params.append(list(filters.exclude))
        # ts_rank_cd's default weights count A (headline) 1.0, B (lead) 0.4, C (body) 0.2.
        sql = (
            f"SELECT story_id FROM {TABLE}, to_tsquery('simple', %s) AS q"  # noqa: S608
            f" WHERE {' AND '.join(where)}"
            f" ORDER BY ts_rank_cd(document, q) * (1 + {RECENCY_BOOST} / (1 + EXTRACT(EPOCH FROM"
            f" (now() - published_at)) / 86400.0 / {RECENCY_DAYS})) DESC, story_id DESC"
            " LIMIT %s OFFSET %s"
        )
        tsquery = (" | " if any_term else " & ").join(_tsquery_term(t) for t in query.terms)
        with connection.cursor() as cursor:
            cursor.execute(sql, [tsquery, *params, limit, offset])
            return [row[0] for row in cursor.fetchall()]

    def word_counts(self, words: Sequence[str] | None) -> tuple[int, dict[str, int]]:
        """As `SQLiteIndex.word_counts`; all words (None) from `ts_stat`, a full scan."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
            total = cursor.fetchone()[0]
            if words is None:
                cursor.execute(f"SELECT word, ndoc FROM ts_stat('SELECT document FROM {TABLE}')")  # noqa: S608
            else:
                cursor.execute(
                    f"SELECT word, (SELECT count(*) FROM {TABLE} WHERE document @@"  # noqa: S608
                    " to_tsquery('simple', quote_literal(word))) FROM unnest(%s::text[]) AS word",
                    [list(words)],
                )
            return total, dict(cursor.fetchall())


def _tsquery_term(term: Term) -> str:
    """`'word'`, `('two' <-> 'words')`, `'wor':*`. Words are letters and digits only, so the
    single quotes cannot be closed from inside."""
    quoted = [f"'{word}'" for word in term.words]
    if term.prefix:
        quoted[-1] += ":*"
    return "(" + " <-> ".join(quoted) + ")"


def backend() -> SQLiteIndex | PostgresIndex:
    """The index of the database in use: the vendor decides, no setting."""
    return BACKENDS[connection.vendor]


BACKENDS = {"sqlite": SQLiteIndex(), "postgresql": PostgresIndex()}
